"""Damaged or unreadable data (issue 15, item 3), on real SQLite files.

One page of the ``recipients`` table is overwritten in a real data file: every command that
meets it says DATABASE_ERROR naming the file (exit 2, one JSON document, no traceback),
``db check`` reports the damage without changing a byte, ``db restore`` brings back the
daily backup and keeps the damaged file beside it. A full disk (RLIMIT_FSIZE in the child
process) while recording a message: a clear error and nothing half-written.
"""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from app.services.config import Settings
from app.services.history import message_store as ms
from app.services.storage import Database, backups, open_database

ROOT = Path(__file__).resolve().parents[1]
MESSAGES = 150


def run(*args: str, env: dict[str, str] | None = None,
        limit_bytes: int | None = None) -> subprocess.CompletedProcess[str]:
    def limit() -> None:  # in the child only: the test process keeps its own limits
        if limit_bytes is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return subprocess.run([sys.executable, "-m", "app.cli", *args],
                          env={**os.environ, **(env or {})}, capture_output=True, text=True,
                          timeout=120, cwd=ROOT, check=False, preexec_fn=limit)


def error_of(out: subprocess.CompletedProcess[str], exit_code: int, code: str) -> dict:
    assert "Traceback" not in out.stdout + out.stderr, out.stderr
    assert out.returncode == exit_code, out
    doc = json.loads(out.stdout)  # exactly one JSON document
    assert doc["error"]["code"] == code, doc
    return doc["error"]


def add_messages(db: Database, count: int, start: int = 0) -> None:
    with db.transaction() as conn:
        for i in range(start, start + count):
            ms.insert_message(
                conn, account_id=None, account_email="jean@exemple.fr",
                message_id=f"<{uuid.uuid4().hex}@exemple.fr>", envid=uuid.uuid4().hex,
                from_addr="jean@exemple.fr", subject=f"Devis {i}", body_text="Bonjour",
                body_html=None, raw=b"x",
                recipients=[ms.NewRecipient(f"client{i}-{n}@exemple.fr", "to")
                            for n in range(3)])


def checkpoint(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def damage_recipients_page(path: Path) -> None:
    """Overwrite one page of the recipients table (its root) with junk, in place."""
    checkpoint(path)
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'recipients'"
                        ).fetchone()[0]
    conn.close()
    with open(path, "r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(bytes([0xA5]) * page_size)


@pytest.fixture
def data_file(postier_env: Path) -> Path:
    """A data file with messages and today's backup of it (taken by a second process's
    first write, as `postier send` would), then damaged."""
    path = Settings.from_env().db_path
    add_messages(open_database(path), MESSAGES)
    Database(path).set_setting("probe", "1")  # a later "process": its first write backs up
    assert [p.name for p in backups(path)] and ".daily-" in backups(path)[0].name
    damage_recipients_page(path)
    return path


def test_damaged_page_is_database_error_naming_the_file(data_file: Path) -> None:
    before = data_file.read_bytes()
    err = error_of(run("messages", "--json"), 2, "DATABASE_ERROR")
    assert str(data_file) in err["message"] and "malformed" in err["message"]
    assert "postier db restore" in err["hint"]
    text = run("messages")
    assert text.returncode == 2 and text.stdout == "" and "Traceback" not in text.stderr
    assert len(text.stderr.strip().splitlines()) == 1
    assert data_file.read_bytes() == before  # reading never "repairs" anything


def test_db_check_reports_the_damage_read_only(data_file: Path) -> None:
    before = data_file.read_bytes()
    out = run("db", "check", "--json")
    assert "Traceback" not in out.stderr and out.returncode == 1, out
    report = json.loads(out.stdout)
    assert report["ok"] is False and report["problems"], report
    assert report["file"] == str(data_file)
    assert data_file.read_bytes() == before


def test_db_restore_brings_back_the_backup_and_keeps_the_damaged_file(data_file: Path) -> None:
    damaged = data_file.read_bytes()
    backup = backups(data_file)[0]
    out = run("db", "restore", "--json")
    assert "Traceback" not in out.stderr and out.returncode == 0, out
    report = json.loads(out.stdout)
    assert report["restored_from"] == str(backup)
    kept = Path(report["damaged_kept_as"])
    assert kept.parent == data_file.parent and kept.read_bytes() == damaged
    assert json.loads(run("db", "check", "--json").stdout) | {"backups": None} == {
        "ok": True, "problems": [], "file": str(data_file), "backups": None}
    rows = json.loads(run("messages", "--json").stdout)
    assert len({r["id"] for r in rows}) == MESSAGES and len(rows) == 3 * MESSAGES


def test_restore_from_a_chosen_file_and_bad_sources(data_file: Path, tmp_path: Path) -> None:
    damaged = data_file.read_bytes()
    junk = tmp_path / "junk.bak"
    junk.write_bytes(os.urandom(8192))
    error_of(run("db", "restore", "--from", str(junk), "--json"), 2, "DATABASE_ERROR")
    error_of(run("db", "restore", "--from", str(tmp_path / "none.bak"), "--json"), 2,
             "FILE_ERROR")
    assert data_file.read_bytes() == damaged  # a refused restore changes nothing
    backup = backups(data_file)[0]
    out = run("db", "restore", "--from", str(backup), "--json")
    assert out.returncode == 0 and json.loads(out.stdout)["restored_from"] == str(backup)


def test_restore_without_any_backup_is_a_clear_error(postier_env: Path) -> None:
    path = Settings.from_env().db_path
    add_messages(open_database(path), 5)
    before = path.read_bytes()
    err = error_of(run("db", "restore", "--json"), 2, "DATABASE_ERROR")
    assert "No sound backup" in err["message"]
    assert path.read_bytes() == before


def test_a_sound_file_checks_ok(postier_env: Path) -> None:
    add_messages(open_database(Settings.from_env().db_path), 3)
    out = run("db", "check", "--json")
    assert out.returncode == 0 and json.loads(out.stdout)["ok"] is True


def test_disk_full_while_recording_a_message_half_writes_nothing(
        postier_env: Path, tmp_path: Path) -> None:
    from app.services.mail.auth import Credential
    from app.services.setup import accounts
    from app.services.setup.endpoint import Endpoint

    settings = Settings.from_env()
    accounts.save_account(settings, email="jean@exemple.fr",
                          credential=Credential("jean@exemple.fr", "pw"),
                          imap=Endpoint("127.0.0.1", 1, "ssl"),
                          smtp=Endpoint("127.0.0.1", 1, "ssl"))
    add_messages(Database(settings.db_path), 20)
    checkpoint(settings.db_path)
    body = tmp_path / "big.txt"
    body.write_text("Ligne de devis assez longue pour remplir le disque.\n" * 60000)  # 3 MB
    biggest = max(p.stat().st_size for p in postier_env.iterdir() if p.is_file())
    out = run("send", "--from", "jean@exemple.fr", "--to", "client@exemple.fr", "--subject",
              "Devis", "--body-file", str(body), "--json", limit_bytes=biggest + 256 * 1024)
    err = error_of(out, 2, "DATABASE_ERROR")
    assert str(settings.db_path) in err["message"] and "disk full" in err["message"]
    assert "nothing was half-written" in err["message"] and "disk space" in err["hint"]
    # Nothing half-written: the file is sound and holds exactly what it held before.
    out = run("db", "check", "--json")
    assert json.loads(out.stdout)["ok"] is True, out.stdout
    rows = json.loads(run("messages", "--json").stdout)
    assert len({r["id"] for r in rows}) == 20 and "Devis" not in {r["subject"] for r in rows}
