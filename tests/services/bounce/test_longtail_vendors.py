"""Long-tail vendor modules (Yandex, NTT docomo, SoftBank, McAfee/MX Logic, SendGrid, Facebook,
SmarterMail, fml) on broken and hostile input, and the carriers' answers they must not misread.

detect()/extract() are called directly (vendors.find() would swallow a bug) on mutated copies
of the samples and on shapes built to make a reader loop or backtrack: they never raise and
return addresses only. The carriers' modules only rename the cause of *their* recipients.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given

from app.services.bounce import model, parse, vendors
from tests.support.bounce_fuzz import FUZZ, assert_sound_output, mutated, vendor_context

MODULES = ("yandex", "docomo", "softbank", "mcafee", "sendgrid", "smartermail", "facebook",
           "fml")
BY_NAME = {m.NAME: m for m in vendors.VENDORS}
ROOT = Path(__file__).resolve().parents[2] / "data" / "bounces" / "vendors"
SAMPLES = [p.read_bytes() for name in MODULES for p in sorted((ROOT / name).glob("*.eml"))]
_DAEMON = b"From: MAILER-DAEMON@relay.example\nSubject: Mail delivery failed\n"
HOSTILE = {
    "mcafee": b"From: postmaster@gw.example\nSubject: Delivery Status\n"
    b"X-NAI-Header: Modified by McAfee Email Gateway\n\n"
    b"   --- The following addresses had delivery problems ---\n\n"
    + b"<a@b.example>   (" + b"x " * 400 + b")\n" * 20000,
    "sendgrid": b"From: MAILER-DAEMON <apps@sendgrid.net>\nSubject: Undelivered Mail\n\n"
    b"This is an automatically generated message from SendGrid.\n\n"
    + b"acct:1:<a@b.example> : 192.0.2.1 : mx.b.example:[192.0.2.2] :\n"
    + (b"  " + b"y" * 790 + b"\n") * 6 * 3000,
    "smartermail": b"From: System Administrator <postmaster@b.example>\nSubject: Undeliverable\n\n"
    b"Could not deliver message to the following recipient(s):\n\n"
    + b"Failed Recipient: a@b.example\nReason: " + b"z" * 1000000 + b"\n",
    "docomo": _DAEMON + b"\n   ----- The following addresses had permanent fatal errors -----\n"
    + b"<a@docomo.ne.jp>\n    (reason: 550 Unknown user a@docomo.ne.jp)\n" * 5000
    + b"   ----- Transcript of session follows -----\n"
    + b">>> DATA\n<<< 550 Unknown user " + b"a@docomo.ne.jp " * 20000 + b"\n",
}


def test_every_module_is_registered_and_has_samples() -> None:
    for name in MODULES:
        assert name in BY_NAME, name
        assert list((ROOT / name).glob("*.eml")), name


_FRAGMENTS = [b"\n", b"<", b">", b"@", b":", b"(", b")", b"\n  <a@b.example>: ", b">>> DATA\n",
                b"<<< 550 Unknown user a@docomo.ne.jp\n", b"Failed Recipient: ", b"Reason: ",
                b"Final-Recipient: rfc822; ", b"Action: expired\n", b"\xff\xfe",
                b" : 192.0.2.1 : mx.x.example:[192.0.2.2] :\n", b"docomo.ne.jp", b"softbank"]


@FUZZ
@given(mutated(SAMPLES, _FRAGMENTS))
def test_mutated_samples_never_raise_in_any_long_tail_module(raw: bytes) -> None:
    assert_sound_output(raw, MODULES)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_shapes_are_read_within_bounds(name: str) -> None:
    raw = HOSTILE[name]
    ctx = vendor_context(raw)
    module = BY_NAME[name]
    assert module.detect(ctx)
    module.extract(ctx)  # must not raise, nor take quadratic time
    report = parse(raw)
    assert report.vendor == name
    assert 0 < len(report.recipients) <= model.MAX_RECIPIENTS


def test_docomo_names_only_its_own_recipients() -> None:
    # The same "Unknown user" after DATA from another host is not docomo's refusal setting.
    raw = (_DAEMON + b"\n   ----- The following addresses had permanent fatal errors -----\n"
           b"<a@docomo.ne.jp>\n    (reason: 550 Unknown user a@docomo.ne.jp)\n"
           b"<b@other.example>\n    (reason: 550 5.1.1 <b@other.example>... User unknown)\n\n"
           b"   ----- Transcript of session follows -----\n"
           b"... while talking to mfsmax.docomo.ne.jp.:\n>>> DATA\n"
           b"<<< 550 Unknown user a@docomo.ne.jp\n554 5.0.0 Service unavailable\n")
    got = {r.address: r.reason for r in parse(raw).recipients}
    assert got == {"a@docomo.ne.jp": "rejected", "b@other.example": "user_unknown"}


def test_a_yandex_user_quoting_a_bounce_is_not_a_report() -> None:
    raw = ("From: Ivan <ivan.example@yandex.ru>\nTo: jean@exemple.fr\nSubject: Re: письмо\n"
           "Content-Type: text/plain; charset=utf-8\n\nСмотри, что пришло:\n\n"
           "> This is the mail system at host yandex.ru.\n"
           "> <friend@example.org>: host mx.yandex.ru[192.0.2.1] said: 550 5.7.1 Policy"
           " rejection on the target address\n").encode()
    report = parse(raw)
    assert report.vendor != "yandex"


def test_facebook_recipient_preferences_are_a_filter_not_an_unknown_address() -> None:
    raw = (b"From: Facebook <mailer-daemon@mx.facebook.com>\n"
           b"Subject: Sorry, your message could not be delivered\n"
           b"Content-Type: text/plain\n\n"
           b"This message was created automatically by Facebook.\n\n"
           b"Final-Recipient: rfc822; friend.example@facebook.com\nAction: failed\n"
           b"Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 RCP-P2 "
           b"http://postmaster.facebook.com/response_codes#rcp Refused due to recipient"
           b" preferences\n")
    report = parse(raw)
    assert report.vendor == "facebook"
    assert [(r.address, r.reason) for r in report.recipients] == [
        ("friend.example@facebook.com", "filtered")]


# Facebook's postmaster "response codes" page: the code names the cause, not the status around it
@pytest.mark.parametrize(("code", "reason"), [
    ("POL-P6", "spam_detected"),  # a URL of the message is blocked by Facebook
    ("POL-P7", "auth_failure"),  # fails Facebook's domain authentication requirements
    ("POL-P8", "policy_violation"),  # Facebook's abuse policies
    ("INT-P7", "mailbox_full"),  # the recipient exceeded their storage quota
])
def test_facebook_response_codes_name_the_cause(code: str, reason: str) -> None:
    raw = (b"From: Facebook <mailer-daemon@mx.facebook.com>\n"
           b"Subject: Sorry, your message could not be delivered\n"
           b"Content-Type: text/plain\n\n"
           b"This message was created automatically by Facebook.\n\n"
           b"Final-Recipient: rfc822; friend.example@facebook.com\nAction: failed\n"
           b"Status: 5.0.0\nDiagnostic-Code: smtp; 550 5.0.0 " + code.encode()
           + b" http://postmaster.facebook.com/response_codes Message refused\n")
    report = parse(raw)
    assert [(r.address, r.reason) for r in report.recipients] == [
        ("friend.example@facebook.com", reason)]


@pytest.mark.xfail(strict=True, reason="parser._refine_dsn asks vendor modules only about vague "
                   "DSN recipients: a 5.2.0 status with a reply code is not vague")
def test_docomo_refusal_at_data_under_a_precise_dsn_status() -> None:
    raw = (_DAEMON + b"MIME-Version: 1.0\n"
           b"Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\n\n"
           b"   ----- The following addresses had permanent fatal errors -----\n"
           b"<a@docomo.ne.jp>\n    (reason: 550 Unknown user a@docomo.ne.jp)\n\n"
           b"   ----- Transcript of session follows -----\n"
           b"... while talking to mfsmax.docomo.ne.jp.:\n>>> DATA\n"
           b"<<< 550 Unknown user a@docomo.ne.jp\n554 5.0.0 Service unavailable\n\n--b\n"
           b"Content-Type: message/delivery-status\n\nReporting-MTA: dns; relay.example\n\n"
           b"Final-Recipient: RFC822; a@docomo.ne.jp\nAction: failed\nStatus: 5.2.0\n"
           b"Remote-MTA: DNS; mfsmax.docomo.ne.jp\n"
           b"Diagnostic-Code: SMTP; 550 Unknown user a@docomo.ne.jp\n\n--b--\n")
    assert [(r.address, r.reason) for r in parse(raw).recipients] == [
        ("a@docomo.ne.jp", "rejected")]
