"""The outbox's state machine on the database: record, claim, settle.

Owns ``messages.state`` and ``recipients.to_send`` and every transition between them
(submission.py drives the SMTP side, recovery.py settles what a dead process left).

Life of a message (``messages.state``). Every arrow is one SQLite transaction, so whatever
instant a ``kill -9`` strikes, the row is in exactly one of these states. Per recipient,
``recipients.to_send`` says what the outbox still owes: 1 = to send, 2 = inside the SMTP
transaction under way, 0 = settled (accepted, or refused for good).

::

              record()            claim()             RCPT accepted (to_send 1 → 2)
   (nothing) ─────────▶ queued ───────────▶ sending ────────────────────────▶ data
                          ▲                  │   │                               │
                          │ 4xx or network:  │   │ every RCPT refused            │ body written;
                          │ retry time set   │   ▼                               │ commit, THEN
                          └──────────────────┘  failed                           ▼ the final "."
                                                              sent ◀── 250 ── transmitting
                                                            failed ◀── 5xx ──┘
                                          (a 4xx after the dot: back to queued for a retry)

Why never twice: a message is sent again only from ``queued``, reached after a kill only
from ``sending``/``data``, i.e. before the final dot was written; ``transmitting`` is
committed *before* the dot goes out, so a message that may have reached the server is
never in those states. Why never lost: every state but ``transmitting`` leads back to
``queued`` and on to the server; ``transmitting`` lasts from that commit to the server's
answer (milliseconds), and a kill there is settled by the DSN. The one moment that can
lose a message is a kill between that commit and the kernel taking the 3 bytes ".\r\n"
(microseconds, unless the process is descheduled right there; no order of "commit" and
"send" closes it, the other order would risk a duplicate instead): it shows as ``unknown``
(never as sent), no DSN ever proves it, and the user can resend it.
The same holds for a connection lost instead of a kill: before the dot → queued again;
after it → ``unknown`` (submission's ``_AmbiguousData``); and for an unexpected exception
inside an attempt, settled at once by the process itself (sending's
``_settle_failed_attempt``), since a live
long-running outbox's claim never goes stale.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import make_msgid
from typing import Any

from app.services.config import Settings
from app.services.errors import InputError, PostierError
from app.services.history import event_notes
from app.services.history import message_store as ms
from app.services.outbox.mime import (
    OutgoingMessage,
    bare_address,
    build_mime,
    check_addresses,
    redate,
)
from app.services.setup.accounts import database
from app.services.setup.accounts import signature_images as stored_signature_images
from app.services.storage import Account, AccountStore, Database, StorageError
from app.services.team import claims

DEFAULT_RETRY_BASE = 300  # seconds before the first retry after a temporary refusal
MAX_RETRY_DELAY = 3600
DEFAULT_GIVE_UP_AFTER = 2 * 24 * 3600
OWED = ("queued", "sending", "data", "transmitting")  # states the outbox still owes


# Test seam: called with the phase name ("recorded", "claimed", "body_sent", "data_done")
# so a test can kill the process at the worst moments. None in production.
phase_hook: Callable[[str], None] | None = None


def phase(name: str) -> None:
    if phase_hook is not None:
        phase_hook(name)


@dataclass
class SendResult:
    id: int
    message_id: str
    status: str  # sent | failed | queued
    reply: str | None
    recipients: list[dict[str, Any]]
    error: dict[str, Any] | None = None
    dsn_requested: bool = False
    sent_copy: str | None = None  # saved | skipped | failed: … (IMAP Sent folder)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "message_id": self.message_id,
                                "status": self.status, "reply": self.reply,
                                "recipients": self.recipients,
                                "dsn_requested": self.dsn_requested}
        if self.error is not None:
            data["error"] = self.error
        if self.sent_copy is not None:
            data["sent_copy"] = self.sent_copy
        return data

    def text(self) -> str:
        lines = [f"message {self.id} {self.message_id}: {self.status}"]
        if self.reply:
            lines.append(f"  server: {self.reply}")
        for r in self.recipients:
            extra = f" ({r['reason']})" if r.get("reason") else ""
            lines.append(f"  {r['address']}: {r['status']}{extra}"
                         + (f" — {r['detail']}" if r.get("detail") else ""))
        if self.error:
            lines.append(f"  error: {self.error.get('code')}: {self.error.get('message')}")
        return "\n".join(lines)


def setting(settings: Settings, db: Database, key: str, default: float) -> float:
    """Env (POSTIER_…) overrides the database setting, which overrides the default."""
    env_key = "POSTIER_" + key.upper().replace(".", "_")
    raw = settings.extra.get(env_key) or db.get_setting(key)
    try:
        return float(raw) if raw not in (None, "") else default
    except ValueError:
        return default


def retry_base(settings: Settings, db: Database) -> float:
    return setting(settings, db, "send.retry_base", DEFAULT_RETRY_BASE)


def give_up_after(settings: Settings, db: Database) -> float:
    return setting(settings, db, "send.give_up_after", DEFAULT_GIVE_UP_AFTER)


def open_db(settings: Settings) -> Database:
    return database(settings)


def now_utc(now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="seconds")


def account_for(settings: Settings, email: str) -> Account:
    try:
        return AccountStore(open_db(settings)).require(email)
    except StorageError as exc:
        raise PostierError(exc.code, exc.message) from exc


def record(settings: Settings, msg: OutgoingMessage) -> int:
    """Store the message as ``queued`` (one transaction) and return its id."""
    to, cc, bcc = (check_addresses(msg.to), check_addresses(msg.cc),
                   check_addresses(msg.bcc))
    if not (to or cc or bcc):
        raise InputError("at least one recipient is needed")
    if "\r" in msg.subject or "\n" in msg.subject:  # else a ValueError deep in email
        raise InputError("the subject must be one line")
    msg.to, msg.cc, msg.bcc = to, cc, bcc
    account = account_for(settings, msg.account_email)
    db = open_db(settings)
    domain = account.email.partition("@")[2] or "localhost"
    message_id = make_msgid(idstring=uuid.uuid4().hex[:12], domain=domain)
    envid = uuid.uuid4().hex  # xtext-safe, short: the DSN's Original-Envelope-Id
    raw = build_mime(account, msg, message_id,
                     signature_images=stored_signature_images(settings, account))
    created = now_utc()
    later = msg.scheduled_at and now_utc(msg.scheduled_at) > created
    start = msg.scheduled_at if later and msg.scheduled_at else created
    give_up = iso(now_utc(start) + timedelta(seconds=give_up_after(settings, db)))
    recipients = ([ms.NewRecipient(bare_address(a), "to") for a in to]
                  + [ms.NewRecipient(bare_address(a), "cc") for a in cc]
                  + [ms.NewRecipient(bare_address(a), "bcc") for a in bcc])
    with db.transaction() as conn:
        # Two colleagues resending the same failed delivery: the second is refused
        # (ALREADY_RESENT), in this transaction, so one message only is ever queued.
        claims.guard_resend(conn, msg.resend_of)
        mid = ms.insert_message(
            conn, account_id=account.id, account_email=account.email, message_id=message_id,
            envid=envid, from_addr=account.email, subject=msg.subject, body_text=msg.text,
            body_html=msg.html, raw=raw, recipients=recipients,
            scheduled_at=iso(now_utc(msg.scheduled_at)) if msg.scheduled_at else None,
            give_up_at=give_up, mdn_requested=msg.read_receipt, is_test=msg.test,
            resend_of=msg.resend_of,
            sent_by=ms.sender_name(settings.option("database.display_name")))
    phase("recorded")
    return mid


def queue_message(settings: Settings, msg: OutgoingMessage) -> int:
    """Record without sending (scheduled or quiet hours): ``process_queue`` sends it when due."""
    return record(settings, msg)


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(db: Database, mid: int, now: datetime) -> Any:
    """queued → sending, atomically: two processes never send the same message."""
    with db.transaction() as conn:
        cur = conn.execute("UPDATE messages SET state = 'sending', claimed_at = ?, claimed_by = ?"
                           " WHERE id = ? AND state = 'queued'", (iso(now), _owner(), mid))
        if cur.rowcount != 1:
            return None
        row = conn.execute("SELECT * FROM messages WHERE id = ?", (mid,)).fetchone()
        if row["scheduled_at"]:
            conn.execute("UPDATE messages SET raw = ? WHERE id = ?",
                         (redate(row["raw"], now), mid))
            row = conn.execute("SELECT * FROM messages WHERE id = ?", (mid,)).fetchone()
    return row


def pending_recipients(db: Database, mid: int) -> list[Any]:
    with db.reading() as conn:
        return conn.execute("SELECT * FROM recipients WHERE message_id = ? AND to_send = 1"
                            " ORDER BY id", (mid,)).fetchall()


def result_of(db: Database, mid: int, error: PostierError | None = None,
              sent_copy: str | None = None) -> SendResult:
    with db.reading() as conn:
        m = conn.execute("SELECT * FROM messages WHERE id = ?", (mid,)).fetchone()
        rcpts = conn.execute("SELECT * FROM recipients WHERE message_id = ? ORDER BY id",
                             (mid,)).fetchall()
        accepted = accepted_count(conn, mid)
    state = m["state"]
    if accepted:
        status = "sent"  # some recipients may still be retried: their rows say so
    else:
        status = {"queued": "queued", "sending": "queued", "data": "queued",
                  "transmitting": "queued"}.get(state, "failed")
    err = error.to_dict() if error else None
    return SendResult(
        id=mid, message_id=m["message_id"], status=status, reply=m["smtp_reply"],
        recipients=[{"address": r["address"], "status": r["status"], "reason": r["reason"],
                     "detail": r["detail"], "kind": r["kind"]} for r in rcpts],
        error=err, dsn_requested=bool(m["dsn_requested"]), sent_copy=sent_copy)


def accepted_count(conn: Any, mid: int) -> int:
    """How many recipients the submission server took (now or in an earlier attempt)."""
    return conn.execute("SELECT COUNT(DISTINCT r.id) FROM events e JOIN recipients r"
                        " ON r.id = e.recipient_id WHERE r.message_id = ? AND"
                        " e.status = 'sent' AND e.source IN ('smtp', 'local')",
                        (mid,)).fetchone()[0]


def finish(conn: Any, mid: int, now: datetime, reply: str | None, base: float,
           error: PostierError | None = None) -> None:
    """Settle the message state after an attempt; schedule a retry or give up."""
    m = conn.execute("SELECT * FROM messages WHERE id = ?", (mid,)).fetchone()
    left = conn.execute("SELECT * FROM recipients WHERE message_id = ? AND to_send = 1",
                        (mid,)).fetchall()
    if left and m["give_up_at"] and iso(now) >= m["give_up_at"]:
        for r in left:
            ms.apply_status(conn, r["id"], "soft_bounce", "smtp", "expired",
                            event_notes.english("gave_up",
                                                answer=r["detail"] or reply or "-"), now)
        conn.execute("UPDATE recipients SET to_send = 0 WHERE message_id = ? AND to_send = 1",
                     (mid,))
        left = []
    accepted = accepted_count(conn, mid)
    attempts = m["attempts"] + 1
    if left:
        delay = min(base * 2 ** (attempts - 1), max(MAX_RETRY_DELAY, base))
        state, next_at = "queued", iso(now + timedelta(seconds=delay))
    else:
        state, next_at = ("sent" if accepted else "failed"), None
    conn.execute("UPDATE messages SET state = ?, attempts = ?, next_attempt_at = ?,"
                 " smtp_reply = COALESCE(?, smtp_reply), error = ?, claimed_at = NULL,"
                 " claimed_by = NULL WHERE id = ?",
                 (state, attempts, next_at, reply, error.code if error else None, mid))


def account_clause(accounts: list[str] | None) -> tuple[str, list[str]]:
    if accounts is None:
        return "", []
    return (" AND account_email IN (" + ",".join("?" for _ in accounts) + ")",
            list(accounts))


def outbox_state(settings: Settings, accounts: list[str] | None = None,
                 now: datetime | None = None) -> tuple[int, int, datetime | None]:
    """(held, remaining, next due time) of the outbox, for ``accounts`` or all."""
    stamp = iso(now_utc(now))
    mine, params = account_clause(accounts)
    with open_db(settings).reading() as conn:
        remaining = conn.execute(
            "SELECT COUNT(*) FROM messages WHERE state IN (" + ",".join("?" for _ in OWED)
            + ")" + mine, (*OWED, *params)).fetchone()[0]
        # The later of the two times (SQLite's MAX(a, b) is PostgreSQL's GREATEST: a CASE
        # says it in both).
        held, first = conn.execute(
            "SELECT COUNT(*), MIN(CASE WHEN COALESCE(scheduled_at, '') > COALESCE("
            "next_attempt_at, '') THEN scheduled_at ELSE COALESCE(next_attempt_at, '') END)"
            " FROM messages WHERE state = 'queued' AND (scheduled_at > ? OR next_attempt_at > ?)"
            + mine, (stamp, stamp, *params)).fetchone()
    return held, remaining, datetime.fromisoformat(first) if first else None


# Written in English, said in the user's language when shown (event_notes.localize).
INTERRUPTED = event_notes.english("interrupted")


def settle(conn: Any, row: Any, found: bool | None, now: datetime,
           why: str = INTERRUPTED, *, transmitted: bool) -> None:
    """Settle a message whose sender died or lost the server mid-transaction.
    ``transmitted``: the final dot may have reached the server (state ``transmitting``)."""
    mid = row["id"]
    if not transmitted:
        # Stopped before the final dot: the server discarded that transaction, so the
        # recipients inside it are owed again (back to to_send = 1).
        conn.execute("UPDATE recipients SET to_send = 1 WHERE message_id = ? AND to_send = 2",
                     (mid,))
    inflight = conn.execute("SELECT id FROM recipients WHERE message_id = ? AND to_send = 2",
                            (mid,)).fetchall()
    if found:
        for r in inflight:
            ms.apply_status(conn, r["id"], "sent", "local", None,
                            event_notes.english("found_in_sent"), now)
        conn.execute("UPDATE messages SET sent_at = COALESCE(sent_at, ?) WHERE id = ?",
                     (iso(now), mid))
    else:
        for r in inflight:
            ms.apply_status(conn, r["id"], "error", "local", "undefined", why, now)
    conn.execute("UPDATE recipients SET to_send = 0 WHERE message_id = ? AND to_send = 2",
                 (mid,))
    left = conn.execute("SELECT COUNT(*) FROM recipients WHERE message_id = ? AND to_send = 1",
                        (mid,)).fetchone()[0]
    if left:
        state = "queued"  # nothing of these was transmitted: safe to send
    elif found:
        state = "sent"
    else:
        state = "unknown" if inflight else "failed"
    conn.execute("UPDATE messages SET state = ?, claimed_at = NULL, claimed_by = NULL,"
                 " next_attempt_at = NULL WHERE id = ?", (state, mid))
