"""The window's background work: the outbox and the mailbox watchers, and their lifetimes.

They run on a ``QThreadPool`` of their own, not the global one where ``worker.run_task``'s
one-off tasks go: a watcher holds its thread for the whole session and must not take a
thread from them, and closing the window must be able to wait for these threads alone.

Per account, after Vorta's per-repository job queue (``vorta/borg/jobs_manager.py``: one
worker per site, a site's jobs one after the other, sites side by side):

- a lane (``AccountLane``): the account's one-off jobs, today its outbox passes, run one at
  a time in order (two passes never race for the same messages; a slow server holds up
  only its own account); a pass already waiting is not queued twice;
- its watcher: ``track(account, once=False)`` until its stop event is set.

``Background.stop`` sets every stop event, empties the lanes and joins the pool with a
deadline: a send under way is never cut (the outbox's state machine would resume it
anyway), a watcher notices its event within a second.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer

from app.services.config import Settings
from app.services.storage import AccountStore, Database
from app.ui.worker import gui_callback

log = logging.getLogger(__name__)

OUTBOX_INTERVAL_MS = 30_000  # a look at the outbox for what fell due (schedules, retries)
STOP_DEADLINE_MS = 5_000  # how long closing the window waits for the threads to finish

# Pools whose threads outlived the deadline: kept referenced, since destroying a
# QThreadPool waits for its threads without any limit.
_draining: list[QThreadPool] = []


class _Job(QRunnable):
    """One job of a lane or one watcher; ``finished`` runs on the worker thread."""

    def __init__(self, name: str, fn: Callable[[], Any], finished: Callable[[], None]) -> None:
        super().__init__()
        self.name, self.fn, self.finished = name, fn, finished

    def run(self) -> None:
        try:
            self.fn()
        except Exception as exc:  # noqa: BLE001 - logged; the lane goes on with the next job
            log.warning("background %s failed: %s", self.name, exc,
                        exc_info=not hasattr(exc, "code"))
        finally:
            self.finished()


class AccountLane:
    """One account's queue: its jobs one at a time, in the order they came (thread-safe)."""

    def __init__(self, email: str, pool: QThreadPool) -> None:
        self.email = email
        self._pool = pool
        self._lock = threading.Lock()
        self._waiting: deque[tuple[str, Callable[[], Any]]] = deque()
        self._running: str | None = None
        self._closed = False
        self.done: list[str] = []  # kinds of the jobs run, in order (what the lane did)

    def add(self, kind: str, fn: Callable[[], Any]) -> bool:
        """Queue ``fn``; False if closed or a job of this ``kind`` is already waiting (one
        pass covers whatever made both ask). One running does not count: what changed
        since it started needs the next one."""
        with self._lock:
            if self._closed or any(k == kind for k, _ in self._waiting):
                return False
            self._waiting.append((kind, fn))
            self._start_next()
        return True

    def _start_next(self) -> None:  # with the lock held
        if self._running is None and self._waiting and not self._closed:
            kind, fn = self._waiting.popleft()
            self._running = kind
            self._pool.start(_Job(f"{kind} of {self.email}", fn, partial(self._finished, kind)))

    def _finished(self, kind: str) -> None:
        with self._lock:
            self.done.append(kind)
            self._running = None
            self._start_next()

    @property
    def busy(self) -> bool:
        with self._lock:
            return self._running is not None or bool(self._waiting)

    def close(self) -> None:
        """No new job, the waiting ones dropped; the running one finishes."""
        with self._lock:
            self._closed = True
            self._waiting.clear()


def _outbox_pass(settings: Settings, email: str) -> Any:
    from app.services.outbox.sending import process_queue

    return process_queue(settings, accounts=[email])


def _watch(settings: Settings, email: str, stop: threading.Event,
           on_update: Callable[[list[dict]], None]) -> Any:
    from app.services.tracking.watcher import track

    # timeout=None: until stopped (the window's lifetime), no 365-day stand-in.
    return track(settings, email, once=False, timeout=None, stop=stop, on_update=on_update)


class Background(QObject):
    """Owns the outbox lanes and the watchers of every account. The window creates it,
    ``start``s it once shown, and ``stop``s it when it closes."""

    def __init__(self, settings: Settings, db: Database,
                 on_update: Callable[[list[dict]], None] | None = None,
                 parent: QObject | None = None, *,
                 outbox_interval_ms: int = OUTBOX_INTERVAL_MS) -> None:
        super().__init__(parent)
        self.settings, self.db = settings, db
        self.pool = QThreadPool()
        self.pool.setObjectName("postier-background")
        self.lanes: dict[str, AccountLane] = {}
        self._watchers: dict[str, threading.Event] = {}
        self._on_update = gui_callback(on_update or (lambda _updates: None))
        self.started = False
        self.stopped = False
        self.stopped_in_time: bool | None = None  # stop()'s answer, for the record
        self.timer = QTimer(self)
        self.timer.setInterval(outbox_interval_ms)
        self.timer.timeout.connect(self.send_due)

    def _emails(self) -> list[str]:
        return [a.email for a in AccountStore(self.db).list()]

    def _size_pool(self) -> None:
        # A thread for each watcher and each lane, so that no job waits behind a watcher.
        # Twice the watchers: the ones being replaced (F5) take a second to notice their stop.
        self.pool.setMaxThreadCount(max(2, 2 * len(self._watchers) + len(self.lanes) + 1))

    def start(self) -> None:
        """Watchers for every account, the outbox timer, and a first outbox pass."""
        if self.stopped:
            return
        self.started = True
        self.timer.start()
        self.restart_watchers()
        self.send_due()

    def lane(self, email: str) -> AccountLane | None:
        if self.stopped:
            return None
        if email not in self.lanes:
            self.lanes[email] = AccountLane(email, self.pool)
            self._size_pool()
        return self.lanes[email]

    def send_due(self, accounts: list[str] | None = None) -> None:
        """An outbox pass on each account's lane (of ``accounts``, else of every account)."""
        if self.stopped:
            return
        for email in accounts if accounts is not None else self._emails():
            lane = self.lane(email)
            if lane is not None:
                lane.add("outbox", partial(_outbox_pass, self.settings, email))

    def restart_watchers(self) -> None:
        """Stop the watchers and start one per account now in the database: accounts added
        or removed, or reconnect at once (F5) rather than wait out a back-off."""
        self.stop_watchers()
        if self.stopped:
            return
        emails = self._emails()
        for email in set(self.lanes) - set(emails):  # removed accounts: their lane goes too
            self.lanes.pop(email).close()
        for email in emails:
            stop = threading.Event()
            self._watchers[email] = stop
            self._size_pool()
            self.pool.start(_Job(f"watcher of {email}",
                                 partial(_watch, self.settings, email, stop, self._on_update),
                                 lambda: None))

    def stop_watchers(self) -> None:
        for stop in self._watchers.values():
            stop.set()
        self._watchers.clear()

    def stop(self, deadline_ms: int = STOP_DEADLINE_MS) -> bool:
        """Stop everything and wait up to ``deadline_ms`` for the threads; True when none is
        left. Idempotent (close, then quit, both call it)."""
        self.stopped = True
        self.timer.stop()
        self.stop_watchers()
        for lane in self.lanes.values():
            lane.close()
        self.pool.clear()  # jobs queued in the pool and not started: dropped
        finished = self.pool.waitForDone(deadline_ms)
        self.stopped_in_time = finished if self.stopped_in_time is None else (
            self.stopped_in_time and finished)
        if not finished:
            log.warning("background work still running after %d ms: left to finish",
                        deadline_ms)
            if self.pool not in _draining:
                _draining.append(self.pool)
        return finished

    def active_threads(self) -> int:
        return self.pool.activeThreadCount()
