"""Deutsche Telekom / T-Online (t-online.de, magenta.de): its mail system writes Smail-3-style
reports between banner lines: "|---- Failed addresses follow: ----|", then each address in
angle brackets on its own line (" <x@y>") with the remote reply indented below it, or
" x@y ... failed: reason" on one line; the original follows "|---- Message header follows:
----|" or "|---- Message text follows: ----|". Telekom's relays add X-TOI-MSGID.
"""

from __future__ import annotations

import re

from app.services.bounce.vendors.base import Context, Found
from app.services.bounce.vendors.providers import addresses_in, has_header, seen, sender

NAME = "telekom"

_FAILED_RE = re.compile(r"^\|?-{5,}[ \t]*Failed addresses follow:?[ \t]*-{5,}\|?[ \t]*$",
                        re.MULTILINE | re.IGNORECASE)
_END_RE = re.compile(r"^\|?-{5,}[ \t]*Message (?:header|text|log) follows", re.MULTILINE
                     | re.IGNORECASE)
_BRACKET_RE = re.compile(r"^[ \t]*<([^<>\s]{3,320})>[ \t]*$")
_SMAIL_RE = re.compile(r"^[ \t]*([^\s<>]{1,64}@[^\s<>]{1,255}) \.\.\. "
                       r"(?:failed:?[ \t]*)?(.{0,600})$")


def detect(ctx: Context) -> bool:
    who = sender(ctx)
    telekom = ("t-online.de" in who or "telekom" in who or "magenta.de" in who
               or has_header(ctx, "X-TOI-MSGID"))
    return telekom and seen(ctx, "failed addresses follow")


def extract(ctx: Context) -> list[Found]:
    text = ctx.text[:32000]
    start = _FAILED_RE.search(text)
    if start is None:
        return []
    end = _END_RE.search(text, start.end())
    body = text[start.end():end.start() if end else len(text)]
    found: list[Found] = []
    current: str | None = None
    lines: list[str] = []
    for line in body.split("\n")[:2000]:
        bracket = _BRACKET_RE.match(line)
        smail = None if bracket else _SMAIL_RE.match(line)
        if bracket or smail:
            if current:
                found.append(Found(address=current, diagnostic=" ".join(lines)[:1000]))
            hit = bracket or smail
            addresses = addresses_in(hit.group(1)) if hit else []
            current = addresses[0] if addresses else None
            lines = [smail.group(2).strip()] if smail and smail.group(2).strip() else []
        elif current and line.strip():
            lines.append(line.strip())
    if current:
        found.append(Found(address=current, diagnostic=" ".join(lines)[:1000]))
    return found[:200]
