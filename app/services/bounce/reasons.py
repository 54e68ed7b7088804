"""Turn one diagnostic (SMTP reply, DSN fields, a bounce's sentence) into CLI.md's
(category, reason).

Used at send time (replies to MAIL/RCPT/DATA), by the DSN reader and by every free-text and
vendor reader. Pure functions, regexes compiled once, no I/O.

How a reason is decided (``decide``), and why in this order:
1. a reason a vendor module read from its own documented codes wins, unless it is one of the
   vague ones (``VAGUE``: undefined, on_hold, system_error, ...) that a text may sharpen;
2. a 2.x.x status is a delivery; a provider's documented code or sentence (``provider_codes``:
   Orange's "OFR_506", GoDaddy's "IB212", Gmail's and Microsoft's fixed replies) decides;
3. the *probes*, in ``PROBE_ORDER``: each asks "is it me?" from the status code and the text
   together. Causes that say *who* is at fault come before the generic ones: a mailbox that
   is full, a message too big, a suspended or moved account, relaying or SPF/DKIM/DMARC
   refused, then the unknown user, then sender-side refusals (policy, reputation, sender
   address, blocklisted IP). A 5.1.1 whose text says "blocked using Spamhaus" is about the
   sender's IP, so the unknown-user probe steps aside when the text names a sender-side
   cause; and "user unknown" said after DATA is a content filter, not a missing mailbox;
4. otherwise the status code's registered meaning (RFC 3463 and the IANA registry of
   enhanced status codes, plus Microsoft 365's documented 5.7.5xx/6xx/7xx codes), sharpened
   by the text where that meaning is vague (``FALLBACK_ORDER``);
5. otherwise the class: x.6.x content, x.7.x security, a local program's failure, the SMTP
   command refused (EHLO/HELO refused = the sending host is blocked), the basic reply code;
6. nothing said at all: ``on_hold`` when there is a diagnostic, else ``undefined``.

Speed: within one ``decide`` each reason's alternation is searched at most once (``_Seen``),
and only when the text holds one of the literals every match of it must contain (computed
from the rules at import by ``phrase_index``): most diagnostics name one cause, so most
searches never run.
"""

from __future__ import annotations

import re

from app.services.bounce.phrase_index import (
    NEEDS,
    PHRASES,
    PIECES,
    RULE_PATTERNS,
    RULES_CHECKED,
    WEAK_PHRASES,
    pieces,
)
from app.services.bounce.provider_codes import documented_reason
from app.services.bounce.taxonomy import (
    GENERIC_CODES,
    REASON_CATEGORY,
    STATUS_REASON,
    VAGUE,
)

# The probes, in order (see the module docstring).
PROBE_ORDER = ("mailbox_full", "message_too_big", "exceed_limit", "suspend", "has_moved",
               "require_ptr", "no_relaying", "auth_failure", "user_unknown", "spam_detected",
               "virus_detected", "filtered", "not_compliant_rfc", "bad_reputation",
               "content_error", "rejected", "host_unknown", "too_many_conn", "speeding",
               "blocked")
# Causes on the sender's side (its IP, domain, authentication, content): when the text names
# one of these and the status code a recipient-side cause, the text is right (a 5.1.1 "blocked
# using Spamhaus"), and the other way round the code is.
SENDER_SIDE = frozenset({"blocked", "bad_reputation", "auth_failure", "require_ptr", "rejected",
                         "no_relaying", "spam_detected", "virus_detected", "policy_violation",
                         "security_error", "speeding", "not_compliant_rfc", "content_error"})
# When the status code's meaning is vague (or absent), the text decides among these.
FALLBACK_ORDER = ("mailbox_full", "auth_failure", "bad_reputation", "speeding",
                  "spam_detected", "virus_detected", "policy_violation", "filtered",
                  "no_relaying",
                  "expired", "system_error", "network_error", "suspend", "content_error",
                  "system_full", "not_accept", "security_error", "mailer_error",
                  "syntax_error", "blocked")
# Sender-side causes that a recipient-side code's vague meaning does not outweigh.
_SENDER_CAUSES = ("blocked", "bad_reputation", "auth_failure", "require_ptr", "rejected",
                  "no_relaying")
# Sender-side causes: a text naming one of these is not about a missing mailbox.
_NOT_THE_MAILBOX = tuple(sorted(SENDER_SIDE)) + ("mailbox_full", "has_moved", "not_accept")
_NEVER_EXISTED = re.compile(r"inexistant|n'existe pas|does not exist|doesn't exist|no such user"
                            r"|no existe|non esiste|n[ãa]o existe|existiert nicht"
                            r"|не существует|存在しません")
# "quota"/"limit exceeded" said of the *sender's* sending allowance, not of a mailbox (Gmail
# 5.4.5 "Daily user sending quota exceeded", Microsoft 5.2.121 "per hour message receive
# limit from specific sender exceeded").
_NOT_FULL = re.compile(r"sending (?:quota|limit)|submission quota|receive limit|email quota"
                       r"|(?:hourly|daily|per hour|per day)[^.;\n]{0,20}(?:limit|quota)"
                       r"|recipientthresholdexceeded|message rate|queue quota")
# A named blocklist is a block even when its name says "reputation" (Barracuda Reputation
# Block List, Trend Micro Email Reputation Services).
_NAMED_BLOCKLIST = re.compile(r"blocked using|barracuda reputation|email reputation service"
                              r"|ers-rbl|spamhaus|spamcop|dnsbl|\brbl\b")
# Postfix's RBL reply names what it looked up: "Client host [h]" / "Helo command [h]" /
# "Sender address [a]" blocked using a list. A URI list (URIBL, SURBL, Spamhaus DBL) consulted
# there lists the sending host's or the sender's domain, not a URL of the body (ZoneMTA's
# bounces.txt files these under "spam").
_HOST_OR_SENDER_LISTED = re.compile(r"(?:client host|helo command|sender address|client) "
                                    r"\[[^\]\n]{1,120}\] blocked (?:using|by)")
# "Your IP identified as spammer": the sending IP is judged, not this message's content.
_IP_AS_SPAMMER = re.compile(r"\bip(?: address)?\b[^.;\n]{0,60}\bspammer")
# The sender's own address or domain on a list: the envelope sender refused, not the IP.
_SENDER_LISTED = re.compile(r"sender (?:address|domain)|\bdbl\b|rhsbl|from domain")
# The recipient refused, whatever the stage the refusal is reported at (a gateway that
# relays its RCPT refusals at DATA; Sendmail's "503 All recipients are invalid").
_RECIPIENT_REFUSED = re.compile(r"recipient address(?:es)? rejected"
                                r"|all recipients are invalid|no valid recipients")
# Sendmail gives its own "Host does not accept mail" (the recipient's domain has a null MX)
# RFC 7505's *sender* code 5.7.27: that text is about the recipient's domain.
_RECIPIENT_NULL_MX = re.compile(r"host does not accept mail")
# Vague reasons that still say on which side the problem is: a vendor's hint of one of these
# beats the weak "blocked" words.
_HINT_OVER_WEAK = frozenset({"user_unknown", "host_unknown", "not_accept", "filtered",
                             "expired", "network_error"})
# SMTP commands before DATA: a refusal there cannot be about the message's content.
_BEFORE_DATA = frozenset({"CONN", "EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT"})

_BASIC_CODE: dict[int, str] = {
    421: "system_error", 450: "system_error", 451: "system_error", 452: "system_full",
    454: "security_error", 455: "system_error",
    500: "syntax_error", 501: "syntax_error", 502: "syntax_error", 503: "syntax_error",
    504: "syntax_error", 521: "not_accept", 523: "message_too_big", 530: "security_error",
    534: "security_error", 535: "security_error", 538: "security_error",
    550: "on_hold", 551: "has_moved", 552: "mailbox_full", 553: "on_hold", 554: "on_hold",
    555: "syntax_error", 556: "not_accept",
}

ENHANCED_RE = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?!\.?\d)")
_REPLY_ENH_RE = re.compile(r"(?<![\d.])([245]\d\d)[ -]#?[245]\.\d{1,3}\.\d{1,3}")
# A bare reply code only where replies are quoted: text start, after "said:", a quote, "<<<".
_REPLY_RE = re.compile(r"(?:^|[:'\"(<>#]\s*|\bsaid:?\s*|\breturned\s*)"
                       r"([245]\d\d)(?![\d.])(?=[ :-]|$)",
                       re.IGNORECASE)
_MAX_TEXT = 4096



def is_temporary(reply: int | None, status: str | None) -> bool:
    if reply is not None:
        return 400 <= reply < 500
    return bool(status and status.startswith("4."))


_COMMAND_RE = re.compile(
    r"in reply to (rcpt to|mail from|end of data|data|helo|ehlo|starttls|auth)\b"
    r"|after (rcpt to|mail from|end of data|data|helo|ehlo|starttls|initial connection)\b"
    r"|>>> (rcpt to|mail from|data|helo|ehlo)\b|\b(rcpt to|mail from):?\s*<")


def command_of(text: str) -> str | None:
    """The SMTP command a diagnostic says was refused (RCPT, MAIL, DATA, EHLO...), if any."""
    match = _COMMAND_RE.search(text[:_MAX_TEXT].lower()) if text else None
    if not match:
        return None
    word = next(g for g in match.groups() if g)
    return {"rcpt to": "RCPT", "mail from": "MAIL", "end of data": "DATA", "data": "DATA",
            "initial connection": "CONN"}.get(word, word.upper())


class _Seen(dict):
    """Which reasons a text names, computed once per reason and strength within one
    ``decide`` call: the probes, the arbitration and the fallback ask about the same reasons
    again and again, and each answer costs a search of a large alternation."""

    __slots__ = ("pieces", "text")

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        self.pieces: frozenset[str] | None = None

    def __missing__(self, key: tuple[str, bool]) -> bool:
        reason, weak = key
        table = WEAK_PHRASES if weak else PHRASES
        found = False
        if reason in table:
            needs = PIECES.get(key)
            if needs is not None:
                if self.pieces is None:
                    self.pieces = pieces(self.text)
                if needs.isdisjoint(self.pieces):
                    self[key] = False
                    return False
                # a piece is there: one of the literals themselves, before the search
                text = self.text
                for lit in NEEDS[key]:  # type: ignore[union-attr]
                    if lit in text:
                        break
                else:
                    self[key] = False
                    return False
            found = table[reason].search(self.text) is not None
        self[key] = found
        return found

    def names(self, reason: str, weak: bool = False) -> bool:
        return self[reason, False] or (weak and self[reason, True])


def included(reason: str, text: str, weak: bool = False) -> bool:
    """Whether ``text`` (lower-cased) uses a phrase that names ``reason`` (``weak``: or one
    of its common words, see ``phrases``)."""
    return _Seen(text).names(reason, weak)


def text_reason(text: str) -> str | None:
    """The first cause the diagnostic text names, or None."""
    return text_reason_at(text)[0]


def text_reason_at(text: str, limit: int = _MAX_TEXT) -> tuple[str | None, int]:
    """(first cause named in ``text``, offset of its match in ``text.lower()``) or (None, -1)."""
    if not text:
        return None, -1
    sample = text[:limit].lower()
    for reason, index, needs in RULES_CHECKED:
        if needs is not None:
            for lit in needs:
                if lit in sample:
                    break
            else:
                continue  # no literal this rule needs: it cannot match
        match = RULE_PATTERNS[index].search(sample)
        if match:
            return reason, match.start()
    return None, -1


def extract_codes(text: str) -> tuple[int | None, str | None]:
    """(reply code, enhanced status) found in a diagnostic text, each None if absent."""
    sample = text[:_MAX_TEXT] if text else ""
    reply = None
    match = _REPLY_ENH_RE.search(sample) or _REPLY_RE.search(sample)
    if match:
        reply = int(match.group(1))
    enh_match = ENHANCED_RE.search(sample)
    enhanced = ".".join(enh_match.groups()) if enh_match else None
    return reply, enhanced


def normalise_status(value: str | None) -> str | None:
    """'5.1.1 (permanent failure)' -> '5.1.1'; anything without a status -> None."""
    if not value:
        return None
    match = ENHANCED_RE.search(value)
    return ".".join(match.groups()) if match else None




def status_reason(status: str | None) -> str | None:
    """The registered meaning of an enhanced status code, or None."""
    return STATUS_REASON.get(status) if status else None


def _probe(reason: str, named: str | None, seen: _Seen, command: str | None) -> bool:
    """Does the text name ``reason``? The status code's meaning and the SMTP command only
    decide the causes whose wording overlaps (unknown user, filter, sender refused)."""
    if reason == "user_unknown":
        if not seen.names("user_unknown") and named != "user_unknown":
            return False
        if any(seen.names(r) for r in _NOT_THE_MAILBOX):
            return False
        # Postfix "5.1.2 <x>: Recipient address rejected: Domain not found": the code and the
        # words both name the domain, the "address ... not found" is not a missing mailbox
        if named in ("host_unknown", "network_error") and seen.names("host_unknown"):
            return False
        if _sender_unknown(seen, command, named):
            return False
        # "550 5.1.1 ... Refused due to recipient preferences" (Facebook): the mailbox exists
        # and its owner's filter refused, whatever the code says
        if seen.names("filtered") and not seen.names("user_unknown"):
            return False
        if named == "user_unknown":
            return True
        # without a code, an unknown user said after DATA is a filter, not a mailbox, unless
        # the text says the recipient *address* was refused (a gateway that reports its
        # RCPT refusals at DATA: "All recipient addresses rejected")
        return command in (None, "RCPT") or _RECIPIENT_REFUSED.search(seen.text) is not None
    if reason == "filtered":
        if named == "filtered":
            # a 5.2.x refusal whose words name a sender-side cause ("5.2.1 Mailbox
            # unavailable. Your IP ... is blacklisted using ...") is that cause
            if not seen.names("filtered") and any(seen.names(r) for r in _SENDER_CAUSES):
                return False
            return seen.names("user_unknown") or seen.names("filtered")
        if command in _BEFORE_DATA:
            return False
        return seen.names("filtered") or (command == "DATA" and seen.names("user_unknown"))
    if reason == "suspend":
        # "compte inexistant ou désactivé": an address that may never have existed is unknown
        return seen.names("suspend") and not _NEVER_EXISTED.search(seen.text)
    if reason == "spam_detected":
        return (seen.names("spam_detected") and not _HOST_OR_SENDER_LISTED.search(seen.text)
                and not _IP_AS_SPAMMER.search(seen.text))
    if reason == "bad_reputation":
        return seen.names("bad_reputation") and not _NAMED_BLOCKLIST.search(seen.text)
    if reason == "no_relaying":
        # "Relaying denied - your IP is listed in Spamhaus / identified as spammer": the relay
        # refusal is how the block is worded, the cause is the sending IP's listing
        return seen.names("no_relaying") and not seen.names("blocked")
    if reason == "host_unknown":
        # "Host not found, try again": a DNS server failed, the name may well exist
        return seen.names("host_unknown") and not seen.names("network_error")
    if reason == "mailbox_full":
        # a sender's sending quota is a rate limit, not a full mailbox
        return seen.names("mailbox_full") and not _NOT_FULL.search(seen.text)
    if reason == "rejected":
        # the envelope sender refused: beats a vague or recipient-side code (a 5.1.1 on
        # "Sender address rejected"), not a specific cause the code names on its own side
        if named == "rejected" or _sender_unknown(seen, command, named):
            return True
        # "Sender refused by the DNSBL", "Poor Reputation Sender Blacklist": an IP's listing
        if _NAMED_BLOCKLIST.search(seen.text) and not _SENDER_LISTED.search(seen.text):
            return False
        if named is None or named in VAGUE or named not in SENDER_SIDE or command == "MAIL":
            return seen.names("rejected")
        return False
    return seen.names(reason)


def _sender_unknown(seen: _Seen, command: str | None, named: str | None) -> bool:
    """An unknown address or domain refused at MAIL FROM is the sender's (Exim "after MAIL
    FROM:<x>: 553 5.1.0 ... does not exist"): no recipient is known at that stage."""
    return (command == "MAIL" and "rcpt to" not in seen.text
            and (named in ("user_unknown", "host_unknown") or seen.names("user_unknown")
                 or seen.names("host_unknown") or _NEVER_EXISTED.search(seen.text) is not None))


def _fallback(named: str | None, seen: _Seen, status: str | None, reply: int | None,
              command: str | None, diag_type: str | None,
              hint: str | None = None) -> str | None:
    """Step 4 and 5 of the docstring: the code's meaning, sharpened by the text."""
    if named is not None and named not in VAGUE and (diag_type or "smtp") == "smtp":
        return named
    for weak in (False, True):
        if weak and hint:
            # a vendor that read the cause from its own format (PowerMTA's bounce category, a
            # gateway's own code) knows better than common words or a bare reply code
            return hint
        for reason in FALLBACK_ORDER:
            # a vendor that read a recipient-side cause from its own format knows better than
            # a bare "rejected" ("542 ... Rejected" is Symantec.cloud's unknown recipient)
            if seen[reason, weak] and not (weak and reason == "blocked"
                                           and hint in _HINT_OVER_WEAK):
                # a domain that accepts no mail (null MX) is never said with a 4xx: "421
                # 4.3.2 System not accepting network messages" is a server going down
                if reason == "not_accept" and is_temporary(reply, status):
                    continue
                return reason
    if named:
        return named
    if status and status[2:4] == "6.":
        return "content_error"
    if status and status[2:4] == "7.":
        return "security_error"
    if diag_type == "x-unix":
        return "mailer_error"
    if command in ("EHLO", "HELO", "CONN"):
        return "blocked"
    return _BASIC_CODE.get(reply or 0)


def _arbitrate(hit: str, named: str | None, status: str | None) -> str:
    """The text's cause (``hit``) against the status code's registered meaning (``named``)."""
    if named is None or named in VAGUE or named == hit or status in GENERIC_CODES:
        return hit
    if REASON_CATEGORY[hit] == REASON_CATEGORY[named]:
        return named  # same category: the code names the finer cause (5.2.3 vs "too big")
    if hit in SENDER_SIDE and named not in SENDER_SIDE:
        return hit
    return named  # a specific code on the same side as the text knows better


def decide(text: str, *, status: str | None = None, reply: int | None = None,
           command: str | None = None, hint: str | None = None,
           diag_type: str | None = None) -> str:
    """The reason for one recipient's diagnostic (see the module docstring)."""
    if hint and hint in REASON_CATEGORY and hint not in VAGUE:
        return hint
    if (status and status.startswith("2.")) or (reply and 200 <= reply < 300 and not status):
        return "delivered"
    low = (text or "")[:_MAX_TEXT].lower()
    # a provider's documented code or sentence names the cause outright (provider_codes)
    documented = documented_reason(low)
    if documented is not None:
        return documented
    command = command or command_of(low)
    named = status_reason(status)
    if status == "5.7.27" and _RECIPIENT_NULL_MX.search(low) and "sender" not in low:
        named = "not_accept"
    seen = _Seen(low)
    hit = next((r for r in PROBE_ORDER if _probe(r, named, seen, command)), None)
    if hit is not None:
        # Sendmail's smtptodsn() writes 5.2.2 for any bare 552 reply (RFC 821's "exceeded
        # storage allocation"): a 5.2.2 the reply does not carry is the code's guess, as
        # generic as 5.7.1, and the cause its words name wins ("552 Message size exceeds
        # fixed maximum message size")
        if status == "5.2.2" and extract_codes(low) == (552, None):
            return hit
        return _arbitrate(hit, named, status)
    reason = _fallback(named, seen, status, reply, command, (diag_type or "").lower() or None,
                       hint)
    if reason:
        return reason
    if hint:
        return hint
    klass = reply // 100 if reply else (int(status[0]) if status else None)
    if klass == 4:
        return "system_error"
    return "on_hold" if low.strip() or klass == 5 else "undefined"


def classify_reply(reply_code: int | None, text: str,
                   enhanced: str | None = None) -> tuple[str, str]:
    """(category, reason) per CLI.md for an SMTP reply or a DSN diagnostic.

    ``reply_code`` and ``enhanced`` are taken from ``text`` when not given. A 2xx reply
    is ``delivered``. Temporary (4xx) refusals keep the cause's own category (e.g.
    452 4.2.2 → soft_bounce mailbox_full): at send time the caller treats 4xx as
    deferred and retries.
    """
    text = text or ""
    if reply_code is None or enhanced is None:
        found_reply, found_enhanced = extract_codes(text)
        reply_code = reply_code if reply_code is not None else found_reply
        enhanced = enhanced or found_enhanced
    enhanced = normalise_status(enhanced)
    reason = decide(text, status=enhanced, reply=reply_code)
    return REASON_CATEGORY[reason], reason
