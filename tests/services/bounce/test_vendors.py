"""Vendor formats: every sample under tests/data/bounces/vendors/<vendor>/ against its
expected.json, and the vendor module that must have read it.

Each folder's expected.json maps a file name to
``{"vendor": NAME | null, "kind": ..., "recipients": [[address, category, reason, status]]}``
(``vendor`` is the module expected to recognise the file: null when the generic readers do).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.services.bounce import parse, vendors
from app.services.bounce.parser import _parse

ROOT = Path(__file__).resolve().parents[2] / "data" / "bounces" / "vendors"


def _cases() -> list[tuple[Path, dict]]:
    cases = []
    for expected in sorted(ROOT.glob("*/expected.json")):
        table = json.loads(expected.read_text("utf-8"))
        cases.extend((expected.parent / name, entry) for name, entry in sorted(table.items()))
    return cases


CASES = _cases()


def test_every_vendor_sample_has_an_expectation() -> None:
    files = {p for p in ROOT.glob("*/*.eml")}
    assert files == {path for path, _ in CASES}


def test_every_vendor_module_has_samples() -> None:
    names = {entry["vendor"] for _, entry in CASES}
    for module in vendors.VENDORS:
        assert module.NAME in names, f"vendor {module.NAME} has no sample"


@pytest.mark.parametrize(("path", "expected"), CASES,
                         ids=[f"{p.parent.name}/{p.name}" for p, _ in CASES])
def test_vendor_sample(path: Path, expected: dict) -> None:
    raw = path.read_bytes()
    report = parse(raw)
    got = [[r.address, r.category, r.reason, r.status] for r in report.recipients]
    assert (report.kind, got) == (expected["kind"], expected["recipients"])
    assert report.vendor == expected["vendor"]
    _parse(raw)  # the same without the never-raise net: no vendor may crash on its sample
