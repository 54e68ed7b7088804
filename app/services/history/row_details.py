"""What the details panel shows for one row of the sent table (``message_details``): the
message itself, the headers worth showing, every recipient with its timeline, and the
resends in both directions (what this row resent, and what was resent for it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from email.policy import default as default_policy

from app.services.history.message_rows import Event
from app.services.storage import Database


@dataclass
class RecipientInfo:
    id: int
    address: str
    kind: str
    status: str
    reason: str | None
    detail: str | None
    events: list[Event] = field(default_factory=list)


@dataclass
class MessageDetails:
    message_id: int
    header_message_id: str
    account: str
    from_addr: str
    subject: str
    body_text: str
    body_html: str | None
    created_at: str
    sent_at: str | None
    scheduled_at: str | None
    state: str
    smtp_reply: str | None
    headers: list[tuple[str, str]]
    recipients: list[RecipientInfo]
    selected: RecipientInfo
    resend_of: int | None  # recipients.id this message was a resend of
    resent_as: list[tuple[int, str, str]]  # (message id, address, status) of later resends


_SHOWN_HEADERS = ("From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To",
                  "Disposition-Notification-To", "Return-Path", "X-Mailer")


def _headers(raw: bytes | None) -> list[tuple[str, str]]:
    if not raw:
        return []
    try:
        msg = BytesHeaderParser(policy=default_policy).parsebytes(bytes(raw))
    except Exception:  # noqa: BLE001 - a malformed stored message still shows the rest
        return []
    return [(name, str(msg[name])) for name in _SHOWN_HEADERS if msg[name] is not None]


def message_details(db: Database, recipient_id: int) -> MessageDetails | None:
    """Everything the details panel shows for the row of ``recipient_id``."""
    with db.reading() as conn:
        rec = conn.execute("SELECT message_id FROM recipients WHERE id = ?",
                           (recipient_id,)).fetchone()
        if rec is None:
            return None
        msg = conn.execute("SELECT * FROM messages WHERE id = ?", (rec[0],)).fetchone()
        recipients: list[RecipientInfo] = []
        for r in conn.execute("SELECT * FROM recipients WHERE message_id = ? ORDER BY id",
                              (msg["id"],)):
            info = RecipientInfo(r["id"], r["address"], r["kind"], r["status"], r["reason"],
                                 r["detail"])
            info.events = [Event.from_row(e) for e in conn.execute(
                "SELECT * FROM events WHERE recipient_id = ? ORDER BY at, id", (r["id"],))]
            recipients.append(info)
        resent = conn.execute(
            "SELECT m.id, r.address, r.status FROM messages m "
            "JOIN recipients r ON r.message_id = m.id WHERE m.resend_of = ? ORDER BY m.id",
            (recipient_id,)).fetchall()
    selected = next(r for r in recipients if r.id == recipient_id)
    return MessageDetails(
        message_id=msg["id"], header_message_id=msg["message_id"],
        account=msg["account_email"], from_addr=msg["from_addr"], subject=msg["subject"],
        body_text=msg["body_text"], body_html=msg["body_html"], created_at=msg["created_at"],
        sent_at=msg["sent_at"], scheduled_at=msg["scheduled_at"], state=msg["state"],
        smtp_reply=msg["smtp_reply"], headers=_headers(msg["raw"]), recipients=recipients,
        selected=selected, resend_of=msg["resend_of"],
        resent_as=[(r[0], r[1], r[2]) for r in resent])
