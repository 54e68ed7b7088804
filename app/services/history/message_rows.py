"""The sent table's rows and timelines as the screens and the CLI read them: what a row
holds (``MessageRow``, ``Event``), fetching the pages the table paints (``fetch_rows``,
``fetch_events``), a whole view with its timelines for ``postier messages``
(``listing``), and knowing when to read again (``data_version``,
``changed_recipients``).

The order and the filter come from ``view_index``; this module only reads by id.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.services.history.view_filter import NO_FILTER, ViewFilter
from app.services.history.view_index import view_ids
from app.services.storage import Database

_ROW_SELECT = """
SELECT r.id AS recipient_id, m.id AS message_id, m.created_at, m.sent_at, m.scheduled_at,
       r.status, m.subject, m.account_email AS account, r.address AS recipient, r.kind,
       r.reason, r.detail,
       r.updated_at, m.resend_of, m.from_addr, m.message_id AS header_message_id, m.state,
       m.is_test, m.sent_by
FROM recipients r JOIN messages m ON m.id = r.message_id
"""

# SQLite caps the number of parameters a statement takes: ids are read this many at a time.
PAGE = 500


@dataclass
class MessageRow:
    recipient_id: int
    message_id: int
    created_at: str
    sent_at: str | None
    scheduled_at: str | None
    status: str
    subject: str
    account: str
    recipient: str
    kind: str
    reason: str | None
    detail: str | None
    updated_at: str
    resend_of: int | None
    from_addr: str = ""
    header_message_id: str = ""  # the Message-ID header, for support and scripts
    state: str = ""  # the message's outbox state (queued, sent, failed…)
    is_test: int = 0
    sent_by: str = ""  # who sent it: OS login or chosen display name (team mode)

    @property
    def date(self) -> str:
        """The date shown: when it left, else when it was written."""
        return self.sent_at or self.created_at


@dataclass
class Event:
    id: int
    at: str
    status: str
    source: str
    reason: str | None
    detail: str | None
    applied: bool = True  # False: a weaker signal that came after a final status

    @classmethod
    def from_row(cls, e: sqlite3.Row) -> Event:
        """An ``events`` table row (``SELECT *``) as an event of a timeline."""
        return cls(e["id"], e["at"], e["status"], e["source"], e["reason"], e["detail"],
                   bool(e["applied"]))


def _to_row(row: sqlite3.Row) -> MessageRow:
    return MessageRow(**dict(zip(row.keys(), row, strict=True)))


def fetch_rows(db: Database, ids: Sequence[int]) -> dict[int, MessageRow]:
    """Row contents for these recipient ids (any order), keyed by recipient id."""
    out: dict[int, MessageRow] = {}
    with db.reading() as conn:
        for start in range(0, len(ids), PAGE):
            chunk = list(ids[start:start + PAGE])
            sql = _ROW_SELECT + f" WHERE r.id IN ({', '.join('?' for _ in chunk)})"
            for row in conn.execute(sql, chunk):
                out[row["recipient_id"]] = _to_row(row)
    return out


def fetch_events(db: Database, ids: Sequence[int]) -> dict[int, list[Event]]:
    """Each recipient's timeline (oldest first), keyed by recipient id."""
    out: dict[int, list[Event]] = {rid: [] for rid in ids}
    with db.reading() as conn:
        for start in range(0, len(ids), PAGE):
            chunk = list(ids[start:start + PAGE])
            for e in conn.execute(
                    "SELECT * FROM events WHERE recipient_id IN "
                    f"({', '.join('?' for _ in chunk)}) ORDER BY at, id", chunk):
                out[e["recipient_id"]].append(Event.from_row(e))
    return out


@dataclass
class ListedRow:
    """A row of the view with its timeline: what ``postier messages`` prints."""

    row: MessageRow
    events: list[Event]

    def to_dict(self) -> dict[str, Any]:
        """CLI.md's ``messages`` shape (its keys first, then extra keys for support)."""
        r = self.row
        return {
            "id": r.message_id, "date": r.date, "account": r.account, "from": r.from_addr,
            "to": r.recipient, "subject": r.subject, "status": r.status,
            "message_id": r.header_message_id,
            "events": [{"at": e.at, "status": e.status, "detail": e.detail or "",
                        "source": e.source, "reason": e.reason, "applied": e.applied}
                       for e in self.events],
            "recipient_id": r.recipient_id, "kind": r.kind, "reason": r.reason,
            "detail": r.detail, "state": r.state, "test": bool(r.is_test),
            "updated_at": r.updated_at, "sent_by": r.sent_by,
        }


def listing(db: Database, flt: ViewFilter = NO_FILTER, sort: str = "date",
            descending: bool = True, limit: int | None = None) -> list[ListedRow]:
    """The first ``limit`` rows of the view (all without a limit) with their timelines.

    The same index, filter and order as the window's table (``view_ids``), so the CLI
    lists exactly what the GUI shows for the same filter."""
    ids = view_ids(db, flt, sort, descending)
    if limit is not None:
        ids = ids[:max(limit, 0)]
    rows = fetch_rows(db, ids)
    events = fetch_events(db, ids)
    return [ListedRow(rows[rid], events[rid]) for rid in ids if rid in rows]


def data_version(db: Database) -> tuple[int, int, int, int, str]:
    """A cheap fingerprint of what the window shows: it changes whenever a message, a
    recipient status, an event or an account's sync state is written. Index-only look-ups
    plus the (few) account rows: microseconds at 100k messages."""
    with db.reading() as conn:
        row = conn.execute(
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM events), "
            "(SELECT COALESCE(MAX(id), 0) FROM recipients), "
            "(SELECT COALESCE(MAX(id), 0) FROM messages), "
            "(SELECT COUNT(*) FROM recipients)").fetchone()
        accounts = conn.execute("SELECT email, sync_state, COALESCE(sync_error, ''), "
                                "needs_attention FROM accounts ORDER BY id").fetchall()
    states = ";".join(":".join(str(v) for v in account) for account in accounts)
    return (row[0], row[1], row[2], row[3], states)


def changed_recipients(db: Database, since_event_id: int) -> list[int]:
    """Recipients with events newer than ``since_event_id`` (rows to repaint)."""
    with db.reading() as conn:
        rows = conn.execute("SELECT DISTINCT recipient_id FROM events WHERE id > ?",
                            (since_event_id,)).fetchall()
    return [r[0] for r in rows]
