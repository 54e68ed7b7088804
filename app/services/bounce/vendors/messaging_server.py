"""Oracle Communications (formerly Sun Java System / iPlanet) Messaging Server.

Its notifications (multipart/report, boundaries "Boundary_(ID_...)") open with "This report
relates to a message you sent with the following header fields:", list the original headers
indented, then say "Your message cannot be delivered to the following recipients:" (failure)
or "Your message has been enqueued and undeliverable for N day(s) to the following
recipients:" / "...has been delayed..." (a warning), and describe each recipient with
indented labelled lines: "Recipient address:", "Original address:", "Reason:", "Diagnostic
code: smtp;550 5.1.1 ...", "Remote system: dns;mx.example.com (TCP|...)". The same values may
follow as an RFC 3464 part; this reader covers reports whose DSN part is missing or says less.
"""

from __future__ import annotations

import re

from app.services.bounce.vendors import mtatext
from app.services.bounce.vendors.base import Context, Found

NAME = "messaging_server"

_MARK = "this report relates to a message you sent with the following header fields"
_STARTS = ("following recipients:", "following\nrecipients:")
_ENDS = ("content-type: message/", "original-envelope-id:", "reporting-mta:")
_FIELD = re.compile(r"^\s{1,8}(recipient address|original address|reason|diagnostic code"
                    r"|remote system):\s{0,8}(.{0,1000})$", re.IGNORECASE)
_DELAY = ("enqueued and undeliverable for", "has been delayed", "delivery is delayed",
          "will continue to try", "not yet been delivered")


def detect(ctx: Context) -> bool:
    if _MARK in mtatext.opening(ctx, 600):
        return True
    ctype = ctx.header("Content-Type")
    return "boundary_(id_" in ctype.lower() and "recipient address:" in mtatext.opening(ctx, 4000)


def extract(ctx: Context) -> list[Found]:
    text = ctx.text[:48000]
    low = text[:6000].lower()
    delayed = any(mark in low for mark in _DELAY) and "cannot be delivered" not in low
    body = mtatext.section(text, _STARTS, _ENDS)
    people: list[dict[str, str]] = []
    for line in mtatext.lines_of(body):
        match = _FIELD.match(line)
        if not match:
            if people and line.startswith(("    ", "\t")) and line.strip():
                last = people[-1].get("_last")
                if last:  # a wrapped value ("Remote system: dns;x (TCP|...)\n    (x ESMTP)")
                    people[-1][last] += " " + line.strip()
            continue
        name, value = match.group(1).lower(), match.group(2).strip()
        if name == "recipient address" or not people:
            people.append({})
        people[-1][name] = value
        people[-1]["_last"] = name
    out: list[Found] = []
    for person in people:
        address = mtatext.first_address(person.get("original address", "")) or \
            mtatext.first_address(person.get("recipient address", "").rpartition(":")[2])
        if not address:
            continue
        code = person.get("diagnostic code", "")
        if ";" in code[:12]:
            code = code.split(";", 1)[1]
        reason = person.get("reason", "")
        diagnostic = code if code else reason
        if code and reason and not code.strip()[:1].isdigit():
            diagnostic = f"{reason}: {code}"
        remote = person.get("remote system", "").split(";", 1)[-1].strip().split(" ")[0]
        out.append(mtatext.make(address, diagnostic, remote=remote.lower() or None,
                                action="delayed" if delayed else None))
    return out
