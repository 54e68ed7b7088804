"""Waiting for mail to come back: one-shot tracking passes until a condition holds."""

from __future__ import annotations

import time
from collections.abc import Callable

from app.services.config import Settings
from app.services.tracking import watcher as tracking


def track_until(settings: Settings, account_email: str, done: Callable[[list[dict]], bool],
                timeout: float = 20.0) -> list[dict]:
    """Run ``track(once=True)`` passes until ``done(updates)`` or the timeout; every pass
    must be error-free (a DSN takes a moment to reach the mailbox)."""
    updates: list[dict] = []
    deadline = time.monotonic() + timeout
    while True:
        result = tracking.track(settings, account_email, once=True)
        assert result.errors == []
        updates += result.updated
        if done(updates) or time.monotonic() > deadline:
            return updates
        time.sleep(0.3)
