"""tracking/notify.py: what is new becomes notifications once, the e-mail ones go into the
outbox as a test message of the account to itself, and the loop beside a long-running
tracker looks when poked and stops when told. The rig tests (tests/test_cli_track_notify.py,
tests/ui/test_main_window_rig.py) follow such a mail to the mailbox."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from app.services.config import Settings
from app.services.storage import open_database
from app.services.tracking import notify
from app.services.tracking import notify_rules as nr
from tests.support import sent_messages as sm

WAIT = 10.0  # seconds a state may take to be reached (never a measured time)


@pytest.fixture()
def settings(postier_env: Path) -> Settings:
    return Settings.from_env()


def _outbox(settings: Settings) -> list[tuple[str, str, str, int]]:
    with open_database(settings.db_path).reading() as conn:
        return [(r["account_email"], r["subject"], r["state"], r["is_test"]) for r in
                conn.execute("SELECT account_email, subject, state, is_test FROM messages"
                             " WHERE subject LIKE '[Postier]%' ORDER BY id").fetchall()]


def test_dispatch_queues_the_email_ones_and_hands_back_the_desktop_ones(
        settings: Settings) -> None:
    db = open_database(settings.db_path)
    ids = sm.demo(db)
    nr.save_rules(db, {"bounce": {"in_app", "desktop", "email"}, "reply": {"in_app"}})
    first = notify.dispatch(settings, db, "en")  # the starting point: no past events
    assert [n.kind for n in first.found] == ["sync_failed"] and first.emailed == []
    sm.add_event(db, ids["sent"], "hard_bounce", "bounce", "user_unknown", "550 5.1.1 unknown")
    sm.add_event(db, ids["delivered"], "replied", "reply", None, "Re: x")
    done = notify.dispatch(settings, db, "en")
    assert [n.kind for n in done.found] == ["bounce", "reply"]
    assert [n.kind for n in done.desktop] == ["bounce"]  # the reply rule has no desktop
    bounce = done.found[0]
    assert [(e.notification_id, e.account_email, e.status) for e in done.emailed] == [
        (bounce.id, sm.ACCOUNTS[0], "queued")]
    assert done.emailed_accounts == [sm.ACCOUNTS[0]]
    assert _outbox(settings) == [(sm.ACCOUNTS[0], notify.SUBJECT_PREFIX + bounce.title,
                                  "queued", 1)]
    assert notify.dispatch(settings, db, "en").found == []  # nothing new: nothing mailed
    assert len(_outbox(settings)) == 1


def test_two_processes_looking_at_once_mail_each_notification_once(
        settings: Settings) -> None:
    db = open_database(settings.db_path)
    ids = sm.demo(db)
    nr.save_rules(db, {"bounce": {"in_app", "email"}, "reply": {"in_app", "email"}})
    notify.dispatch(settings, db, "en")
    for status, kind in (("sent", "hard_bounce"), ("delivered", "replied"),
                         ("deferred", "soft_bounce")):
        sm.add_event(db, ids[status], kind, "bounce", None, "x")
    start = threading.Barrier(4)
    results: list[notify.Dispatch] = []

    def look() -> None:
        start.wait(WAIT)
        # Each its own connection, as the window and `postier track` have.
        results.append(notify.dispatch(settings, open_database(settings.db_path), "en"))

    threads = [threading.Thread(target=look) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT)
    found = sorted(n.id for d in results for n in d.found)
    assert len(found) == 3 and len(set(found)) == 3  # one look got each, none twice
    assert len(_outbox(settings)) == 3


def test_an_account_removed_meanwhile_does_not_stop_the_others(settings: Settings) -> None:
    db = open_database(settings.db_path)
    ids = sm.demo(db)
    nr.save_rules(db, {"bounce": {"in_app", "email"}})
    notify.dispatch(settings, db, "en")
    sm.add_event(db, ids["sent"], "hard_bounce", "bounce", None, "550")
    with db.transaction() as conn:  # the account is gone, its history stays
        conn.execute("UPDATE notifications SET account_email = 'gone@example.test'")
        conn.execute("UPDATE messages SET account_email = 'gone@example.test' WHERE id = "
                     "(SELECT message_id FROM recipients WHERE id = ?)", (ids["sent"],))
    done = notify.dispatch(settings, db, "en")
    assert [n.kind for n in done.found] == ["bounce"]
    assert done.emailed == [] and [code for _, code in done.not_emailed] == [
        "ACCOUNT_NOT_FOUND"]


def test_notifier_looks_when_poked_and_stops_when_told(settings: Settings) -> None:
    db = open_database(settings.db_path)
    ids = sm.demo(db)
    nr.save_rules(db, {"bounce": {"in_app", "email"}})
    notifier = notify.Notifier(settings, "fr", interval=3600)  # only pokes wake it
    notifier.look()
    stop = threading.Event()
    thread = threading.Thread(target=notifier.run, args=(stop,))
    thread.start()
    try:
        sm.add_event(db, ids["sent"], "hard_bounce", "bounce", None, "550")
        notifier.poke([{"status": "hard_bounce"}])
        deadline = time.monotonic() + WAIT
        while len(notifier.emailed()) < 1:
            assert time.monotonic() < deadline, "the poke was not followed by a look"
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(WAIT)
    assert not thread.is_alive()
    assert [e.status for e in notifier.emailed()] == ["queued"]
    assert _outbox(settings)[0][1].startswith("[Postier] Non distribué à ")


def test_language_outside_the_window(settings: Settings,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    assert notify.language(settings) == "fr"
    monkeypatch.setenv("LC_ALL", "C")
    assert notify.language(settings) == "en"
