"""`postier outbox` (CLI.md) and the long-running `postier track` sending what is due, on the
rig, as real subprocesses; and a sender killed at the two DATA moments (before and after
the final dot). The random-kill stress test is tests/test_cli_outbox_kill.py."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.services.config import Settings
from app.services.history import message_store as ms
from app.services.mail.auth import Credential
from app.services.outbox import queue, sending
from app.services.setup import accounts
from app.services.storage import Database
from tests.support.sent_messages import listed

ROOT = Path(__file__).resolve().parents[1]
SENDER = "carol@example.test"
OTHER = "alice@example.test"
RCPT = "bob@example.test"


def postier(*args: str) -> tuple[int, object, str]:
    proc = subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True,
                          text=True, timeout=90, cwd=ROOT, check=False)
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, proc.stderr
    data = json.loads(proc.stdout) if "--json" in args else proc.stdout
    return proc.returncode, data, proc.stderr


@pytest.fixture()
def settings(rig, postier_env: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("POSTIER_CA_FILE", str(rig.ca_file))
    monkeypatch.setenv("POSTIER_OUTBOX_POLL", "0.3")
    current = Settings.from_env()
    for email in (SENDER, OTHER):
        accounts.save_account(current, email=email, credential=Credential(email, "secret"),
                              imap=rig.imaps, smtp=rig.submission)
    return current


def _queue(settings: Settings, subject: str, *, sender: str = SENDER, to: str = RCPT,
           at: datetime | None = None) -> int:
    return sending.queue_message(settings, sending.OutgoingMessage(
        account_email=sender, to=[to], subject=subject, text="Bonjour", scheduled_at=at))


def _arrived(rig, subject: str, timeout: float = 15.0) -> int:
    """Copies of ``subject`` in bob's INBOX once Postfix is done with them."""
    pattern = re.compile(rb"^Subject: " + re.escape(subject.encode()) + rb"\r?$", re.MULTILINE)

    def count() -> int:
        found = 0
        for path in rig.maildir_messages(RCPT):
            try:
                found += bool(pattern.search(path.read_bytes()))
            except FileNotFoundError:  # moved from new/ to cur/ meanwhile
                pass
        return found

    deadline = time.monotonic() + timeout
    while count() == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    while rig.queue_ids(RCPT) and time.monotonic() < deadline:
        time.sleep(0.05)
    return count()


def _state(settings: Settings, mid: int) -> str:
    return ms.MessageStore(Database(settings.db_path)).message(mid)["state"]


def test_outbox_once_sends_what_is_due_and_counts_the_rest(rig, settings: Settings) -> None:
    tag = uuid.uuid4().hex[:8]
    due = [_queue(settings, f"due-{tag}-{n}") for n in range(2)]
    later = _queue(settings, f"later-{tag}", at=datetime.now(UTC) + timedelta(hours=1))
    code, report, _ = postier("outbox", "--once", "--json")
    assert code == 0
    assert set(report) >= {"sent", "failed", "held", "remaining"}
    assert [e["id"] for e in report["sent"]] == due
    assert all(e["recipients"][0]["address"] == RCPT and e["recipients"][0]["status"] == "sent"
               for e in report["sent"])
    assert report["failed"] == [] and report["held"] == 1 and report["remaining"] == 1
    assert report["next_due"] is not None
    assert [_arrived(rig, f"due-{tag}-{n}") for n in range(2)] == [1, 1]
    assert _state(settings, later) == "queued"
    code, text, _ = postier("outbox", "--once")  # readable text; nothing left to send
    assert code == 0 and text.startswith("sent 0, failed 0, held 1, remaining 1")


def test_outbox_account_filter_and_unknown_account(rig, settings: Settings) -> None:
    tag = uuid.uuid4().hex[:8]
    mine, other = _queue(settings, f"mine-{tag}"), _queue(settings, f"other-{tag}", sender=OTHER)
    code, report, _ = postier("outbox", "--account", SENDER, "--once", "--json")
    assert code == 0 and [e["id"] for e in report["sent"]] == [mine]
    assert _state(settings, other) == "queued" and report["remaining"] == 0
    for name in ("ghost@example.test", "ghost"):
        code, data, _ = postier("outbox", "--account", name, "--once", "--json")
        assert code == 2 and data["error"]["code"] == "ACCOUNT_NOT_FOUND", data
    assert _state(settings, other) == "queued"  # refused before any work


def test_outbox_refused_message_is_reported_failed(rig, settings: Settings) -> None:
    # Postfix knows example.test's mailboxes: nobody@ is refused at RCPT time (550).
    mid = _queue(settings, f"refused-{uuid.uuid4().hex[:8]}", to="nobody@example.test")
    code, report, _ = postier("outbox", "--once", "--json")
    assert code == 1
    assert report["sent"] == [] and [e["id"] for e in report["failed"]] == [mid]
    failed = report["failed"][0]
    assert failed["status"] == "failed" and failed["recipients"][0]["status"] == "hard_bounce"
    assert report["remaining"] == 0


def test_outbox_keeps_running_and_sends_each_message_when_due(rig, settings: Settings) -> None:
    tag = uuid.uuid4().hex[:8]
    scheduled = _queue(settings, f"scheduled-{tag}",
                       at=datetime.now(UTC) + timedelta(seconds=2))
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "outbox", "--json"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # queued by another process (the GUI, a `postier send` killed) after the start
        late = _queue(settings, f"late-{tag}")
        deadline = time.monotonic() + 30
        while {_state(settings, scheduled), _state(settings, late)} != {"sent"}:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the outbox did not send them"
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGTERM)  # finishes the message under way, then reports
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "Traceback" not in err, err
    report = json.loads(out)
    assert sorted(e["id"] for e in report["sent"]) == sorted([scheduled, late])
    assert report["remaining"] == 0
    assert _arrived(rig, f"scheduled-{tag}") == 1 and _arrived(rig, f"late-{tag}") == 1


def test_long_running_track_sends_the_queue(rig, settings: Settings) -> None:
    tag = uuid.uuid4().hex[:8]
    mine, other = _queue(settings, f"tracked-{tag}"), _queue(settings, f"other-{tag}",
                                                             sender=OTHER)
    code, report, _ = postier("track", "--account", SENDER, "--timeout", "3", "--json")
    assert code == 0
    assert [e["id"] for e in report["outbox"]["sent"]] == [mine]
    assert _arrived(rig, f"tracked-{tag}") == 1
    assert _state(settings, other) == "queued"  # not an account this tracker watches
    code, report, _ = postier("track", "--account", SENDER, "--once", "--json")
    assert code == 0 and "outbox" not in report  # one pass reads, it does not send


_CRASHER = """
import os, signal, sys
from app.services.outbox import queue, sending
from app.services.config import Settings

def hook(phase):
    if phase == sys.argv[1]:
        os.kill(os.getpid(), signal.SIGKILL)

queue.phase_hook = hook
msg = sending.OutgoingMessage(account_email=sys.argv[2], to=[sys.argv[3]], subject=sys.argv[4],
                              text="x")
sending.send_message(Settings.from_env(), msg, timeout=15)
"""


@pytest.mark.parametrize("phase", ["body_sent", "data_done"])
def test_killed_in_data_is_sent_once(rig, settings: Settings, phase: str) -> None:
    """body_sent: the whole body is out, the final dot is not → the server drops it, the
    outbox sends it again. data_done: the dot is out → never resent, flagged unknown;
    the maildir holds one copy and the success DSN proves it."""
    subject = f"crash-{phase}-{uuid.uuid4().hex[:8]}"
    proc = subprocess.run([sys.executable, "-c", _CRASHER, phase, SENDER, RCPT, subject],
                          env={**os.environ}, capture_output=True, text=True, timeout=60,
                          cwd=ROOT, check=False)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    db = Database(settings.db_path)
    (row,) = [r for r in listed(db) if r["subject"] == subject]
    assert row["state"] == ("data" if phase == "body_sent" else "transmitting")
    for _ in range(2):  # twice: still exactly one copy
        code, report, _ = postier("outbox", "--once", "--json")
        assert code == 0 and report["remaining"] == 0
    assert _arrived(rig, subject) == 1
    if phase == "body_sent":
        assert _state(settings, row["id"]) == "sent"
        return
    assert _state(settings, row["id"]) == "unknown"
    deadline = time.monotonic() + 20
    while ms.MessageStore(db).recipient_status(row["id"], RCPT) != "delivered":
        assert time.monotonic() < deadline, "the success DSN never settled it"
        postier("track", "--account", SENDER, "--once", "--json")
        time.sleep(0.3)


@pytest.mark.parametrize("args", [["--timeout", "0"], ["--timeout", "nan"], ["--bogus"],
                                  ["--account"]])
def test_outbox_bad_usage_is_exit_2_one_document(postier_env: Path, args: list[str]) -> None:
    code, data, _ = postier("outbox", *args, "--json")
    assert code == 2 and data["error"]["code"] == "USAGE", data


def test_outbox_with_nothing_to_send(postier_env: Path) -> None:
    code, report, _ = postier("outbox", "--once", "--json")  # no account, empty data file
    assert code == 0
    assert report == {"sent": [], "failed": [], "held": 0, "remaining": 0, "next_due": None,
                      "errors": []}


@pytest.mark.parametrize("phase,left", [("claimed", "queued"), ("body_sent", "queued"),
                                        ("data_done", "unknown")])
def test_a_bug_mid_send_does_not_keep_the_claim(rig, settings: Settings,
                                                monkeypatch: pytest.MonkeyPatch, phase: str,
                                                left: str) -> None:
    """An unexpected exception inside an attempt (a bug, not a refusal) settles the message
    as a crash would: a long-running outbox is alive, so its claim would never go stale."""
    subject = f"bug-{phase}-{uuid.uuid4().hex[:8]}"
    mid = _queue(settings, subject)

    def bug(name: str) -> None:
        if name == phase:
            raise RuntimeError("a bug")

    monkeypatch.setattr(queue, "phase_hook", bug)
    report = sending.run_outbox(settings, once=False, timeout=0.5)  # the daemon goes on
    assert [e["code"] for e in report.errors] == ["INTERNAL_ERROR"]
    monkeypatch.setattr(queue, "phase_hook", None)
    assert _state(settings, mid) == left
    later = datetime.now(UTC) + timedelta(days=1)  # past the retry delay
    sent = sending.process_queue(settings, now=later)
    assert [r.id for r in sent] == ([mid] if left == "queued" else [])
    assert _arrived(rig, subject) == 1  # resent only when the dot had not gone out
