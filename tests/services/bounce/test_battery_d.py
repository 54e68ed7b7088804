"""Wording families found misread by battery D (PHPMailer-BMH's rule samples, PHP-Bounce-Handler's
bounce_responses table, postalsys/bounce-classifier's tests), each in our own words.

Legacy MTAs and ISPs (vpopmail, CommuniGate Pro, Domino, eyou, Chinese and Polish, Italian and
Spanish hosts) word their refusals differently from the big providers; fictitious addresses.
PHP-Bounce-Handler's samples also hold an Outlook.com junk-mail complaint (Microsoft JMRP), a
plain message rather than an ARF report (vendors.jmrp).
"""

from __future__ import annotations

import pytest

from app.services.bounce import parse, reasons
from app.services.bounce.phrase_index import PHRASES, WEAK_PHRASES
from app.services.bounce.reasons import classify_reply, decide
from app.services.bounce.taxonomy import REASON_CATEGORY

# (diagnostic text, enhanced status given separately or None, expected reason)
ROWS: list[tuple[str, str | None, str]] = [
    # an address between the noun and its verdict (the address's dots stop the usual gaps)
    ("550 User (maria@example.com) unknown here", None, "user_unknown"),
    ("550 Mailbox < maria@example.com > not found", None, "user_unknown"),
    ("553 Recipient <maria@example.com> not OK", None, "user_unknown"),
    # unknown recipients in legacy MTAs' words
    ("550 Sorry, user not a member of this domain", None, "user_unknown"),
    ("550 The recipient cannot be verified, check the address", None, "user_unknown"),
    ("550 Sorry, maria@example.com does not have an account here", None, "user_unknown"),
    ("550 ADDRESS_NOT_FOUND maria@example.com", None, "user_unknown"),
    ("550 bad destination mailbox address", None, "user_unknown"),
    ("550 No one with that address here", None, "user_unknown"),
    ("550 no such mail drop for maria", None, "user_unknown"),
    ("550 Sorry: not a known user", None, "user_unknown"),
    ("550 This server doesn't handle mail for that user", None, "user_unknown"),
    ("550 The address is not known to this server", None, "user_unknown"),
    ("550 Unknown account maria", None, "user_unknown"),
    ("550 unknown or illegal user: maria@example.com", None, "user_unknown"),
    ("550 Unable to find user maria", None, "user_unknown"),
    ("550 invalid account: maria@example.com", None, "user_unknown"),
    ("550 maria: user path no exist", None, "user_unknown"),
    ("550 5.7.1 Sorry, mailbox not available", None, "user_unknown"),
    ("553 <maria@example.com>: recipient address no longer exists", "5.3.0", "user_unknown"),
    ("550 maria is no longer on this server", None, "user_unknown"),
    ("550 Destinatario errato, controllare l'indirizzo", None, "user_unknown"),
    ("550 Nie ma takiego konta w systemie", None, "user_unknown"),
    ("550 Konto odbiorcy nie istnieje", None, "user_unknown"),
    # suspended, dormant or closed mailboxes
    ("550 <maria> is now disabled", None, "suspend"),
    ("550 User account not activated yet", None, "suspend"),
    ("550 Mail is not currently being accepted for this account", None, "suspend"),
    ("550 Mailbox closed due to inactivity", None, "suspend"),
    ("550 mailbox blocked due to inactivity", None, "suspend"),
    ("550 This address no longer accepts mail", None, "suspend"),
    ("550 El usuario se encuentra inactivo", None, "suspend"),
    ("550 La cuenta ha expirado por falta de uso", None, "suspend"),
    ("550 Indirizzo bloccato per inutilizzo", None, "suspend"),
    ("550 Konto jest nieaktywne", None, "suspend"),
    # full mailboxes
    ("551 the mailbox <maria@example.com> is full, try later", None, "mailbox_full"),
    ("452 maria has exhausted the allowed storage", None, "mailbox_full"),
    ("552 ErrMsg=mailbox space not enough", None, "mailbox_full"),
    ("The recipient has exceeded the allowed mailbox\nquota.", None, "mailbox_full"),
    ("cannot update mailbox /var/mail/maria: error writing message: File too large", None,
     "mailbox_full"),
    # the message's form or content
    ("550 Messages without Date: fields are not accepted here", None, "not_compliant_rfc"),
    ("552 MIME/REJECT: invalid structure", None, "content_error"),
    ("550 Password-protected attachments are not accepted", None, "policy_violation"),
    # the recipient's own settings
    ("550 The user does not accept email in non-Latin character sets", None, "filtered"),
    ("553 Recipient refused to receive this message", None, "filtered"),
    # the sender's IP, domain or envelope
    ("550 Access from your country is not allowed", None, "blocked"),
    ("550 Your region is blocked", None, "blocked"),
    ("550 Connection refused due to abuse from your network", None, "blocked"),
    ("550 Excessive userid unknowns from your server", None, "blocked"),
    ("550 Your domain received too many bounces", None, "bad_reputation"),
    ("550 Relaying to <maria@example.com> prohibited", None, "no_relaying"),
    ("500 Unauthorised relay attempt rejected", None, "no_relaying"),
    ("550 Verify mail from failed", None, "rejected"),
    ("550 Odrzucona przez filtr antyspamowy", None, "spam_detected"),
    # X.6.0 is the content class's "other": the text names the cause
    ("552 Spam message is detected (#5.6.0)", None, "spam_detected"),
    # routing and DNS
    ("554 MX list for example.com. points back to mx.example.net", None, "network_error"),
    ("Connection with mx.example.com is broken", None, "network_error"),
    ("550 Host name is unknown", None, "host_unknown"),
    ("PERM_FAILURE: DNS Error (the lookup gave no answer)", None, "host_unknown"),
    # Domino: a name matching several directory entries is ambiguous, not unknown
    ("Recipient name (maria@example.com) is ambiguous: several matches found in Domino "
     "Directory.", None, "system_error"),
]


@pytest.mark.parametrize(("text", "status", "reason"), ROWS)
def test_wording(text: str, status: str | None, reason: str) -> None:
    assert classify_reply(None, text, status) == (REASON_CATEGORY[reason], reason)


def test_all_recipients_invalid_at_data_is_an_unknown_user_not_a_filter() -> None:
    # Sendmail reports the RCPT refusals at DATA; the recipients, not the content, were refused
    transcript = ">>> DATA\n<<< 503 5.5.1 All recipients are invalid"
    assert decide(transcript.lower()) == "user_unknown"
    assert decide("550 no valid recipients (in reply to end of data command)") == "user_unknown"
    # a bare unknown-user at DATA is still a content filter
    assert decide("550 user unknown (in reply to end of DATA command)") == "filtered"


def test_a_character_set_refusal_is_not_a_domain_refusing_all_mail() -> None:
    category, _ = classify_reply(None, "550 We do not accept email in non-Western scripts")
    assert category != "hard_bounce"
    assert decide("550 This domain does not accept email") == "not_accept"


def test_x60_alone_keeps_its_registered_meaning() -> None:
    assert decide("", status="5.6.0") == "content_error"
    assert decide("message refused", status="5.6.0") == "content_error"


def test_pre_checks_agree_with_the_full_searches_on_these_rows() -> None:
    for text, _, _ in ROWS:
        low = text.lower()
        for table, weak in ((PHRASES, False), (WEAK_PHRASES, True)):
            seen = reasons._Seen(low)
            for reason in table.sources:
                assert seen[reason, weak] == bool(table[reason].search(low)), (reason, text)


def _forward(attached_header: str, subject: str, sender: str) -> bytes:
    return (f"From: {sender}\nTo: ops@shop.example\nSubject: {subject}\nMIME-Version: 1.0\n"
            "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: message/rfc822\n\n"
            f"{attached_header}\nFrom: news@shop.example\nTo: lea@outlook.example\n"
            "Subject: offers\nMessage-ID: <n7@shop.example>\n\nhello\n--b--\n").encode()


def test_outlook_junk_mail_report_is_a_complaint_by_the_user_it_names() -> None:
    raw = _forward("X-HmXmrOriginalRecipient: <lea@outlook.example>",
                   "complaint about message from 192.0.2.9", "staff@hotmail.com")
    report = parse(raw)
    assert report.vendor == "jmrp"
    assert [(r.address, r.category, r.reason) for r in report.recipients] == [
        ("lea@outlook.example", "complaint", "feedback")]
    assert report.original_message_id == "<n7@shop.example>"


def test_a_person_forwarding_a_message_is_no_junk_mail_report() -> None:
    raw = _forward("X-HmXmrOriginalRecipient: <lea@outlook.example>", "Fwd: offers",
                   "Paul <paul@client.example>")
    assert parse(raw).vendor != "jmrp"
    raw = _forward("X-Other: 1", "complaint about message from 192.0.2.9", "staff@hotmail.com")
    assert parse(raw).recipients == []


def test_a_522_guessed_from_a_bare_552_lets_the_words_decide() -> None:
    # Sendmail's DSN says 5.2.2 for any 552 reply that carried no status of its own
    assert decide("552 message size exceeds fixed maximum message size",
                  status="5.2.2") == "message_too_big"
    assert decide("552 requested mail action aborted: exceeded storage allocation",
                  status="5.2.2") == "mailbox_full"
    assert decide("552 no reason given", status="5.2.2") == "mailbox_full"
    # a 5.2.2 the reply states itself is no guess: the code names the finer cause
    assert decide("552 5.2.2 message too large", status="5.2.2") == "mailbox_full"


def test_sendmail_dsn_of_a_552_size_refusal_is_a_message_too_big() -> None:
    raw = (b"From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example>\n"
           b"To: bob@shop.example\nSubject: Returned mail: see transcript for details\n"
           b"MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status;"
           b" boundary=\"s\"\n\n--s\nContent-Type: text/plain\n\n"
           b"   ----- The following addresses had permanent fatal errors -----\n"
           b"<lea@client.example>\n    (reason: 552 Message size exceeds fixed maximum message"
           b" size)\n\n--s\nContent-Type: message/delivery-status\n\n"
           b"Reporting-MTA: dns; relay.example\n\nFinal-Recipient: RFC822; lea@client.example\n"
           b"Action: failed\nStatus: 5.2.2\nDiagnostic-Code: SMTP; 552 Message size exceeds fixed"
           b" maximum message size\n\n--s--\n")
    assert [(r.category, r.reason) for r in parse(raw).recipients] == [
        ("soft_bounce", "message_too_big")]


def test_the_new_families_do_not_reach_beyond_their_nouns() -> None:
    # a login refused is the sender's credentials, not an unknown recipient
    assert classify_reply(None, "535 Invalid account or password") == (
        "blocked", "security_error")
    assert decide("550 invalid user or password") == "security_error"
    # "now disabled" / "no longer accepts mail" said of a protocol or a domain
    assert decide("550 TLSv1 is now disabled, please upgrade") != "suspend"
    assert decide("550 this domain no longer accepts mail") != "suspend"
    # the sending host's own name unknown is no unknown destination
    assert decide("550 your hostname is unknown") != "host_unknown"
