"""GMX, WEB.DE, mail.com and 1&1 / IONOS (United Internet's mail platform).

Their reports start "This message was created automatically by mail delivery software." and
list each failed address on its own line ("x@y", "\"x@y\":" or "<x@y>"), then either
- "SMTP error from remote server after RCPT command:" / "host: mx.x" / "5.1.1 <x>... User
  Unknown" (GMX), or one line "SMTP error from remote server for RCPT TO command, host: mx.x
  (ip) reason: 550 ..." (1&1/IONOS), or
- "Reason:" / "For the following reason:" + United Internet's own words ("delivery retry
  timeout exceeded", "Mail size limit exceeded. For explanation visit
  http://postmaster.1and1.com/en/error-messages").
The original follows "--- The header of the original message is following. ---".
Source: postmaster.1und1.de / postmaster.gmx.net error-message pages.
"""

from __future__ import annotations

import re

from app.services.bounce.vendors.base import Context, Found
from app.services.bounce.vendors.providers import address_blocks, has_header, seen, sender

NAME = "gmx"

_DOMAINS = ("gmx.", "web.de", "mail.com", "1und1", "1and1", "ionos", "kundenserver.de",
            "perfora.net", "online.de", "united-internet")
_START = "this message was created automatically by mail delivery software"
_END_RE = re.compile(r"^-{2,3} ?The header of the original message is following", re.MULTILINE
                     | re.IGNORECASE)
_ADDR_LINE_RE = re.compile(r"^[ \t]*[\"<]?([^\s\"<>]{1,64}@[^\s\"<>]{1,255}?)[\">]?:?[ \t]*$")
_SMTP_ERROR_RE = re.compile(r"SMTP error from remote (?:server|mail server|mailer) (?:after|for)"
                            r" (RCPT TO|RCPT|MAIL FROM|MAIL|DATA|TEXT|end of data|EHLO|HELO)\b",
                            re.IGNORECASE)
_HOST_RE = re.compile(r"\bhost:?[ \t]+([A-Za-z0-9.-]{3,255}\.[A-Za-z]{2,24})", re.IGNORECASE)
_REASON_RE = re.compile(r"\breason:[ \t]*(.{3,800})", re.IGNORECASE | re.DOTALL)
_COMMANDS = {"rcpt to": "RCPT", "rcpt": "RCPT", "mail from": "MAIL", "mail": "MAIL",
             "data": "DATA", "text": "DATA", "end of data": "DATA", "ehlo": "EHLO", "helo": "HELO"}
# United Internet's own sentences that name the cause (its postmaster pages)
_OWN_REASONS = (("delivery retry timeout exceeded", "expired"),
                ("mail size limit exceeded", "message_too_big"),
                ("mailbox quota exceeded", "mailbox_full"))


def detect(ctx: Context) -> bool:
    if has_header(ctx, "X-GMX-Antispam") or has_header(ctx, "X-UI-Out-Filterresults"):
        return seen(ctx, _START, limit=1500)
    who = sender(ctx)
    return any(d in who for d in _DOMAINS) and seen(ctx, _START, limit=1500)


def extract(ctx: Context) -> list[Found]:
    text = ctx.text[:32000]
    start = text.lower().find(_START)
    if start < 0:
        return []
    end = _END_RE.search(text, start)
    body = text[start:end.start() if end else len(text)]
    return [_found(address, lines) for address, lines in address_blocks(body, _ADDR_LINE_RE)]


def _found(address: str, lines: list[str]) -> Found:
    block = "\n".join(lines).strip()
    command = remote = None
    smtp = _SMTP_ERROR_RE.search(block)
    if smtp:
        command = _COMMANDS.get(smtp.group(1).lower())
    host = _HOST_RE.search(block)
    if host:
        remote = host.group(1).rstrip(".").lower()
    reason_text = _REASON_RE.search(block)
    if reason_text:
        diagnostic = " ".join(reason_text.group(1).split())
    else:
        kept = [x.strip() for x in lines if x.strip() and not _SMTP_ERROR_RE.search(x)
                and not x.strip().lower().startswith(("host:", "for the following reason"))]
        diagnostic = " ".join(kept)
    diagnostic = diagnostic.replace("For the following reason:", "").strip()
    low = diagnostic.lower()
    reason = next((r for phrase, r in _OWN_REASONS if phrase in low), None)
    return Found(address=address, diagnostic=diagnostic[:1000], command=command,
                 remote_mta=remote, reason=reason)
