"""Trustwave SEG / MailMarshal SMTP non-delivery notices.

Subject 'Undeliverable Mail: "<original subject>"'; the text: "Your message:" with the
original From/Subject indented, "Could not be delivered because of" then the reply on its own
line(s), "The following recipients were affected:" then one address per line indented by four
spaces, and an "Additional Information" table ("Original Sender:", "Sender-MTA:",
"Remote-MTA: <10.0.0.1>", "Reporting-MTA:").
"""

from __future__ import annotations

import re

from app.services.bounce.vendors import mtatext
from app.services.bounce.vendors.base import Context, Found

NAME = "mailmarshal"

_RCPT = re.compile(r"^\s{2,8}<?([^<>\s@]{1,64}@[^<>\s@]{1,255})>?\s*$")
_REMOTE = re.compile(r"^remote-mta:\s{0,20}<?([^<>\s]{1,255})>?", re.IGNORECASE | re.MULTILINE)


def detect(ctx: Context) -> bool:
    subject = ctx.subject.lower()
    start = mtatext.opening(ctx, 3000)
    return (subject.startswith('undeliverable mail: "') or "mailmarshal" in
            mtatext.sender(ctx)) and "could not be delivered because of" in start


def extract(ctx: Context) -> list[Found]:
    text = ctx.text[:32000]
    diagnostic = mtatext.section(text, ("could not be delivered because of",),
                                 ("the following recipients were affected",))
    affected = mtatext.section(text, ("the following recipients were affected:",),
                               ("additional information", "\n\n\n"))
    remote = _REMOTE.search(text)
    out = []
    for line in mtatext.lines_of(affected):
        match = _RCPT.match(line)
        if match:
            out.append(mtatext.make(match.group(1), diagnostic,
                                    remote=remote.group(1).lower() if remote else None))
        elif out and not line.strip():
            break
    return out
