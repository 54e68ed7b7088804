"""Small helpers shared by the mail-provider modules (Gmail, SES, Yahoo, Zoho, GMX, mail.ru...).

Each provider writes its reports for people, in its own layout; what they share is how a
module finds addresses in a sentence, the reply quoted after a marker line, a remote host in
brackets, and the returned message's To when the report names nobody. All bounded: they
work on slices of ``ctx.head`` (at most ``MAX_PART_TEXT`` characters).
"""

from __future__ import annotations

import re

from app.services.bounce.addresses import ADDR_RE, DAEMON_LOCAL, norm_addr
from app.services.bounce.decode import header_text
from app.services.bounce.vendors.base import Context

_HOST = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.){1,10}[A-Za-z]{2,24}"
# "[mx.example.com. 192.0.2.1: timed out]", "by mx.example.com. [192.0.2.1]", "host mx.x [ip]"
_REMOTE_RES = (
    re.compile(r"\[(" + _HOST + r")\.? [0-9a-fA-F.:]{3,45}[:\]]"),
    re.compile(r"\bby (" + _HOST + r")\.? \[[0-9a-fA-F.:]{3,45}\]"),
    re.compile(r"\bhost:? (" + _HOST + r")\.?(?: \[[0-9a-fA-F.:]{3,45}\]| \([0-9a-fA-F.:]{3,45}\)"
               r"|\s*$)", re.MULTILINE),
)


# --- cheap per-message signals, computed once and shared by every provider's detect() -------
def sender(ctx: Context) -> str:
    """The From header, lower-cased (once per message)."""
    cached = ctx.__dict__.get("_provider_sender")
    if cached is None:
        cached = ctx.__dict__["_provider_sender"] = ctx.from_header.lower()
    return cached


def opening_text(ctx: Context, limit: int = 4000) -> str:
    """The first ``limit`` (<= 4000) characters of the text, lower-cased (once per message)."""
    cached = ctx.__dict__.get("_provider_start")
    if cached is None:
        cached = ctx.__dict__["_provider_start"] = ctx.text_starts(4000)
    return cached[:limit]


def seen(ctx: Context, *needles: str, limit: int = 4000) -> bool:
    """Whether one of ``needles`` (lower-case) is in the first ``limit`` characters of the
    text (no copy of the text per call)."""
    opening = opening_text(ctx)
    return any(opening.find(n, 0, limit) >= 0 for n in needles)


def has_header(ctx: Context, name: str) -> bool:
    """Whether the top-level header is present (even empty), without decoding it."""
    try:
        return ctx.msg.get(name) is not None
    except Exception:  # noqa: BLE001 - malformed header objects
        return False


def addresses_in(text: str, limit: int = 50) -> list[str]:
    """The addresses in ``text``, normalised, in order, without duplicates or daemons."""
    out: list[str] = []
    for match in ADDR_RE.finditer(text[:20000]):
        addr = norm_addr(match.group(0))
        local = addr.rpartition("@")[0]
        if addr not in out and not DAEMON_LOCAL.match(local):
            out.append(addr)
            if len(out) >= limit:
                break
    return out


def address_blocks(body: str, line_re: re.Pattern[str], *, blank_ends: bool = False,
                   limit: int = 200) -> list[tuple[str, list[str]]]:
    """(address, the lines under it) for each line ``line_re`` matches with an address in its
    group 1: the "x@y" header line and its indented reason, as GMX and Mail.ru write them.
    With ``blank_ends`` a blank line closes a block (the text after it is not about x@y)."""
    blocks: list[tuple[str, list[str]]] = []
    current: str | None = None
    lines: list[str] = []
    for line in body.split("\n")[:2000]:
        match = line_re.match(line)
        addresses = addresses_in(match.group(1)) if match else []
        if addresses:
            if current:
                blocks.append((current, lines))
            if len(blocks) >= limit:
                return blocks
            current, lines = addresses[0], []
        elif current is not None:
            if blank_ends and not line.strip():
                if lines:
                    blocks.append((current, lines))
                    current, lines = None, []
                continue
            lines.append(line.strip() if blank_ends else line)
    if current:
        blocks.append((current, lines))
    return blocks


def after_marker(text: str, markers: tuple[str, ...], max_lines: int = 8,
                 max_chars: int = 1200) -> str:
    """The lines after the first of ``markers`` (case-insensitive) up to a blank line,
    joined with spaces: the reply a provider quotes after "The response was:"."""
    low = text.lower()
    for marker in markers:
        pos = low.find(marker)
        if pos < 0:
            continue
        rest = text[pos + len(marker):pos + len(marker) + max_chars]
        lines: list[str] = []
        for line in rest.lstrip(" \t:").split("\n"):
            if not line.strip():
                if lines:
                    break
                continue
            lines.append(line.strip())
            if len(lines) >= max_lines:
                break
        if lines:
            return " ".join(lines)
    return ""


def remote_host(text: str) -> str | None:
    """The remote MTA a provider names next to its IP address, if any."""
    for pattern in _REMOTE_RES:
        match = pattern.search(text[:8000])
        if match:
            return match.group(1).rstrip(".").lower()
    return None


def original_recipients(ctx: Context) -> list[str]:
    """The recipients named by X-Failed-Recipients, else the first address of the returned
    message's To: the last resort of reports that do not repeat the address (only the first,
    as the report may be about one of several recipients: one guess, not a list of extras)."""
    failed = ctx.header("X-Failed-Recipients")
    if failed:
        found = addresses_in(failed)
        if found:
            return found
    original = ctx.parts.original
    if original is not None:
        to = header_text(original, "To") or ""
        return addresses_in(to, limit=1)
    return []


_DAEMON_WORDS = ("mailer-daemon", "mailer_daemon", "postmaster", "post_master", "sysadmin",
                 "microsoftexchange", "mail delivery", "no-reply", "noreply", "mail system")


def from_daemon(ctx: Context) -> bool:
    """Whether the report comes from a mail system, not a person: providers' users write
    from the same domains, and may well quote a bounce's sentences."""
    cached = ctx.__dict__.get("_provider_daemon")
    if cached is None:
        local = (ctx.report.from_addr or "").rpartition("@")[0]
        from_text = sender(ctx)
        cached = bool(DAEMON_LOCAL.match(local)) or any(w in from_text for w in _DAEMON_WORDS)
        ctx.__dict__["_provider_daemon"] = cached
    return cached


def in_received(ctx: Context, *needles: str) -> bool:
    """Whether one of the first Received headers names one of ``needles`` (lower-case)."""
    joined = ctx.__dict__.get("_provider_received")
    if joined is None:
        joined = ctx.__dict__["_provider_received"] = "\n".join(ctx.received).lower()
    return any(n in joined for n in needles)
