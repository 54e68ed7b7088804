"""Verizon Wireless mail-to-SMS/MMS gateways: vtext.com ("post_master@vtext.com": "Error:
550 - Requested action not taken: no such user here" then "Message details:" with "  RCPT
TO: <number>@vtext.com") and vzwpix.com ("sysadmin@...vzwpix.com": "Message could not be
delivered to mobile." / "Error: No valid recipients for this MM" then the original's To).
"""

from __future__ import annotations

import re

from app.services.bounce.vendors.base import Context, Found
from app.services.bounce.vendors.providers import addresses_in, from_daemon, sender

NAME = "verizon"

_RCPT_RE = re.compile(r"^[ \t]*RCPT TO:[ \t]*<?([^\s<>]{3,320})>?", re.MULTILINE | re.IGNORECASE)
_TO_RE = re.compile(r"^To:[ \t]*([^\n]{3,400})", re.MULTILINE)
_ERROR_RE = re.compile(r"^[ \t]*Error:[ \t]*([^\n]{3,600})", re.MULTILINE)


def detect(ctx: Context) -> bool:
    who = sender(ctx)
    # phones answer from <number>@vtext.com too: only the gateways' own senders report errors
    return ("vtext.com" in who or "vzwpix.com" in who) and from_daemon(ctx)


def extract(ctx: Context) -> list[Found]:
    text = ctx.text[:16000]
    error = _ERROR_RE.search(text)
    diagnostic = error.group(1).strip() if error else ""
    if diagnostic.lower().startswith("no valid recipients"):
        # the MMS gateway's way to say the number has no Verizon mailbox
        diagnostic = f"{diagnostic} (recipient unknown)"
    addresses: list[str] = []
    for match in _RCPT_RE.finditer(text):
        addresses.extend(a for a in addresses_in(match.group(1)) if a not in addresses)
    if not addresses:
        after = text[error.end():] if error else text
        to = _TO_RE.search(after)
        addresses = addresses_in(to.group(1)) if to else []
    return [Found(address=a, diagnostic=diagnostic) for a in addresses[:200]]
