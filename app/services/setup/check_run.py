"""What the two server checks of one account check share with the supervisor that runs
them (connection_check.py): the deadline and the cancel event, the steps reported so far
(each passed on to ``progress`` as it ends), and the sockets being read, so that the
supervisor can shut them all down at the deadline or on cancel.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable

from app.services.setup.check_report import Step

log = logging.getLogger(__name__)


class CheckRun:
    def __init__(self, deadline: float, cancel: threading.Event | None,
                 progress: Callable[[Step], None] | None) -> None:
        self.deadline = deadline
        self.cancel = cancel or threading.Event()
        self.progress = progress
        self.lock = threading.Lock()
        self.steps: list[Step] = []
        self.closed = False  # set by the supervisor: late results are dropped
        self.socks: dict[str, socket.socket] = {}
        self.current: dict[str, str] = {}
        self.aborted = False
        self.finished = threading.Semaphore(0)  # released by each checker when it ends

    def remaining(self) -> float:
        return max(0.01, self.deadline - time.monotonic())

    def add(self, step: Step) -> None:
        with self.lock:
            if self.closed:
                return
            self.steps.append(step)
        if self.progress is not None:
            try:
                self.progress(step)
            except Exception:  # a broken UI callback must not break the check
                log.exception("progress callback failed")

    def forget(self, server: str) -> None:
        with self.lock:
            self.steps = [s for s in self.steps if s.server != server]

    def watch(self, server: str, sock: socket.socket) -> None:
        """Remember the socket a server's check currently reads from (re-called after
        each TLS wrap: the wrapped socket replaces the plain one)."""
        with self.lock:
            self.socks[server] = sock

    def unwatch(self, server: str) -> None:
        with self.lock:
            self.socks.pop(server, None)

    def abort_all(self) -> None:
        """Shut every watched connection down so blocked reads return at once."""
        with self.lock:
            self.aborted = True
            socks = list(self.socks.values())
            self.socks.clear()
        for sock in socks:
            if sock.fileno() < 0:  # already closed or detached by a TLS wrap
                continue
            try:
                socket.socket.shutdown(sock, socket.SHUT_RDWR)  # bypass SSLSocket's unwrap
            except OSError:
                pass

