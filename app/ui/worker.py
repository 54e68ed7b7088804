"""The one worker seam of the UI (after Picard's ``run_task``).

``run_task(fn, on_done)`` runs ``fn`` in the global QThreadPool and calls
``on_done(result, error)`` back on the GUI thread. ``progress`` callbacks given to
services are wrapped with ``gui_callback`` so widgets are never touched from a worker.
Long-lived work (the outbox, the mailbox watchers) is not a task: ``background.py`` runs it
on a pool of its own, one queue per account.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the GUI thread; a queued signal carries calls over from workers."""

    call = Signal(object, tuple)

    def __init__(self) -> None:
        super().__init__()
        self.call.connect(self._invoke)

    @Slot(object, tuple)
    def _invoke(self, fn: Callable[..., Any], args: tuple) -> None:
        try:
            fn(*args)
        except Exception:  # a UI callback bug must not kill the event loop
            log.exception("UI callback failed")


_relay: _Relay | None = None


def _get_relay() -> _Relay:
    global _relay
    if _relay is None:
        _relay = _Relay()
    return _relay


def gui_callback(fn: Callable[..., Any]) -> Callable[..., None]:
    """Wrap ``fn`` so that calling it from any thread runs it on the GUI thread."""
    relay = _get_relay()

    def wrapper(*args: Any) -> None:
        try:
            relay.call.emit(fn, args)
        except RuntimeError:  # the app quit while this worker ran: nobody to tell
            log.debug("result dropped after shutdown")

    return wrapper


_error_observers: list[Callable[[BaseException], None]] = []


def observe_errors(fn: Callable[[BaseException], None]) -> None:
    """``fn(error)`` runs on the GUI thread for every task that fails, after the task's own
    ``on_done``: the one place where a failure any screen can meet (the data file found
    damaged mid-session) is handled once, instead of in every callback."""
    _error_observers.append(fn)


class Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], on_done: Callable[[Any, BaseException | None], None]
                 ) -> None:
        super().__init__()
        self.fn = fn
        self.done = gui_callback(on_done)
        self.cancel_event = threading.Event()

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # handed to the GUI thread, never raised in the pool
            log.debug("task failed", exc_info=True)
            self.done(None, exc)
            for observer in _error_observers[:]:
                gui_callback(observer)(exc)
            return
        self.done(result, None)


def run_task(fn: Callable[[], Any],
             on_done: Callable[[Any, BaseException | None], None] | None = None) -> Task:
    """Run ``fn()`` off the GUI thread; ``on_done(result, error)`` runs on the GUI thread."""
    task = Task(fn, on_done or (lambda _r, _e: None))
    task.setAutoDelete(False)  # callers may keep it to read cancel_event
    QThreadPool.globalInstance().start(task)
    return task
