"""Bounce / DSN classifier: every collected format, the reply classifier, robustness limits."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from app.services import bounce
from app.services.bounce import files, model, parse
from app.services.bounce.reasons import classify_reply
from app.services.bounce.taxonomy import REASON_CATEGORY
from tests.support.cli_contract import CATEGORIES

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "bounces"
EXPECTED: dict[str, dict] = json.loads((SAMPLES / "expected.json").read_text("utf-8"))

# shared/CLI.md's category/reason table (the contract), kept once for every CLI test.
CLI_TABLE = CATEGORIES
# MDN dispositions (RFC 3798) are the only reasons beyond the table: the status model's "opened".
MDN_REASONS = {"displayed": "opened", "deleted": "delivered", "dispatched": "delivered",
               "processed": "delivered", "denied": "delivered", "failed": "delivered"}
CLI_RECIPIENT_KEYS = {"address", "status", "reply_code", "category", "reason", "diagnostic",
                      "remote_mta", "original_message_id"}


def _load(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


# --- the sample table ---------------------------------------------------------------------
def test_every_sample_has_an_expectation_and_back() -> None:
    files = {p.name for p in SAMPLES.glob("*.eml")}
    assert files == set(EXPECTED)
    assert len(files) >= 60


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample(name: str) -> None:
    expected = EXPECTED[name]
    report = parse(_load(name))
    got = [[r.address, r.category, r.reason, r.status] for r in report.recipients]
    assert (report.kind, got) == (expected["kind"], expected["recipients"])
    assert report.original_message_id == expected["original_message_id"]
    assert report.is_bounce is (expected["kind"] in ("dsn", "bounce"))
    if not report.is_bounce and expected["kind"] == "other":
        assert report.recipients == []
    for rcpt in report.recipients:
        assert rcpt.original_message_id == (expected["original_message_id"]
                                            or rcpt.original_message_id)
    # whatever the input, the CLI document serialises to UTF-8 JSON
    json.dumps(report.to_dict(), ensure_ascii=False).encode("utf-8")


def test_the_samples_cover_every_reason_of_the_table() -> None:
    seen = {(rcpt[1], rcpt[2]) for entry in EXPECTED.values() for rcpt in entry["recipients"]}
    table = {(category, reason) for category, reasons in CLI_TABLE.items() for reason in reasons}
    assert table - seen == set()
    kinds = {entry["kind"] for entry in EXPECTED.values()}
    assert kinds == {"dsn", "bounce", "mdn", "auto_reply", "feedback", "other"}


def test_reason_table_matches_cli_contract() -> None:
    for category, reasons in CLI_TABLE.items():
        for reason in reasons:
            assert REASON_CATEGORY[reason] == category, reason
    extra = set(REASON_CATEGORY) - {r for rs in CLI_TABLE.values() for r in rs}
    assert extra == set(MDN_REASONS)
    for reason, category in MDN_REASONS.items():
        assert REASON_CATEGORY[reason] == category


# --- details of the DSN fields ----------------------------------------------------------
def test_postfix_dsn_fields() -> None:
    report = parse(_load("postfix_dsn_user_unknown.eml"))
    assert report.original_envid == "postier-17-6f1c2a"
    assert report.reporting_mta == "mail.exemple.fr"
    assert report.from_addr == "MAILER-DAEMON@mail.exemple.fr"
    (rcpt,) = report.recipients
    assert rcpt.reply_code == "550"
    assert rcpt.remote_mta == "mx.client.fr"
    assert rcpt.action == "failed"
    assert rcpt.diagnostic == ("550 5.1.1 <inconnu@client.fr>: Recipient address rejected: "
                               "User unknown in virtual mailbox table")
    assert CLI_RECIPIENT_KEYS <= set(rcpt.to_dict())
    doc = report.to_dict()
    assert doc["is_bounce"] is True
    assert doc["original_message_id"] == "<postier.17.6f1c2a@exemple.fr>"


def test_final_recipient_is_the_address_original_recipient_kept() -> None:
    # RFC 3464: Final-Recipient is the address that failed; the alias we sent to (ORCPT) is
    # kept beside it, and tracking matches the sent row by either.
    (rcpt,) = parse(_load("sendmail_dsn_user_unknown.eml")).recipients
    assert rcpt.address == "claude.martin@partenaire.org"
    assert rcpt.original_recipient == "cmartin@partenaire.org"
    assert rcpt.final_recipient == "claude.martin@partenaire.org"
    assert rcpt.remote_mta == "mailhost.partenaire.org"


_FOLDED_REPLY_DSN = b"""From: MAILER-DAEMON@relais.exemple.fr
To: lettre@exemple.fr
Subject: Returned mail: see transcript for details
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

   ----- Transcript of session follows -----
<<< 550-Verification failed for <ana.marie-dupont@service-courrier.exemple.fr>
<<< 550-Called:   192.0.2.9
<<< 550 Sender verify failed

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; relais.exemple.fr

Final-Recipient: rfc822; paul@client.example
Action: failed
Status: 5.0.0
Diagnostic-Code: smtp; 550-Verification failed for <ana.marie-dupont@service-courrier.exemple.fr>
 550-Called:   192.0.2.9
 550 Sender verify failed

--B--
"""


def test_a_multi_line_reply_the_dsn_holds_whole_is_kept_as_it_is() -> None:
    # only a reply cut after its first line is completed from the transcript
    (rcpt,) = parse(_FOLDED_REPLY_DSN).recipients
    assert rcpt.diagnostic == ("550-Verification failed for "
                               "<ana.marie-dupont@service-courrier.exemple.fr> 550-Called: "
                               "192.0.2.9 550 Sender verify failed")


def test_status_x00_is_refined_by_the_diagnostic() -> None:
    (rcpt,) = parse(_load("exim_user_unknown.eml")).recipients
    assert rcpt.status == "5.1.1"


def test_free_text_bounce_gets_reply_code_and_remote_mta() -> None:
    (rcpt,) = parse(_load("qmail_user_unknown.eml")).recipients
    assert (rcpt.reply_code, rcpt.status, rcpt.remote_mta) == ("550", "5.1.1", "198.51.100.20")
    assert "User unknown" in (rcpt.diagnostic or "")
    assert "Giving up" not in (rcpt.diagnostic or "")


def test_free_text_bounce_never_takes_the_sender_or_daemon_for_a_recipient() -> None:
    bounces = [name for name, entry in EXPECTED.items() if entry["kind"] == "bounce"]
    assert bounces
    for name in bounces:
        recipients = parse(_load(name)).recipients
        assert recipients, name  # every bounce sample names someone: the loop checks them
        for rcpt in recipients:
            assert not rcpt.address.lower().startswith(("mailer-daemon@", "postmaster@"))
            assert rcpt.address not in ("jean@exemple.fr", "jean.dupont@gmail.com",
                                        "yamada@exemple.jp", "jean.dupont@yahoo.fr")


def test_mdn_and_auto_reply_point_at_the_original() -> None:
    mdn = parse(_load("mdn_displayed_thunderbird.eml"))
    assert (mdn.kind, mdn.mdn_disposition) == ("mdn", "displayed")
    assert mdn.recipients[0].original_message_id == "<postier.17.6f1c2a@exemple.fr>"
    oof = parse(_load("autoreply_fr_exchange.eml"))
    assert oof.in_reply_to == "<postier.17.6f1c2a@exemple.fr>"
    assert oof.references == ["<postier.17.6f1c2a@exemple.fr>"]
    assert oof.subject == "Réponse automatique : Devis 2026-114"


def test_human_reply_is_no_bounce_but_keeps_threading() -> None:
    report = parse(_load("human_reply.eml"))
    assert (report.kind, report.is_bounce, report.recipients) == ("other", False, [])
    assert report.in_reply_to == "<postier.17.6f1c2a@exemple.fr>"


def test_arf_feedback_type() -> None:
    report = parse(_load("arf_abuse_complaint.eml"))
    assert report.feedback_type == "abuse"
    assert report.is_bounce is False


# --- classify_reply ----------------------------------------------------------------------
@pytest.mark.parametrize(("code", "text", "enhanced", "expected"), [
    (550, "5.1.1 <x@y.fr>: Recipient address rejected: User unknown", None,
     ("hard_bounce", "user_unknown")),
    (452, "4.2.2 Mailbox full", None, ("soft_bounce", "mailbox_full")),
    (452, "Mailbox full", "4.2.2", ("soft_bounce", "mailbox_full")),
    (554, "5.7.1 Message rejected as spam", None, ("spam", "spam_detected")),
    (550, "5.7.1 Service unavailable; client host [192.0.2.1] blocked by zen.spamhaus.org", None,
     ("blocked", "blocked")),
    (550, ("5.7.26 Unauthenticated email from exemple.fr is not accepted due to domain's DMARC "
          "policy"), None, ("blocked", "auth_failure")),
    (550, "5.7.23 SPF check failed", None, ("blocked", "auth_failure")),
    (421, "4.7.0 Too many connections from your IP", None, ("soft_bounce", "too_many_conn")),
    (421, "mx.example Service not available, closing transmission channel", None,
     ("soft_bounce", "system_error")),
    (451, "4.3.0 Temporary local problem", None, ("soft_bounce", "system_error")),
    (450, "4.7.1 Greylisted, please retry later", None, ("soft_bounce", "speeding")),
    (550, "5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
     None, ("hard_bounce", "user_unknown")),
    (556, "5.1.10 Recipient address has null MX", None, ("hard_bounce", "not_accept")),
    (551, "User not local; please try <a@b.example>", None, ("hard_bounce", "has_moved")),
    (554, "5.7.1 <x@y>: Relay access denied", None, ("blocked", "no_relaying")),
    (553, "5.1.8 <me@x.example>: Sender address rejected: Domain not found", None,
     ("blocked", "rejected")),
    (550, "5.7.1 Sender address rejected: Domain not found", None, ("blocked", "rejected")),
    (530, "5.7.0 Must issue a STARTTLS command first", None, ("blocked", "security_error")),
    (550, "5.7.25 The IP address sending this message does not have a PTR record", None,
     ("blocked", "require_ptr")),
    (552, "5.3.4 Message size exceeds fixed limit", None, ("soft_bounce", "message_too_big")),
    (552, "5.2.3 Message exceeds the recipient's size limit", None,
     ("soft_bounce", "exceed_limit")),
    (554, "5.6.0 Message contains invalid header", None, ("blocked", "content_error")),
    (550, "5.2.1 The email account that you tried to reach is disabled", None,
     ("soft_bounce", "suspend")),
    (550, "5.7.606 Access denied, banned sending IP [192.0.2.1]", None, ("blocked", "blocked")),
    (554, "5.7.1 Message rejected: Virus found (Eicar-Test-Signature)", None,
     ("spam", "virus_detected")),
    (550, ("5.7.1 [192.0.2.1] Our system has detected that this message is not RFC 5322 "
          "compliant"), None, ("blocked", "not_compliant_rfc")),
    (500, "5.5.1 Command unrecognized", None, ("error", "syntax_error")),
    (550, "Adresse inexistante", None, ("hard_bounce", "user_unknown")),
    (552, "boîte pleine", None, ("soft_bounce", "mailbox_full")),
    (None, "550 5.1.1 user unknown", None, ("hard_bounce", "user_unknown")),
    (250, "2.0.0 Ok: queued as 4Zx1b", None, ("delivered", "delivered")),
    (550, "", None, ("error", "on_hold")),
    (None, "", None, ("error", "undefined")),
    (None, "", "5.1.1", ("hard_bounce", "user_unknown")),
    (421, "", None, ("soft_bounce", "system_error")),
])
def test_classify_reply(code: int | None, text: str, enhanced: str | None,
                        expected: tuple[str, str]) -> None:
    assert classify_reply(code, text, enhanced) == expected


# Diagnostics without an enhanced code: the wording alone must name the cause.
@pytest.mark.parametrize(("text", "reason"), [
    ("550 sorry, no mailbox here by that name", "user_unknown"),
    ("550 Requested action not taken: mailbox unavailable", "user_unknown"),
    ("550 <marc@client.example> not found", "user_unknown"),
    ("550 no such person at this address", "user_unknown"),
    ("550 Recipient is not local", "user_unknown"),
    ("553 sorry, your envelope recipient is in my badrcptto list", "user_unknown"),
    ("550 Unknown local part marc in <marc@client.example>", "user_unknown"),
    ("550 user (marc) unknown", "user_unknown"),
    ("550 Adresse nicht gefunden", "user_unknown"),
    ("550 This email address is wrong or no longer valid", "user_unknown"),
    ("552 Mailbox size limit exceeded", "mailbox_full"),
    ("552 user has too many messages on the server", "mailbox_full"),
    ("550 maildir over quota", "mailbox_full"),
    ("554 This account has been disabled or discontinued", "suspend"),
    ("550 mailbox is frozen", "suspend"),
    ("550 Recipient rejected: temporarily inactive", "suspend"),
    ("550 Host or domain name not found", "host_unknown"),
    ("550 Name or service not known", "host_unknown"),
    ("554 Client host [192.0.2.1] blocked using zen.spamhaus.org", "blocked"),
    ("550 we do not accept mail from dynamic IPs", "blocked"),
    ("421 Too many spams from your IP (192.0.2.1)", "blocked"),
    ("550 sorry, your remotehost looks suspiciously like spammer", "blocked"),
    ("554 Rejecting open proxy 192.0.2.1", "blocked"),
    ("550 Please use the SMTP server of your ISP", "blocked"),
    ("550 Server IP 192.0.2.1 listed as abusive", "blocked"),
    ("550 Sender verify failed", "rejected"),
    ("553 Sender is in my black list", "rejected"),
    ("550 Emetteur invalide", "rejected"),
    ("554 Bad sender IP address", "blocked"),
    ("550 This server does not accept mail from example.com", "rejected"),
    ("554 Message rejected: spam score 14.2 exceeds threshold", "spam_detected"),
    ("550 Blacklisted URL in message", "spam_detected"),
    ("554 Message contains spam or virus", "spam_detected"),
    ("554 Message rejected: virus found in attachment", "virus_detected"),
    ("550 relay not permitted", "no_relaying"),
    ("550 Sender address rejected: Access denied", "rejected"),
    ("553 sorry, that domain isn't in my list of allowed rcpthosts", "no_relaying"),
    ("550 we don't handle mail for client.example", "no_relaying"),
    ("550 This system is not configured to relay mail", "no_relaying"),
    ("451 Temporary local problem - please try later", "system_error"),
    ("451 queue file write error", "system_error"),
    ("554 Too many hops, possible mail loop", "network_error"),
    ("451 Host name lookup failure", "network_error"),
    ("550 user refuses to receive this mail", "filtered"),
    ("550 message rejected due to user rules", "filtered"),
    ("550 Posting by non-member to a members-only list", "policy_violation"),
    ("554 message bounced due to organizational settings", "policy_violation"),
    ("unable to deliver message after multiple retries", "expired"),
    ("535 Authentication credentials invalid", "security_error"),
    ("550 unauthenticated senders not allowed", "security_error"),
    ("450 please try again slower", "speeding"),
    ("550 Access denied. IP name lookup failed [192.0.2.1]", "require_ptr"),
    ("550 please inspect your SPF settings", "auth_failure"),
    ("552 Message exceeded maximum inbound message size", "message_too_big"),
    ("550 mail receiving disabled", "not_accept"),
    ("550 Delivery restriction check failed: authentication required", "policy_violation"),
])
def test_free_text_wordings(text: str, reason: str) -> None:
    assert classify_reply(None, text) == (REASON_CATEGORY[reason], reason)


def test_classify_reply_is_reexported_and_total() -> None:
    assert bounce.classify_reply is classify_reply
    for code in (None, 250, 421, 450, 451, 452, 500, 550, 551, 552, 553, 554, 556, 599, 999):
        category, reason = classify_reply(code, "x")
        assert REASON_CATEGORY[reason] == category


# --- robustness and limits ---------------------------------------------------------------
@pytest.mark.parametrize("name", ["postfix_dsn_user_unknown.eml",
                                  "o365_dsn_recipient_not_found.eml",
                                  "qmail_user_unknown.eml", "mdn_displayed_thunderbird.eml"])
def test_every_truncation_of_a_sample_parses(name: str) -> None:
    """Any cut gives a report that serialises, never names an address that is not in the
    bytes it got, keeps each reason in its category; the whole message gives the expected
    reading."""
    raw = _load(name)
    for cut in [*range(0, len(raw), 7), len(raw)]:
        report = parse(raw[:cut])
        json.dumps(report.to_dict(), ensure_ascii=False).encode("utf-8")
        for rcpt in report.recipients:
            assert rcpt.address is None or rcpt.address.lower().encode() in raw[:cut].lower(), (
                cut, rcpt.address)
            assert REASON_CATEGORY.get(rcpt.reason) == rcpt.category, (cut, rcpt)
    whole = [[r.address, r.category, r.reason] for r in report.recipients]
    assert whole == [r[:3] for r in EXPECTED[name]["recipients"]]


@pytest.mark.parametrize("raw,recipients", [
    (b"", []), (b"\x00" * 100, []), (b"Content-Type: multipart/report\n\n--", []),
    # A DSN whose fields say nothing: one recipient of unknown outcome, never "delivered".
    (b"Content-Type: message/delivery-status\n\nFinal-Recipient:\nAction:\n"
     b"Status: 9.9.9.9.9\n", [(None, "error")]),
    (b"From: =?utf-8?b?broken\nSubject: =?x-unknown?q?abc?=\n\nbody", []),
    (b"Content-Type: text/plain; charset=no-such-charset\n\n\xff\xfe", []),
    (b"Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n!!!not base64!!!", []),
])
def test_hostile_inputs_give_a_report(raw: bytes, recipients: list) -> None:
    report = parse(raw)
    json.dumps(report.to_dict(), ensure_ascii=False).encode("utf-8")
    assert [(r.address, r.category) for r in report.recipients] == recipients
    assert report.is_bounce is bool(recipients)  # garbage is not taken for a bounce


def test_deeply_nested_multiparts_are_bounded() -> None:
    depth = 300
    head = b"".join(b"Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n" % (i, i)
                    for i in range(depth))
    raw = b"From: MAILER-DAEMON@x.example\nSubject: Undeliverable\n" + head + (
        b"Content-Type: text/plain\n\n<a@b.example>: 550 5.1.1 user unknown\n")
    started = time.perf_counter()
    report = parse(raw)
    assert time.perf_counter() - started < 5
    # Still read as a bounce (From and Subject say so), past the nesting it stopped reading.
    assert report.is_bounce and report.kind == "bounce"


def test_huge_free_text_bounce_is_capped_in_time_and_recipients() -> None:
    lines = b"".join(b"<user%d@big.example>: 550 5.1.1 user unknown\n\n" % i for i in range(50000))
    raw = (b"From: MAILER-DAEMON@x.example\nSubject: Undelivered Mail Returned to Sender\n"
           b"Content-Type: text/plain\n\nThis is the mail system at host x.example.\n\n" + lines)
    started = time.perf_counter()
    report = parse(raw)
    elapsed = time.perf_counter() - started
    assert report.kind == "bounce"
    assert 0 < len(report.recipients) <= model.MAX_RECIPIENTS
    assert elapsed < 5, elapsed


_H = b"From: MAILER-DAEMON@x.example\nSubject: Undelivered Mail\n"


@pytest.mark.parametrize("raw", [
    _H + b"\n" + b"a" * 3_000_000,  # one endless token: no quadratic address scan
    _H + b"\nThis is the mail system at host\n\n" + b"a." * 300_000 + b"@\n",
    _H + b"Content-Type: text/html\n\n" + b"<script>" * 100_000,  # never closed
    _H + b"Content-Type: text/html\n\n" + b"<" * 500_000,
    _H + b"\n" + b" " * 1_000_000,  # a blank run at a line start (cut-line regex)
    _H + b"\n" + b" -\t" * 300_000,
    _H + b"\n" + b"x@y.example " * 200_000,
    _H + b"\nx@" + b"a." * 400_000,
    _H + b"\n" + b"5.1.1." * 100_000,
    _H + b"\n" + b"<x@y.example>:\n" * 60_000,
], ids=["a-run", "dots", "script", "lt", "spaces", "dashes", "addresses", "domain", "digits",
        "address-lines"])
def test_pathological_inputs_take_bounded_time(raw: bytes) -> None:
    started = time.perf_counter()
    report = parse(raw)
    assert time.perf_counter() - started < 3
    assert len(report.recipients) <= model.MAX_RECIPIENTS


def test_long_diagnostic_is_truncated() -> None:
    diag = "550 5.1.1 user unknown " + "x" * 10000
    raw = (b"Content-Type: multipart/report; report-type=delivery-status; boundary=z\n\n--z\n"
           b"Content-Type: message/delivery-status\n\nReporting-MTA: dns; a.example\n\n"
           b"Final-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 5.1.1\n"
           b"Diagnostic-Code: smtp; " + diag.encode() + b"\n\n--z--\n")
    (rcpt,) = parse(raw).recipients
    assert len(rcpt.diagnostic or "") <= model.MAX_DIAGNOSTIC
    assert rcpt.reason == "user_unknown"


def test_classify_files_reports_unreadable_and_goes_on(tmp_path: Path) -> None:
    import io

    missing = tmp_path / "missing.eml"
    entries = files.classify_files(
        [str(missing), str(SAMPLES / "qmail_user_unknown.eml"), "-"],
        stdin=io.BytesIO(_load("postfix_dsn_delivered.eml")))
    assert entries[0]["file"] == str(missing) and entries[0]["error"]["code"] == "FILE_ERROR"
    assert entries[1]["recipients"][0]["reason"] == "user_unknown"
    assert entries[2]["file"] == "-" and entries[2]["recipients"][0]["category"] == "delivered"
    text = files.format_text(entries)
    assert "missing.eml: error" in text and "absent@destination.example: hard_bounce" in text


# --- what a real Postfix sends ---------------------------------------------------------------
@pytest.fixture(scope="module")
def dsn_rig():  # returns tests.support.rig.Rig (imported lazily)
    """A rig of our own (its Postfix settings are changed: not the shared session rig)."""
    from tests.conftest import require_root, require_tool

    require_tool("dovecot")
    require_tool("postfix")
    require_root()
    from tests.support.rig import Rig

    rig = Rig.start(users={"dsn@example.test": "secret", "reader@example.test": "secret"})
    try:
        # a 4xx gives up at the first attempt, so the "full mailbox" DSN comes at once
        rig.set_postfix(maximal_queue_lifetime="0", bounce_queue_lifetime="0")
        yield rig
    finally:
        rig.stop()


@pytest.mark.rig
def test_real_postfix_dsns_are_classified(dsn_rig) -> None:
    import smtplib
    from email.message import EmailMessage

    cases = {  # recipient -> (NOTIFY, category, reason, status)
        "nobody@remote.test": ("FAILURE", "hard_bounce", "user_unknown", "5.1.1"),
        "spam@remote.test": ("FAILURE", "spam", "spam_detected", "5.7.1"),
        "full@remote.test": ("FAILURE", "soft_bounce", "mailbox_full", "4.2.2"),
        "reader@example.test": ("SUCCESS", "delivered", "delivered", "2.0.0"),
        "accepted@remote.test": ("SUCCESS", "delivered", "delivered", "2.0.0"),
    }
    host, port = dsn_rig.smtp_inject
    with smtplib.SMTP(host, port, timeout=10) as smtp:
        for index, (rcpt, (notify, *_)) in enumerate(cases.items()):
            msg = EmailMessage()
            msg["From"], msg["To"], msg["Subject"] = "dsn@example.test", rcpt, f"case {index}"
            msg["Message-ID"] = f"<rig-case-{index}@example.test>"
            msg.set_content("Bonjour.\n")
            smtp.send_message(msg, to_addrs=[rcpt], mail_options=["RET=HDRS", f"ENVID=env{index}"],
                              rcpt_options=[f"NOTIFY={notify}"])
    files = dsn_rig.wait_for_mail("dsn@example.test", count=len(cases), timeout=30)
    assert len(files) == len(cases), dsn_rig.postfix_log()[-3000:]
    seen = {}
    for path in files:
        report = parse(path.read_bytes())
        assert report.kind == "dsn" and report.is_bounce
        (rcpt,) = report.recipients
        index = int(report.original_envid.removeprefix("env"))
        assert report.original_message_id == f"<rig-case-{index}@example.test>"
        seen[rcpt.address] = (rcpt.category, rcpt.reason, rcpt.status)
    assert seen == {rcpt: tuple(expected[1:]) for rcpt, expected in cases.items()}
