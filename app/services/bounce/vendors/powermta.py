"""PowerMTA (Port25 / SparkPost / Bird) delivery reports.

Subject "Delivery report"; the text opens "Hello, this is the mail server on host." and lists
the affected recipients ("<rcpt@domain>  delivery failed; will not continue trying" or
"...delayed; will continue trying"), followed by a delivery-status part (sometimes sent as
text) whose per-recipient fields carry PowerMTA's own "X-PowerMTA-BounceCategory". The
categories are PowerMTA's documented bounce classes; each names the cause directly.
"""

from __future__ import annotations

import re

from app.services.bounce.decode import decode_part, field_blocks
from app.services.bounce.vendors import mtatext
from app.services.bounce.vendors.base import Context, Found

NAME = "powermta"

_CATEGORY = {
    "bad-mailbox": "user_unknown", "bad-domain": "host_unknown", "inactive-mailbox": "suspend",
    "message-expired": "expired", "no-answer-from-host": "network_error",
    "bad-connection": "network_error", "policy-related": "policy_violation",
    "quota-issues": "mailbox_full", "routing-errors": "system_error",
    "spam-related": "spam_detected", "virus-related": "virus_detected",
    "content-related": "content_error", "relaying-issues": "no_relaying",
    "invalid-sender": "rejected", "protocol-errors": "syntax_error",
    "bad-configuration": "system_error",
}
_LISTED = re.compile(r"^\s{0,4}<([^<>\s]{1,320}@[^<>\s]{1,255})>\s{1,8}(delivery failed|delayed"
                     r"|delivered|relayed)", re.IGNORECASE | re.MULTILINE)


def detect(ctx: Context) -> bool:
    return "hello, this is the mail server on " in mtatext.opening(ctx, 600) or (
        "delivery report" in ctx.subject.lower() and "x-powermta-bouncecategory" in
        mtatext.opening(ctx, 4000))


def extract(ctx: Context) -> list[Found]:
    status_text = "\n".join(decode_part(p) for p in ctx.parts.dsn[:4]) + "\n" + ctx.text[:32000]
    found = {f.address.lower(): f for f in mtatext.dsn_fields(status_text)}
    for block in field_blocks(status_text[:64000]):
        fields = dict(reversed(block))
        address = mtatext.first_address(fields.get("final-recipient", ""))
        category = fields.get("x-powermta-bouncecategory", "").strip().lower()
        if address and address.lower() in found and category in _CATEGORY:
            found[address.lower()].reason = _CATEGORY[category]
    if found:
        return list(found.values())
    out = []
    for match in _LISTED.finditer(ctx.text[:32000]):
        state = match.group(2).lower()
        action = "delayed" if state == "delayed" else (
            "delivered" if state in ("delivered", "relayed") else None)
        out.append(mtatext.make(match.group(1), match.group(0), action=action))
    return out
