"""au by KDDI (ezweb.ne.jp, au.com; older dion.ne.jp / auone-net.jp relays).

au's reports are short English sentences, often with a Japanese line in ISO-2022-JP:
- EZweb: "Subject: Mail System Error - Returned Mail", a sentence naming the cause ("The
  user(s) account is disabled.", "... is temporarily limited.", "... is temporarily over
  quota.", "Your message was not delivered within N days and N hours.") then "<x@y>" or
  "<x@y>: 550 ..."; or "Each of the following recipients was rejected by a remote mail
  server." with "Recipient: <x>" / ">>> RCPT TO:<x>" / "<<< 550 ..." transcripts;
- KDDI relays: "Your mail sent on: <date>" / "Could not be delivered to: <x>" / "As their
  mailbox is full." (or "As the remote domain doesnt exist.", "Due to the following SMTP
  relay error").
au marks mail its filter refused with "X-SPASIGN: NG" (a recipient-side filter).
"""

from __future__ import annotations

import re

from app.services.bounce.vendors.base import Context, Found
from app.services.bounce.vendors.providers import (
    addresses_in,
    from_daemon,
    in_received,
    seen,
    sender,
)

NAME = "kddi"

_AU_DOMAINS = ("ezweb.ne.jp", "au.com", "dion.ne.jp", "auone-net.jp", "kddi.com")
_ADDR_RE = re.compile(r"^[ \t]*(?:Recipient:[ \t]*|Could not be delivered to:[ \t]*)?"
                      r"<([^<>\s]{3,320})>:?[ \t]*([^\n]{0,600})$", re.MULTILINE | re.IGNORECASE)
_COMMAND_RE = re.compile(r">>>[ \t]*(RCPT TO|MAIL FROM|DATA|HELO|EHLO)\b", re.IGNORECASE)
_REPLY_RE = re.compile(r"<<<[ \t]*([245]\d\d[^\n]{0,500})")
# au's own sentences and the cause each names (what au's help pages say they mean)
_OWN = (("account is disabled", "suspend"), ("account is temporarily limited", "suspend"),
        ("over quota", "mailbox_full"), ("mailbox is full", "mailbox_full"),
        ("not delivered within", "expired"), ("remote domain doesnt exist", "host_unknown"),
        ("remote domain doesn't exist", "host_unknown"),
        ("following smtp relay error", "no_relaying"))
_COMMANDS = {"rcpt to": "RCPT", "mail from": "MAIL", "data": "DATA", "helo": "HELO",
             "ehlo": "EHLO"}


def detect(ctx: Context) -> bool:
    who = sender(ctx)
    if any(d in who for d in _AU_DOMAINS) and from_daemon(ctx):
        return True  # au's users write from the same domains
    if ctx.subject == "Mail System Error - Returned Mail" and in_received(ctx, *_AU_DOMAINS):
        return True
    return seen(ctx, "your mail sent on:", limit=600) and in_received(ctx, *_AU_DOMAINS)


def extract(ctx: Context) -> list[Found]:
    head = ctx.head[:16000]
    low = head.lower()
    own = next((reason for phrase, reason in _OWN if phrase in low), None)
    filtered = ctx.header("X-SPASIGN").strip().upper().startswith("NG")
    matches = list(_ADDR_RE.finditer(head))
    found: list[Found] = []
    for index, match in enumerate(matches[:200]):
        addresses = addresses_in(match.group(1))
        if not addresses or any(f.address == addresses[0] for f in found):
            continue
        end = matches[index + 1].start() if index + 1 < len(matches) else len(head)
        block = head[match.end():min(end, match.end() + 2000)]
        command = _COMMAND_RE.search(block)
        reply = _REPLY_RE.search(block)
        same_line = match.group(2).strip()
        diagnostic = reply.group(1).strip() if reply else same_line
        sentence = _cause_sentence(head)
        if sentence and sentence not in diagnostic:
            diagnostic = f"{diagnostic} ({sentence})" if diagnostic else sentence
        reason = "filtered" if filtered else own
        found.append(Found(address=addresses[0], diagnostic=diagnostic[:1000], reason=reason,
                           command=_COMMANDS.get(command.group(1).lower()) if command else None))
    return found


def _cause_sentence(head: str) -> str:
    """au's own English sentence naming the cause, if the report has one."""
    for line in head.split("\n")[:60]:
        low = line.lower()
        if any(phrase in low for phrase, _ in _OWN) or "was rejected by a remote" in low:
            return line.strip()
    return ""
