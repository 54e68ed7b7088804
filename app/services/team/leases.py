"""One mailbox watcher per shared account across the team.

The tracker of an account (``tracking/watcher.py``) reads its mailbox only while this
process holds the account's lease: a PostgreSQL *session-level* advisory lock keyed by the
address, taken on a dedicated connection that does nothing else. The server itself releases
it when that session ends, so no laptop has to be trusted to hand it over:

- the process quits → its connection closes → released at once;
- the process is killed (kill -9, crash) → the kernel closes the socket → released at once;
- the laptop sleeps or loses the network → the TCP keepalives (connection.py) or
  ``idle_session_timeout`` (a frozen process answers no query) end the session within
  about half a minute.

The others try again every ``RETRY`` seconds and the first to get the lock watches. The
holder checks its lease every ``CHECK_EVERY`` seconds (a round trip on the lease's
connection): when the link is gone it stops watching at once, because by then another
laptop may hold the lock, and then waits for it like the others.

On SQLite (one laptop) there is no lease: ``run_as_sole_watcher`` just runs the watcher.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from app.services.config import Settings
from app.services.credentials import CredentialStore
from app.services.errors import PostierError
from app.services.team import connection

log = logging.getLogger(__name__)

# pg_try_advisory_lock(int4, int4): the first key says "a Postier mailbox lease" so that an
# administrator (and ``current_watchers``) can tell our locks from anyone else's.
LOCK_CLASS = 0x506F7374  # "Post"
RETRY = 1.0  # seconds between two tries for a lease held elsewhere
CHECK_EVERY = 2.0  # seconds between two checks that the held lease's link is alive
# A frozen process (stopped, swapped out) keeps its socket open and its kernel answers the
# keepalives: the server ends a session idle this long, and the lock with it. The holder's
# checks every CHECK_EVERY seconds keep a live session from ever being that idle.
IDLE_SESSION_TIMEOUT_MS = 20_000


def lock_key(email: str) -> int:
    """The second int4 of the lock: a stable hash of the lower-cased address."""
    digest = hashlib.sha256(b"postier-mailbox:" + email.strip().lower().encode()).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


class MailboxLease:
    """The lease of one mailbox on its own connection. Not thread-safe: one owner thread."""

    def __init__(self, url: str, email: str, credentials: CredentialStore | None = None
                 ) -> None:
        self.url = url
        self.email = email
        self.credentials = credentials
        self.key = lock_key(email)
        self.held = False
        self._conn: Any = None

    def _connection(self) -> Any:
        if self._conn is None or self._conn.closed:
            conn = connection.connect(self.url, f"watcher {self.email}",
                                      credentials=self.credentials)
            try:
                conn.execute(f"SET idle_session_timeout = {IDLE_SESSION_TIMEOUT_MS}")
            except Exception:  # noqa: BLE001 - PostgreSQL < 14: keepalives only
                log.info("server has no idle_session_timeout: frozen holders not detected")
            self._conn = conn
        return self._conn

    def try_acquire(self) -> bool:
        """Take the lease if nobody holds it; PostierError when the server is unreachable."""
        if self.held:
            return True
        try:
            row = self._connection().execute("SELECT pg_try_advisory_lock(%s, %s)",
                                             (LOCK_CLASS, self.key)).fetchone()
        except PostierError:
            raise
        except Exception as exc:
            self.close()
            raise connection.connection_error(self.url, exc) from exc
        self.held = bool(row[0])
        return self.held

    def still_held(self) -> bool:
        """False once the lease's link is gone (the server has released the lock)."""
        if not self.held or self._conn is None:
            return False
        try:
            self._conn.execute("SELECT 1")
            return True
        except Exception as exc:  # noqa: BLE001 - any failure here means the session is gone
            log.warning("lease of %s lost: %s", self.email, exc)
            self.held = False
            self.close()
            return False

    def release(self) -> None:
        if self.held and self._conn is not None:
            try:
                self._conn.execute("SELECT pg_advisory_unlock(%s, %s)", (LOCK_CLASS, self.key))
            except Exception:  # noqa: BLE001 - closing the session releases it anyway
                pass
        self.held = False
        self.close()

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - a dead link
                pass


def run_as_sole_watcher(settings: Settings, email: str, watch: Callable[[threading.Event], None],
                        stop: threading.Event, deadline: float = math.inf,
                        credentials: CredentialStore | None = None,
                        on_waiting: Callable[[], None] | None = None) -> None:
    """Run ``watch(stop_watching)`` only while this process holds ``email``'s lease.

    ``stop_watching`` is set when ``stop`` is, or when the lease is lost; ``watch`` must then
    return promptly (the watcher checks its stop event at least every second). After a
    loss this waits for the lease again. When ``watch`` returns by itself (deadline, or a
    failure only the user can fix) the lease is released and this returns. On SQLite,
    ``watch(stop)`` runs as before."""
    url = connection.team_url(settings)
    if url is None:
        watch(stop)
        return
    told_waiting = False
    while not stop.is_set() and time.monotonic() < deadline:
        lease = MailboxLease(url, email, credentials)
        try:
            if not lease.try_acquire():
                if not told_waiting:
                    log.info("%s is watched by another Postier; waiting for its lease", email)
                    told_waiting = True
                    if on_waiting is not None:
                        on_waiting()
                _wait_for_lease(lease, stop, deadline)
                if not lease.held:
                    lease.close()
                    continue
        except PostierError as exc:
            log.info("no lease for %s: %s", email, exc.code)
            lease.close()
            stop.wait(min(RETRY * 5, max(0.0, deadline - time.monotonic())))
            continue
        told_waiting = False
        log.info("watching %s (lease taken)", email)
        lost = _watch_while_held(lease, watch, stop)
        if not lost:
            return


def _wait_for_lease(lease: MailboxLease, stop: threading.Event, deadline: float) -> None:
    """Try again every RETRY seconds on the same connection until held or told to stop."""
    while not stop.is_set() and time.monotonic() < deadline:
        stop.wait(min(RETRY, max(0.0, deadline - time.monotonic())))
        if stop.is_set() or lease.try_acquire():
            return


def _watch_while_held(lease: MailboxLease, watch: Callable[[threading.Event], None],
                      stop: threading.Event) -> bool:
    """Run ``watch`` with a guard thread checking the lease; True when the lease was lost."""
    stop_watching = threading.Event()
    lost = threading.Event()
    checks = threading.Lock()  # the guard and the release never use the connection at once

    def guard() -> None:
        while not stop_watching.is_set():
            if stop.wait(CHECK_EVERY) or stop_watching.is_set():
                break
            with checks:
                if stop_watching.is_set():
                    break
                if not lease.still_held():
                    lost.set()
                    break
        stop_watching.set()

    guard_thread = threading.Thread(target=guard, name=f"lease-{lease.email}", daemon=True)
    guard_thread.start()
    try:
        watch(stop_watching)
    finally:
        stop_watching.set()
        with checks:
            lease.release()
    return lost.is_set() and not stop.is_set()


@contextmanager
def single_pass_lease(settings: Settings, email: str,
                      credentials: CredentialStore | None = None) -> Iterator[bool]:
    """For a one-off pass (``postier track --once``): True when this process may read the
    mailbox now — always on SQLite; on PostgreSQL only if no colleague's Postier is
    watching it (that one records the reports already)."""
    url = connection.team_url(settings)
    if url is None:
        yield True
        return
    lease = MailboxLease(url, email, credentials)
    try:
        yield lease.try_acquire()
    finally:
        lease.release()


def current_watchers(conn: Any, emails: list[str] | None = None) -> list[dict[str, str]]:
    """Who holds which mailbox lease now: [{"email" (when known), "key", "by"}]; ``by`` is
    the holder's application_name ("postier watcher … user@host") where the server lets
    us see it."""
    rows = conn.execute(
        "SELECT l.objid::int4, COALESCE(a.application_name, '') FROM pg_locks l"
        " LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
        " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s::oid"
        " AND l.objsubid = 2", (LOCK_CLASS,)).fetchall()
    if emails is None:
        emails = [r[0] for r in conn.execute("SELECT email FROM accounts").fetchall()] \
            if _has_accounts(conn) else []
    by_key = {lock_key(e): e for e in emails}
    return [{"email": by_key.get(int(key), ""), "key": str(key), "by": str(name)}
            for key, name in rows]


def _has_accounts(conn: Any) -> bool:
    return conn.execute("SELECT to_regclass('accounts') IS NOT NULL").fetchone()[0]
