"""The window's background work (app/ui/background.py): one queue per account, jobs of an
account one at a time, accounts side by side; and closing the window stops the watchers
and joins its pool within the deadline, no thread left behind (real rig, IDLE session)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool

from app.services.config import Settings
from app.services.mail.auth import Credential
from app.services.setup import accounts
from app.services.storage import AccountStore, open_database
from app.ui.background import STOP_DEADLINE_MS, AccountLane

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

WAIT = 10.0  # seconds a state may take to be reached (never a measured time)


def test_lane_runs_an_accounts_jobs_one_at_a_time_and_accounts_side_by_side(qtbot) -> None:
    pool = QThreadPool()
    pool.setMaxThreadCount(4)
    first, second = AccountLane("a@example.test", pool), AccountLane("b@example.test", pool)
    release = threading.Event()
    started: list[str] = []
    lock = threading.Lock()

    def job(name: str, block: bool = False) -> None:
        with lock:
            started.append(name)
        if block:
            assert release.wait(WAIT)

    assert first.add("check", lambda: job("a1", block=True))
    assert first.add("outbox", lambda: job("a2"))
    assert not first.add("outbox", lambda: job("a2-again"))  # one waiting pass is enough
    assert second.add("outbox", lambda: job("b1"))
    # b1 runs while a1 holds account a's lane; a2 waits behind a1.
    qtbot.waitUntil(lambda: {"a1", "b1"} <= set(started) and not second.busy,
                    timeout=int(WAIT * 1000))
    assert sorted(started) == ["a1", "b1"] and first.busy
    release.set()
    qtbot.waitUntil(lambda: not first.busy, timeout=int(WAIT * 1000))
    assert started[2:] == ["a2"]
    assert first.done == ["check", "outbox"] and second.done == ["outbox"]
    first.close()
    assert not first.add("outbox", lambda: job("after close"))
    assert pool.waitForDone(int(WAIT * 1000))
    assert len(started) == 3


SENDER = "alice@example.test"


@pytest.fixture()
def settings(rig, postier_env: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("POSTIER_CA_FILE", str(rig.ca_file))
    current = Settings.from_env()
    accounts.save_account(current, email=SENDER, credential=Credential(SENDER, rig.users[SENDER]),
                          imap=rig.imaps, smtp=rig.submission)
    return current


def test_closing_the_window_stops_the_background_within_its_deadline(qtbot, rig,
                                                                     settings) -> None:
    from app.ui.main_window import MainWindow

    db = open_database(settings.db_path)
    win = MainWindow(settings, db, live_tracking=True, lang="en")
    qtbot.addWidget(win)
    win.show()
    background = win.background
    # Started once shown: the account's watcher is in its IDLE session, its lane exists.
    qtbot.waitUntil(lambda: AccountStore(db).require(SENDER).sync_state == "watching"
                    and rig.idling(SENDER), timeout=int(3 * WAIT * 1000))
    assert background.started and SENDER in background.lanes
    assert background.pool is not QThreadPool.globalInstance()
    assert background.active_threads() >= 1
    assert any(t.name == f"track-{SENDER}" for t in threading.enumerate())

    closing = time.monotonic()
    win.close()
    print(f"\nwindow closed, background joined in {time.monotonic() - closing:.2f} s "
          f"(deadline {STOP_DEADLINE_MS / 1000:.0f} s)")
    assert background.stopped and background.stopped_in_time is True, STOP_DEADLINE_MS
    assert background.active_threads() == 0
    assert not [t.name for t in threading.enumerate() if t.name.startswith("track-")]
    # Closed: nothing starts again (a late timer, a notification mail, F5).
    background.send_due()
    background.restart_watchers()
    assert background.active_threads() == 0 and not background.lane(SENDER)
