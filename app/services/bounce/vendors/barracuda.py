"""Barracuda Email Security Gateway / Spam Firewall notices to the sender.

"**Message you sent blocked by our bulk email filter**" (Subject) or "Message not delivered":
"Your message to: rcpt@domain was blocked by our Spam Firewall. The email you sent with the
following subject has NOT BEEN DELIVERED:", then either "Reason:" with the reply or the
delivery-status fields written into the text part ("Final-Recipient: rfc822; rcpt@domain",
"Action: failed", "Status: 5.0.0", "Diagnostic-Code: smtp; 550 ..."). The bulk-email-filter
notice is Barracuda's documented spam block.
"""

from __future__ import annotations

import re

from app.services.bounce.vendors import mtatext
from app.services.bounce.vendors.base import Context, Found

NAME = "barracuda"

_YOURS = re.compile(r"your message to:\s{0,4}<?([^<>\s]{3,320}@[^<>\s]{1,255}?)>?\s*$",
                    re.IGNORECASE | re.MULTILINE)
_REASON = re.compile(r"^\s{0,4}reason:\s{0,4}(.{1,1000})$", re.IGNORECASE | re.MULTILINE)


def detect(ctx: Context) -> bool:
    subject = ctx.subject.lower()
    if "our bulk email filter" in subject:
        return True
    start = mtatext.opening(ctx, 2000)
    return "barracuda" in mtatext.sender(ctx) and "your message to:" in start


def extract(ctx: Context) -> list[Found]:
    text = ctx.text[:32000]
    spam = "bulk email filter" in ctx.subject.lower() or "blocked by our spam firewall" in \
        text[:3000].lower()
    hint = "spam_detected" if spam else None
    found = mtatext.dsn_fields(text)
    for item in found:
        item.reason = item.reason or (hint if not item.action or item.action == "failed"
                                      else None)
    if found:
        return found
    reason = _REASON.search(text)
    diagnostic = reason.group(1) if reason else "blocked by our Spam Firewall"
    return [mtatext.make(m.group(1), diagnostic, reason=hint) for m in _YOURS.finditer(text)]
