"""Digital Arts m-FILTER (a Japanese mail filter and relay): X-Mailer "m-FILTER", Subject
"failure notice".

The Japanese text says the message could not be sent to the addresses below (one bare
address per line), then gives "-------server message" followed by the remote reply and
"-------SMTP command" followed by the command it answered (RCPT, DATA...), before
"-------original message" / "-------original mail info".
"""

from __future__ import annotations

import re

from app.services.bounce.vendors import mtatext
from app.services.bounce.vendors.base import Context, Found

NAME = "mfilter"

_BARE = re.compile(r"^\s{0,4}<?([^<>\s@]{1,64}@[^<>\s@]{1,255})>?\s*$")


def detect(ctx: Context) -> bool:
    return ctx.header("X-Mailer").strip().lower() == "m-filter"


def extract(ctx: Context) -> list[Found]:
    text = mtatext.section(ctx.text[:32000], ("",), ("-------original message",
                                                      "-------original mail info"))
    addresses: list[str] = []
    diagnostic, command, mode = "", None, None
    for line in mtatext.lines_of(text):
        stripped = line.strip()
        if stripped.lower().startswith("-------server message"):
            mode = "server"
        elif stripped.lower().startswith("-------smtp command"):
            mode = "command"
        elif mode is None and (bare := _BARE.match(line)):
            addresses.append(bare.group(1))
        elif mode == "server" and stripped and not diagnostic:
            diagnostic = stripped
        elif mode == "command" and stripped and command is None:
            command = mtatext.command_word(stripped)
    return [mtatext.make(a, diagnostic, command=command) for a in dict.fromkeys(addresses)]
