"""Fuzzing the bounce parser: whatever the bytes, it returns a Report that serialises."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.services.bounce import model, parser
from app.services.bounce import Report, parse
from app.services.bounce.reasons import REASON_CATEGORY, classify_reply

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "data" / "bounces").glob("*.eml"))
SAMPLE_BYTES = [p.read_bytes() for p in SAMPLES]
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _check(raw: bytes) -> Report:
    # parse() has a last-resort catch-all; fuzz the code under it so a bug cannot hide there.
    report = parser._parse(raw[:model.MAX_MESSAGE])
    assert isinstance(report, Report)
    assert isinstance(parse(raw), Report)
    doc = report.to_dict()
    json.dumps(doc, ensure_ascii=False).encode("utf-8")
    for rcpt in report.recipients:
        assert REASON_CATEGORY.get(rcpt.reason) == rcpt.category
    return report


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes(raw: bytes) -> None:
    _check(raw)


@st.composite
def mutated_sample(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SAMPLE_BYTES)))
    for _ in range(draw(st.integers(1, 12))):
        if not data:
            break
        pos = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "insert", "delete", "dup", "cut"]))
        if op == "flip":
            data[pos] = draw(st.integers(0, 255))
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=40))
        elif op == "delete":
            del data[pos:pos + draw(st.integers(1, 200))]
        elif op == "dup":
            data[pos:pos] = data[pos:pos + draw(st.integers(1, 500))]
        else:
            del data[pos:]
    return bytes(data)


@FUZZ
@given(mutated_sample())
def test_mutated_samples(raw: bytes) -> None:
    _check(raw)


_TOKENS = st.sampled_from([
    "Content-Type: multipart/report; report-type=delivery-status; boundary=b\n",
    "Content-Type: message/delivery-status\n", "Content-Type: message/rfc822\n",
    "Content-Type: text/rfc822-headers\n", "Content-Type: message/disposition-notification\n",
    "Content-Type: message/feedback-report\n", "Content-Transfer-Encoding: base64\n",
    "--b\n", "--b--\n", "\n", "Final-Recipient: rfc822; a@b.example\n", "Action: failed\n",
    "Action: delayed\n", "Status: 5.1.1\n", "Status: 4.", "Diagnostic-Code: smtp; 550 ",
    "Original-Envelope-Id: x\n", "Message-ID: <m@x>\n", "From: MAILER-DAEMON@x.example\n",
    "Subject: Undelivered Mail\n", "X-Failed-Recipients: a@b.example\n", "<a@b.example>: ",
    "Remote host said: 554 ", "user unknown", " 5.7.1 spamhaus ", "=?utf-8?q?=C3=A9?=",
    "Auto-Submitted: auto-replied\n", "\xe9\xff", "   ", "\t", ";;;", "<<<>>>",
])


@FUZZ
@given(st.lists(st.one_of(_TOKENS, st.text(max_size=20)), max_size=60))
def test_structured_noise(tokens: list[str]) -> None:
    _check("".join(tokens).encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.one_of(st.none(), st.integers(-1000, 1000)), st.text(max_size=300),
       st.one_of(st.none(), st.text(max_size=12)))
def test_classify_reply_is_total(code: int | None, text: str, enhanced: str | None) -> None:
    category, reason = classify_reply(code, text, enhanced)
    assert REASON_CATEGORY[reason] == category
