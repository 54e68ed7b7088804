"""Replies from labelled lists kept by sending software (battery E: ZoneMTA's bounces.txt,
the bounce-handler rule samples), in our own words, with fictitious hosts and documentation
IPs: each row is a wording family Postier misread before.
"""

from __future__ import annotations

import pytest

from app.services.bounce.reasons import classify_reply

IP = "192.0.2.25"

ROWS: list[tuple[str, str, str]] = [
    # AOL's documented codes (RTR/RLY/CON): the code names the cause, the words rarely do
    (f"554- (RTR:DU) mail from the dynamic address {IP} is not taken here", "blocked",
     "blocked"),
    ("554- (RTR:BB) delivery of this message will not be accepted", "blocked", "blocked"),
    (f"554- (RTR:RD) no name found for {IP}", "blocked", "require_ptr"),
    ("554- (RLY:SN) delivery of this message will not be accepted", "blocked", "rejected"),
    (f"554- (CON:B1) see the postmaster page, connecting IP {IP}", "blocked", "blocked"),
    # Postfix's RBL reply names what it looked up: a domain list consulted for the client's
    # host name or the sender's address is about the sender, not the body's URLs
    ("554 5.7.1 Service unavailable; Client host [relay.example.net] blocked using "
     "multi.uribl.example", "blocked", "blocked"),
    ("554 5.7.1 Service unavailable; Sender address [ana@example.net] blocked using "
     "dbl.spamhaus.example", "blocked", "blocked"),
    # a 5.2.1 code (mailbox) whose words name the sending IP's listing
    (f"550 5.2.1 Mailbox unavailable. The IP {IP} you send from is blacklisted using a DNSBL",
     "blocked", "blocked"),
    # "sender" said of a list of IPs is not the envelope sender
    ("501 5.7.1 <ana@example.net>... Sender refused by the DNSBL dnsbl.example.org",
     "blocked", "blocked"),
    (f"554 5.7.1 Client host [{IP}] blocked using cm-csi; Poor Reputation Sender Blacklist",
     "blocked", "blocked"),
    # the recipient's own list
    ("550 5.7.1 Blacklisted by recipient", "blocked", "filtered"),
    ("550 5.7.1 Black listed by recipient request", "blocked", "filtered"),
    # an address between the noun and its verdict (its dots are no sentence end)
    ("550 Recipient bob.smith@mail.example.org is not found here", "hard_bounce",
     "user_unknown"),
    ("550 User bob@example.org: not known at this site", "hard_bounce", "user_unknown"),
    ("550 recipient bob@mail.example.org exceeds its allotted storage", "soft_bounce",
     "mailbox_full"),
    # relaying and the envelope sender, as small hosts word them
    ("550 Local users only here", "blocked", "no_relaying"),
    ("550 Error: MAIL FROM is mismatched with the From header", "blocked", "rejected"),
    ("501 ana@example.net: sender address is not in my domain", "blocked", "rejected"),
    # KumoMTA's community rules and Haraka's defaults: the sender's domain failing DNS,
    # relaying, a listed URL of the body, a missing header, an unknown recipient
    ("553 5.7.1 sender domain resolve fail", "blocked", "rejected"),
    ("550 5.7.1 Sender bob@example.net has no A, AAAA or MX records in DNS", "blocked",
     "rejected"),
    ("550 bob@example.net isn't allowed to relay through this host", "blocked", "no_relaying"),
    ("550 Relay refused: please turn on SMTP authentication first", "blocked",
     "security_error"),
    ("550 The URL in this message (promo.example) is listed on a domain blocklist", "spam",
     "spam_detected"),
    ("550 5.7.1 Message content rejected due to spam", "spam", "spam_detected"),
    ("550 5.7.1 Required header 'Message-ID' missing", "blocked", "not_compliant_rfc"),
    ("550 I cannot deliver mail for <ana@example.com>", "hard_bounce", "user_unknown"),
    ("554 We could not deliver to ana@example.com. The account or domain may not exist, "
     "be blacklisted or lack DNS entries", "hard_bounce", "user_unknown"),
    # the recipient's own refusal, worded about "this user"
    ("550 5.7.1 Message rejected by this user", "blocked", "filtered"),
    ("550 5.7.1 Mail refused - <bob@example.net> - Sender blocked by user", "blocked",
     "filtered"),
    # Comcast: "not our customer" is said of the recipient
    ("550 5.1.1 <ana@example.com>: not our customer", "hard_bounce", "user_unknown"),
    # a mailbox out of reach for now is the server's trouble, not a block of the sender
    ("452 4.1.1 <ana@example.com>: Recipient address rejected: Mailbox temporarily "
     "unavailable", "soft_bounce", "system_error"),
    # Microsoft 365's documented restricted/moderated recipients and tenant throttling
    ("550 5.7.129 RESOLVER.RST.RestrictedToRecipientsPermission; sender not authorized to send to "
     "this recipient", "blocked", "policy_violation"),
    ("550 5.7.132 RESOLVER.RST.ModeratedRecipient; the moderator declined it", "blocked",
     "policy_violation"),
    ("451 4.7.3 Organization queue quota exceeded", "soft_bounce", "speeding"),
    # an SPF lookup that failed for now is still about the sender's authentication
    ("451 4.7.1 Please retry: SPF temporary error for example.net", "blocked", "auth_failure"),
    # Postfix's unknown recipient domain: the domain, not a missing mailbox
    ("550 5.1.2 <ana@nowhere.example>: Recipient address rejected: Domain not found",
     "hard_bounce", "host_unknown"),
]


@pytest.mark.parametrize("text", [
    "421 4.3.2 Service going down for maintenance",
    "421 4.3.2 System not accepting network messages",
])
def test_a_server_refusing_for_now_is_no_dead_domain(text: str) -> None:
    # RFC 3463's x.3.2 wording is a null MX only when permanent
    assert classify_reply(None, text)[0] == "soft_bounce"


def test_postfix_idle_timeout_is_the_connection_not_an_expiry() -> None:
    # smtpd's "Error: timeout exceeded" closes a slow session; Exim's "retry timeout
    # exceeded" is a queue giving up
    assert classify_reply(None, "421 4.4.2 mx.example.com Error: timeout exceeded") == (
        "soft_bounce", "network_error")
    assert classify_reply(None, "retry timeout exceeded") == ("soft_bounce", "expired")


def test_the_permanent_x32_still_says_the_domain_takes_no_mail() -> None:
    assert classify_reply(None, "554 5.3.2 System not accepting network messages") == (
        "hard_bounce", "not_accept")


@pytest.mark.parametrize(("text", "category", "reason"), ROWS)
def test_labelled_reply(text: str, category: str, reason: str) -> None:
    assert classify_reply(None, text) == (category, reason)


def test_a_url_list_named_for_the_body_is_still_spam() -> None:
    # the guard above is about Postfix's "<what> [...] blocked using": a scanner naming a
    # listed URL of the message keeps its spam reading
    text = "554 5.7.1 Message refused: it contains a URL listed on multi.uribl.example"
    assert classify_reply(None, text) == ("spam", "spam_detected")


def test_spam_complaints_about_the_sender_are_its_reputation() -> None:
    text = f"550 5.7.1 Mail from {IP} rejected due to spam complaints"
    assert classify_reply(None, text) == ("blocked", "bad_reputation")


def test_a_sender_address_refused_without_any_list_is_still_the_sender() -> None:
    assert classify_reply(None, "553 5.7.1 Sender address rejected: not owned by user") == (
        "blocked", "rejected")
