"""Live across laptops: PostgreSQL LISTEN/NOTIFY.

Every statement that writes messages, recipients, events or accounts fires a statement-level
trigger that NOTIFYs channel ``postier_changes`` with the table's name. PostgreSQL delivers a
notification when the writing transaction commits (never for a rolled-back one) and folds
identical ones of a transaction into one, so a send that writes three tables costs three tiny
notifications, and a 100,000-row import no more. Because it is a trigger, every writer —
this version's GUI and CLI, ``postier db migrate-to``, a script of the IT provider — is
heard, with nothing to remember in the write paths.

``Listener`` holds one dedicated connection that LISTENs, and calls ``on_change(tables)``
from its own thread within milliseconds of a commit anywhere. When the link drops it says
so (``on_state(False, error)``: the GUI falls back to polling and shows it), reconnects
with backoff, and calls ``on_change({"*"})`` once back, since what changed meanwhile was
not heard.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from app.services.credentials import CredentialStore
from app.services.errors import PostierError
from app.services.storage.notify_triggers import CHANNEL
from app.services.team import connection

log = logging.getLogger(__name__)

ANY = "*"  # on_change's "something may have changed" (after a reconnection)


ChangeCallback = Callable[[set[str]], None]
StateCallback = Callable[[bool, PostierError | None], None]


class Listener:
    """LISTEN on a dedicated connection, in a daemon thread; stop() ends it within ~0.5 s."""

    WAIT = 0.5  # seconds per wait for a notification: how fast stop() is honoured
    GATHER = 0.005  # after the first notification, pick up those of the same burst
    MAX_BACKOFF = 30.0
    PING_EVERY = 10.0

    def __init__(self, url: str, on_change: ChangeCallback,
                 on_state: StateCallback | None = None, *,
                 credentials: CredentialStore | None = None) -> None:
        self.url = url
        self.on_change = on_change
        self.on_state = on_state
        self.credentials = credentials
        self.connected = threading.Event()
        self.last_error: PostierError | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._conn: Any = None

    def start(self) -> Listener:
        self._thread = threading.Thread(target=self._run, name="team-listener", daemon=True)
        self._thread.start()
        return self

    def stop(self, wait: float = 2.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(wait)

    def wait_connected(self, timeout: float) -> bool:
        return self.connected.wait(timeout)

    # -- the thread -------------------------------------------------------------
    def _state(self, up: bool, error: PostierError | None) -> None:
        was = self.connected.is_set()
        self.last_error = error
        if up:
            self.connected.set()
        else:
            self.connected.clear()
        if self.on_state is not None and (up != was or error is not None):
            self._call(self.on_state, up, error)

    def _call(self, fn: Callable[..., None], *args: Any) -> None:
        try:
            fn(*args)
        except Exception:  # a callback's bug must not end live updates
            log.exception("team listener callback failed")

    def _run(self) -> None:
        backoff = 1.0
        first = True
        while not self._stop.is_set():
            try:
                conn = connection.connect(self.url, "live", credentials=self.credentials)
            except PostierError as exc:
                log.info("team listener: %s", exc.code)
                self._state(False, exc)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, self.MAX_BACKOFF)
                continue
            self._conn = conn
            try:
                conn.execute(f"LISTEN {CHANNEL}")
                self._state(True, None)
                backoff = 1.0
                if not first:  # what changed while we were away was not heard
                    self._call(self.on_change, {ANY})
                first = False
                self._listen(conn)
            except Exception as exc:  # noqa: BLE001 - the link dropped: say so, reconnect
                if self._stop.is_set():
                    break
                error = connection.connection_error(self.url, exc)
                log.info("team listener lost its connection: %s", error.reply)
                self._state(False, error)
                self._stop.wait(backoff)
            finally:
                self._conn = None
                try:
                    conn.close()
                except Exception:  # noqa: BLE001 - closing a dead link
                    pass
        self._state(False, None)

    def _listen(self, conn: Any) -> None:
        last_ping = time.monotonic()
        while not self._stop.is_set():
            tables = {n.payload for n in conn.notifies(timeout=self.WAIT, stop_after=1)}
            if tables:
                tables |= {n.payload for n in conn.notifies(timeout=self.GATHER)}
                self._call(self.on_change, tables)
            elif time.monotonic() - last_ping >= self.PING_EVERY:
                # A server gone without a word (restarted, cable pulled) is noticed by
                # this round trip, or at the latest by the keepalives (connection.py).
                conn.execute("SELECT 1")
                last_ping = time.monotonic()


def notify_now(conn: Any, table: str = ANY) -> None:
    """Tell every listener to refresh (a write path that bypasses the triggers)."""
    conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, table))
