"""Symantec Email Security.cloud (formerly MessageLabs).

Two forms come from "MAILER-DAEMON@messagelabs.com" (and X-Msg-Ref headers naming a
"...messagelabs.com" server): a "Mail Delivery Failure" report whose delivery-status fields
(Final-Recipient, Action, Status, Diagnostic-Code) may sit in the text part rather than in a
message/delivery-status part, and a qmail-style notice ("Hi. This is the deliver program at
messagelabs.com." then "<rcpt>:" blocks) that the qmail reader understands. MessageLabs'
"542 ... Rejected" / "No such user" replies mean the address does not exist; "Please turn on
SMTP Authentication in your mail client" is an authentication refusal.
"""

from __future__ import annotations

from app.services.bounce.vendors import mtatext, qmail
from app.services.bounce.vendors.base import Context, Found

NAME = "messagelabs"


def detect(ctx: Context) -> bool:
    sender = mtatext.sender(ctx)
    return "messagelabs.com" in sender or "messagelabs.com" in ctx.header("X-Msg-Ref").lower()


def extract(ctx: Context) -> list[Found]:
    found = mtatext.dsn_fields(ctx.text[:32000])
    if not found and "deliver program" in mtatext.opening(ctx, 600):
        found = qmail.extract(ctx)
    for item in found:
        low = item.diagnostic.lower()
        if "please turn on smtp authentication" in low:
            item.reason = "security_error"
        elif low.startswith("542 ") or "no such user" in low:
            item.reason = "user_unknown"
    return found
