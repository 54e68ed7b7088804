"""Compile every resources/locale/<lang>/LC_MESSAGES/postier.po into its postier.mo.

    .venv/bin/python resources/locale/compile.py          # write the .mo files
    .venv/bin/python resources/locale/compile.py --check  # exit 1 if a committed .mo is stale

A build/test tool (Babel's reader and writer: the .po syntax in full, escapes, plural forms);
the app itself reads the .mo with the standard library's gettext.
"""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

HERE = Path(__file__).resolve().parent
# Babel fills a header without POT-Creation-Date with the current time: a fixed date keeps
# the .mo a function of the .po alone (the test compares the committed .mo byte for byte).
UNDATED = datetime(1970, 1, 1, tzinfo=UTC)


def compiled(po: Path) -> bytes:
    """The .mo bytes of ``po`` (no fuzzy entries: an unchecked translation is not shipped)."""
    raw = po.read_bytes()
    catalogue = read_po(io.BytesIO(raw))
    if b'"POT-Creation-Date:' not in raw:
        catalogue.creation_date = UNDATED
    out = io.BytesIO()
    write_mo(out, catalogue, use_fuzzy=False)
    return out.getvalue()


def catalogues() -> list[Path]:
    return sorted(HERE.glob("*/LC_MESSAGES/postier.po"))


def main(argv: list[str]) -> int:
    stale = []
    for po in catalogues():
        data, mo = compiled(po), po.with_suffix(".mo")
        if "--check" in argv:
            if not mo.exists() or mo.read_bytes() != data:
                stale.append(mo)
        else:
            mo.write_bytes(data)
    for mo in stale:
        print(f"stale: {mo} (run resources/locale/compile.py)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
