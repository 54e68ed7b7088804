"""Zoho Mail: "This message was created automatically by mail delivery software." then one
line per recipient: "x@y Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 <x@y>... User
Unknown" (the reply split into Zoho's two ERROR_CODE fields), or, when Zoho gave up on a host,
"[Status: Error, Address: <x@y>, ResponseCode 421, , Host not reachable.]". Zoho marks its
mail with X-ZohoMail / X-Zoho-Virus-Status headers.
"""

from __future__ import annotations

import re

from app.services.bounce.vendors.base import Context, Found
from app.services.bounce.vendors.providers import (
    addresses_in,
    has_header,
    remote_host,
    seen,
    sender,
)

NAME = "zoho"

_LINE_RE = re.compile(r"^[ \t]*<?([^\s<>]{1,64}@[^\s<>]{1,255}?)>?[ \t]+([^\n]{0,80}?),?[ \t]*"
                      r"ERROR_CODE[ \t]*:[ \t]*([^,\n]{1,40}),[ \t]*ERROR_CODE[ \t]*:[ \t]*"
                      r"([^\n]{1,600})$", re.MULTILINE)
_STATUS_RE = re.compile(r"\[Status:[ \t]*([^,\]\n]{1,40}),[ \t]*Address:[ \t]*<([^<>\s]{3,320})>,"
                        r"[ \t]*ResponseCode[ \t]*(\d{3})?[ ,]*([^\]\n]{0,400})\]", re.IGNORECASE)


def detect(ctx: Context) -> bool:
    if has_header(ctx, "X-ZohoMail") or has_header(ctx, "X-Zoho-Virus-Status"):
        return True
    who = sender(ctx)
    return "zoho" in who and seen(ctx, "error_code", "[status:")


def extract(ctx: Context) -> list[Found]:
    text = ctx.head[:32000]
    found: list[Found] = []
    for match in _LINE_RE.finditer(text):
        addresses = addresses_in(match.group(1))
        if not addresses:
            continue
        label, first, second = match.group(2).strip(" ,"), match.group(3).strip(), match.group(4)
        second = second.strip()
        diagnostic = f"{first} {second}" if first not in second[:8] else second
        if label:
            diagnostic = f"{diagnostic} ({label})"
        found.append(Found(address=addresses[0], diagnostic=diagnostic,
                           remote_mta=remote_host(second)))
    for match in _STATUS_RE.finditer(text):
        addresses = addresses_in(match.group(2))
        if not addresses or any(f.address == addresses[0] for f in found):
            continue
        code, words = match.group(3) or "", match.group(4).strip(" ,.")
        diagnostic = f"{code} {words}".strip()
        # Zoho writes this line when it stopped retrying a host it could not reach
        unreachable = "not reachable" in words.lower() or "timed out" in words.lower()
        found.append(Found(address=addresses[0], diagnostic=diagnostic,
                           reason="expired" if unreachable else None))
    return found[:200]
