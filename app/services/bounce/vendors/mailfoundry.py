"""MailFoundry gateway notices: Subject "Message delivery has failed", Received "(MAILFOUNDRY)".

"Unable to deliver message to: <rcpt@domain>", "Delivery failed for the following reason:",
"Server mx.example.com[192.0.2.1] failed with: 550 <rcpt@domain> No such user here", then
"This has been a permanent failure.  No further delivery attempts will be made."
"""

from __future__ import annotations

import re

from app.services.bounce.vendors import mtatext
from app.services.bounce.vendors.base import Context, Found

NAME = "mailfoundry"

_UNABLE = re.compile(r"^unable to deliver message to:\s{0,4}<([^<>\s]{1,320})>",
                     re.IGNORECASE | re.MULTILINE)


def detect(ctx: Context) -> bool:
    if ctx.subject.strip().lower() != "message delivery has failed":
        return False
    return any("(mailfoundry)" in r.lower() for r in ctx.received[:4]) or (
        "unable to deliver message to:" in mtatext.opening(ctx, 2000))


def extract(ctx: Context) -> list[Found]:
    text = ctx.head[:32000]
    matches = list(_UNABLE.finditer(text))
    out = []
    for index, match in enumerate(matches):
        stop = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        block = text[match.end():stop]
        reason = mtatext.section(block, ("delivery failed for the following reason:",),
                                 ("this has been a permanent failure", "\n\n"))
        if "@" in match.group(1):
            out.append(mtatext.make(match.group(1), reason or block[:1000]))
    return out
