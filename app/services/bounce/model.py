"""What the classifier returns: one Report per message, one RecipientStatus per recipient."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_MESSAGE = 1 << 20  # bytes of a message parsed: DSN parts come before the returned mail
MAX_PART_TEXT = 64 * 1024  # characters of one text part scanned
MAX_PARTS = 64
MAX_DEPTH = 8
MAX_RECIPIENTS = 200
MAX_DIAGNOSTIC = 500

KINDS = ("dsn", "bounce", "mdn", "auto_reply", "feedback", "other")


@dataclass
class RecipientStatus:
    address: str | None
    status: str | None = None
    reply_code: str | None = None
    category: str = "error"
    reason: str = "undefined"
    diagnostic: str | None = None
    remote_mta: str | None = None
    original_message_id: str | None = None
    action: str | None = None
    final_recipient: str | None = None
    original_recipient: str | None = None  # DSN Original-Recipient: the address as sent

    def to_dict(self) -> dict[str, Any]:
        return {"address": self.address, "status": self.status, "reply_code": self.reply_code,
                "category": self.category, "reason": self.reason,
                "diagnostic": self.diagnostic, "remote_mta": self.remote_mta,
                "original_message_id": self.original_message_id, "action": self.action,
                "final_recipient": self.final_recipient,
                "original_recipient": self.original_recipient}


@dataclass
class Report:
    kind: str = "other"
    recipients: list[RecipientStatus] = field(default_factory=list)
    original_message_id: str | None = None
    original_envid: str | None = None
    message_id: str | None = None
    subject: str | None = None
    from_addr: str | None = None
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    mdn_disposition: str | None = None
    reporting_mta: str | None = None
    feedback_type: str | None = None
    vendor: str | None = None  # the vendor module that read the report, if one did

    @property
    def is_bounce(self) -> bool:
        """True for delivery reports (DSNs of any action, and free-text bounces)."""
        return self.kind in ("dsn", "bounce")

    def to_dict(self) -> dict[str, Any]:
        return {"is_bounce": self.is_bounce, "kind": self.kind,
                "recipients": [r.to_dict() for r in self.recipients],
                "original_message_id": self.original_message_id,
                "original_envid": self.original_envid, "message_id": self.message_id,
                "subject": self.subject, "from": self.from_addr,
                "in_reply_to": self.in_reply_to, "references": self.references,
                "mdn_disposition": self.mdn_disposition, "reporting_mta": self.reporting_mta,
                "feedback_type": self.feedback_type, "vendor": self.vendor}

