"""One watcher per shared mailbox across the team (issue 19 item 3), end to end: two real
`postier track` processes (two laptops) on one PostgreSQL team database and the real
Dovecot/Postfix rig. Exactly one holds the mailbox's lease and reads the delivery reports;
kill -9 it and the other takes the lease and reads the next report; every report is
recorded once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.services.config import Settings
from app.services.history import message_store as ms
from app.services.mail.auth import Credential
from app.services.outbox import sending
from app.services.setup import accounts
from app.services.storage import database_for
from app.services.team import connection, leases
from tests.support.postgres import postgres_server, postgres_url  # noqa: F401
from tests.support.sent_messages import listed

ROOT = Path(__file__).resolve().parents[1]
SENDER = "carol@example.test"  # the shared company address
RCPT = "bob@example.test"


@pytest.fixture()
def team(rig, postgres_url: str, postier_env: Path,  # noqa: ANN001,F811
         monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("POSTIER_CA_FILE", str(rig.ca_file))
    monkeypatch.setenv("POSTIER_DATABASE_URL", postgres_url)
    current = Settings.from_env()
    accounts.save_account(current, email=SENDER, credential=Credential(SENDER, "secret"),
                          imap=rig.imaps, smtp=rig.submission)
    return current


def _tracker() -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "app.cli", "track", "--account", SENDER,
                             "--timeout", "150", "--json"], cwd=ROOT,
                            env={**os.environ, "POSTIER_LOG": "INFO"},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _holders(url: str) -> list[int]:
    """pids holding the mailbox's lease (pg_locks + the holders' application_name)."""
    with connection.connect(url, "test") as conn:
        rows = leases.current_watchers(conn, [SENDER])
    return [int(r["by"].split()[2]) for r in rows if r["email"] == SENDER]


def _wait(condition, what: str, timeout: float = 40.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def _send(settings: Settings, subject: str) -> int:
    result = sending.send_message(settings, sending.OutgoingMessage(
        account_email=SENDER, to=[RCPT], subject=subject, text="Bonjour"))
    assert result.status == "sent", result.to_dict()
    return result.id


def test_the_shared_mailbox_is_watched_by_one_process_and_moves_when_it_is_killed(
        team: Settings) -> None:
    url = team.option("database.url")
    assert url is not None
    db = database_for(url)
    store = ms.MessageStore(db)
    first, second = _tracker(), _tracker()
    procs = {first.pid: first, second.pid: second}
    try:
        _wait(lambda: len(_holders(url)) == 1, "nobody took the mailbox's lease")
        holder_pid = _holders(url)[0]
        assert holder_pid in procs
        holder = procs.pop(holder_pid)
        other = next(iter(procs.values()))

        before = _send(team, "read by the first laptop")
        _wait(lambda: store.recipient_status(before, RCPT) == "delivered",
              "the watching process never read the DSN")
        assert _holders(url) == [holder_pid]  # still one, still the same
        assert other.poll() is None  # the other laptop waits, alive
        # A one-off pass elsewhere leaves the mailbox to its watcher, and says so.
        once = subprocess.run([sys.executable, "-m", "app.cli", "track", "--account", SENDER,
                               "--once", "--json"], cwd=ROOT, capture_output=True, text=True,
                              timeout=60, check=False)
        assert once.returncode == 0, once.stderr
        assert json.loads(once.stdout)["watched_elsewhere"] == [SENDER]
        assert json.loads(once.stdout)["scanned"] == 0

        holder.send_signal(signal.SIGKILL)  # the laptop dies: no goodbye, no unlock
        holder.wait(10)
        _wait(lambda: _holders(url) == [other.pid], "the lease never moved", timeout=30)

        after = _send(team, "read by the second laptop")
        _wait(lambda: store.recipient_status(after, RCPT) == "delivered",
              "the new watcher never read the DSN")
    finally:
        for proc in (first, second):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
    out, err = other.communicate(timeout=60)
    assert other.returncode == 0 and "Traceback" not in err, err
    report = json.loads(out)
    read_by_second = {(u["id"], u["status"]) for u in report["updated"]}
    # The second laptop read the report of its own watch only: the first one's report was
    # read by the first laptop, and the shared scan state says so.
    assert (after, "delivered") in read_by_second
    assert (before, "delivered") not in read_by_second
    rows = {r["id"]: r for r in listed(db)}
    for mid in (before, after):  # each report recorded once in the timeline
        statuses = [e["status"] for e in rows[mid]["events"]]
        assert statuses.count("delivered") == 1, statuses
