"""OpenSMTPD (OpenBSD's smtpd and its portable version).

Its bounces (smtpd's bounce.c) are short free text, one line per recipient: after "This is the
MAILER-DAEMON, please DO NOT REPLY to this e-mail." comes "An error has occurred while
attempting to deliver a message for the following list of recipients:" (failure), "A message
is delayed for more than 4 hours for the following list of recipients:" followed by "Please
note that this is only a temporary failure report." (delay warning), or "Your message was
successfully delivered / relayed to these recipients." Then each recipient as
"rcpt@domain: <the remote reply or smtpd's own error>", then "Below is a copy of the original
message:". Older versions indent every line by four spaces.
"""

from __future__ import annotations

import re

from app.services.bounce.addresses import ADDR
from app.services.bounce.vendors import mtatext
from app.services.bounce.vendors.base import Context, Found

NAME = "opensmtpd"

_MARK = "this is the mailer-daemon, please do not reply to this"
_STARTS = ("list of recipients:", "delivered to these recipients.", "relayed to these recipients.")
_ENDS = ("below is a copy of the original message", "please note that this is only a temporary")
_LINE_RE = re.compile(r"^[ \t]{0,8}<?(" + ADDR + r")>?:[ \t]*(.*)$")


def detect(ctx: Context) -> bool:
    if _MARK in mtatext.opening(ctx, 1200):
        return True
    return ctx.subject.lower().startswith("delivery status notification:") and any(
        "(opensmtpd)" in r.lower() for r in ctx.received[:3])


def extract(ctx: Context) -> list[Found]:
    head = ctx.text[:32000]
    low = head.lower()
    if "is delayed for more than" in low:
        action = "delayed"
    elif "successfully delivered to these recipients" in low or "relayed to these" in low:
        action = "delivered"
    else:
        action = None
    body = mtatext.section(head, _STARTS, _ENDS)
    entries: list[tuple[str, list[str]]] = []
    for line in mtatext.lines_of(body):
        match = _LINE_RE.match(line)
        if match:
            entries.append((match.group(1), [match.group(2)]))
        elif entries and line.strip():
            entries[-1][1].append(line)  # a wrapped diagnostic
    return [mtatext.make(address, "\n".join(lines), action=action) for address, lines in entries]
