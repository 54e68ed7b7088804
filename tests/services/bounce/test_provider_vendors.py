"""Provider vendor modules (Gmail, Google Groups, Amazon SES, Office 365, Yahoo, Zoho, GMX,
au/KDDI, Mail.Ru, BIGLOBE, Telekom, Verizon) on broken input: mutated copies of their own
samples never raise under the parser's last-resort net, and every verdict stays in CLI.md's
table; a provider-looking message from a person is not read as a report."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given

from app.services.bounce import model, parse, parser, vendors
from app.services.bounce.taxonomy import REASON_CATEGORY
from tests.support.bounce_fuzz import FUZZ, mutated

PROVIDERS = ("amazon_ses", "google_groups", "gmail", "office365", "yahoo", "zoho", "gmx", "kddi",
             "mailru", "biglobe", "telekom", "verizon")
ROOT = Path(__file__).resolve().parents[2] / "data" / "bounces" / "vendors"
SAMPLES = [p.read_bytes() for name in PROVIDERS for p in sorted((ROOT / name).glob("*.eml"))]


def test_every_provider_module_is_registered_and_has_samples() -> None:
    names = {m.NAME for m in vendors.VENDORS}
    for name in PROVIDERS:
        assert name in names
        assert list((ROOT / name).glob("*.eml")), name


_FRAGMENTS = [b"\n", b"<", b">", b"@", b"{", b"}", b'"', b"ERROR_CODE :", b"Remote host said:",
                b"\n  a@b.example\n", b"** x **", b"Recipient Address: ", b"[Status: ",
                b"\xff\xfe", b"=?utf-8?b?", b"Delivery to the following recipient failed"]


@FUZZ
@given(mutated(SAMPLES, _FRAGMENTS))
def test_mutated_provider_samples_never_raise(raw: bytes) -> None:
    report = parser._parse(raw[:model.MAX_MESSAGE])  # no last-resort net: a vendor bug shows
    json.dumps(report.to_dict(), ensure_ascii=False)
    assert len(report.recipients) <= model.MAX_RECIPIENTS
    for rcpt in report.recipients:
        assert REASON_CATEGORY.get(rcpt.reason) == rcpt.category


def test_sns_json_that_is_not_a_notification_is_not_a_report() -> None:
    raw = (b"From: AWS Notifications <no-reply@sns.amazonaws.com>\n"
           b"x-amz-sns-message-id: 0000\nSubject: AWS Notification Message\n\n"
           b'{"Type": "Notification", "Message": "the nightly backup finished"}\n')
    report = parse(raw)
    assert report.vendor is None
    assert report.recipients == []


def test_person_at_a_provider_domain_quoting_a_bounce_is_not_a_report() -> None:
    raw = ("From: Ivan <ivan@mail.ru>\nTo: shop@example.com\nSubject: Re: order\n"
           "Message-ID: <1@f1.i.mail.ru>\nContent-Type: text/plain; charset=utf-8\n\n"
           "Ваше письмо не может быть доставлено, they said. The following address failed:\n"
           "  friend@example.org\n    retry timeout exceeded\n").encode()
    report = parse(raw)
    assert report.vendor != "mailru"
