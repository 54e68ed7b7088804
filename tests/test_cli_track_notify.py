"""`postier track` sends notifications by e-mail, as the window does (issue 14 item 3): a
bounce that arrives while the long-running tracker watches the mailbox is notified to the
account's own address, through the outbox, exactly once. Real subprocess, real rig."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import uuid
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from app.services.config import Settings
from app.services.mail.auth import Credential
from app.services.outbox import sending
from app.services.setup import accounts
from app.services.storage import AccountStore, Database, open_database
from app.services.tracking import notify, notify_rules

ROOT = Path(__file__).resolve().parents[1]
SENDER = "carol@example.test"
BOUNCES = "nobody@remote.test"  # the rig's fake MX answers 550 5.1.1
TITLE = f"Not delivered to {BOUNCES}"


@pytest.fixture()
def settings(rig, postier_env: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("POSTIER_CA_FILE", str(rig.ca_file))
    monkeypatch.setenv("LANG", "C.UTF-8")  # English titles, whatever the machine's language
    current = Settings.from_env()
    accounts.save_account(current, email=SENDER, credential=Credential(SENDER, "secret"),
                          imap=rig.imaps, smtp=rig.submission)
    notify_rules.save_rules(open_database(current.db_path),
                            {"bounce": {"in_app", "email"}})
    return current


def _notifications_in_maildir(rig, token: str) -> list[str]:
    """Subjects of the notification mails in the sender's INBOX about our message (other
    tests of the session share the mailbox: their messages do not carry ``token``)."""
    found = []
    for path in rig.maildir_messages(SENDER):
        try:
            mail = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        except OSError:  # moved from new/ to cur/ meanwhile: seen at the next look
            continue
        body = mail.get_body(preferencelist=("plain",))
        if str(mail["Subject"]).startswith(notify.SUBJECT_PREFIX) and body is not None \
                and token in body.get_content():
            found.append(str(mail["Subject"]))
    return found


def test_bounce_while_track_runs_is_emailed_exactly_once(rig, settings: Settings) -> None:
    db = Database(settings.db_path)
    token = uuid.uuid4().hex
    tracker = subprocess.Popen([sys.executable, "-m", "app.cli", "track", "--account", SENDER,
                                "--timeout", "120", "--json"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while AccountStore(db).require(SENDER).sync_state != "watching" or not rig.idling(SENDER):
            assert tracker.poll() is None, tracker.communicate()
            assert time.monotonic() < deadline, "the watcher never settled into IDLE"
            time.sleep(0.1)
        sent = sending.send_message(settings, sending.OutgoingMessage(
            account_email=SENDER, to=[BOUNCES], subject=f"Devis {token}", text="Bonjour"))
        assert sent.status == "sent", sent.to_dict()
        deadline = time.monotonic() + 60
        while not _notifications_in_maildir(rig, token):
            assert tracker.poll() is None, tracker.communicate()
            assert time.monotonic() < deadline, "no notification mail reached the mailbox"
            time.sleep(0.2)
    finally:
        tracker.send_signal(signal.SIGTERM)  # ends the watch; the report is printed
        out, err = tracker.communicate(timeout=60)
    assert tracker.returncode == 0 and "Traceback" not in err, err
    report = json.loads(out)
    assert {"id": sent.id, "recipient": BOUNCES, "status": "hard_bounce"} in report["updated"]
    # Once in the history, once in the outbox (sent: nothing left to go out later)…
    history = [n for n in notify_rules.history(db) if token in n.body]
    assert [(n.kind, n.title) for n in history] == [("bounce", TITLE)]
    with db.reading() as conn:
        mails = conn.execute("SELECT subject, state, is_test FROM messages WHERE subject LIKE"
                             " '[Postier]%'").fetchall()
    assert [(m["subject"], m["state"], m["is_test"]) for m in mails] == [
        (notify.SUBJECT_PREFIX + TITLE, "sent", 1)]
    # …and once in the mailbox: the one outbox row above is the only copy that can exist.
    assert _notifications_in_maildir(rig, token) == [notify.SUBJECT_PREFIX + TITLE]


def test_track_once_mails_what_its_pass_found(rig, settings: Settings) -> None:
    """``track --once`` has no outbox behind it: the notification of the bounce its pass
    read is sent before it exits (recorded in the outbox, sent at once)."""
    db = Database(settings.db_path)
    token = uuid.uuid4().hex
    first = subprocess.run([sys.executable, "-m", "app.cli", "track", "--once", "--json"],
                           cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr  # the starting point: nothing to tell yet
    sent = sending.send_message(settings, sending.OutgoingMessage(
        account_email=SENDER, to=[BOUNCES], subject=f"Devis {token}", text="Bonjour"))
    assert sent.status == "sent", sent.to_dict()
    deadline = time.monotonic() + 60
    while not [n for n in notify_rules.history(db) if token in n.body]:
        assert time.monotonic() < deadline, "the bounce was never read"
        run = subprocess.run([sys.executable, "-m", "app.cli", "track", "--once", "--json"],
                             cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    with db.reading() as conn:
        mails = conn.execute("SELECT subject, state FROM messages WHERE subject LIKE"
                             " '[Postier]%'").fetchall()
    assert [(m["subject"], m["state"]) for m in mails] == [(notify.SUBJECT_PREFIX + TITLE,
                                                             "sent")]
    deadline = time.monotonic() + 30
    while not _notifications_in_maildir(rig, token):
        assert time.monotonic() < deadline, "the notification mail never reached the mailbox"
        time.sleep(0.2)
    assert _notifications_in_maildir(rig, token) == [notify.SUBJECT_PREFIX + TITLE]
