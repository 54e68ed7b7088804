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

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from app.services.errors import PostierError
from app.services.team import connection

log = logging.getLogger(__name__)

# pg_try_advisory_lock(int4, int4): (SENDER_CLASS, message id) is held by the process that is
# sending that message, on a connection of its own, for the whole attempt.
SENDER_CLASS = 0x506F7343  # "PosC"


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
    """The message's current state and claim, locked until the transaction ends
    (PostgreSQL): a recovery compares both, so a claim taken again meanwhile is not
    mistaken for the dead one (same state, another owner)."""
    return conn.execute("SELECT state, claimed_by FROM messages WHERE id = ?"
                        + for_update(conn), (message_id,)).fetchone()


# ---------------------------------------------------------------------------
# Is a claim's sender alive? (PostgreSQL: without waiting STALE_AFTER)
# ---------------------------------------------------------------------------
def _team_url(db: Any) -> str | None:
    return getattr(db, "url", None) if getattr(db, "engine", "") == "postgresql" else None


@contextmanager
def sender_mark(db: Any, message_id: int) -> Iterator[bool]:
    """Hold the message's sender mark for the attempt (PostgreSQL); yields False when
    another process holds it (it is sending or settling that message: leave it alone).
    Always True on SQLite, and when the server cannot be asked (the time rule applies)."""
    url = _team_url(db)
    if url is None:
        yield True
        return
    try:
        conn = connection.connect(url, f"sender {message_id}")
    except PostierError as exc:
        log.info("no sender mark for message %s: %s", message_id, exc.code)
        yield True
        return
    held = False
    try:
        held = bool(conn.execute("SELECT pg_try_advisory_lock(%s, %s)",
                                 (SENDER_CLASS, message_id)).fetchone()[0])
        yield held
    finally:
        _release_mark(conn, message_id, held)


def _release_mark(conn: Any, message_id: int, held: bool) -> None:
    """Unlock before closing: the server ends a closed session's locks only when its
    backend notices, some milliseconds later, and a recovery asking in between would
    wrongly see a live sender."""
    try:
        if held:
            conn.execute("SELECT pg_advisory_unlock(%s, %s)", (SENDER_CLASS, message_id))
    except Exception as exc:  # noqa: BLE001 - the close below releases it anyway
        log.info("sender mark for message %s not unlocked: %s", message_id, type(exc).__name__)
    finally:
        conn.close()


def sender_gone(db: Any, message_id: int) -> bool:
    """True when nobody holds the message's sender mark: the process that claimed it died
    or lost its link to the team database, so its claim can be settled now instead of after
    STALE_AFTER. False on SQLite or when the server cannot say. A wrong "gone" cannot send
    twice: a sender whose claim was settled stops before the final dot (submission)."""
    url = _team_url(db)
    if url is None:
        return False
    try:
        conn = connection.connect(url, "recovery")
    except PostierError:
        return False
    free = False
    try:
        free = bool(conn.execute("SELECT pg_try_advisory_lock(%s, %s)",
                                 (SENDER_CLASS, message_id)).fetchone()[0])
        return free
    except Exception as exc:  # noqa: BLE001 - the server cannot say: the time rule applies
        log.info("sender mark for message %s unknown: %s", message_id, type(exc).__name__)
        return False
    finally:
        _release_mark(conn, message_id, free)
