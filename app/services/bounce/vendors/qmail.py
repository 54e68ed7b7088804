"""qmail, netqmail, notqmail and their vpopmail / qmail-ldap / chkuser setups.

qmail-send's bounce: "Hi. This is the qmail-send program at host.", "I'm afraid I wasn't able
to deliver your message to the following addresses.", then per recipient a block that starts
with "<rcpt@domain>:" at the left margin and ends at a blank line: qmail-remote's account of
the session ("192.0.2.1 does not like recipient." = RCPT refused, "Connected to 192.0.2.1 but
sender was rejected." = MAIL, "192.0.2.1 failed after I sent the message." = DATA, "Connected
to ... but greeting failed." = connection, "... but my name was rejected." = HELO), the remote
reply after "Remote host said:", or qmail's own sentence with its status ("Sorry, no mailbox
here by that name. (#5.1.1)", "Sorry, I couldn't find any host named x. (#5.1.2)", "I'm not
going to try again; this message has been in the queue too long."). The report ends at "---
Below this line is a copy of the message." (or "--- Enclosed are the original headers").
"""

from __future__ import annotations

import re

from app.services.bounce.addresses import ADDR
from app.services.bounce.vendors import mtatext
from app.services.bounce.vendors.base import Context, Found

NAME = "qmail"

_MARKS = ("this is the qmail-send program", "i'm afraid i wasn't able to deliver your message",
          "qmail-send")
_ENDS = ("--- below this line is a copy of the message", "--- enclosed are the original headers",
         "--- below this line is the original")
_BLOCK_START = re.compile(r"^<(" + ADDR + r")>:\s*(.*)$")
_STEPS = (
    ("does not like recipient", "RCPT"),
    ("sender was rejected", "MAIL"),
    ("failed after i sent the message", "DATA"),
    ("failed on data command", "DATA"),
    ("greeting failed", "CONN"),
    ("my name was rejected", "HELO"),
)
_CODE_LINE = re.compile(r"^\s*[245]\d\d[ -]")
_REMOTE = re.compile(r"(?:^|connected to )\[?((?:[0-9]{1,3}\.){3}[0-9]{1,3}|[0-9a-f:]{3,45})\]?"
                     r" (?:does not like|failed|but)", re.IGNORECASE | re.MULTILINE)


def detect(ctx: Context) -> bool:
    start = mtatext.opening(ctx, 1500)
    return any(mark in start for mark in _MARKS[:2])


def extract(ctx: Context) -> list[Found]:
    text = ctx.text[:48000]
    body = mtatext.section(text, ("following addresses", "following address"), _ENDS) or \
        mtatext.section(text, ("qmail-send program",), _ENDS)
    entries: list[tuple[str, list[str]]] = []
    current: list[str] | None = None
    for line in mtatext.lines_of(body):
        match = _BLOCK_START.match(line)
        if match:
            current = [match.group(2)] if match.group(2) else []
            entries.append((match.group(1), current))
        elif not line.strip():
            current = None
        elif current is not None:
            current.append(line)
    out: list[Found] = []
    for address, lines in entries:
        block = "\n".join(lines)
        low = block.lower()
        command = next((c for phrase, c in _STEPS if phrase in low), None)
        remote = _REMOTE.search(block)
        said = low.find("remote host said:")
        diagnostic = block
        if said >= 0:
            # the remote reply (its continuation lines start with a code), then what qmail
            # itself adds that says more than the session step (e.g. it gave up: expiry)
            after = block[said + len("remote host said:"):].split("\n")
            reply = after[:1] + [x for x in after[1:] if _CODE_LINE.match(x)]
            own = [x for x in block.split("\n") if x not in reply and not x.lower().startswith(
                ("giving up on", "remote host said")) and not _REMOTE.search(x)]
            diagnostic = mtatext.squash(reply + own)
        out.append(mtatext.make(address, diagnostic, command=command,
                                remote=remote.group(1) if remote else None))
    return out
