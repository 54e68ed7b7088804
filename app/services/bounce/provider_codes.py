"""Providers' own documented codes and replies, which name the cause outright.

Some mail providers end every refusal with their own code ("OFR_506", "IB212",
"AUP#CXBL", "mail.i.ua/err/4") or answer with a fixed, documented sentence. Where the
provider's postmaster page says what that code or sentence means, it decides: the words
around a code are often the same for several causes ("Service refuse" is said by Orange for a
blocked IP and for a busy server), and a documented sentence may carry a status code that
says something else (Gmail's 4.7.23 "doesn't have a PTR record", Microsoft's 5.2.2
"Submission quota exceeded").

``reasons.decide`` asks ``documented_reason`` before its own probes; a vendor module's hint read
from the report's own format still comes first. Pure data and two lookups: codes by regex,
sentences by substring (lower-case text), no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# --- codes ------------------------------------------------------------------------------------
# Orange/Wanadoo and La Poste (postmaster.orange.fr error codes, as quoted by Postmastery's
# "Orange postmaster SMTP error codes" and the sisimai project's FrancePTT table): "OFR_506",
# "OFR004_104", "LPN105_405", "LPNAAA_101", "OUK_513", "LPN416"; the last three digits name
# the cause, a trailing "X" in the table standing for any last digit (20X: an invalid HELO,
# 39X: the sender domain's SPF, 99X: rate limited for bad behaviour). Codes the pages give no
# single cause for (105, 108, 423, 424, 513) are left to the words, and so is 104 ("Trop de
# connexions", too_many_conn from its words): it is also seen after "Service refuse", a block.
_ORANGE_RE = re.compile(r"\b(?:ofr|lpn|ouk)(?:aaa|\d{3})?[_-]?(\d{3})\b")
_ORANGE: dict[str, str] = {
    "100": "blocked", "101": "blocked", "102": "blocked", "103": "blocked",
    "107": "require_ptr", "109": "speeding", "20X": "blocked", "39X": "auth_failure",
    "305": "security_error", "401": "auth_failure", "402": "security_error",
    "403": "rejected", "405": "rejected", "415": "rejected", "416": "user_unknown",
    "417": "mailbox_full", "418": "user_unknown", "420": "suspend", "421": "rejected",
    "425": "rejected", "426": "suspend", "505": "system_error", "506": "spam_detected",
    "510": "blocked", "514": "message_too_big", "515": "auth_failure", "517": "auth_failure",
    "519": "auth_failure", "630": "policy_violation", "99X": "speeding",
}


def _orange(code: str) -> str | None:
    return _ORANGE.get(code) or _ORANGE.get(code[:2] + "X")


# GoDaddy ("What does my email bounceback mean?", godaddy.com help 40685): " IB212".
_GODADDY_RE = re.compile(r"\bib(\d{3})\b")
_GODADDY: dict[str, str] = {
    "401": "security_error", "501": "not_compliant_rfc", "502": "not_compliant_rfc",
    "506": "rejected", "508": "auth_failure", "108": "require_ptr", "212": "spam_detected",
    "705": "virus_detected", "605": "too_many_conn", "007": "too_many_conn",
    "101": "speeding", "110": "blocked", "111": "blocked", "112": "blocked",
    "113": "blocked", "504": "speeding", "510": "speeding", "607": "speeding",
    "103": "bad_reputation", "104": "blocked", "105": "blocked", "106": "blocked",
}
# Cox ("Email error codes", cox.com business support): "AUP#CXBL", "AUP#IPBL0001".
_COX_RE = re.compile(r"aup#(cx[a-z]+|cdrbl|ipbl\d+|urlbl\d+)")
_COX: dict[str, str] = {
    "cxbl": "blocked", "cxdns": "require_ptr", "cxsndr": "auth_failure",
    "cxsmtp": "rejected", "cxcnct": "too_many_conn", "cxmxrt": "too_many_conn",
    "cdrbl": "blocked", "cxthrt": "security_error", "cxmj": "security_error",
}
# Spectrum/Charter ("Understanding email error codes", spectrumbusiness.net): "AUP#I-1000"
# (incoming), "AUP#O-1500" (outgoing), also written "AUP#In-1310"; ranges of numbers share a
# cause.
_SPECTRUM_RE = re.compile(r"aup#[a-z]{0,3}-?(\d{4})\b")
_SPECTRUM: tuple[tuple[int, int, str], ...] = (
    (1000, 1000, "blocked"), (1010, 1080, "rejected"), (1090, 1090, "system_error"),
    (1100, 1150, "require_ptr"), (1160, 1190, "policy_violation"), (1200, 1250, "blocked"),
    (1260, 1260, "network_error"), (1300, 1340, "too_many_conn"), (1350, 1490, "speeding"),
    (1500, 1520, "rejected"), (1530, 1530, "message_too_big"), (1540, 1550, "speeding"),
    (1560, 1560, "policy_violation"), (1580, 1580, "speeding"),
)
# SFR (Postmastery's "SFR and SMTP error codes SFR_IN_XXX"): "SFR_IN_101"; the first digit is
# SFR's own, the last two name why the sending IP is refused for two hours: 01 too many spams,
# 02 viruses, 03 SMTP errors, 04 unknown users (all a block of the IP), 05 volume.
_SFR_RE = re.compile(r"\bsfr_in_\d(\d{2})\b")
_SFR: dict[str, str] = {"01": "blocked", "02": "blocked", "03": "blocked", "04": "blocked",
                        "05": "speeding"}
# I.UA (mail.i.ua/err/N, the page each refusal links to).
_IUA_RE = re.compile(r"\.i\.ua/err/(\d+)")
_IUA: dict[str, str] = {
    "1": "no_relaying", "2": "user_unknown", "3": "suspend", "4": "mailbox_full",
    "5": "too_many_conn", "6": "no_relaying", "7": "blocked", "8": "rejected",
    "9": "blocked", "10": "filtered",
}
# Tencent QQ Mail: each refusal links its help page service.mail.qq.com/detail/122/N.
_QQ_RE = re.compile(r"service\.mail\.qq\.com/detail/122/(\d+)")
_QQ: dict[str, str] = {
    "57": "blocked", "66": "blocked", "170": "blocked", "168": "message_too_big",
    "166": "speeding", "172": "speeding", "173": "speeding", "174": "speeding",
    "175": "speeding", "1011": "speeding", "71": "rejected", "92": "rejected",
    "59": "spam_detected", "171": "spam_detected", "167": "syntax_error",
    "169": "user_unknown", "72": "auth_failure",
}


# AOL (now Yahoo) postmaster "Error codes" page (postmaster.aol.com/error-codes, also the
# labels of ZoneMTA's bounces.txt): "(RTR:BL)", "RLY:B2", "CON:B1"; the group says what was
# checked (RTR/CON: the connecting IP, RLY: its traffic), the letters why. DYN (a dynamic
# range, or its rate: sources differ) and HVU (a listed URL/IP in the message) are left to
# the words.
_AOL_RE = re.compile(r"\b((?:rtr|rly|con):[a-z]{1,2}\d?)\b")
_AOL: dict[str, str] = {
    "rtr:bb": "blocked", "rtr:du": "blocked", "rtr:ch": "blocked", "rtr:bl": "blocked",
    "rtr:sc": "blocked", "rtr:ge": "blocked", "rtr:rd": "require_ptr",
    "rly:b1": "blocked", "rly:b2": "blocked", "rly:b3": "blocked", "rly:bl": "blocked",
    "rly:bd": "blocked", "rly:ch": "blocked", "rly:ir": "blocked",
    "rly:sn": "rejected", "con:b1": "blocked",
}


def _spectrum(number: str) -> str | None:
    value = int(number)
    return next((reason for low, high, reason in _SPECTRUM if low <= value <= high), None)


def _cox(code: str) -> str | None:
    # IPBLnnnn: the sending IP on one or more named DNSBLs; URLBLnnn: a URL of the body on one
    if code.startswith("ipbl"):
        return "blocked"
    if code.startswith("urlbl"):
        return "spam_detected"
    return _COX.get(code)


_CODES: tuple[tuple[re.Pattern[str], Callable[[str], str | None]], ...] = (
    (_ORANGE_RE, _orange), (_GODADDY_RE, _GODADDY.get), (_COX_RE, _cox),
    (_SPECTRUM_RE, _spectrum), (_IUA_RE, _IUA.get), (_QQ_RE, _QQ.get), (_SFR_RE, _SFR.get),
    (_AOL_RE, _AOL.get),
)
# Every code above holds one of these: most texts skip the regexes.
_CODE_MARKS = ("ofr", "lpn", "ouk", "ib", "aup#", "i.ua/err/", "qq.com/detail/", "sfr_in_",
               "rtr:", "rly:", "con:")

# --- documented sentences (lower-case substrings) ---------------------------------------------
SENTENCES: tuple[tuple[str, str], ...] = (
    # Gmail / Google Workspace "SMTP errors and codes" (support.google.com/a/answer/3726730)
    # and "Email sender guidelines" (support.google.com/mail/answer/81126).
    ("senders to authenticate with spf", "auth_failure"),
    ("senders to authenticate their email with spf", "auth_failure"),
    ("senders to authenticate their email with dkim", "auth_failure"),
    ("senders to authenticate with dkim", "auth_failure"),
    ("aligned with either the authenticated spf or dkim", "auth_failure"),
    ("try again later, closing connection", "blocked"),
    ("mail sent from your ip address has been blocked", "blocked"),
    ("helo/ehlo argument", "blocked"),  # "... is invalid", "Empty ... not allowed"
    ("connection expired, try reconnecting", "expired"),
    ("invalid credentials for relay", "no_relaying"),
    ("missing a valid address in the from: header", "not_compliant_rfc"),
    ("multiple addresses in the from: header", "not_compliant_rfc"),
    ("missing a valid message-id: header", "not_compliant_rfc"),
    ("unicode character in a disallowed header", "not_compliant_rfc"),
    ("encoded-word syntax is not permitted", "not_compliant_rfc"),
    ("mail sending denied", "rejected"),
    ("account has been temporarily suspended due to abuse", "rejected"),
    ("have a ptr record, or the ptr record", "require_ptr"),
    ("too many login attempts", "security_error"),
    ("username and password not accepted", "security_error"),
    ("senders to use tls/ssl for smtp", "security_error"),
    ("due to the nature of the content or the links within", "spam_detected"),
    ("peak smtp relay limit exceeded", "speeding"),
    ("daily user sending limit exceeded", "speeding"),
    ("daily smtp relay limit exceeded", "speeding"),
    ("daily smtp relay sending limit exceeded", "speeding"),
    ("smtp protocol violation", "syntax_error"),
    ("mail server temporarily rejected message", "system_error"),
    ("mail server has temporarily rejected this message", "system_error"),
    # Microsoft: "Email non-delivery reports and SMTP errors in Exchange Online" and "Fix email
    # delivery issues for error code 451 4.7.500-699 (ASxxx)" (learn.microsoft.com); Outlook.com
    # postmaster (RP-001/RP-002 rate limits).
    ("access denied, please try again later", "blocked"),
    ("access denied, rejected by recipient", "blocked"),
    ("hosted tenant which has no mail-enabled subscriptions", "not_accept"),
    ("x-dg-ref header is too long", "policy_violation"),
    ("sender was not authenticated by organization", "rejected"),
    ("content filter agent quarantined this message", "spam_detected"),
    ("recipient thread limit exceeded", "speeding"),
    ("submission quota exceeded", "speeding"),
    ("we have limits for how many messages can be sent per hour", "speeding"),
    ("5.7.504 recipient address rejected: access denied", "user_unknown"),
    ("access denied, banned recipient", "suspend"),
    ("access denied, tenant has exceeded threshold", "blocked"),  # 5.7.700-749: tenant banned
    ("external senders aren't permitted to send to this group", "policy_violation"),  # 5.7.193
    ("sendasdenied", "rejected"),  # 5.2.252: no permission to send as that address
    ("mailbox cannot be accessed", "suspend"),
    ("service not active", "system_error"),
    ("journaling archive is disabled", "system_error"),
    ("pfa agent busy", "system_error"),
    ("recipient address reserved by rfc 2606", "user_unknown"),
    # Exchange Server's own NDR texts ("NDRs in Exchange Server", the older 5.x.x list)
    ("destination mailbox address ambiguous", "system_error"),
    ("resolver.adr.ambiguous", "system_error"),
    # Lotus Domino's NDR for a name that matches several directory entries (ambiguous, as above)
    ("several matches found in domino directory", "system_error"),
    ("mailing list expansion problem", "system_error"),
    ("agent generated message depth exceeded", "content_error"),
    ("smtpsend.dns.mxloopback", "network_error"),
    ("recipient addresses in single label domains not accepted", "user_unknown"),
    # Yahoo/AOL "SMTP error codes" (senders.yahooinc.com/smtp-error-codes).
    ("due to unresolvable rfc.5321 from domain", "rejected"),
    # "All messages from <IP> will be permanently deferred": Yahoo refuses the sending IP (its
    # reputation), not the sender address
    ("permanently deferred", "blocked"),  # [TSS09]/[TSS11]/[TS03]
    ("excessive unknown recipients", "blocked"),  # "VS1-IP ... - possible Open Relay"
    ("max message per connection reached", "too_many_conn"),
    # GoDaddy's bounce texts without an IB code (godaddy.com help 40685).
    ("delivery timeout", "expired"),
    ("account storage limit", "mailbox_full"),
    # its generic refusal lists several causes, the missing account first (KumoMTA's community
    # bounce rules file it under InvalidRecipient)
    ("the account or domain may not exist", "user_unknown"),
    # Cox "Email error codes" (cox.com business support).
    ("dns check failure - try again later", "require_ptr"),
    ("rejected - no rdns", "require_ptr"),
    ("too many bad commands from", "blocked"),
    ("too many invalid recipients", "blocked"),  # also GoDaddy IB112/IB113's words
    ("esmtp no data before greeting", "policy_violation"),
    ("message threshold exceeded", "too_many_conn"),
    # Tencent QQ Mail's help pages (service.mail.qq.com/detail/122/...).
    ("suspected bounce attacks", "blocked"),
    ("suspected spam ip", "blocked"),
    ("frequency limited", "speeding"),
    ("frequency of receiving messages is limited", "speeding"),
    ("mailbox unavailable or access denined", "speeding"),
    ("mail content denied", "spam_detected"),
    ("spam is embedded in the email", "spam_detected"),
    ("is a deactivated mailbox", "suspend"),
    # Free (postmaster.free.fr) and SFR: the sending IP refused after too many SMTP errors.
    ("too many errors", "blocked"),
    # Zoho Mail (smtpfieldmanual.com/provider/zoho, zohodesk-oas EmailFailureAlert).
    ("mailbox delivery restricted by policy", "policy_violation"),
    # Broadcom Email Security.cloud (formerly MessageLabs) knowledge base articles.
    ("connection rejected by policy", "bad_reputation"),
    ("tls/sslv3 connection required", "security_error"),
    ("requested action aborted [4]", "not_compliant_rfc"),
    ("too many recipients received this hour", "speeding"),
    ("your email address has been blocked", "rejected"),
    ("your domain has been blocked", "rejected"),
    ("envelope sender is in my badmailfrom list", "rejected"),
    ("recipient mailbox is not allowed", "user_unknown"),
    # Mimecast "SMTP error codes" (community.mimecast.com).
    ("internal resources are temporarily unavailable", "bad_reputation"),
    ("local ct ip reputation", "bad_reputation"),
    ("ip temporarily blacklisted", "blocked"),
    ("journal messages past the expiration", "expired"),
    ("maximum email size exceeded", "message_too_big"),
    ("incorrect hostname used for inbounds", "network_error"),
    ("account inbounds disabled", "not_accept"),
    ("block policy for header from", "rejected"),
    ("submitter failed to authenticate", "security_error"),
    ("this route requires", "security_error"),
    ("configuration is invalid for this certificate", "security_error"),
    ("account service is temporarily unavailable", "too_many_conn"),
    ("exceeding outbound thread limit", "too_many_conn"),
    # "a virus, or a spam score over the maximum threshold": its signature's name says which
    ("mcspamsignature", "spam_detected"),
    ("email rejected due to security policies", "virus_detected"),
)


def documented_reason(text: str) -> str | None:
    """The reason a provider's documented code or sentence in ``text`` (lower-case) names,
    or None."""
    if any(mark in text for mark in _CODE_MARKS):
        for pattern, lookup in _CODES:
            for match in pattern.finditer(text):
                reason = lookup(match.group(1))
                if reason:
                    return reason
    return next((reason for sentence, reason in SENTENCES if sentence in text), None)
