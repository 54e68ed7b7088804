"""``postier db migrate-to URL`` (issue 19, item 6) against a real PostgreSQL.

A laptop's SQLite history (accounts, messages with their recipients and timelines, a resend)
is copied into a team database: the counts of CLI.md, the same rows read back through the
team database, a second run that copies nothing, a run killed (SIGKILL) in the middle that
leaves the local file as it was and is finished by the next run with no duplicate. Errors:
an unreachable server or a refused URL exit 2 naming the host, never a password.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from app.services.config import Settings
from app.services.storage import AccountStore, Database, integrity_problems, open_database
from app.services.team import migrate
from tests.support import cli_contract as contract
from tests.support import sent_messages as sm
from tests.support.postgres import PostgresServer, free_port

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app.cli", *args],
                          env={**os.environ, **(env or {})}, capture_output=True, text=True,
                          timeout=300, cwd=ROOT, check=False)


def _local_history(n: int) -> Database:
    """This laptop's file: two accounts, ``n`` bulk messages and a bounced one resent."""
    db = open_database(Settings.from_env().db_path)
    for email in sm.ACCOUNTS:
        sm.add_account(db, email)
    sm.bulk_rows(db, n, now=datetime.now(UTC) - timedelta(days=1))
    _, rids = sm.add_message(db, sm.ACCOUNTS[0], "Facture", [("client@exemple.fr",
                                                             "hard_bounce")])
    sm.add_message(db, sm.ACCOUNTS[0], "Facture (renvoi)", [("client@exemple.com", "sent")],
                   resend_of=rids[0])
    from app.services.outbox import recipient_groups as rg

    rg.create_group(db, "Clients", [rg.Member("client@exemple.com", "Client"),
                                    rg.Member("autre@exemple.fr", "")])
    return db


def _counts(conn_like: object) -> tuple[int, int, int]:
    execute = conn_like.execute  # type: ignore[attr-defined]
    return tuple(execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]  # type: ignore[return-value]
                 for t in ("messages", "recipients", "events"))


def _fingerprint(path: Path) -> str:
    """The local file's content (every row of every table), not its bytes: SQLite may
    rewrite its header when read, the data must not change."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def test_migrate_copies_everything_once_and_reads_back_through_the_team_database(
        postgres_url: str) -> None:
    local = _local_history(300)
    with local.reading() as conn:
        expected = _counts(conn)
    before = _fingerprint(local.path)

    first = run("db", "migrate-to", postgres_url, "--json", "--batch", "50")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    contract.check(report, contract.MIGRATE_TO)
    assert (report["messages"], report["recipients"], report["events"]) == expected
    assert report["skipped"] == 0 and report["accounts"] == len(sm.ACCOUNTS)
    assert report["groups"] == 1
    assert "302/302 messages" in first.stderr  # progress, off stdout
    assert _fingerprint(local.path) == before  # the source is only read

    again = json.loads(run("db", "migrate-to", postgres_url, "--json").stdout)
    assert (again["messages"], again["recipients"], again["events"]) == (0, 0, 0)
    assert again["skipped"] == expected[0]

    team = open_database(postgres_url)
    with team.reading() as conn:
        assert _counts(conn) == expected
        # the resend still points at its original's recipient (ids differ over there)
        original = conn.execute(
            "SELECT r.address FROM messages m JOIN recipients r ON r.id = m.resend_of "
            "WHERE m.subject = 'Facture (renvoi)'").fetchone()
        assert original is not None and original[0] == "client@exemple.fr"
        # history from before 'sent by' existed is this laptop's user's
        assert conn.execute("SELECT COUNT(*) FROM messages WHERE sent_by = ''"
                            ).fetchone()[0] == 0
    from app.services.outbox import recipient_groups as rg

    group = rg.get_group(team, "clients")
    assert group is not None and len(group.members) == 2 and again["groups"] == 0
    accounts = AccountStore(team).list()
    assert sorted(a.email for a in accounts) == sorted(sm.ACCOUNTS)
    assert all(a.signature_html.startswith("<b>Boulangerie") for a in accounts)

    # The CLI reads the team database when told to: the same rows, each with its sender.
    listed = run("messages", "--json", "--limit", "5000",
                 env={"POSTIER_DATABASE_URL": postgres_url})
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    contract.check(rows, [contract.MESSAGE_ROW])
    assert len(rows) == expected[1] and all(r["sent_by"] for r in rows)
    who = rows[0]["sent_by"]
    mine = json.loads(run("messages", "--json", "--sent-by", who, "--limit", "5000",
                          env={"POSTIER_DATABASE_URL": postgres_url}).stdout)
    assert len(mine) == len(rows)
    assert json.loads(run("messages", "--json", "--sent-by", "nobody",
                          env={"POSTIER_DATABASE_URL": postgres_url}).stdout) == []


def test_kill_during_migration_leaves_the_source_intact_and_resumes(
        postgres_url: str) -> None:
    local = _local_history(3000)
    with local.reading() as conn:
        expected = _counts(conn)
    before = _fingerprint(local.path)
    open_database(postgres_url)  # schema made first: the poll below only counts rows

    child = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "db", "migrate-to", postgres_url, "--json",
         "--batch", "10"], cwd=ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    copied = 0
    try:
        with psycopg.connect(postgres_url, autocommit=True) as watch:
            deadline = time.monotonic() + 120
            while copied < 200 and child.poll() is None and time.monotonic() < deadline:
                copied = watch.execute("SELECT COUNT(*) FROM messages").fetchone()[0]
            os.kill(child.pid, signal.SIGKILL)  # mid-copy: well before its 3002 messages
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL, "the copy ended before it could be killed"
    with psycopg.connect(postgres_url, autocommit=True) as watch:
        partial = watch.execute("SELECT COUNT(*) FROM messages").fetchone()[0]
        # whole batches only: each message came with all its recipients
        assert watch.execute("SELECT COUNT(*) FROM messages m WHERE NOT EXISTS (SELECT 1 "
                             "FROM recipients r WHERE r.message_id = m.id)").fetchone()[0] == 0
    assert 0 < partial < expected[0]

    assert integrity_problems(local.path) == []
    assert _fingerprint(local.path) == before

    resumed = run("db", "migrate-to", postgres_url, "--json")
    assert resumed.returncode == 0, resumed.stderr
    report = json.loads(resumed.stdout)
    assert report["skipped"] == partial
    assert report["messages"] == expected[0] - partial
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        assert _counts(conn) == expected
        assert conn.execute("SELECT COUNT(DISTINCT message_id) FROM messages"
                            ).fetchone()[0] == expected[0]


def test_unreachable_or_refused_targets_exit_2_without_a_password(
        postgres_server: PostgresServer) -> None:
    _local_history(5)
    down = f"postgresql://compta@127.0.0.1:{free_port()}/team"
    result = run("db", "migrate-to", down, "--json")
    assert result.returncode == 2
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "TEAM_DATABASE_UNREACHABLE" and "127.0.0.1" in error["message"]

    with_password = postgres_server.url("postgres", "compta", "Tr3s-S3cret")
    result = run("db", "migrate-to", with_password, "--json")
    assert result.returncode == 2 and "S3cret" not in result.stdout + result.stderr
    assert json.loads(result.stdout)["error"]["code"] == "DATABASE_ERROR"

    postgres_server.add_role("compta2", "Tr3s-S3cret")
    refused = run("db", "migrate-to", postgres_server.url("postgres", "compta2"), "--json",
                  env={"PGPASSWORD": "wrong-S3cret"})
    assert refused.returncode == 2 and "S3cret" not in refused.stdout + refused.stderr
    assert json.loads(refused.stdout)["error"]["code"] == "TEAM_DATABASE_AUTH_FAILED"

    result = run("db", "migrate-to", "mysql://x/y", "--json")
    assert result.returncode == 2


def test_a_laptop_with_no_history_copies_nothing(postgres_url: str) -> None:
    report = migrate.migrate(Path(Settings.from_env().db_path), postgres_url)
    assert (report.messages, report.recipients, report.events, report.skipped) == (0, 0, 0, 0)


def test_db_check_and_restore_in_team_mode(postgres_server: PostgresServer,
                                           postgres_url: str) -> None:
    """With a team database set, ``db check`` checks it (read-only: an empty database stays
    empty) and ``db restore`` says the team's backups are its server's (exit 2)."""
    team = {"POSTIER_DATABASE_URL": postgres_url}
    empty = run("db", "check", "--json", env=team)
    assert empty.returncode == 1
    report = json.loads(empty.stdout)
    assert report["ok"] is False and "not a Postier database" in report["problems"][0]
    with psycopg.connect(postgres_url) as conn:  # the check created nothing
        assert conn.execute("SELECT to_regclass('messages')").fetchone()[0] is None

    open_database(postgres_url)
    sound = run("db", "check", "--json", env=team)
    assert sound.returncode == 0, sound.stdout
    report = json.loads(sound.stdout)
    assert report["ok"] is True and report["schema"] == report["schema_expected"]

    down = run("db", "check", "--json",
               env={"POSTIER_DATABASE_URL": f"postgresql://x@127.0.0.1:{free_port()}/t"})
    assert down.returncode == 2
    assert json.loads(down.stdout)["error"]["code"] == "TEAM_DATABASE_UNREACHABLE"

    refused = run("db", "restore", "--json", env=team)
    assert refused.returncode == 2
    assert json.loads(refused.stdout)["error"]["code"] == "DATABASE_ERROR"
