"""Fuzzing the bounce parser: whatever the bytes, it returns a Report that serialises."""

from __future__ import annotations

import json
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.services.bounce import Report, model, parse, parser
from app.services.bounce.reasons import classify_reply
from app.services.bounce.taxonomy import REASON_CATEGORY
from tests.support.bounce_fuzz import mutated

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "data" / "bounces").glob("*.eml"))
SAMPLE_BYTES = [p.read_bytes() for p in SAMPLES]
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _check(raw: bytes) -> Report:
    # parse() has a last-resort catch-all; fuzz the code under it so a bug cannot hide there.
    report = parser._parse(raw[:model.MAX_MESSAGE])
    doc = report.to_dict()
    assert parse(raw).to_dict() == doc  # the public entry point reads it the same way
    assert report.kind in model.KINDS
    # Serialises, and reads back the same (no NaN, no bytes, no lone surrogate in the text).
    assert json.loads(json.dumps(doc, ensure_ascii=False).encode("utf-8")) == doc
    for rcpt in report.recipients:
        assert REASON_CATEGORY.get(rcpt.reason) == rcpt.category
    return report


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes(raw: bytes) -> None:
    _check(raw)


@FUZZ
@given(mutated(SAMPLE_BYTES, steps=12, dup=500))
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


# --- bounded work per input (issue: hostile bounces must not cost seconds) ---------------
_WORD = "=?utf-8?b?w6nDqcOpw6nDqQ==?= "


@st.composite
def hostile_message(draw: st.DrawFn) -> bytes:
    """A bounce-shaped message with one part blown up to hundreds of kilobytes."""
    size = draw(st.integers(10_000, 600_000))
    shape = draw(st.sampled_from(["subject", "from", "references", "boundary", "nesting",
                                  "parts", "base64", "header-lines", "dsn-fields", "text"]))
    head = "From: MAILER-DAEMON@x.example\nSubject: Undelivered Mail\n"
    body = "This is the mail system at host x.example.\n\n<a@b.example>: 550 5.1.1 unknown\n"
    if shape in ("subject", "from", "references"):
        name = {"subject": "Subject", "from": "From", "references": "References"}[shape]
        head = f"{name}: " + _WORD * (size // len(_WORD)) + "\n" + head
    elif shape == "boundary":
        bound = "b" * size
        head += f'Content-Type: multipart/report; boundary="{bound}"\n'
        body = f"--{bound}\nContent-Type: text/plain\n\n{body}\n--{bound}--\n"
    elif shape == "nesting":
        depth = min(size // 100, 2000)
        head += "Content-Type: multipart/mixed; boundary=n0\n"
        body = "".join(f"--n{i}\nContent-Type: multipart/mixed; boundary=n{i + 1}\n\n"
                       for i in range(depth)) + body
    elif shape == "parts":
        head += "Content-Type: multipart/mixed; boundary=p\n"
        body = f"--p\nContent-Type: text/plain\n\n{body}\n" * (size // 120) + "--p--\n"
    elif shape == "base64":
        head += "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n"
        body = "QUJD!!" * (size // 6)
    elif shape == "header-lines":
        head += "X-Long: " + "x" * size + "\n" + "X-Fold: a\n" + " b\n" * (size // 3)
    elif shape == "dsn-fields":
        head += "Content-Type: multipart/report; boundary=d\n"
        fields = "Final-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 5.1.1\n\n"
        body = ("--d\nContent-Type: message/delivery-status\n\n"
                + fields * (size // len(fields)) + "--d--\n")
    else:
        body = body + ("<c@d.example>: 550 user unknown, blocked using spamhaus\n"
                       * (size // 55))
    return (head + "\n" + body).encode("utf-8")


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(hostile_message())
def test_work_is_bounded_by_input_size(raw: bytes) -> None:
    # CPU time, not wall time: the bound is about the parser's work, not the machine's load.
    # Linear in the input with a generous constant: quadratic behaviour blows well past it.
    started = time.process_time()
    report = _check(raw)
    spent = time.process_time() - started
    assert spent < 0.25 + 1.5 * len(raw) / 1_000_000, (len(raw), spent)
    assert len(report.recipients) <= model.MAX_RECIPIENTS
