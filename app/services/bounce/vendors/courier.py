"""Courier mail server (courier-mta, courieresmtp).

Its notifications start "This is a delivery status notification from host, running the
Courier mail server, version X." and, between rulers of dashes, a title ("UNDELIVERABLE MAIL",
"DELAYED MAIL") and "Your message to the following recipients cannot be delivered:" (or "...
has been delayed" / "was delivered"), then per recipient "<rcpt@domain>:" followed by the
remote host ("    mx.example.com [192.0.2.1]:") and the session lines ">>> RCPT TO:<x>" (the
command sent) and "<<< 550 5.1.1 ..." (the reply), or a local error sentence.
"""

from __future__ import annotations

import re

from app.services.bounce.addresses import ADDR
from app.services.bounce.vendors import mtatext
from app.services.bounce.vendors.base import Context, Found

NAME = "courier"

_MARK = "running the courier mail server"
_STARTS = ("recipients cannot be delivered:", "following recipients has been delayed",
           "following recipients:", "recipients has been delayed:")
_ENDS = ("\n----------", "if your message was also sent to additional recipients")
_BLOCK = re.compile(r"^<(" + ADDR + r")>:\s*(.*)$")
_SENT = re.compile(r"^\s*>>> ?([A-Za-z]{4})")
_REPLY = re.compile(r"^\s*<<< ?(.{1,1000})$")


def detect(ctx: Context) -> bool:
    return _MARK in mtatext.opening(ctx, 800)


def extract(ctx: Context) -> list[Found]:
    text = ctx.text[:48000]
    low = text[:6000].lower()
    delayed = "delayed mail" in low or "has been delayed" in low
    delivered = "delivered mail" in low or "successfully delivered" in low
    body = mtatext.section(text, _STARTS, _ENDS)
    entries: list[tuple[str, list[str]]] = []
    for line in mtatext.lines_of(body):
        match = _BLOCK.match(line)
        if match:
            entries.append((match.group(1), [match.group(2)] if match.group(2) else []))
        elif entries and line.strip():
            entries[-1][1].append(line)
    out: list[Found] = []
    for address, lines in entries:
        command: str | None = None
        replies: list[str] = []
        other: list[str] = []
        for line in lines:
            sent = _SENT.match(line)
            reply = _REPLY.match(line)
            if sent:
                command, replies = mtatext.command_word(sent.group(1)), []
            elif reply:
                replies.append(reply.group(1))
            else:
                other.append(line)
        remote = mtatext.remote_host("\n".join(other))
        diagnostic = mtatext.squash(replies) if replies else mtatext.squash(
            [x for x in other if not x.strip().endswith("]:")])
        action = "delivered" if delivered else ("delayed" if delayed else None)
        out.append(mtatext.make(address, diagnostic, command=command if replies else None,
                                remote=remote, action=action))
    return out
