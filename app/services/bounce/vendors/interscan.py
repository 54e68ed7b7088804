"""Trend Micro InterScan Messaging Security Suite / Virtual Appliance (IMSS, IMSVA).

Its own non-delivery notice (From "InterScan MSS", Subject "Mail could not be delivered",
Japanese editions "メッセージを配信できません。" / "メール配信に失敗しました") replays the
SMTP session it had with the next hop: "Sent <<< RCPT TO:<rcpt@domain>" (the command) and
"Received >>> 550 5.1.1 <rcpt@domain>... user unknown" (the reply), and ends with "Unable to
deliver message to <rcpt@domain>." Localised editions keep the "<<<" / ">>>" markers.
"""

from __future__ import annotations

import re

from app.services.bounce.vendors import mtatext
from app.services.bounce.vendors.base import Context, Found

NAME = "interscan"

_SUBJECTS = ("mail could not be delivered", "メッセージを配信できません。",
             "メール配信に失敗しました")
_SENT = re.compile(r"^\s{0,4}\S{0,20}\s{0,4}<<<\s{0,4}([A-Za-z]{4})\b[^<\n]{0,20}"
                   r"(?:<([^<>\s]{1,320})>)?", re.MULTILINE)
_RECEIVED = re.compile(r"^\s{0,4}\S{0,20}\s{0,4}>>>\s{0,4}([245]\d\d.{0,1000})$", re.MULTILINE)
_UNABLE = re.compile(r"unable to deliver message to <([^<>\s]{1,320})>", re.IGNORECASE)


def detect(ctx: Context) -> bool:
    if "interscan" in mtatext.sender(ctx):
        return True
    subject = ctx.subject.strip().lower()
    return subject in _SUBJECTS and "<<<" in mtatext.opening(ctx, 3000)


def extract(ctx: Context) -> list[Found]:
    text = ctx.head[:32000]
    out: dict[str, Found] = {}
    accepted: list[str] = []  # recipients the next hop took: a DATA refusal is about them
    refused: tuple[str, str | None] | None = None
    sents = list(_SENT.finditer(text))
    for index, sent in enumerate(sents[:200]):
        stop = sents[index + 1].start() if index + 1 < len(sents) else len(text)
        reply = _RECEIVED.search(text, sent.end(), stop)
        command = mtatext.command_word(sent.group(1))
        address = sent.group(2) if command == "RCPT" else None
        if reply is None or reply.group(1)[:1] not in "45":
            if address and "@" in address:
                accepted.append(address)
            continue
        if command in ("MAIL", "EHLO", "HELO", "CONN"):
            refused = (reply.group(1), command)  # before any recipient: see the list below
            continue
        targets = [address] if address else accepted
        for target in targets:
            if target and "@" in target:
                out.setdefault(target.lower(), mtatext.make(target, reply.group(1),
                                                            command=command))
    if not out:
        for match in _UNABLE.finditer(text):
            address = match.group(1)
            if "@" not in address:
                continue
            line_end = text.find("\n\n", match.end())
            said = refused or (text[match.start():line_end if line_end > 0 else None][:1000],
                               None)
            out.setdefault(address.lower(), mtatext.make(address, said[0], command=said[1]))
    return list(out.values())
