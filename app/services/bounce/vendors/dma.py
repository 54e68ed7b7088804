"""DragonFly Mail Agent (dma): the small MTA of DragonFly BSD and many Debian/Alpine hosts.

Its bounce (dma's mail.c) is one plain-text message per recipient: "This is the DragonFly Mail
Agent vX at host.", "There was an error delivering your mail to <rcpt>.", the reason (from
net.c: "host [ip] did not like our RCPT TO:" then the server's reply; "DNS lookup failure: host
X not found"; "Could not deliver for the last N seconds. Giving up."), then "Original message
follows." or "Message headers follow.". The failed recipient is also in X-Original-To, which
the generic reader treats as "our own address" and skips.
"""

from __future__ import annotations

import re

from app.services.bounce.model import MAX_RECIPIENTS
from app.services.bounce.vendors import mtatext
from app.services.bounce.vendors.base import Context, Found

NAME = "dma"

_START = ("there was an error delivering your mail to",)
_END = ("original message follows.", "message headers follow.")
_RCPT_RE = re.compile(r"there was an error delivering your mail to <([^<>\s]{1,320})>",
                      re.IGNORECASE)
_DID_NOT_LIKE = re.compile(r"did not like our (?:final )?([A-Za-z]{4,8})", re.IGNORECASE)
# net.c writes this when the domain has no MX/A record; the bounce is sent only once the
# lookup failed permanently (a temporary failure is retried, then "Could not deliver...").
_NO_HOST = "dns lookup failure: host "


def detect(ctx: Context) -> bool:
    start = mtatext.opening(ctx, 600)
    if "dragonfly mail agent" in start:
        return True
    return "mail delivery failed" in ctx.subject.lower() and any(
        "dragonfly mail agent" in r.lower() for r in ctx.received[:3])


def extract(ctx: Context) -> list[Found]:
    text = ctx.text
    out: list[Found] = []
    matches = list(_RCPT_RE.finditer(text[:16000]))[:MAX_RECIPIENTS]
    for index, match in enumerate(matches):
        address = match.group(1)
        if "@" not in address:
            continue
        stop = matches[index + 1].start() if index + 1 < len(matches) else match.end() + 6000
        body = mtatext.section(text[match.end():min(stop, match.end() + 6000)], (".",), _END)
        command = None
        said = _DID_NOT_LIKE.search(body)
        if said:
            command = mtatext.command_word(said.group(1))
        hint = "host_unknown" if _NO_HOST in body.lower() else None
        out.append(mtatext.make(address, body, command=command, reason=hint))
    if not out:
        original_to = mtatext.first_address(ctx.header("X-Original-To"))
        if original_to:
            body = mtatext.section(ctx.head, ("this is the dragonfly mail agent",), _END)
            out.append(mtatext.make(original_to, "\n".join(body.split("\n")[1:])))
    return out
