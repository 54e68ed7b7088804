"""The CLI's side of classification: files in, CLI.md entries and readable lines out."""

from __future__ import annotations

from typing import Any, BinaryIO

from app.services.bounce.model import MAX_MESSAGE
from app.services.bounce.parser import parse
from app.services.errors import message_for


# =====================================================================================
# CLI helpers
# =====================================================================================
def classify_files(paths: list[str], stdin: BinaryIO) -> list[dict[str, Any]]:
    """One CLI.md entry per path ("-" is stdin); an unreadable file gets "error"."""
    entries: list[dict[str, Any]] = []
    for path in paths:
        try:
            if path == "-":
                raw = stdin.read(MAX_MESSAGE * 4)
            else:
                with open(path, "rb") as handle:
                    raw = handle.read(MAX_MESSAGE * 4)
        except OSError as exc:
            _, hint = message_for("FILE_ERROR")
            entries.append({"file": _printable(path), "is_bounce": False, "recipients": [],
                            "error": {"code": "FILE_ERROR",
                                      "message": f"{_printable(path)}: {exc.strerror or exc}",
                                      "hint": hint}})
            continue
        entries.append({"file": _printable(path), **parse(raw).to_dict()})
    return entries


def _printable(path: str) -> str:
    """The file name as UTF-8 text: bytes that are not UTF-8 show as U+FFFD."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def format_text(entries: list[dict[str, Any]]) -> str:
    """Readable lines for the CLI without --json."""
    out: list[str] = []
    for entry in entries:
        if "error" in entry:
            out.append(f"{entry['file']}: error: {entry['error']['message']}")
            continue
        head = f"{entry['file']}: {entry.get('kind', 'other')}"
        if entry.get("original_message_id"):
            head += f" (original {entry['original_message_id']})"
        out.append(head)
        if not entry["recipients"]:
            out.append("  not a bounce")
        for rcpt in entry["recipients"]:
            codes = " ".join(c for c in (rcpt.get("reply_code"), rcpt.get("status")) if c)
            line = f"  {rcpt['address'] or '?'}: {rcpt['category']} ({rcpt['reason']})"
            if codes:
                line += f" {codes}"
            out.append(line)
            if rcpt.get("diagnostic"):
                out.append(f"    {rcpt['diagnostic']}")
    return "\n".join(out)
