"""Ipswitch IMail Server bounces (X-Mailer "<SMTP32 vX>", Subject "Undeliverable Mail").

One line per failed recipient before "Original message follows.": "Unknown user:
rcpt@domain", "User mailbox exceeds allowed size: rcpt@domain", "Delivery failed 3 attempts:
rcpt@domain" (it gave up retrying: expired), "Unknown host: domain", or
"undeliverable to rcpt@domain" after "Body of message generated response:" and the remote
reply (which may come on the lines above).
"""

from __future__ import annotations

import re

from app.services.bounce.vendors import mtatext
from app.services.bounce.vendors.base import Context, Found

NAME = "imail"

_LABELLED = re.compile(r"^([A-Za-z][A-Za-z0-9 ,'-]{3,80}):\s{1,4}"
                       r"<?([^<>\s@]{1,64}@[^<>\s@]{1,255})>?"
                       r"\s*$", re.MULTILINE)
_UNDELIVERABLE = re.compile(r"^undeliverable to\s{1,4}<?([^<>\s@]{1,64}@[^<>\s@]{1,255})>?",
                            re.IGNORECASE | re.MULTILINE)


# IMail gave up after its retries ("Delivery failed 3 attempts: rcpt@domain")
_GAVE_UP = re.compile(r"^delivery failed \d{1,3} attempts?$", re.IGNORECASE)


def detect(ctx: Context) -> bool:
    if ctx.header("X-Mailer").strip().lower().startswith("<smtp32 v"):
        return True
    return ctx.subject.lower().startswith("undeliverable mail") and "imail" in \
        mtatext.sender(ctx)


def extract(ctx: Context) -> list[Found]:
    text = mtatext.section(ctx.text[:32000], ("",), ("original message follows",))
    out: dict[str, Found] = {}
    response = mtatext.section(text, ("body of message generated response:",), ("\n\n",))
    for match in _LABELLED.finditer(text):
        label = match.group(1).strip()
        if label.lower() in ("from", "to", "cc", "subject", "date", "reply-to", "sender"):
            continue
        out.setdefault(match.group(2).lower(), mtatext.make(
            match.group(2), f"{response} {label}" if response else match.group(0),
            reason="expired" if _GAVE_UP.match(label) else None))
    for match in _UNDELIVERABLE.finditer(text):
        before = text[max(0, match.start() - 1500):match.start()]
        reply = response or mtatext.squash(before.strip().split("\n\n")[-1])
        out.setdefault(match.group(1).lower(), mtatext.make(match.group(1), reply))
    return list(out.values())
