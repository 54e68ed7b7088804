"""Mutated bounce samples for the classifier's fuzz tests (hypothesis): one strategy, each
test file giving its own samples and the fragments its formats are sensitive to; and the
vendor modules' Context built as the parser builds it, to call detect()/extract() directly."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from app.services.bounce import model, parse, vendors
from app.services.bounce.addresses import address_of, msgid_of
from app.services.bounce.decode import header_text, parse_entity, walk
from app.services.bounce.model import Report
from app.services.bounce.taxonomy import REASON_CATEGORY
from app.services.bounce.vendors.base import Context

FUZZ = settings(max_examples=120, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def mutated(samples: list[bytes], fragments: list[bytes] | None = None,
            steps: int = 10, dup: int = 400) -> st.SearchStrategy[bytes]:
    """A sample damaged by 1..``steps`` edits: a flipped byte, an inserted fragment (random
    bytes when ``fragments`` is None), a deleted or duplicated run, a cut."""
    inserts = st.sampled_from(fragments) if fragments else st.binary(min_size=1, max_size=40)

    @st.composite
    def strategy(draw: st.DrawFn) -> bytes:
        data = bytearray(draw(st.sampled_from(samples)))
        for _ in range(draw(st.integers(1, steps))):
            if not data:
                break
            pos = draw(st.integers(0, len(data) - 1))
            op = draw(st.sampled_from(["flip", "insert", "delete", "dup", "cut"]))
            if op == "flip":
                data[pos] = draw(st.integers(0, 255))
            elif op == "insert":
                data[pos:pos] = draw(inserts)
            elif op == "delete":
                del data[pos:pos + draw(st.integers(1, 200))]
            elif op == "dup":
                data[pos:pos] = data[pos:pos + draw(st.integers(1, dup))]
            else:
                del data[pos:]
        return bytes(data)

    return strategy()


def vendor_context(raw: bytes) -> Context:
    """What vendors.find() hands each module, without find()'s net that swallows a bug."""
    msg = parse_entity(raw[:model.MAX_MESSAGE])
    report = Report(message_id=msgid_of(header_text(msg, "Message-ID")),
                    subject=header_text(msg, "Subject"),
                    from_addr=address_of(header_text(msg, "From")))
    return Context(msg, report, walk(msg))


def assert_sound_output(raw: bytes, names: tuple[str, ...]) -> None:
    """Every module of ``names`` that claims ``raw`` gives addresses, known actions and known
    reasons, and the whole parse stays within its bounds with consistent categories."""
    by_name = {m.NAME: m for m in vendors.VENDORS}
    ctx = vendor_context(raw)
    for name in names:
        module = by_name[name]
        if module.detect(ctx):
            for found in module.extract(ctx):
                assert "@" in found.address
                assert found.action in (None, "failed", "delayed", "delivered")
                assert found.reason is None or found.reason in REASON_CATEGORY
    report = parse(raw)
    assert len(report.recipients) <= model.MAX_RECIPIENTS
    for rcpt in report.recipients:
        assert REASON_CATEGORY.get(rcpt.reason) == rcpt.category
