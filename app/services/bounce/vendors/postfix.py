"""Postfix's free-text report, for bounces that come without their RFC 3464 part (old
Postfix, relays that strip attachments, forwarders that flatten them).

The text (Postfix's bounce templates): "This is the mail system at host X." (older: "This
is the Postfix program at host X."), the failure, delay ("# THIS IS A WARNING ONLY.  YOU DO
NOT NEED TO RESEND YOUR MESSAGE. #") or success template, the signature "The mail system",
then one paragraph per recipient: "<rcpt@domain>: host mx.example.com[192.0.2.1] said: 550
5.1.1 ... (in reply to RCPT TO command)", wrapped with four-space indents; "<rcpt> (expanded
from <alias>): ..." for an alias; local errors without a host ("<rcpt>: mail for example.com
loops back to myself", "... unknown user: \"x\"", "... Connection timed out").
"""

from __future__ import annotations

import re

from app.services.bounce.addresses import ADDR
from app.services.bounce.vendors import mtatext
from app.services.bounce.vendors.base import Context, Found

NAME = "postfix"

_MARKS = ("this is the mail system at host", "this is the postfix program at host")
_ENDS = ("content-description: delivery report", "content-type: message/delivery-status",
         "reporting-mta: dns;", "--- delivery report unavailable ---")
_BLOCK = re.compile(r"^<(" + ADDR + r")>(?: \(expanded from <[^<>\n]{1,330}>\))?:\s*(.*)$")
_DELAY = ("this is a warning only", "you do not need to resend your message")
_SUCCESS = ("was successfully delivered", "successfully delivered to the destination")


def detect(ctx: Context) -> bool:
    start = mtatext.opening(ctx, 800)
    return any(mark in start for mark in _MARKS)


def extract(ctx: Context) -> list[Found]:
    text = ctx.text[:48000]
    low = text[:4000].lower()
    action = "delayed" if any(m in low for m in _DELAY) else (
        "delivered" if any(m in low for m in _SUCCESS) else None)
    body = mtatext.section(text, ("the mail system\n",), _ENDS) or mtatext.section(
        text, _MARKS, _ENDS)
    entries: list[tuple[str, list[str]]] = []
    current: list[str] | None = None
    for line in mtatext.lines_of(body):
        match = _BLOCK.match(line)
        if match:
            current = [match.group(2)]
            entries.append((match.group(1), current))
        elif not line.strip():
            current = None
        elif current is not None and line[:1] in " \t":
            current.append(line)
    return [mtatext.make(address, "\n".join(lines), action=action)
            for address, lines in entries]
