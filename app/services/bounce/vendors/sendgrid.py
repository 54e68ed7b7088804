"""SendGrid (Twilio SendGrid) bounce notifications mailed back to the sender.

Its older bounce forwarding sends "Subject: Undelivered Mail Returned to Sender" with
"Return-Path: <apps@sendgrid.net>": a text part "This is an automatically generated message
from SendGrid." then, per recipient, one summary line "account:NNNN:<x@y> : sending IP :
mx.host:[ip] :" and the remote reply indented under it, ending "in RCPT TO" / "in MAIL FROM" /
"in end of DATA"; then a delivery-status part whose Diagnostic-Code often lacks its type
("Diagnostic-Code: 550 5.1.1 ...") and whose Action may read "expired" (SendGrid stopped
retrying). Source: SendGrid's bounce documentation (bounce / deferred / expired events, the
"reason" being the receiving server's reply).
"""

from __future__ import annotations

import re

from app.services.bounce.addresses import ADDR
from app.services.bounce.vendors import mtatext
from app.services.bounce.vendors.base import Context, Found
from app.services.bounce.vendors.providers import seen, sender

NAME = "sendgrid"

_MARK = "this is an automatically generated message from sendgrid"
# "acct:000001:<x@y> : 198.51.100.8 : mx.example.com:[192.0.2.60] :" then the indented reply
_SUMMARY = re.compile(r"^[^\n<]{0,120}<(" + ADDR + r")>[ \t]*:[ \t]*([0-9a-fA-F.:]{2,45})?[ \t]*:"
                      r"[ \t]*([A-Za-z0-9.-]{1,255})?:?\[?[0-9a-fA-F.:]{0,45}\]?[ \t]*:?[ \t]*\n"
                      r"((?:[ \t]+[^\n]{1,800}(?:\n|$)){1,6})", re.MULTILINE)
_COMMAND = re.compile(r"\bin (?:end of )?(RCPT TO|MAIL FROM|DATA)\b\s*$", re.IGNORECASE)
_COMMANDS = {"rcpt to": "RCPT", "mail from": "MAIL", "data": "DATA"}


def detect(ctx: Context) -> bool:
    if "sendgrid" not in sender(ctx) and "sendgrid" not in _return_path(ctx):
        return False
    return seen(ctx, _MARK, limit=1500)


def _return_path(ctx: Context) -> str:
    """The raw Return-Path, lower-cased (not decoded: only a domain is looked for)."""
    try:
        return str(ctx.msg.get("Return-Path", ""))[:300].lower()
    except Exception:  # noqa: BLE001 - malformed header objects
        return ""


def extract(ctx: Context) -> list[Found]:
    text = ctx.text[:48000]
    by_address: dict[str, Found] = {}
    for match in _SUMMARY.finditer(text):
        reply = mtatext.squash(match.group(4))
        command = _COMMAND.search(reply)
        if command:
            reply = reply[:command.start()].rstrip()
        item = mtatext.make(match.group(1), reply, remote=(match.group(3) or "").lower() or None,
                            command=_COMMANDS[command.group(1).lower()] if command else None)
        by_address.setdefault(item.address, item)
        if len(by_address) >= 200:
            break
    for item in mtatext.dsn_fields(text):
        known = by_address.get(item.address)
        if item.action == "expired":
            item.action, item.reason = "failed", "expired"  # SendGrid stopped retrying
        if known is None:
            by_address[item.address] = item
            continue
        known.status = known.status or item.status
        if item.reason:
            known.reason = item.reason
        known.diagnostic = known.diagnostic or item.diagnostic
    return list(by_address.values())
