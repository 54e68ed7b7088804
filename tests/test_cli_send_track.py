"""`postier send / track / messages` as CLI.md says, run as real subprocesses on the rig."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.services.config import Settings
from app.services.mail.auth import Credential
from app.services.setup import accounts

SENDER = "carol@example.test"
ROOT = Path(__file__).resolve().parents[1]


def postier(*args: str, stdin: str | None = None) -> tuple[int, object, str]:
    proc = subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True,
                          text=True, input=stdin, timeout=90, cwd=ROOT)
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, proc.stderr
    data = json.loads(proc.stdout) if "--json" in args else proc.stdout
    return proc.returncode, data, proc.stderr


@pytest.fixture()
def account(rig, postier_env: Path, monkeypatch: pytest.MonkeyPatch) -> str:  # noqa: ANN001
    monkeypatch.setenv("POSTIER_CA_FILE", str(rig.ca_file))
    accounts.save_account(Settings.from_env(), email=SENDER,
                          credential=Credential(SENDER, "secret"), imap=rig.imaps,
                          smtp=rig.submission)
    return SENDER


def test_send_track_messages_json(account: str, tmp_path: Path) -> None:
    body = tmp_path / "body.txt"
    body.write_text("Bonjour Bob,\nà demain.\n", encoding="utf-8")
    code, sent, _ = postier("send", "--from", account, "--to", "bob@example.test",
                            "--to", "nobody@remote.test", "--subject", "Réunion",
                            "--body-file", str(body), "--json")
    assert code == 0
    assert set(sent) >= {"id", "message_id", "status", "reply", "recipients"}
    assert sent["status"] == "sent" and sent["reply"].startswith("250")
    assert isinstance(sent["id"], int) and sent["message_id"].startswith("<")
    assert [(r["address"], r["status"]) for r in sent["recipients"]] == [
        ("bob@example.test", "sent"), ("nobody@remote.test", "sent")]

    updated: list[dict] = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        code, tracked, _ = postier("track", "--account", account, "--once", "--json")
        assert code == 0
        assert set(tracked) >= {"scanned", "matched", "updated"}
        assert isinstance(tracked["scanned"], int) and isinstance(tracked["matched"], int)
        updated += tracked["updated"]
        if {u["recipient"] for u in updated} >= {"bob@example.test", "nobody@remote.test"}:
            break
        time.sleep(0.3)
    assert {"id": sent["id"], "recipient": "bob@example.test", "status": "delivered"} in updated
    assert {"id": sent["id"], "recipient": "nobody@remote.test",
            "status": "hard_bounce"} in updated
    assert all(set(u) == {"id", "recipient", "status"} for u in updated)

    code, rows, _ = postier("messages", "--account", account, "--json")
    assert code == 0 and len(rows) == 2
    for row in rows:
        assert set(row) >= {"id", "date", "account", "from", "to", "subject", "status",
                            "message_id", "events"}
        assert row["id"] == sent["id"] and row["subject"] == "Réunion"
        assert row["account"] == account and row["from"] == account
        assert row["message_id"] == sent["message_id"]
        assert all(set(e) >= {"at", "status", "detail"} for e in row["events"])
    by_to = {r["to"]: r for r in rows}
    assert by_to["nobody@remote.test"]["status"] == "hard_bounce"
    assert [e["status"] for e in by_to["bob@example.test"]["events"]] == [
        "queued", "sent", "delivered"]
    code, bounced, _ = postier("messages", "--status", "hard_bounce", "--json")
    assert [r["to"] for r in bounced] == ["nobody@remote.test"]
    code, text, _ = postier("messages")
    assert code == 0 and "hard_bounce" in text and "nobody@remote.test" in text


def test_send_refused_by_server_exits_1(account: str) -> None:
    # Postfix knows example.test's mailboxes and refuses an unknown one at RCPT time.
    code, sent, _ = postier("send", "--from", account, "--to", "nobody@example.test",
                            "--subject", "x", "--body", "x", "--json")
    assert code == 1
    assert sent["status"] == "failed"
    assert sent["recipients"][0]["status"] == "hard_bounce"
    assert sent["recipients"][0]["detail"].startswith("550")


@pytest.mark.parametrize("args,code,error", [
    (["--from", "ghost@example.test", "--to", "a@b.test"], 2, "ACCOUNT_NOT_FOUND"),
    (["--from", SENDER, "--to", "not-an-address"], 2, "INVALID_EMAIL"),
])
def test_send_bad_input(account: str, args: list[str], code: int, error: str) -> None:
    got, data, _ = postier("send", *args, "--subject", "s", "--body", "b", "--json")
    assert got == code and data["error"]["code"] == error


def test_usage_errors_without_traceback(postier_env: Path) -> None:
    code, data, _ = postier("send", "--from", SENDER, "--to", "a@b.test", "--subject", "s",
                            "--body-file", "/nonexistent/body.txt", "--json")
    assert code == 2 and data["error"]["code"] == "FILE_ERROR"
    code, data, _ = postier("messages", "--status", "exploded", "--json")
    assert code == 2 and data["error"]["code"] == "INVALID_INPUT"
    code, data, _ = postier("messages", "--json")
    assert code == 0 and data == []
    code, data, _ = postier("track", "--account", "ghost@example.test", "--once", "--json")
    assert code == 2 and data["error"]["code"] == "ACCOUNT_NOT_FOUND"


def test_track_with_wrong_password_exits_1(account: str) -> None:
    from app.services.credentials import CredentialStore

    CredentialStore().set(account, "wrong")
    code, data, _ = postier("track", "--once", "--json")
    assert code == 1
    assert data["errors"][0]["code"] == "AUTH_FAILED"
    assert data["errors"][0]["account"] == account
    code, listed, _ = postier("account", "list", "--json")
    assert listed[0]["sync_state"] == "error" and listed[0]["sync_error"] == "AUTH_FAILED"


def test_track_shows_unmatched_bounce_and_watch_mode_ends(account: str, rig) -> None:  # noqa: ANN001
    import smtplib

    from tests.services.tracking.test_tracking import dsn

    # A message that carol sent from another mail client bounced: no message of ours.
    postier("send", "--from", account, "--to", "bob@example.test", "--subject", "s",
            "--body", "b", "--json")
    raw = dsn("ghost@remote.test", "failed", "5.1.1", "550 5.1.1 <ghost@remote.test>: unknown")
    host, port = rig.smtp_inject
    with smtplib.SMTP(host, port, timeout=10) as s:
        s.sendmail("", [account], raw)
    deadline = time.monotonic() + 15
    unmatched: list = []
    while not unmatched and time.monotonic() < deadline:
        code, tracked, _ = postier("track", "--once", "--json")
        unmatched = [u for u in tracked["unmatched"] if "ghost@remote.test" in (u["summary"] or "")]
        time.sleep(0.3)
    assert unmatched and unmatched[0]["kind"] == "dsn"
    started = time.monotonic()
    code, watched, _ = postier("track", "--timeout", "3", "--json")  # IDLE, then time is up
    assert code == 0 and set(watched) >= {"scanned", "matched", "updated"}
    assert time.monotonic() - started < 15
