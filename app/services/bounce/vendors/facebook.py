"""Facebook's mail servers (mx.facebook.com, the retired @facebook.com addresses and group
addresses): "From: Facebook <mailer-daemon@mx.facebook.com>", "Subject: Sorry, your message
could not be delivered", "This message was created automatically by Facebook." then the
delivery-status fields (often as an inline text part) whose Diagnostic-Code carries one of
Facebook's documented response codes, "550 5.1.1 RCP-P2 http://postmaster.facebook.com/
response_codes?ip=...#rcp Refused due to recipient preferences".

The code names the cause better than the enhanced status around it (Facebook writes 5.1.1
for "the recipient's preferences refuse you", an address that exists), so it is mapped here.
Source: Facebook's postmaster "response codes" page (RCP = recipient, MSG = message, POL =
policy, DNS = the sender's DNS, CON = connections, INT = internal; -P permanent, -T temporary).
"""

from __future__ import annotations

import re

from app.services.bounce.vendors import mtatext
from app.services.bounce.vendors.base import Context, Found
from app.services.bounce.vendors.providers import original_recipients, seen, sender

NAME = "facebook"

_MARK = "this message was created automatically by facebook"
_CODE = re.compile(r"\b((?:RCP|MSG|POL|DNS|CON|INT)-[PT]\d)\b")
# Facebook's response codes and the cause each names (its postmaster page)
_CODES = {
    "RCP-P1": "user_unknown", "INT-P1": "user_unknown", "INT-P3": "user_unknown",
    "INT-P4": "user_unknown",
    "RCP-P2": "filtered", "RCP-P3": "filtered",  # the recipient's preferences / privacy
    "RCP-T4": "suspend",  # the address is deactivated for now
    "MSG-P1": "message_too_big", "INT-P2": "message_too_big",
    "MSG-P2": "content_error", "MSG-P3": "not_compliant_rfc",
    "POL-P6": "spam_detected",  # a URL of the message is on Facebook's block list
    "POL-P1": "blocked", "POL-P2": "blocked", "POL-P3": "blocked", "POL-P4": "blocked",
    "POL-T1": "blocked", "POL-T2": "blocked", "POL-T3": "blocked",
    "POL-P5": "virus_detected",
    "POL-P7": "auth_failure",  # fails Facebook's domain authentication requirements
    "POL-P8": "policy_violation",  # Facebook's abuse policies
    "INT-P7": "mailbox_full",  # the recipient exceeded their storage quota
    "DNS-P1": "rejected", "DNS-P2": "rejected", "DNS-T1": "rejected",
    "DNS-P3": "require_ptr", "DNS-T2": "require_ptr",
    "CON-T1": "system_error", "CON-T2": "too_many_conn", "CON-T3": "too_many_conn",
    "CON-T4": "too_many_conn", "MSG-T1": "too_many_conn",
}


def detect(ctx: Context) -> bool:
    return "facebook" in sender(ctx) and seen(ctx, _MARK, limit=1500)


def extract(ctx: Context) -> list[Found]:
    found = mtatext.dsn_fields(ctx.text[:48000])
    if not found:
        code = _CODE.search(ctx.head[:8000])
        found = [Found(address=a, diagnostic=code.group(0) if code else "")
                 for a in original_recipients(ctx)]
    for item in found:
        code = _CODE.search(item.diagnostic or "")
        if code and code.group(1) in _CODES:
            item.reason = _CODES[code.group(1)]
        elif code and code.group(1).startswith("INT-T"):
            item.reason = "system_error"  # Facebook's own temporary trouble
    return found
