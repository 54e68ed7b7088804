"""Mail.Ru (mail.ru, inbox.ru, list.ru, bk.ru; VK WorkMail): Exim's report under a Russian
preface ("Это письмо создано автоматически сервером Mail.Ru... К сожалению, Ваше письмо не
может быть доставлено одному или нескольким получателям:"), in UTF-8 or KOI8-R:
"The following address(es) failed:", then each address indented by two spaces and its
diagnostic indented deeper: "SMTP error from remote mail server after RCPT TO:<x>:" / "host
mx.x [ip]: 550 5.1.1 ...", or Mail.Ru's own "retry timeout exceeded", "mailbox is full".
Message-IDs end in ".mail.ru>" or "smailru.net>".
"""

from __future__ import annotations

import re

from app.services.bounce.vendors.base import Context, Found
from app.services.bounce.vendors.providers import (
    address_blocks,
    from_daemon,
    original_recipients,
    seen,
    sender,
)

NAME = "mailru"

_DOMAINS = ("mail.ru", "inbox.ru", "list.ru", "bk.ru", "smailru.net", "internet.ru")
_MARKS = ("this message was created automatically by mail delivery software",
          "не может быть доставлено", "письмо не может быть", "не удалось доставить")
_FAILED_RE = re.compile(r"following address(?:\(es\)|es)? failed:?", re.IGNORECASE)
_ADDR_LINE_RE = re.compile(r"^ {1,3}<?([^\s<>]{1,64}@[^\s<>:]{1,255}?)>?:?[ \t]*$")
_COMMAND_RE = re.compile(r"SMTP error from remote (?:mail server|mailer) after (?:end of )?"
                         r"(RCPT TO|MAIL FROM|DATA|HELO|EHLO)\b", re.IGNORECASE)
_HOST_RE = re.compile(r"\bhost ([A-Za-z0-9.-]{3,255}\.[A-Za-z]{2,24}) \[[0-9a-fA-F.:]{3,45}\]:?"
                      r"[ \t]*(.*)", re.DOTALL)
_COMMANDS = {"rcpt to": "RCPT", "mail from": "MAIL", "data": "DATA", "helo": "HELO",
             "ehlo": "EHLO"}


def detect(ctx: Context) -> bool:
    who = sender(ctx)
    msgid = ctx.header("Message-ID").lower()
    ours = any(d in who for d in _DOMAINS) or msgid.endswith(("mail.ru>", "smailru.net>"))
    if not ours or not from_daemon(ctx):
        return False
    return seen(ctx, *_MARKS)


def extract(ctx: Context) -> list[Found]:
    head = ctx.head[:32000]
    failed = _FAILED_RE.search(head)
    body = head[failed.end():] if failed else head
    found = [_found(address, lines)
             for address, lines in address_blocks(body, _ADDR_LINE_RE, blank_ends=True)]
    if not found:
        found = [Found(address=a) for a in original_recipients(ctx)]
    return found


def _found(address: str, lines: list[str]) -> Found:
    block = " ".join(lines)
    command = _COMMAND_RE.search(block)
    host = _HOST_RE.search(block)
    diagnostic = host.group(2).strip() if host and host.group(2).strip() else block
    return Found(address=address, diagnostic=diagnostic[:1000],
                 command=_COMMANDS.get(command.group(1).lower()) if command else None,
                 remote_mta=host.group(1).lower() if host else None)
