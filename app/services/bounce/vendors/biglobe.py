"""BIGLOBE (biglobe.ne.jp and the cable ISPs on its platform: inacatv, tmtv, ttv):
"postmaster@" with "Subject: Returned mail: ...", a text part in ISO-2022-JP:
"   ----- The following addresses had delivery problems -----" + one address per line, then
"   ----- Non-delivered information -----" + BIGLOBE's sentence ("The number of messages in
recipient's mailbox exceeded the local limit." = the mailbox is full; "Mail Delivery
Failed... User unknown" is what BIGLOBE answers when the recipient's own reception filter
refused the sender, so it is a filter, not a missing address).
"""

from __future__ import annotations

import re

from app.services.bounce.vendors.base import Context, Found
from app.services.bounce.vendors.providers import addresses_in, from_daemon, seen, sender

NAME = "biglobe"

_DOMAINS = ("biglobe.ne.jp", "inacatv.ne.jp", "tmtv.ne.jp", "ttv.ne.jp")
_LIST = "----- the following addresses had delivery problems -----"
_INFO = "----- non-delivered information -----"
_SECTION_RE = re.compile(r"^[ \t]*-{3,} ?[^\n]{3,80}-{3,}[ \t]*$", re.MULTILINE)
_OWN = (("mailbox exceeded the local limit", "mailbox_full"),
        ("mail delivery failed... user unknown", "filtered"))


def detect(ctx: Context) -> bool:
    who = sender(ctx)
    return any(d in who for d in _DOMAINS) and from_daemon(ctx) and (
        seen(ctx, _LIST))


def extract(ctx: Context) -> list[Found]:
    text = ctx.text[:32000]
    low = text.lower()
    start = low.find(_LIST)
    if start < 0:
        return []
    addresses = addresses_in(_section(text, start + len(_LIST)))
    info_at = low.find(_INFO)
    info = " ".join(_section(text, info_at + len(_INFO)).split()) if info_at >= 0 else ""
    reason = next((r for phrase, r in _OWN if phrase in info.lower()), None)
    return [Found(address=a, diagnostic=info[:1000], reason=reason) for a in addresses[:200]]


def _section(text: str, start: int) -> str:
    """From ``start`` to the next "----- ... -----" line."""
    end = _SECTION_RE.search(text, start)
    return text[start:end.start() if end else start + 4000]
