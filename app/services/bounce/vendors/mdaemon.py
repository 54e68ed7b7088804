"""MDaemon (MDaemon Technologies / Alt-N) delivery errors and warnings.

MDaemon's notices (its DELERR/DELWARN templates, From "MDaemon@host") say "The attached
message had PERMANENT fatal delivery errors!" or that delivery is still being retried, then,
unless turned off, replay the SMTP session between "--- Session Transcript ---" and "--- End
Transcript ---", each line time-stamped: "--> RCPT To:<rcpt@domain>" (the command sent) and
"<-- 550 5.1.1 ..." (the reply). A refusal after DATA is about every recipient the next hop
had accepted; one before RCPT is about all of them.

Its notice for a local mailbox that does not exist has no transcript: Subject "Warning:
<rcpt> - User unknown!", body "<rcpt> - no such user here." (older MDaemon templates).
"""

from __future__ import annotations

import re

from app.services.bounce.vendors import mtatext
from app.services.bounce.vendors.base import Context, Found

NAME = "mdaemon"

_SENT = re.compile(r"-->\s{0,4}([A-Za-z]{4})\b[^<\n]{0,20}(?:<([^<>\s]{1,320})>)?")
_REPLY = re.compile(r"<--\s{0,4}([245]\d\d.{0,1000})$")
_CONNECTING = re.compile(r"attempting smtp connection to \[?(" + mtatext.HOST + r")",
                         re.IGNORECASE)
_PERMANENT = "permanent fatal delivery errors"
_UNKNOWN_SUBJECT = re.compile(r"^\s*warning:\s{0,4}<?(" + mtatext.ADDR + r")>?\s{0,4}-\s{0,4}"
                              r"user unknown!?\s*$", re.IGNORECASE)
_DELAY = ("has not yet been delivered", "will continue to attempt", "will be retried",
          "transient (delayed)", "temporary delivery error", "still trying")


def detect(ctx: Context) -> bool:
    if "mdaemon" in mtatext.sender(ctx):
        return "--- session transcript ---" in mtatext.opening(ctx) or _PERMANENT in \
            mtatext.opening(ctx) or _UNKNOWN_SUBJECT.match(ctx.subject) is not None
    return "--- session transcript ---" in mtatext.opening(ctx) and "<-- " in mtatext.opening(ctx)


def extract(ctx: Context) -> list[Found]:
    unknown = _UNKNOWN_SUBJECT.match(ctx.subject)
    if unknown and "--- session transcript ---" not in mtatext.opening(ctx):
        address = unknown.group(1)
        said = next((line.strip() for line in mtatext.lines_of(ctx.text[:4000])
                     if address.lower() in line.lower() and "user" in line.lower()),
                    "User unknown")
        return [mtatext.make(address, said, reason="user_unknown")]
    text = ctx.text[:48000]
    low = text[:4000].lower()
    delayed = _PERMANENT not in low and any(m in low for m in _DELAY)
    session = mtatext.section(text, ("--- session transcript ---",), ("--- end transcript ---",))
    out: dict[str, Found] = {}
    accepted: list[str] = []
    everyone: list[str] = []
    command, about, early, remote = None, None, None, None
    for line in mtatext.lines_of(session):
        connecting = _CONNECTING.search(line)
        if connecting:
            remote = connecting.group(1).lower()
            continue
        sent = _SENT.search(line)
        if sent:
            command = mtatext.command_word(sent.group(1))
            about = sent.group(2) if command == "RCPT" and sent.group(2) and "@" in sent.group(
                2) else None
            if about:
                everyone.append(about)
            continue
        reply = _REPLY.search(line)
        if not reply or command is None:
            continue
        said = reply.group(1)
        if said[:1] not in "45":
            if about:
                accepted.append(about)
            continue
        if about:
            targets = [about]
        elif command == "DATA":
            targets = accepted
        else:
            early = early or (said, command)  # refused before any recipient
            continue
        for target in targets:
            out.setdefault(target.lower(), mtatext.make(
                target, said, command=command, remote=remote,
                action="delayed" if delayed else None))
    if early and not out:
        for target in everyone or []:
            out.setdefault(target.lower(), mtatext.make(target, early[0], command=early[1],
                                                        remote=remote))
    return list(out.values())
