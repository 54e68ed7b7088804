"""Outbox claims that cannot collide (issue 19 item 4), and the team database going away,
on a real PostgreSQL with real `postier` processes and a real SMTP server that counts
every DATA it accepts (tests/support/smtp_sink.py): "sent once" is counted at the server.

- 20 processes resend the same failed delivery at once: one message leaves, 19 are told
  ALREADY_RESENT;
- 20 processes run the outbox over one queued message at once: it leaves once;
- a `postier send` recorded by one process is heard by another process's listener and
  read from the team database there;
- the server stopped: `postier send` says TEAM_DATABASE_UNREACHABLE, nothing leaves, and
  what was recorded before is all there when it is back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services.config import Settings
from app.services.history import message_store as ms
from app.services.mail.auth import Credential
from app.services.outbox import sending
from app.services.setup import accounts
from app.services.setup.endpoint import Endpoint
from app.services.team.connection import settings_database
from tests.services.team.test_leases import Proc
from tests.support.postgres import PostgresServer, postgres_server, postgres_url  # noqa: F401
from tests.support.smtp_sink import PASSWORD, USER, Sink, start_sink

ROOT = Path(__file__).resolve().parents[3]
CLIENT = "client@example.test"


@pytest.fixture(scope="module")
def sink(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sink]:
    started = start_sink(tmp_path_factory.mktemp("sink"))
    yield started
    started.stop()


@pytest.fixture()
def team(postgres_url: str, sink: Sink, postier_env: Path,  # noqa: F811
         monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The shared account contact@ in a fresh team database; this process and every child
    process (same environment, same test keyring file) use it."""
    monkeypatch.setenv("POSTIER_DATABASE_URL", postgres_url)
    monkeypatch.setenv("POSTIER_CA_FILE", str(sink.ca_file))
    settings = Settings.from_env()
    accounts.save_account(settings, email=USER, credential=Credential(USER, PASSWORD),
                          imap=Endpoint("127.0.0.1", 1, "ssl"),
                          smtp=Endpoint("127.0.0.1", sink.port, "starttls"))
    return settings


def postier(*args: str, env: dict[str, str] | None = None) -> tuple[int, dict, str]:
    proc = subprocess.run([sys.executable, "-m", "app.cli", *args, "--json"],
                          capture_output=True, text=True, timeout=120, cwd=ROOT, env=env,
                          check=False)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout), proc.stderr


def _failed_delivery(settings: Settings, subject: str) -> int:
    """A message that left and hard-bounced: the red row two colleagues both resend."""
    result = sending.send_message(settings, sending.OutgoingMessage(
        account_email=USER, to=["cleint@example.test"], subject=subject, text="Bonjour"),
        save_to_sent=False, timeout=20)
    assert result.status == "sent"
    db = settings_database(settings)
    with db.transaction() as conn:
        rid = conn.execute("SELECT id FROM recipients WHERE message_id = ?",
                           (result.id,)).fetchone()[0]
        ms.apply_status(conn, rid, "hard_bounce", "dsn", "user_unknown", "550 5.1.1 unknown")
    return int(rid)


def test_twenty_processes_resending_one_failed_delivery_send_it_once(
        team: Settings, sink: Sink, tmp_path: Path) -> None:
    rid = _failed_delivery(team, "Facture 42")
    resend_subject = "Facture 42 (corrigée)"  # the subject team_procs resends with
    before = sink.count(resend_subject)
    flag = tmp_path / "go"
    procs = [Proc("resend", str(rid), str(flag), env=dict(os.environ)) for _ in range(20)]
    try:
        for p in procs:
            assert p.wait_for("ready", timeout=120) is not None, p.stderr()
        flag.touch()  # all twenty at once
        outcomes = []
        for p in procs:
            line = p.wait_for("sent", timeout=120) or p.wait_for("error", timeout=1)
            assert line is not None, p.stderr()
            outcomes.append(line.get("sent") or line.get("error"))
    finally:
        for p in procs:
            p.kill()
    assert sorted(outcomes) == ["ALREADY_RESENT"] * 19 + ["sent"]
    assert sink.count(resend_subject) - before == 1  # the server took it exactly once
    db = settings_database(team)
    with db.reading() as conn:
        resends = conn.execute("SELECT COUNT(*) FROM messages WHERE resend_of = ?",
                               (rid,)).fetchone()[0]
    assert resends == 1


def test_twenty_outbox_processes_over_one_queued_message_send_it_once(
        team: Settings, sink: Sink) -> None:
    subject = "Relance 7"
    mid = sending.queue_message(team, sending.OutgoingMessage(
        account_email=USER, to=[CLIENT], subject=subject, text="Bonjour"))
    env = dict(os.environ)
    procs = [subprocess.Popen([sys.executable, "-m", "app.cli", "outbox", "--once", "--json"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(20)]
    reports = []
    for p in procs:
        out, err = p.communicate(timeout=180)
        assert "Traceback" not in err, err
        reports.append(json.loads(out))
    sent_by = [r for r in reports if any(s["id"] == mid for s in r.get("sent", []))]
    assert len(sent_by) == 1, reports
    assert sink.count(subject) == 1
    db = settings_database(team)
    with db.reading() as conn:
        state = conn.execute("SELECT state FROM messages WHERE id = ?", (mid,)).fetchone()[0]
    assert state == "sent"


def test_a_send_by_one_postier_process_reaches_another_process_listener(
        team: Settings, sink: Sink) -> None:
    listener = Proc("listen", env=dict(os.environ))
    try:
        first = listener.wait_for("connected", timeout=60)
        assert first is not None and first["connected"] is True, listener.stderr()
        seen = len(listener.lines)
        code, data, err = postier("send", "--from", USER, "--to", CLIENT, "--subject",
                                  "Devis 2026-118", "--body", "Bonjour")
        assert code == 0, (data, err)
        # The listener heard the send's commits (it never polls); the row is readable there.
        assert listener.wait_for("changed", timeout=10) is not None
        heard = [line["changed"] for line in listener.lines[seen:] if "changed" in line]
        assert any("messages" in tables for tables in heard), heard
    finally:
        listener.kill()
    db = settings_database(team)
    with db.reading() as conn:
        row = conn.execute("SELECT state FROM messages WHERE message_id = ?",
                           (data["message_id"],)).fetchone()
    assert row is not None and row["state"] == "sent"


def test_server_down_says_so_and_loses_nothing(
        team: Settings, sink: Sink, postgres_server: PostgresServer) -> None:  # noqa: F811
    code, before, err = postier("send", "--from", USER, "--to", CLIENT, "--subject",
                                "Avant la panne", "--body", "Bonjour")
    assert code == 0, (before, err)
    received = len(sink.received)
    postgres_server.stop()
    try:
        code, data, err = postier("send", "--from", USER, "--to", CLIENT, "--subject",
                                  "Pendant la panne", "--body", "Bonjour")
        assert code != 0
        assert data["error"]["code"] == "TEAM_DATABASE_UNREACHABLE", data
        assert len(sink.received) == received  # nothing left: it was never recorded
        code, data, _ = postier("outbox", "--once")
        assert code != 0 and data["error"]["code"] == "TEAM_DATABASE_UNREACHABLE"
    finally:
        postgres_server.start()
    # Back: what was recorded before the outage is all there, the refused one is not.
    code, rows, err = postier("messages")
    assert code == 0, err
    subjects = [r["subject"] for r in rows]
    assert "Avant la panne" in subjects and "Pendant la panne" not in subjects


def test_a_second_resend_waits_for_the_first_then_is_refused(team: Settings) -> None:
    """The interleaving the twenty processes may or may not hit, forced: the first resend's
    transaction holds the failed row; the second blocks on it (seen in pg_stat_activity,
    not timed) and, once the first commits, sees its message and is refused."""
    import threading

    from app.services.errors import PostierError
    from app.services.team import claims

    db = settings_database(team)
    with db.transaction() as conn:
        mid = ms.insert_message(conn, account_id=None, account_email=USER,
                                message_id="<old@acme.test>", envid="old", from_addr=USER,
                                subject="Facture 9", body_text="", body_html=None, raw=b"",
                                recipients=[ms.NewRecipient("cleint@example.test", "to")])
        rid = conn.execute("SELECT id FROM recipients WHERE message_id = ?",
                           (mid,)).fetchone()[0]
    outcome: list[str] = []

    def second() -> None:
        try:
            with db.transaction() as conn2:
                claims.guard_resend(conn2, rid)
            outcome.append("passed")
        except PostierError as exc:
            outcome.append(exc.code)

    with db.transaction() as first:
        claims.guard_resend(first, rid)  # nobody resent it yet: holds the row now
        waiter = threading.Thread(target=second, daemon=True)
        waiter.start()
        deadline = time.monotonic() + 30
        while not _blocked_on_lock(team) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _blocked_on_lock(team), "the second resend did not wait for the first"
        assert outcome == []
        ms.insert_message(first, account_id=None, account_email=USER,
                          message_id="<new@acme.test>", envid="new", from_addr=USER,
                          subject="Facture 9", body_text="", body_html=None, raw=b"",
                          recipients=[ms.NewRecipient("client@example.test", "to")],
                          resend_of=rid)
    waiter.join(30)
    assert outcome == ["ALREADY_RESENT"]


def _blocked_on_lock(settings: Settings) -> bool:
    db = settings_database(settings)
    with db.reading() as conn:
        row = conn.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type ="
                           " 'Lock' AND query LIKE '%FOR UPDATE%'").fetchone()
    return bool(row[0])


_CRASHER = """
import os, signal, sys
from app.services.config import Settings
from app.services.outbox import queue, sending

def hook(phase):
    if phase == sys.argv[1]:
        os.kill(os.getpid(), signal.SIGKILL)

queue.phase_hook = hook
sending.send_message(Settings.from_env(), sending.OutgoingMessage(
    account_email=sys.argv[2], to=[sys.argv[3]], subject=sys.argv[4], text="x"),
    save_to_sent=False, timeout=15)
"""


@pytest.mark.parametrize("phase,settled", [("body_sent", "sent"), ("data_done", "unknown")])
def test_a_laptop_killed_mid_send_leaves_the_honest_state_on_postgresql(
        team: Settings, sink: Sink, phase: str, settled: str) -> None:
    """As on SQLite (tests/test_cli_outbox.py), now in the team database: killed before the
    final dot → sent again, once; killed after it → never resent, 'may or may not have
    left' (unknown). The server counts one copy either way."""
    import signal

    subject = f"crash-{phase}-{time.monotonic_ns()}"
    proc = subprocess.run([sys.executable, "-c", _CRASHER, phase, USER, CLIENT, subject],
                          capture_output=True, text=True, timeout=90, cwd=ROOT, check=False)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    db = settings_database(team)
    with db.reading() as conn:
        mid, state = conn.execute("SELECT id, state FROM messages WHERE subject = ?",
                                  (subject,)).fetchone()
    assert state == ("data" if phase == "body_sent" else "transmitting")
    for _ in range(2):  # another 'laptop' runs the outbox, twice: still one copy
        code, report, err = postier("outbox", "--once")
        assert code == 0 and report["remaining"] == 0, (report, err)
    assert sink.count(subject) == 1
    with db.reading() as conn:
        assert conn.execute("SELECT state FROM messages WHERE id = ?",
                            (mid,)).fetchone()[0] == settled


def test_a_claim_settled_elsewhere_mid_send_never_sends_the_final_dot(
        team: Settings, sink: Sink, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another laptop took our claim for dead and settled it (as recover_interrupted does
    with a stale claim) while our body was on the wire: the dot must not go out, or the
    message would leave twice. The server gets it once, from the outbox's next pass."""
    from app.services.outbox import queue

    subject = f"stolen-{time.monotonic_ns()}"
    db = settings_database(team)

    def recovered_elsewhere(name: str) -> None:
        if name == "body_sent":
            with db.transaction() as conn:  # what recovery.settle does to a dead claim
                conn.execute("UPDATE recipients SET to_send = 1 WHERE to_send = 2")
                conn.execute("UPDATE messages SET state = 'queued', claimed_by = NULL,"
                             " claimed_at = NULL WHERE subject = ?", (subject,))

    monkeypatch.setattr(queue, "phase_hook", recovered_elsewhere)
    result = sending.send_message(team, sending.OutgoingMessage(
        account_email=USER, to=[CLIENT], subject=subject, text="Bonjour"),
        save_to_sent=False, timeout=20)
    monkeypatch.setattr(queue, "phase_hook", None)
    assert result.status == "queued"  # left as the other laptop settled it
    assert sink.count(subject) == 0  # no dot: the server dropped that DATA
    sending.process_queue(team, timeout=20)
    assert sink.count(subject) == 1
    with db.reading() as conn:
        assert conn.execute("SELECT state FROM messages WHERE id = ?",
                            (result.id,)).fetchone()[0] == "sent"


_OTHER_LAPTOP_CRASHER = """
import os, signal, socket, sys
socket.gethostname = lambda: "laptop-b"  # this sender runs on another laptop
from app.services.config import Settings
from app.services.outbox import queue, sending

def hook(phase):
    if phase == "body_sent":
        os.kill(os.getpid(), signal.SIGKILL)

queue.phase_hook = hook
sending.send_message(Settings.from_env(), sending.OutgoingMessage(
    account_email=sys.argv[1], to=[sys.argv[2]], subject=sys.argv[3], text="x"),
    save_to_sent=False, timeout=15)
"""


def test_a_colleague_laptop_killed_mid_send_is_recovered_at_once_not_in_ten_minutes(
        team: Settings, sink: Sink) -> None:
    """Another laptop's claim cannot be checked by its PID. Its sender mark (an advisory lock
    held for the attempt) went with its killed session: this laptop's outbox settles the
    claim at once and sends the message, once, instead of waiting STALE_AFTER (10 min)."""
    import signal

    subject = f"laptop-b-{time.monotonic_ns()}"
    proc = subprocess.run([sys.executable, "-c", _OTHER_LAPTOP_CRASHER, USER, CLIENT, subject],
                          capture_output=True, text=True, timeout=90, cwd=ROOT, check=False)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    db = settings_database(team)
    with db.reading() as conn:
        mid, state, owner = conn.execute("SELECT id, state, claimed_by FROM messages"
                                         " WHERE subject = ?", (subject,)).fetchone()
    assert state == "data" and owner.startswith("laptop-b:")
    code, report, err = postier("outbox", "--once")
    assert code == 0 and report["remaining"] == 0, (report, err)
    assert sink.count(subject) == 1
    with db.reading() as conn:
        assert conn.execute("SELECT state FROM messages WHERE id = ?",
                            (mid,)).fetchone()[0] == "sent"


def test_a_live_colleague_claim_is_left_alone(team: Settings) -> None:
    """The mark held (a sender alive on another laptop): recovery does not touch its claim,
    however young; on SQLite there is no mark and the time rule alone applies."""
    from app.services.outbox import recovery
    from app.services.team import claims

    mid = sending.queue_message(team, sending.OutgoingMessage(
        account_email=USER, to=[CLIENT], subject="en cours ailleurs", text="x"))
    db = settings_database(team)
    with db.transaction() as conn:  # claimed by a live sender on laptop-b, just now
        conn.execute("UPDATE messages SET state = 'sending', claimed_by = 'laptop-b:4242',"
                     " claimed_at = ? WHERE id = ?", (sending_now(), mid))
    with claims.sender_mark(db, mid) as ours:
        assert ours is True
        assert claims.sender_gone(db, mid) is False
        assert recovery.recover_interrupted(team) == []
    assert claims.sender_gone(db, mid) is True  # its session ended: free
    assert recovery.recover_interrupted(team) == [mid]


def sending_now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")
