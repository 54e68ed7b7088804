"""fml (fml.org), the Japanese mailing-list manager: when a list refuses a post it mails the
poster back from "<list>-admin@domain" (X-MLServer: fml ..., a Message-ID ending ".FML@...")
with one sentence naming the list address and the cause, then "Original mail as follows:".

- "You are not a member of this mailing list <list@domain>." / "NOT MEMBER article from x"
  / "reject mail from x" / "reject spammers: x": the list refuses this sender (rejected);
- "Duplicated Message-ID in <list@domain>", "... has detected a loop condition", "Loop Back
  Warning:", "... header may cause mail loop": fml stopped a suspected loop (system_error);
- "Security alert:": fml's security check refused the post (security_error).
The address in angle brackets is the list the message was sent to: the recipient the sender
tracks. Source: fml's message templates (its documentation of the admin replies).
"""

from __future__ import annotations

import re

from app.services.bounce.addresses import ADDR
from app.services.bounce.vendors import mtatext
from app.services.bounce.vendors.base import Context, Found
from app.services.bounce.vendors.providers import has_header, sender

NAME = "fml"

_LINE = re.compile(r"^([^\n<]{0,200})<(" + ADDR + r")>([^\n]{0,300})$", re.MULTILINE)
_END = ("original mail as follows:",)
# fml's sentences and the cause each names, body first, then the Subject
_CAUSES = (("not a member of this mailing list", "rejected"), ("not member article from",
           "rejected"), ("reject mail from", "rejected"), ("reject spammers", "rejected"),
           ("spam mail from a spammer is rejected", "rejected"),
           ("may cause mail loop", "system_error"), ("detected a loop condition", "system_error"),
           ("loop back warning", "system_error"), ("duplicated message-id", "system_error"),
           ("unix from loop", "system_error"), ("fml system error", "system_error"),
           ("security alert", "security_error"))


def detect(ctx: Context) -> bool:
    if not has_header(ctx, "X-MLServer") or "-admin@" not in sender(ctx):
        return False
    return ".fml" in ctx.header("Message-ID").lower() or "fml" in ctx.header("X-MLServer").lower()


def extract(ctx: Context) -> list[Found]:
    head = ctx.text[:16000]
    cut = head.lower().find(_END[0])
    body = head[:cut] if cut >= 0 else head
    subject = ctx.subject.lower()
    found: list[Found] = []
    for match in _LINE.finditer(body):
        line = mtatext.squash(match.group(0))
        low = (line + " " + subject).lower()
        cause = next((reason for phrase, reason in _CAUSES if phrase in low), None)
        item = Found(address=match.group(2).lower(), diagnostic=line, reason=cause)
        if all(f.address != item.address for f in found):
            found.append(item)
        if len(found) >= 20:
            break
    return found
