"""The long-running `postier track` survives a Dovecot restart (issue 15 item 7): the IDLE
connection drops with the server, the watcher reconnects by itself, catches up on what
arrived meanwhile, and no report is missed or counted twice. Real subprocess, real rig."""

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
from app.services.storage import AccountStore, Database
from tests.support.rig import wait_listening
from tests.support.sent_messages import listed

ROOT = Path(__file__).resolve().parents[1]
SENDER = "carol@example.test"
RCPT = "bob@example.test"
CATCH_UP = 30.0  # seconds the issue allows from the server's return to the report


@pytest.fixture()
def settings(rig, postier_env: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("POSTIER_CA_FILE", str(rig.ca_file))
    current = Settings.from_env()
    accounts.save_account(current, email=SENDER, credential=Credential(SENDER, "secret"),
                          imap=rig.imaps, smtp=rig.submission)
    return current


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _instance_pids(rig) -> list[int]:
    """The rig's Dovecot processes besides the master ("dovecot-<instance>/imap", …)."""
    prefix = f"dovecot-{rig.instance}/".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "cmdline").read_bytes().startswith(prefix):
                    pids.append(int(entry.name))
            except OSError:  # gone meanwhile
                pass
    return pids


def _restart_dovecot(rig, down_for: float) -> None:
    """Restart the rig's Dovecot as systemd does: SIGTERM to the master, then what is left
    of it (imap-login and imap keep a client's session alive past the master otherwise),
    so every IMAP connection is cut; down a moment; started again, same configuration."""
    pidfile = rig.root / "dovecot" / "run" / "master.pid"
    pid = int(pidfile.read_text().strip())
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while _alive(pid):
        assert time.monotonic() < deadline, "Dovecot did not stop"
        time.sleep(0.05)
    for child in _instance_pids(rig):
        try:
            os.kill(child, signal.SIGKILL)
        except ProcessLookupError:
            pass
    while _instance_pids(rig):
        assert time.monotonic() < deadline, "Dovecot's processes did not stop"
        time.sleep(0.05)
    time.sleep(down_for)
    subprocess.run(["dovecot", "-c", str(rig.dovecot_conf)], check=True, timeout=30)
    wait_listening([(rig.imaps.host, rig.imaps.port)], timeout=15)
    deadline = time.monotonic() + 10
    while not (rig.root / "dovecot" / "run" / "auth-postfix").exists():
        assert time.monotonic() < deadline, "Dovecot's auth socket did not come back"
        time.sleep(0.05)


def _send(settings: Settings, subject: str) -> int:
    result = sending.send_message(settings, sending.OutgoingMessage(
        account_email=SENDER, to=[RCPT], subject=subject, text="Bonjour"))
    assert result.status == "sent", result.to_dict()
    return result.id


def _delivered(db: Database, mid: int) -> bool:
    return ms.MessageStore(db).recipient_status(mid, RCPT) == "delivered"


def test_track_reconnects_after_dovecot_restart_and_catches_up(rig, settings: Settings) -> None:
    db = Database(settings.db_path)
    before = _send(settings, "before the restart")
    tracker = subprocess.Popen([sys.executable, "-m", "app.cli", "track", "--account", SENDER,
                                "--timeout", "120", "--json"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not _delivered(db, before):  # read by the watcher (first pass or IDLE)
            assert tracker.poll() is None, tracker.communicate()
            assert time.monotonic() < deadline, "the tracker never read the first DSN"
            time.sleep(0.1)
        while AccountStore(db).require(SENDER).sync_state != "watching":
            assert time.monotonic() < deadline, "the watcher never settled into IDLE"
            time.sleep(0.1)
        while not rig.idling(SENDER):  # Dovecot says the tracker's session is in IDLE
            assert tracker.poll() is None, tracker.communicate()
            assert time.monotonic() < deadline, "the watcher never went into IDLE"
            time.sleep(0.05)

        _restart_dovecot(rig, down_for=3.0)
        back = time.monotonic()
        # Sent at once: its DSN lands while the watcher is still waiting to reconnect.
        during = _send(settings, "while the tracker reconnects")
        rig.flush_queue()  # what Postfix could not hand to Dovecot while it was down
        while not _delivered(db, during):
            assert tracker.poll() is None, tracker.communicate()
            assert time.monotonic() - back < CATCH_UP, "not caught up after the restart"
            time.sleep(0.1)
        caught_up = time.monotonic() - back
        # …and still watching: a report arriving now is read over the new IDLE session.
        after = _send(settings, "after the reconnection")
        while not _delivered(db, after):
            assert time.monotonic() - back < 2 * CATCH_UP, "IDLE not resumed"
            time.sleep(0.1)
    finally:
        tracker.send_signal(signal.SIGTERM)  # ends the watch; the report is printed
        out, err = tracker.communicate(timeout=30)
    assert tracker.returncode == 0 and "Traceback" not in err, err
    report = json.loads(out)
    print(f"\nDovecot restart: caught up {caught_up:.1f} s after it was back")
    delivered = [(u["id"], u["recipient"]) for u in report["updated"]
                 if u["status"] == "delivered"]
    assert sorted(delivered) == sorted([(before, RCPT), (during, RCPT), (after, RCPT)])
    assert any(e["account"] == SENDER for e in report["errors"]), (report, err)
    rows = {r["id"]: r for r in listed(db)}
    for mid in (before, during, after):  # each DSN counted once in the timeline too
        events = rows[mid]["events"]
        assert [e["status"] for e in events].count("delivered") == 1, events
