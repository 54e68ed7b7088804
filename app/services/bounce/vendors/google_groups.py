"""Google Groups: a post refused by a group comes back from Gmail's daemon, about the *group
address* (the group exists or not, the sender may not post to it).

Two wordings (Google Groups help, "Fix problems posting to a group"):
- "We're writing to let you know that the group you tried to contact (name) may not exist,
  or you may not have permission to post messages to the group." + four starred guesses, with
  the group in X-Failed-Recipients;
- Gmail's newer layout: "** Message not delivered **" / "Your message couldn't be delivered
  to group@x because you don't have permission to post to the group." / "The response was:".
"""

from __future__ import annotations

import re

from app.services.bounce.vendors.base import Context, Found
from app.services.bounce.vendors.providers import (
    addresses_in,
    after_marker,
    original_recipients,
    seen,
    sender,
)

NAME = "google_groups"

_MARKS = ("group you tried to contact", "permission to post", "post to the group",
          "post messages to the group", "google groups", "post to this group")
_SENTENCE_RE = re.compile(r"(?:couldn't be delivered to|wasn't delivered to|could not be delivered"
                          r" to)\s+([^\n]{3,400}?)(?=\s+because\b|\.\s|\n|$)", re.IGNORECASE)
_GROUP_RE = re.compile(r"group you tried to contact \(([^()\n]{1,200})\)", re.IGNORECASE)
_PARAGRAPH_END = re.compile(r"\n[ \t]*\n")


def detect(ctx: Context) -> bool:
    who = sender(ctx)
    if "googlegroups.com" in who:
        return True
    if "googlemail.com" not in who and "google.com" not in who:
        return False
    return seen(ctx, *_MARKS)


def extract(ctx: Context) -> list[Found]:
    head = ctx.head
    low = head[:8000].lower()
    addresses: list[str] = []
    sentence = _SENTENCE_RE.search(head[:8000])
    if sentence:
        addresses = addresses_in(sentence.group(1))
    if not addresses:
        named = _GROUP_RE.search(head[:8000])
        addresses = addresses_in(named.group(1)) if named else []
    if not addresses:
        addresses = original_recipients(ctx)
    if not addresses:
        return []
    response = after_marker(head, ("the response from the remote server was:",
                                   "the response was:"))
    if sentence:
        said = _paragraph(head, sentence.start())
        diagnostic = f"{response} ({said.strip()})" if response else said
    else:
        start = low.find("group you tried to contact")
        diagnostic = _paragraph(head, max(start, 0))
    # The old notice cannot tell a missing group from a closed one: it guesses both; a
    # sender who may not post is refused whoever they are (Google Groups' posting settings).
    reason = "rejected" if "may not exist, or you may not have permission" in low else None
    return [Found(address=a, diagnostic=diagnostic, reason=reason) for a in addresses]


def _paragraph(text: str, start: int) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    end = _PARAGRAPH_END.search(text, start, start + 600)
    return text[line_start:end.start() if end else start + 600].strip()
