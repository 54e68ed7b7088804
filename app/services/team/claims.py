"""Outbox claims that cannot collide, on SQLite and on PostgreSQL.

Sending a queued message: ``sending._claim`` is one conditional UPDATE
(``… SET state = 'sending' … WHERE id = ? AND state = 'queued'``). On SQLite the write lock
serialises it; on PostgreSQL, under READ COMMITTED (the default, which the engine keeps), a
second UPDATE of the same row waits for the first transaction, then re-checks its WHERE
against the row as committed (``state`` is no longer 'queued') and changes nothing: exactly
one process gets rowcount 1. No SKIP LOCKED is needed for correctness; the losers simply
move on to the next message.

Resending a failed delivery (``OutgoingMessage.resend_of``): two colleagues looking at the
same red row may both press "Resend". ``guard_resend`` runs inside the transaction that
records the new message: it first locks the failed recipient's row (SELECT … FOR UPDATE on
PostgreSQL; SQLite's BEGIN IMMEDIATE already holds the whole file), then looks for an
earlier resend of it. Under READ COMMITTED that look is a fresh snapshot taken after the
lock was granted, so it sees a concurrent winner's committed message: the second resend is
refused with ``ALREADY_RESENT`` (who, when, to whom), and only one message is ever queued.
A resend that itself failed is resent from its own row, which has its own id.

Recovering a dead sender's claim (``sending.recover_interrupted``) re-reads the row with
``locked_state`` so two laptops never settle the same message twice.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from app.services.errors import PostierError


def is_postgres(conn: Any) -> bool:
    """True for a connection (or the engine's wrapper of one) to PostgreSQL."""
    if isinstance(conn, sqlite3.Connection):
        return False
    engine = getattr(conn, "engine", None) or getattr(conn, "dialect", None)
    if isinstance(engine, str):
        return engine.startswith("postgres")
    return "psycopg" in type(conn).__module__ or hasattr(conn, "pgconn") \
        or hasattr(getattr(conn, "raw", None), "pgconn")


def for_update(conn: Any) -> str:
    """`` FOR UPDATE`` on PostgreSQL, nothing on SQLite (whose write lock covers it)."""
    return " FOR UPDATE" if is_postgres(conn) else ""


def guard_resend(conn: Any, recipient_id: int | None) -> None:
    """Refuse a second resend of the failed delivery ``recipient_id`` (ALREADY_RESENT).

    Call inside the recording transaction, before inserting the new message."""
    if recipient_id is None:
        return
    locked = conn.execute("SELECT id FROM recipients WHERE id = ?" + for_update(conn),
                          (recipient_id,)).fetchone()
    if locked is None:
        return  # the failed row was deleted meanwhile: nothing to collide with
    earlier = conn.execute(
        "SELECT m.id, m.created_at, r.address, " + _sent_by_column(conn) +
        " FROM messages m LEFT JOIN recipients r ON r.message_id = m.id"
        " WHERE m.resend_of = ? ORDER BY m.id, r.id LIMIT 1", (recipient_id,)).fetchone()
    if earlier is None:
        return
    who = earlier[3] or ""
    raise PostierError(
        "ALREADY_RESENT",
        params={"address": earlier[2] or "", "at": earlier[1] or "",
                "by": f" ({who})" if who else ""},
        reply=f"message {earlier[0]} (created {earlier[1]}"
              + (f" by {who}" if who else "") + f", to {earlier[2]}) already resends it")


def _sent_by_column(conn: Any) -> str:
    """``m.sent_by`` where the schema has it (issue 19's migration), else ''."""
    try:
        names = _columns(conn)
    except Exception:  # noqa: BLE001 - no way to ask: leave the name out
        return "''"
    return "m.sent_by" if "sent_by" in names else "''"


def _columns(conn: Any) -> set[str]:
    if is_postgres(conn):
        rows = conn.execute("SELECT column_name FROM information_schema.columns"
                            " WHERE table_name = 'messages'"
                            " AND table_schema = current_schema()").fetchall()
    else:
        rows = [(r[1],) for r in conn.execute("PRAGMA table_info(messages)").fetchall()]
    return {r[0] for r in rows}


def locked_state(conn: Any, message_id: int) -> Any:
    """The message's current state, locked until the transaction ends (PostgreSQL)."""
    return conn.execute("SELECT state FROM messages WHERE id = ?" + for_update(conn),
                        (message_id,)).fetchone()
