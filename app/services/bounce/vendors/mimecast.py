"""Mimecast's own non-delivery notices ("[Postmaster] Email Delivery Failure", Message-IDs at
"...mimecast.lan").

Each fact is a line that starts with "-- ": after "An email that you attempted to send to the
following address could not be delivered:" comes "-- rcpt@domain"; after "The problem appears
to be :" a cause ("-- Recipient email address is possibly incorrect"); after "Additional
information follows :" the remote reply ("-- 5.4.1 Recipient address rejected: Access
denied"). Delivery-status fields may follow in the text.
"""

from __future__ import annotations

import re

from app.services.bounce.vendors import mtatext
from app.services.bounce.vendors.base import Context, Found

NAME = "mimecast"

_DASHED = re.compile(r"^-- (.{1,1000})$", re.MULTILINE)


def detect(ctx: Context) -> bool:
    if "email delivery failure" in ctx.subject.lower():
        return "-- " in mtatext.opening(ctx, 3000)
    return ".mimecast.lan>" in ctx.header("Message-ID").lower()


def extract(ctx: Context) -> list[Found]:
    text = ctx.head[:32000]
    addresses: list[str] = []
    facts: list[str] = []
    for match in _DASHED.finditer(text):
        value = match.group(1).strip()
        if " " not in value and "@" in value:
            addresses.append(value.strip("<>"))
        else:
            facts.append(value)
    fields = {f.address.lower(): f for f in mtatext.dsn_fields(ctx.text[:32000])}
    out: list[Found] = []
    for address in dict.fromkeys(addresses):
        from_fields = fields.get(address.lower())
        if from_fields and from_fields.diagnostic:
            out.append(from_fields)
            continue
        # the remote reply (the last fact) first: it carries the codes
        out.append(mtatext.make(address, " ".join(facts[::-1])))
    return out or list(fields.values())
