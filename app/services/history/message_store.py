"""Sent messages, their recipients and each recipient's status timeline.

One status per (message, recipient); every signal about it (SMTP reply, DSN, bounce, read
receipt, reply) becomes an event with its time, source and detail, so the UI can draw a
timeline. A later weaker signal never overwrites a stronger final one: it is still kept
as an event (``applied = 0``) so nothing the servers said is lost.
"""

from __future__ import annotations

import getpass
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from app.services.history.message_status import STATUSES
from app.services.storage import Database, utcnow

SOURCES = ("smtp", "dsn", "bounce", "mdn", "reply", "local")

_PENDING = {"queued": 0, "sent": 1, "deferred": 1}
# The recipient's own actions prove delivery; a reply says more than a read receipt.
_ENGAGED = {"delivered": 0, "auto_reply": 1, "opened": 2, "replied": 3}
# Machine-reported failures: a permanent answer outranks a temporary one given up on.
_FAILED = {"error": 0, "soft_bounce": 1, "blocked": 2, "spam": 2, "hard_bounce": 3}


def supersedes(old: str, new: str) -> bool:
    """Whether a ``new`` signal replaces the current ``old`` status.

    - queued < sent ~ deferred: a retry may succeed after a 4xx (deferred → sent) and a
      "delayed" DSN may follow acceptance (sent → deferred); nothing goes back to queued.
    - every final status beats a pending one; pending never beats a final one
      (a delayed DSN after delivered or after a hard bounce changes nothing).
    - delivered < auto_reply < opened < replied.
    - a bounce beats ``delivered`` (a relay said "delivered", the next hop bounced), but not
      what the recipient did (opened, replied, auto-reply prove the mail arrived), and the
      recipient's own actions beat an earlier bounce for the same reason.
    - among failures the stronger wins (hard_bounce > blocked/spam > soft_bounce > error);
      ``error`` (unknown outcome, e.g. interrupted) gives way to any final status.
    - a complaint (ARF abuse report) is the last word.
    """
    if old == new:
        return False
    if old == "complaint":
        return False
    if new == "complaint":
        return True
    if old in _PENDING:
        if new in _PENDING:
            return _PENDING[new] > _PENDING[old] or (old != "queued" and new != "queued")
        return True
    if new in _PENDING:
        return False
    if old == "error":
        return True
    if old in _ENGAGED and new in _ENGAGED:
        return _ENGAGED[new] > _ENGAGED[old]
    if old in _FAILED and new in _FAILED:
        return _FAILED[new] > _FAILED[old]
    if old == "delivered" and new in _FAILED:
        return new != "error"
    if old in _FAILED and new in _ENGAGED:
        return new != "delivered"
    return False


def is_final(status: str) -> bool:
    return status not in _PENDING


@dataclass
class NewRecipient:
    address: str
    kind: str = "to"  # to | cc | bcc


def _iso(at: datetime | str | None) -> str:
    if at is None:
        return utcnow()
    if isinstance(at, str):
        return at
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="seconds")


def sender_name(display_name: str | None = None) -> str:
    """Who sends, for the table's "sent by" column (team mode: colleagues share one
    address): the chosen display name (the ``database.display_name`` option, which config
    reads from postier.toml or POSTIER_DISPLAY_NAME), else the OS login."""
    chosen = (display_name or "").strip()
    if chosen:
        return chosen[:100]
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (a container without a passwd entry)
        return ""


# ---------------------------------------------------------------------------
# Connection-level helpers: callers compose them inside one Database.transaction().
# ---------------------------------------------------------------------------
def insert_message(conn: sqlite3.Connection, *, account_id: int | None, account_email: str,
                   message_id: str, envid: str, from_addr: str, subject: str, body_text: str,
                   body_html: str | None, raw: bytes, recipients: list[NewRecipient],
                   scheduled_at: str | None = None, give_up_at: str | None = None,
                   mdn_requested: bool = False, is_test: bool = False,
                   resend_of: int | None = None, sent_by: str | None = None) -> int:
    """A new queued message with its recipients; ``sent_by`` is who writes it (default:
    ``sender_name()``, this computer's user)."""
    now = utcnow()
    mid = int(conn.execute(
        "INSERT INTO messages (account_id, account_email, message_id, envid, from_addr, subject,"
        " body_text, body_html, raw, state, created_at, scheduled_at, give_up_at,"
        " mdn_requested, is_test, resend_of, sent_by)"
        " VALUES (?,?,?,?,?,?,?,?,?,'queued',?,?,?,?,?,?,?) RETURNING id",
        (account_id, account_email, message_id, envid, from_addr, subject, body_text, body_html,
         raw, now, scheduled_at, give_up_at, int(mdn_requested), int(is_test), resend_of,
         sent_by if sent_by is not None else sender_name())
    ).fetchone()[0])
    seen: set[str] = set()
    for rcpt in recipients:
        key = rcpt.address.lower()
        if key in seen:  # the same address in To and Cc is one delivery
            continue
        seen.add(key)
        rid = conn.execute(
            "INSERT INTO recipients (message_id, address, kind, status, updated_at, to_send)"
            " VALUES (?,?,?,'queued',?,1) RETURNING id", (mid, rcpt.address, rcpt.kind, now)
        ).fetchone()[0]
        conn.execute("INSERT INTO events (recipient_id, at, status, source, detail)"
                     " VALUES (?,?,'queued','local','recorded')", (rid, now))
    return mid


def apply_status(conn: sqlite3.Connection, recipient_id: int, status: str, source: str,
                 reason: str | None = None, detail: str | None = None,
                 at: datetime | str | None = None, inbound_id: int | None = None) -> bool:
    """Record a signal as an event; change the recipient's status if it supersedes the
    current one. Returns True when the status changed."""
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    row = conn.execute("SELECT status FROM recipients WHERE id = ?", (recipient_id,)).fetchone()
    if row is None:
        raise KeyError(recipient_id)
    changed = supersedes(row["status"], status)
    # A repeated pending signal (a second 4xx on retry) refreshes the detail shown.
    applied = changed or (row["status"] == status and not is_final(status))
    conn.execute("INSERT INTO events (recipient_id, at, status, source, reason, detail,"
                 " inbound_id, applied) VALUES (?,?,?,?,?,?,?,?)",
                 (recipient_id, _iso(at), status, source, reason, detail, inbound_id,
                  int(applied)))
    if applied:
        conn.execute("UPDATE recipients SET status = ?, reason = ?, detail = ?, updated_at = ?"
                     " WHERE id = ?", (status, reason, detail, utcnow(), recipient_id))
    return changed


def find_by_envid(conn: sqlite3.Connection, envid: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM messages WHERE envid = ?", (envid.strip(),)).fetchone()


def find_by_message_id(conn: sqlite3.Connection, message_id: str) -> sqlite3.Row | None:
    mid = message_id.strip()
    if not mid.startswith("<"):
        mid = f"<{mid}>"
    return conn.execute("SELECT * FROM messages WHERE message_id = ?", (mid,)).fetchone()


def find_recent_to(conn: sqlite3.Connection, address: str, before: str,
                   window: timedelta = timedelta(days=7),
                   account_email: str | None = None) -> sqlite3.Row | None:
    """The most recent message sent to ``address`` within ``window`` before ``before``: the
    fallback match for bounces that carry neither our envelope id nor our Message-ID."""
    start = (datetime.fromisoformat(before) - window).isoformat(timespec="seconds")
    sql = ("SELECT m.* FROM messages m JOIN recipients r ON r.message_id = m.id"
           " WHERE r.address = ? AND m.sent_at IS NOT NULL AND m.sent_at >= ?"
           " AND m.sent_at <= ?")
    args: list[Any] = [address, start, before]
    if account_email:
        sql += " AND m.account_email = ?"
        args.append(account_email)
    return conn.execute(sql + " ORDER BY m.sent_at DESC, m.id DESC LIMIT 1", args).fetchone()


def recipient_row(conn: sqlite3.Connection, message_pk: int,
                  address: str | None) -> sqlite3.Row | None:
    """The recipient of a message by address; a message with one recipient matches any
    address (aliases and forwards rewrite what the DSN names)."""
    rows = conn.execute("SELECT * FROM recipients WHERE message_id = ? ORDER BY id",
                        (message_pk,)).fetchall()
    if address:
        for r in rows:
            if r["address"].lower() == address.lower():
                return r
    return rows[0] if len(rows) == 1 else None


# ---------------------------------------------------------------------------
# Store object: each method is its own transaction.
# ---------------------------------------------------------------------------
class MessageStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def set_status(self, recipient_id: int, status: str, source: str,
                   reason: str | None = None, detail: str | None = None,
                   at: datetime | str | None = None) -> bool:
        with self.db.transaction() as conn:
            return apply_status(conn, recipient_id, status, source, reason, detail, at)

    def events(self, recipient_id: int) -> list[dict[str, Any]]:
        with self.db.reading() as conn:
            rows = conn.execute("SELECT * FROM events WHERE recipient_id = ? ORDER BY at, id",
                                (recipient_id,)).fetchall()
        return [_event_dict(r) for r in rows]

    def message(self, message_pk: int) -> dict[str, Any] | None:
        with self.db.reading() as conn:
            row = conn.execute("SELECT * FROM messages WHERE id = ?", (message_pk,)).fetchone()
            if row is None:
                return None
            rcpts = conn.execute("SELECT * FROM recipients WHERE message_id = ? ORDER BY id",
                                 (message_pk,)).fetchall()
        data = {k: row[k] for k in row.keys() if k != "raw"}
        data["recipients"] = [dict(r) for r in rcpts]
        return data

    def recipient_status(self, message_pk: int, address: str) -> str | None:
        with self.db.reading() as conn:
            row = conn.execute("SELECT status FROM recipients WHERE message_id = ? AND address = ?",
                               (message_pk, address)).fetchone()
        return row["status"] if row else None

    def unmatched_inbound(self, account_email: str | None = None,
                          limit: int = 100) -> list[dict[str, Any]]:
        """Bounces and reports that matched no sent message: kept and shown, never dropped."""
        sql = ("SELECT i.id, i.folder, i.uid, i.kind, i.header_message_id, i.subject,"
               " i.from_addr, i.received_at, i.summary, a.email AS account"
               " FROM inbound i LEFT JOIN accounts a ON a.id = i.account_id WHERE i.matched = 0")
        args: list[Any] = []
        if account_email:
            sql += " AND a.email = ?"
            args.append(account_email)
        sql += " ORDER BY i.received_at DESC, i.id DESC LIMIT ?"
        args.append(limit)
        with self.db.reading() as conn:
            return [dict(r) for r in conn.execute(sql, args).fetchall()]


def _event_dict(row: sqlite3.Row) -> dict[str, Any]:
    return {"at": row["at"], "status": row["status"], "detail": row["detail"] or "",
            "source": row["source"], "reason": row["reason"], "applied": bool(row["applied"])}
