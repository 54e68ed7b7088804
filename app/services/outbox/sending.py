"""The outbox's entry points: send a message now, send what is due, run as a service.

``send_message`` records then sends; ``process_queue`` is the one queue processor (the
GUI's timer, ``postier outbox``, the long-running ``postier track``); ``run_outbox`` keeps
doing it until stopped. What a message goes through is told where it is owned:

- queue.py: the states, their transitions and claims (why nothing goes out twice);
- mime.py: the message as written and as MIME bytes;
- submission.py: one SMTP attempt and what each refusal means;
- recovery.py: what a killed process leaves and what the next start does.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from app.services.config import Settings
from app.services.credentials import CredentialStore
from app.services.errors import InputError, PostierError
from app.services.outbox import queue
from app.services.outbox.mime import OutgoingMessage, build_mime
from app.services.outbox.queue import (
    SendResult,
    account_clause,
    iso,
    now_utc,
    open_db,
    outbox_state,
    queue_message,
    record,
    result_of,
    retry_base,
    setting,
    settle,
)
from app.services.outbox.recovery import STALE_AFTER, recover_interrupted
from app.services.outbox.submission import DEFAULT_TIMEOUT, attempt
from app.services.storage import AccountStore, Database, StorageError
from app.services.team import claims

log = logging.getLogger(__name__)

__all__ = ["DEFAULT_TIMEOUT", "STALE_AFTER", "OutboxReport", "OutgoingMessage", "SendResult",
           "build_mime", "outbox_accounts", "outbox_state", "process_queue", "queue_message",
           "record", "recover_interrupted", "run_outbox", "send_message"]

OUTBOX_POLL = 5.0  # seconds between looks for messages queued by other processes


def send_message(settings: Settings, msg: OutgoingMessage, *,
                 credentials: CredentialStore | None = None, timeout: float = DEFAULT_TIMEOUT,
                 save_to_sent: bool | None = None) -> SendResult:
    """Record the message, then send it now (unless scheduled for later)."""
    mid = record(settings, msg)
    db = open_db(settings)
    now = now_utc()
    if msg.scheduled_at and now_utc(msg.scheduled_at) > now:
        return result_of(db, mid)
    return _send_claimed(settings, db, mid, now, credentials, timeout, save_to_sent)


def _send_claimed(settings: Settings, db: Database, mid: int, now: datetime,
                  credentials: CredentialStore | None, timeout: float,
                  save_to_sent: bool | None) -> SendResult:
    # Team database: the mark tells other laptops this claim's sender is alive (claims.py).
    with claims.sender_mark(db, mid) as ours:
        row = queue.claim(db, mid, now) if ours else None
        if row is None:  # someone else is sending it
            return result_of(db, mid)
        try:
            queue.phase("claimed")
            return attempt(settings, db, row, now, credentials, timeout, save_to_sent)
        except Exception:
            # A bug, not a refusal: settle the message as if this process had died, or a
            # long-running outbox (alive, so never "stale") would hold its claim forever.
            _settle_failed_attempt(settings, db, mid, now)
            raise


def _settle_failed_attempt(settings: Settings, db: Database, mid: int, now: datetime) -> None:
    with db.transaction() as conn:
        row = conn.execute("SELECT * FROM messages WHERE id = ?", (mid,)).fetchone()
        if row is None or row["state"] not in ("sending", "data", "transmitting"):
            return
        settle(conn, row, None, now, transmitted=row["state"] == "transmitting")
        # not at once again: the same bug would fire on every pass
        conn.execute("UPDATE messages SET next_attempt_at = ? WHERE id = ? AND state = 'queued'",
                     (iso(now + timedelta(seconds=retry_base(settings, db))), mid))


def process_queue(settings: Settings, *, now: datetime | None = None,
                  credentials: CredentialStore | None = None,
                  timeout: float = DEFAULT_TIMEOUT,
                  accounts: list[str] | None = None) -> list[SendResult]:
    """Send every queued message that is due (scheduled time reached, retry time reached),
    of every account or only of ``accounts``. Messages a crashed process left half-sent
    are settled first (``recover_interrupted``). The one queue processor: the GUI's timer,
    ``postier outbox`` and the long-running ``postier track`` all call it."""
    recover_interrupted(settings, credentials=credentials)
    db = open_db(settings)
    at = now_utc(now)
    stamp = iso(at)
    mine, params = account_clause(accounts)
    with db.reading() as conn:
        due = [r["id"] for r in conn.execute(
            "SELECT id FROM messages WHERE state = 'queued'"
            " AND (scheduled_at IS NULL OR scheduled_at <= ?)"
            " AND (next_attempt_at IS NULL OR next_attempt_at <= ?)" + mine + " ORDER BY id",
            (stamp, stamp, *params)).fetchall()]
    return [_send_claimed(settings, db, mid, at, credentials, timeout, None) for mid in due]


@dataclass
class OutboxReport:
    """What ``run_outbox`` did: CLI.md's ``postier outbox`` document."""

    sent: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    held: int = 0  # queued, not due yet: scheduled, quiet hours, waiting for a retry
    remaining: int = 0  # still owed after the run: held + in flight elsewhere
    next_due: str | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, result: SendResult) -> None:
        entry = {"id": result.id, "message_id": result.message_id, "status": result.status,
                 "recipients": result.recipients}
        if result.status == "sent":
            self.sent.append(entry)
        else:  # failed for good, or queued again for a retry (then counted in held too)
            self.failed.append({**entry, "error": result.error})

    def to_dict(self) -> dict[str, Any]:
        return {"sent": self.sent, "failed": self.failed, "held": self.held,
                "remaining": self.remaining, "next_due": self.next_due, "errors": self.errors}

    def text(self) -> str:
        lines = [f"sent {len(self.sent)}, failed {len(self.failed)}, held {self.held},"
                 f" remaining {self.remaining}"
                 + (f", next due {self.next_due}" if self.next_due else "")]
        lines += [f"  sent {e['id']} {e['message_id']}: "
                  + ", ".join(r["address"] for r in e["recipients"]) for e in self.sent]
        lines += [f"  {e['status']} {e['id']} {e['message_id']}: "
                  + (f"{e['error'].get('code')}: {e['error'].get('message')}"
                     if e.get("error") else "refused") for e in self.failed]
        lines += [f"  error: {e['code']}: {e['message']}" for e in self.errors]
        return "\n".join(lines)


def outbox_accounts(settings: Settings, account_email: str | None) -> list[str] | None:
    """The accounts an outbox run serves (None: all). An unknown address is bad input."""
    if account_email is None:
        return None
    try:
        return [AccountStore(open_db(settings)).require(account_email).email]
    except StorageError as exc:
        if exc.code == "ACCOUNT_NOT_FOUND":
            raise InputError(exc.message, code="ACCOUNT_NOT_FOUND") from exc
        raise PostierError(exc.code, exc.message) from exc


def run_outbox(settings: Settings, account_email: str | None = None, *,
               accounts: list[str] | None = None, once: bool = True,
               stop: threading.Event | None = None, timeout: float | None = None,
               credentials: CredentialStore | None = None,
               on_result: Callable[[SendResult], None] | None = None) -> OutboxReport:
    """Send what is due now (``once``), or keep sending each message when it falls due until
    ``stop`` is set or ``timeout`` seconds have passed. Between passes it sleeps until the
    next due time, looking every ``OUTBOX_POLL`` seconds (``POSTIER_OUTBOX_POLL``) for
    messages other processes queued (the GUI, a killed ``postier send``)."""
    wanted = outbox_accounts(settings, account_email) if accounts is None else accounts
    stop = stop or threading.Event()
    deadline = None if timeout is None else time.monotonic() + timeout
    poll = max(0.2, setting(settings, open_db(settings), "outbox.poll", OUTBOX_POLL))
    report = OutboxReport()
    while True:
        try:
            for result in process_queue(settings, credentials=credentials, accounts=wanted):
                report.add(result)
                if on_result is not None:
                    on_result(result)
            report.held, report.remaining, due = outbox_state(settings, wanted)
        except Exception as exc:
            if once:
                raise
            # A locked or briefly unreadable database, or a bug with one message (settled
            # by _send_claimed): the daemon goes on, the next pass tries again.
            log.warning("outbox pass failed: %s", exc, exc_info=not isinstance(exc, PostierError))
            report.errors.append({"code": getattr(exc, "code", "INTERNAL_ERROR"),
                                  "message": getattr(exc, "message", None) or str(exc)})
            due = None
        report.next_due = iso(due) if due else None
        left = None if deadline is None else deadline - time.monotonic()
        if once or stop.is_set() or (left is not None and left <= 0):
            return report
        wait = poll
        if due is not None:
            wait = min(wait, max(0.0, (due - now_utc()).total_seconds()) + 0.05)
        if left is not None:
            wait = min(wait, left)
        stop.wait(max(wait, 0.05))
