"""Apache James bounces (Subject "[BOUNCE]", Message-IDs "...JavaMail...", Received "JAMES SMTP
Server").

Two layouts: James' DSNBounce text ("Hi. This is the James mail server at host. I'm afraid I
wasn't able to deliver your message to the following addresses..." then "Failed
recipient(s):" and "Error message:") and the older notify mailet ("Error message below:"
then the reply, and "Message details:" with "  RCPT TO: rcpt@domain" lines).
"""

from __future__ import annotations

import re

from app.services.bounce.vendors import mtatext
from app.services.bounce.vendors.base import Context, Found

NAME = "james"

_RCPT_TO = re.compile(r"^\s{1,4}rcpt to:\s{0,4}<?([^<>\s@,]{1,64}@[^<>\s@,]{1,255})>?",
                      re.IGNORECASE | re.MULTILINE)


def detect(ctx: Context) -> bool:
    if ctx.subject.strip() == "[BOUNCE]" or ".javamail." in ctx.header("Message-ID").lower():
        return True
    return "james mail server" in mtatext.opening(ctx, 400) or any(
        "james smtp server" in r.lower() for r in ctx.received[:3])


def extract(ctx: Context) -> list[Found]:
    text = ctx.head[:32000]
    diagnostic = mtatext.section(text, ("error message below:", "error message:"),
                                 ("message details:", "\n\n\n", "original message"))
    addresses = [m.group(1) for m in _RCPT_TO.finditer(text)]
    if not addresses:
        failed = mtatext.section(text, ("failed recipient(s):",), ("error message", "\n\n"))
        addresses = [a for a in failed.split() if "@" in a]
    return [mtatext.make(a.strip("<>,"), diagnostic) for a in dict.fromkeys(addresses)]
