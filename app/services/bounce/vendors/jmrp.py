"""Microsoft's Junk Mail Reporting Program (JMRP): Outlook.com/Hotmail users' "junk" clicks,
sent to the sender's registered address as a plain message, not as an RFC 5965 ARF report.

Layout (Microsoft's JMRP documentation for senders, "sendersupport.olc.protection.outlook.com"):
"From: staff@hotmail.com", "Subject: complaint about message from <sending IP>", and the
reported message attached as message/rfc822 whose headers gain "X-HmXmrOriginalRecipient:
<the complaining user>". Without this reader the report is "other" and the complaint is lost.
"""

from __future__ import annotations

from app.services.bounce.addresses import ADDR_RE
from app.services.bounce.decode import header_text
from app.services.bounce.vendors.base import Context, Found

NAME = "jmrp"

_HEADER = "X-HmXmrOriginalRecipient"


def detect(ctx: Context) -> bool:
    if ctx.parts.original is None:
        return False
    if not (ctx.subject.lower().startswith("complaint about message from")
            or "staff@hotmail.com" in ctx.from_header.lower()):
        return False
    return bool(header_text(ctx.parts.original, _HEADER))


def extract(ctx: Context) -> list[Found]:
    value = header_text(ctx.parts.original, _HEADER) if ctx.parts.original else None
    found = ADDR_RE.search(value or "")
    if not found:
        return []
    return [Found(address=found.group(0), diagnostic="feedback-type: abuse (Microsoft JMRP)",
                  reason="feedback")]
