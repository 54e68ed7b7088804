"""The verdict for one recipient: from what a reader found (diagnostic, codes, DSN action) to
CLI.md's category and reason. Shared by the DSN reader and the vendor modules."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from app.services.bounce.addresses import norm_addr
from app.services.bounce.decode import clean
from app.services.bounce.model import MAX_DIAGNOSTIC, RecipientStatus
from app.services.bounce.reasons import (
    decide,
    extract_codes,
    included,
    is_temporary,
    normalise_status,
)
from app.services.bounce.taxonomy import GENERIC_CODES, KEEP_ON_EXPIRY, REASON_CATEGORY

if TYPE_CHECKING:  # vendors.base reads free text, which uses the verdict below
    from app.services.bounce.vendors.base import Found

_GREYLISTED = re.compile(r"gr[ae]ylist")
# A mail loop (RFC 3463 x.4.6 "routing loop detected") is found at once, not retried until the
# queue gave up: a failed report of one keeps its cause even under a 4.x.x code.
_LOOP = re.compile(r"\bloop|too many hops|hop count|forwarded more than the maximum")
# A name server that kept failing (RFC 3463 x.4.3 "directory server failure"): the MTA gave up
# because of DNS, which CLI.md calls network_error, not because retries ran out for no reason.
_DNS = re.compile(r"name service error|host not found, try again|host name lookup failure"
                  r"|dns (?:error|lookup|failure|query|type)|servfail|name ?server"
                  r"|temporary (?:dns|lookup) failure|domain name lookup")
_DELIVERED = frozenset({"delivered", "relayed", "expanded"})
_NO_CAUSE = frozenset({"system_error", "on_hold", "undefined", "expired"})


def verdict(diagnostic: str, *, status: str | None = None, reply: int | None = None,
            action: str | None = None, hint: str | None = None, command: str | None = None,
            diag_type: str | None = None) -> tuple[str, str]:
    """(category, reason) for one recipient.

    ``action`` is the DSN action (or what a free-text report says): delivered → delivered;
    delayed → deferred unless the text says the MTA gave up; failed with only a temporary
    code → the MTA retried until it gave up (``expired``), unless the cause is worth more.
    """
    action = (action or "failed").lower()
    if action in _DELIVERED:
        return "delivered", "delivered"
    reason = decide(diagnostic, status=status, reply=reply, hint=hint, command=command,
                    diag_type=diag_type)
    if action == "delayed":
        if reason == "expired" and included("expired", (diagnostic or "").lower()):
            return "soft_bounce", "expired"  # "gave up" beats "delayed"
        return "deferred", "delayed"
    if reason == "delivered":  # a failure whose text quotes a 2xx: the action is right
        reason = "on_hold"
    low = (diagnostic or "").lower()
    # a loop is found at once; a DNS failure names its cause: neither is a bare expiry
    looped = reason == "network_error" and (
        (status or "").endswith((".4.6", ".4.3")) or _LOOP.search(low) is not None
        or _DNS.search(low) is not None)
    if is_temporary(reply, status) and not looped and (reason not in KEEP_ON_EXPIRY or (
            reason == "speeding" and _GREYLISTED.search(low)) or _code_only(
            reason, diagnostic, status, reply, hint, command)):
        # A final report about a temporary refusal: retried, then gave up. (Greylisting
        # that never let the message in says nothing more than that.)
        reason = "expired"
    return REASON_CATEGORY[reason], reason


def _code_only(reason: str, diagnostic: str, status: str | None, reply: int | None,
               hint: str | None, command: str | None) -> bool:
    """Whether ``reason`` came from a catch-all status alone ("451 4.7.1 try again later"):
    a code MTAs use for any temporary refusal names no cause once the queue gave up."""
    if status not in GENERIC_CODES or reason == hint:
        return False
    return decide(diagnostic, reply=reply, command=command) in _NO_CAUSE


def to_recipient(found: Found) -> RecipientStatus:
    """A vendor module's ``Found`` as a ``RecipientStatus`` with its verdict."""
    diagnostic = found.diagnostic or ""
    reply, enhanced = extract_codes(diagnostic)
    status = normalise_status(found.status) or enhanced
    if found.reply_code and str(found.reply_code).isdigit():
        reply = int(found.reply_code)
    category, reason = verdict(diagnostic, status=status, reply=reply, action=found.action,
                               hint=found.reason, command=found.command)
    return RecipientStatus(
        address=norm_addr(found.address), status=status,
        reply_code=str(reply) if reply else None, category=category, reason=reason,
        diagnostic=clean(diagnostic[:MAX_DIAGNOSTIC]), remote_mta=found.remote_mta,
        action="delayed" if category == "deferred" else (
            "delivered" if category == "delivered" else "failed"))
