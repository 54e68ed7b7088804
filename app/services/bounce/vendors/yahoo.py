"""Yahoo Mail and AOL (same platform since 2017): "Sorry, we were unable to deliver your
message to the following address." then, per recipient, "<x@y>:" and "Remote host said:"
with the reply, ending in the refused command in brackets ([RCPT_TO], [MAIL_FROM], [DATA],
[BODY]); Yahoo's own refusals quote its codes ("554 delivery error: dd ... (554.30)").
Source: Yahoo Sender Hub, "SMTP error codes" (senders.yahooinc.com/smtp-error-codes).
"""

from __future__ import annotations

import re

from app.services.bounce.vendors.base import Context, Found
from app.services.bounce.vendors.providers import (
    addresses_in,
    has_header,
    remote_host,
    seen,
    sender,
)

NAME = "yahoo"

_START = "sorry, we were unable to deliver your message"
_ADDR_LINE_RE = re.compile(r"^[ \t]*<([^<>\s]{3,320})>:?[ \t]*$", re.MULTILINE)
_COMMAND_RE = re.compile(r"\[(RCPT_TO|MAIL_FROM|DATA|BODY|CONNECT|EHLO|HELO)\]")
_COMMANDS = {"RCPT_TO": "RCPT", "MAIL_FROM": "MAIL", "DATA": "DATA", "BODY": "DATA",
             "CONNECT": "CONN", "EHLO": "EHLO", "HELO": "HELO"}
_SAID_RE = re.compile(r"^\s*remote host said:\s*", re.IGNORECASE)


def detect(ctx: Context) -> bool:
    if has_header(ctx, "X-YMailISG"):
        return True
    if seen(ctx, _START, limit=1500):
        return True
    who = sender(ctx)
    return "mailer-daemon@" in who and any(
        d in who for d in ("yahoo.", "aol.com", "ymail.com", "yahoo-inc", "aim.com")) and (
        seen(ctx, "unable to deliver"))


def extract(ctx: Context) -> list[Found]:
    head = ctx.head
    start = head.lower().find(_START)
    body = head[start:start + 32000] if start >= 0 else head[:32000]
    matches = list(_ADDR_LINE_RE.finditer(body))
    found: list[Found] = []
    for index, match in enumerate(matches[:200]):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(body)
        block = body[match.end():min(end, match.end() + 3000)]
        addresses = addresses_in(match.group(1))
        if not addresses:
            continue
        lines = [_SAID_RE.sub("", line).strip() for line in block.split("\n\n", 1)[0].split("\n")]
        diagnostic = " ".join(line for line in lines if line)
        command = _COMMAND_RE.search(diagnostic)
        found.append(Found(address=addresses[0], diagnostic=diagnostic[:1000],
                           command=_COMMANDS.get(command.group(1)) if command else None,
                           remote_mta=remote_host(block)))
    return found
