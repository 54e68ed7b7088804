"""Which line of a bounce is its diagnostic: coded replies, their wrapped continuations, and the
sentence naming the most specific cause when no code is given.

Shared by the free-text reader (``freetext``) and the report readers (``reports``).
"""

from __future__ import annotations

import re

from app.services.bounce.addresses import ADDR
from app.services.bounce.reasons import extract_codes, text_reason, text_reason_at

# Characters of a report searched for its cause: the diagnostic is near the top; the rest is
# returned mail or noise (and scanning it all costs every rule a pass over 64 KB).
SCAN_LIMIT = 16 * 1024
DIAG_LINE_RE = re.compile(
    r"(?<![\d.])[245]\d\d[ -]#?[245]\.\d{1,3}\.\d{1,3}|(?<![\d.])[45]\d\d[ -](?=\D)"
    r"|#[45]\.\d{1,3}\.\d{1,3}|remote (?:host|server) (?:said|returned)|said:"
    r"|diagnostic[- ]code:|\breason:")
_MULTILINE_REPLY = re.compile(r"^\s*[245]\d\d-")
# A success reply quoted in a session transcript ("Out: 250 2.1.5 Ok", "<<< 354 Go ahead"):
# the failure that follows it is the diagnostic (Postfix "errors from" transcripts).
_SUCCESS_REPLY = re.compile(r"^\s*(?:out:|in:|<<<|>>>)?\s*[23]\d\d[ -]", re.IGNORECASE)
_LEADING_ADDR = re.compile(r"^<?" + ADDR + r">?:\s+(?=\S)")


def diag_line(line: str) -> bool:
    return bool(DIAG_LINE_RE.search(line.lower()))


def failure_line(line: str) -> bool:
    """A coded line that is not a success reply of a transcript."""
    return diag_line(line) and not _SUCCESS_REPLY.match(line)


def has_code(text: str) -> bool:
    return bool(text) and bool(DIAG_LINE_RE.search(text.lower()))


def has_diagnosis(text: str) -> bool:
    return has_code(text) or text_reason(text) is not None


def diagnostic_of(block: str) -> str:
    """The diagnostic in a recipient's block: its first line with a code, else with a cause."""
    if not block:
        return ""
    lines = block.split("\n")
    for test in (failure_line, diag_line, text_reason):
        for index, line in enumerate(lines):
            if line.strip() and test(line):
                return with_continuation(lines, index)
    return ""


def with_continuation(lines: list[str], index: int) -> str:
    """A diagnostic line plus its wrapped continuation (deeper indent or "550-" lines)."""
    first = lines[index]
    indent = len(first) - len(first.lstrip())
    out = [first.strip()]
    # a line that names neither a code nor a cause ("Remote host said:") takes the next one
    bare = not (extract_codes(first)[0] or text_reason(first))
    for line in lines[index + 1:index + 8]:
        if not line.strip():
            break
        deeper = len(line) - len(line.lstrip()) > indent
        if deeper or _MULTILINE_REPLY.match(line) or bare:
            out.append(line.strip())
            bare = False
        else:
            break
    text = " ".join(out)
    return _LEADING_ADDR.sub("", text, count=1)


def global_diagnostic(head: str) -> str:
    """The report's own diagnostic, for recipients whose block carries none."""
    lines = head.split("\n")
    for index, line in enumerate(lines):
        if diag_line(line):
            chunk = with_continuation(lines, index)
            if extract_codes(chunk)[0] or text_reason(chunk):
                return chunk
            follow = [x.strip() for x in lines[index + 1:index + 4] if x.strip()][:2]
            if follow:
                return f"{chunk} {' '.join(follow)}"
    # No coded reply: the line naming the most specific cause (one pass of the rules).
    reason, offset = text_reason_at(head, SCAN_LIMIT)
    if reason is None:
        return ""
    index = head.lower().count("\n", 0, offset)
    return with_continuation(lines, min(index, len(lines) - 1))
