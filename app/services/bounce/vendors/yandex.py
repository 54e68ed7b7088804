"""Yandex Mail (yandex.ru/.com/.by/.kz/.ua, ya.ru, narod.ru; Yandex 360 for domains).

Yandex's outgoing and incoming servers are Postfix: its report is Postfix's ("This is the
mail system at host yandex.ru." / "<x@y>: host mx.x[ip] said: 550 ... (in reply to RCPT TO
command)"), sent from mailer-daemon@yandex.ru with X-Yandex-* headers (X-Yandex-Uniq,
X-Yandex-Front); the delivery-status fields may be attached or, after a relay that flattened
the report, printed as text. Yandex's help pages ("Report on non-delivery to Yandex", "...to
another address") list the replies its own servers give and what each means; a few mean
something other than their words suggest, and are named here:
- "Policy rejection on the target address": the recipient's account is blocked for breaking
  Yandex's user agreement (a disabled mailbox, not a policy against the sender);
- "Blocked by spam statistics": Yandex refuses mail from that sender for 24 hours after
  spam came from it (the sender's standing);
- "Message infected by virus".
Other documented replies ("No such user", "Mailbox size exceeded", "Message rejected under
suspicion of SPAM") are plain enough for ``reasons``.
"""

from __future__ import annotations

from app.services.bounce.vendors import mtatext, postfix
from app.services.bounce.vendors.base import Context, Found
from app.services.bounce.vendors.providers import (
    from_daemon,
    has_header,
    original_recipients,
    seen,
    sender,
)

NAME = "yandex"

_DOMAINS = ("yandex.", "ya.ru", "narod.ru", "yandex-team.ru")
_MARKS = ("this is the mail system at host", "diagnostic-code:", "final-recipient:")
# Yandex's documented replies whose cause is not what a generic reading would say
_OWN = (("policy rejection on the target address", "suspend"),
        ("blocked by spam statistics", "blocked"),
        ("message infected by virus", "virus_detected"))


def detect(ctx: Context) -> bool:
    who = sender(ctx)
    ours = any(d in who for d in _DOMAINS) or has_header(ctx, "X-Yandex-Uniq")
    if not ours or not from_daemon(ctx):
        return False  # Yandex users write from the same domains
    return seen(ctx, *_MARKS)


def extract(ctx: Context) -> list[Found]:
    found: list[Found] = []
    if postfix.detect(ctx):
        found = postfix.extract(ctx)
    if not found:
        found = mtatext.dsn_fields(ctx.head)
    if not found:
        found = [Found(address=a) for a in original_recipients(ctx)]
    for item in found:
        low = (item.diagnostic or "").lower()
        own = next((reason for phrase, reason in _OWN if phrase in low), None)
        if own:
            item.reason = own
    return found
