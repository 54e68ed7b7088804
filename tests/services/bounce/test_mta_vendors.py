"""MTA and gateway vendor modules (dma, OpenSMTPD, Exim, Sendmail, Messaging Server, qmail,
Courier, Postfix, Exchange, Domino, IMail, James, PowerMTA, MDaemon, InterScan, Barracuda,
MessageLabs, Mimecast, m-FILTER, MailMarshal, MailFoundry) on broken and hostile input.

Each module's detect()/extract() is called directly (vendors.find() would swallow a bug), on
mutated copies of the samples and on shapes built to make a reader loop or backtrack: they
never raise and return addresses only. A person quoting a bounce is not read as one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given

from app.services.bounce import model, parse, vendors
from tests.support.bounce_fuzz import FUZZ, assert_sound_output, mutated, vendor_context

MODULES = ("interscan", "barracuda", "messagelabs", "mimecast", "mfilter", "mailmarshal",
           "mailfoundry", "exchange", "domino", "imail", "james", "powermta", "mdaemon", "dma",
           "opensmtpd", "exim", "sendmail", "messaging_server", "qmail", "courier", "postfix")
BY_NAME = {m.NAME: m for m in vendors.VENDORS}
ROOT = Path(__file__).resolve().parents[2] / "data" / "bounces" / "vendors"
SAMPLES = [p.read_bytes() for name in MODULES for p in sorted((ROOT / name).glob("*.eml"))]
_H = b"From: MAILER-DAEMON@relay.example\nSubject: Mail delivery failed\n\n"
HOSTILE = {
    "dma": _H + b"This is the DragonFly Mail Agent v0.13 at x.\n\n"
    + b"There was an error delivering your mail to <a@b.example>.\n" * 30000,
    "exim": _H + b"This message was created automatically by mail delivery software.\n"
    b"The following address(es) failed:\n\n"
    + (b"  a@b.example\n"
       b"    SMTP error from remote mail server after RCPT TO:<a@b.example>:\n") * 15000,
    "sendmail": _H + b"   ----- The following addresses had permanent fatal errors -----\n"
    + b"<a@b.example>\n    (reason: 550 x)\n" * 20000
    + b"   ----- Transcript of session follows -----\n"
    + b">>> RCPT To:<a@b.example>\n<<< 550 5.1.1 no\n" * 20000,
    "qmail": _H + b"Hi. This is the qmail-send program at x.\n\n"
    + b"<a@b.example>:\n192.0.2.1 does not like recipient.\nRemote host said: 550 x\n\n" * 10000,
    "exchange": _H + b"Diagnostic information for administrators:\n\n"
    + b"a@b.example\n#550 5.1.1 x ##\n\n" * 20000,
    "messaging_server": _H + b"This report relates to a message you sent with the following"
    b" header fields:\n\nfollowing recipients:\n"
    + b"  Recipient address: a@b.example\n  Reason: x\n" * 20000,
    "postfix": _H + b"This is the mail system at host x.\n\nThe mail system\n\n"
    + b"<a@b.example>: host " + b"a-" * 30000 + b"[192.0.2.1] said: 550\n",
    "courier": _H + b"running the Courier mail server\nrecipients cannot be delivered:\n"
    + b"<a@b.example>:\n    " + b"x." * 200000 + b"example [192.0.2.1]:\n<<< 550 x\n",
}


def test_every_module_is_registered_and_has_samples() -> None:
    for name in MODULES:
        assert name in BY_NAME, name
        assert list((ROOT / name).glob("*.eml")), name


_FRAGMENTS = [b"\n", b"<", b">", b"@", b":", b"\n  a@b.example\n", b"<<< ", b">>> ", b"-- ",
                b"\nRecipient address: ", b"Remote host said:", b"(reason: ", b"\xff\xfe",
                b"Diagnostic information for administrators:\n", b"was not delivered to:",
                b"Final-Recipient: rfc822; ", b"   ----- Transcript of session follows -----\n"]


@FUZZ
@given(mutated(SAMPLES, _FRAGMENTS))
def test_mutated_samples_never_raise_in_any_mta_module(raw: bytes) -> None:
    assert_sound_output(raw, MODULES)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_shapes_are_read_within_bounds(name: str) -> None:
    raw = HOSTILE[name]
    ctx = vendor_context(raw)
    module = BY_NAME[name]
    assert module.detect(ctx)
    module.extract(ctx)  # must not raise (and must not take quadratic time: see the benchmark)
    report = parse(raw)
    assert report.vendor == name
    assert 0 < len(report.recipients) <= model.MAX_RECIPIENTS


def test_person_quoting_an_exim_or_qmail_bounce_is_not_a_report_of_theirs() -> None:
    raw = (b"From: Paul <paul@client.example>\nTo: jean@exemple.fr\nSubject: Re: your mail\n"
           b"Content-Type: text/plain; charset=utf-8\n\nI got this, can you check?\n\n"
           b"> This message was created automatically by mail delivery software.\n"
           b"> The following address(es) failed:\n>\n>   friend@example.org\n"
           b">     retry timeout exceeded\n"
           b"> Hi. This is the qmail-send program at mail.example.org.\n"
           b"> <other@example.org>:\n> Sorry, no mailbox here by that name. (#5.1.1)\n")
    report = parse(raw)
    assert report.vendor is None
    assert report.recipients == []
