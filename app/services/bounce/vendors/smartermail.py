"""SmarterMail (SmarterTools), common on Windows hosting.

Its failure notice, from the system administrator address, reads "Could not deliver message
to the following recipient(s):" then, per recipient, "Failed Recipient: x@y" and "Reason:
..." (the remote reply as "Remote host said: 550 ...", or SmarterMail's own words: "The
mailbox is full", "The domain size limit has been exceeded", "Failed to connect to the
recipients mail server. No MX records were found for the 'x' domain.", "Failed all attempts
to connect to the recipients mail server"), and quotes the original's head under "-- The
header and top 20 lines of the message follows --". Sources: hosting providers' SmarterMail
knowledge-base pages ("Common email delivery errors") quoting these notices.
"""

from __future__ import annotations

import re

from app.services.bounce.addresses import ADDR
from app.services.bounce.vendors import mtatext
from app.services.bounce.vendors.base import Context, Found
from app.services.bounce.vendors.providers import has_header, seen

NAME = "smartermail"

_MARK = "could not deliver message to the following recipient"
_BLOCK = re.compile(r"^[ \t]*Failed Recipient:[ \t]*<?(" + ADDR + r")>?[ \t]*\n"
                    r"[ \t]*Reason:[ \t]*([^\n]{0,800}(?:\n[ \t]*[^\s][^\n]{0,800}){0,6})",
                    re.MULTILINE | re.IGNORECASE)
_END = ("-- the header and top", "-- the header of the original")
# SmarterMail's own sentences and the cause each names
_OWN = (("domain size limit has been exceeded", "system_full"),
        ("no mx records were found", "host_unknown"),
        ("failed all attempts to connect", "expired"),
        ("attempts to connect to recipients mail server", "expired"))


def detect(ctx: Context) -> bool:
    if not seen(ctx, _MARK, limit=2500):
        return False
    return True if has_header(ctx, "X-SmarterMail-Spam") else seen(ctx, "failed recipient:")


def extract(ctx: Context) -> list[Found]:
    body = mtatext.section(ctx.text[:48000], (_MARK,), _END)
    found: list[Found] = []
    for match in _BLOCK.finditer(body):
        reason_text = mtatext.squash(match.group(2))
        if reason_text.lower().startswith("remote host said:"):
            reason_text = reason_text[len("remote host said:"):].strip()
        low = reason_text.lower()
        own = next((reason for phrase, reason in _OWN if phrase in low), None)
        item = mtatext.make(match.group(1), reason_text, reason=own)
        if all(f.address != item.address for f in found):
            found.append(item)
        if len(found) >= 200:
            break
    return found
