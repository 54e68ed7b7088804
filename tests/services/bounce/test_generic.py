"""Generic readers: reports from MTAs that have no vendor module, in the unusual layouts real
servers write (RFC 3464 blocks run together, odd field case, status parts base64-encoded or
labelled text/plain, a DSN forwarded inside message/rfc822, free-text layouts, UTF-8
addresses, replies quoting a bounce, auto-replies and read receipts in several languages).

tests/data/bounces/generic/expected.json maps a file name to
``{"kind": ..., "original_message_id": ..., "recipients": [[address, category, reason, status]]}``;
no vendor module may claim these files: the generic readers must read them alone.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.services.bounce import parse
from app.services.bounce.parser import _parse

ROOT = Path(__file__).resolve().parents[2] / "data" / "bounces" / "generic"
EXPECTED: dict[str, dict] = json.loads((ROOT / "expected.json").read_text("utf-8"))


def test_every_generic_sample_has_an_expectation() -> None:
    assert {p.name for p in ROOT.glob("*.eml")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_generic_sample(name: str) -> None:
    expected = EXPECTED[name]
    raw = (ROOT / name).read_bytes()
    report = parse(raw)
    got = [[r.address, r.category, r.reason, r.status] for r in report.recipients]
    assert (report.kind, got) == (expected["kind"], expected["recipients"])
    assert report.original_message_id == expected["original_message_id"]
    assert report.vendor is None
    _parse(raw)  # the same without the never-raise net
