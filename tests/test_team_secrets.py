"""No secret ever goes into the team database (issue 19, item 1).

The same run as tests/test_cli_secrets.py (real Dovecot + Postfix, distinctive passwords,
POSTIER_LOG=DEBUG: account add, a refused add, check, send, track, messages, account list)
with POSTIER_DATABASE_URL pointing at a real PostgreSQL. Then the database is searched in
every form a password could take: a pg_dump of it, and the server's own files (the
database's tables and the write-ahead log, where even a row deleted since would show).
The passwords must be in the keyring file: that proves the search would find them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from tests.support.postgres import PostgresServer
from tests.test_cli_secrets import USERS, WRONG, leaks, secrets_rig  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parents[1]


def _server_files(server: PostgresServer, url: str) -> list[Path]:
    with psycopg.connect(url) as conn:
        oid = conn.execute("SELECT oid FROM pg_database WHERE datname = current_database()"
                           ).fetchone()[0]  # type: ignore[index]
        conn.execute("CHECKPOINT")  # the pages on disk, not only in the server's memory
    return [p for folder in (server.data / "base" / str(oid), server.data / "pg_wal")
            for p in folder.rglob("*") if p.is_file()]


def test_team_database_holds_no_password(secrets_rig, postgres_server: PostgresServer,  # noqa: F811
                                         postgres_url: str) -> None:
    rig = secrets_rig
    env = {**os.environ, **rig.env(), "POSTIER_LOG": "DEBUG", "POSTIER_DATABASE_URL":
           postgres_url, "PW_DAVE": USERS["dave@example.test"], "PW_WRONG": WRONG}
    outputs: list[bytes] = []

    def postier(*args: str, stdin: str = "") -> tuple[int, object]:
        proc = subprocess.run([sys.executable, "-m", "app.cli", *args, "--json"],
                              input=stdin.encode(), env=env, capture_output=True,
                              timeout=90, cwd=ROOT, check=False)
        outputs.extend([proc.stdout, proc.stderr])
        assert b"Traceback" not in proc.stderr, proc.stderr.decode(errors="replace")
        return proc.returncode, json.loads(proc.stdout)

    def ep(endpoint) -> str:  # noqa: ANN001 - tests.support.rig.Endpoint
        return f"{endpoint.host}:{endpoint.port}:{endpoint.security}"

    servers = ["--imap", ep(rig.imaps), "--smtp", ep(rig.submission), "--timeout", "15"]
    code, _ = postier("account", "add", "eve@example.test", "--password-stdin",
                      "--imap", ep(rig.imap_starttls), "--smtp", ep(rig.smtps),
                      stdin=WRONG + "\n")
    assert code == 1  # refused: nothing stored anywhere
    code, doc = postier("account", "add", "dave@example.test", "--password-env", "PW_DAVE",
                        *servers)
    assert code == 0, doc
    code, doc = postier("account", "add", "eve@example.test", "--password-stdin",
                        "--imap", ep(rig.imap_starttls), "--smtp", ep(rig.smtps),
                        stdin=USERS["eve@example.test"] + "\n")
    assert code == 0, doc
    for sender in ("dave@example.test", "eve@example.test"):
        code, sent = postier("send", "--from", sender, "--to", "bob@example.test",
                             "--to", "nobody@remote.test", "--subject", "canari",
                             "--body", "x")
        assert code == 0 and sent["status"] == "sent", sent  # type: ignore[index]
    deadline = time.monotonic() + 20
    bounced = 0
    while time.monotonic() < deadline and bounced < 2:
        code, tracked = postier("track", "--once")
        assert code == 0, tracked
        bounced += sum(u["status"] == "hard_bounce" for u in tracked["updated"])  # type: ignore[index]
        time.sleep(0.3)
    assert bounced == 2  # both accounts logged in to IMAP and read their bounce
    code, rows = postier("messages")
    assert code == 0 and len(rows) == 4 and all(r["sent_by"] for r in rows)  # type: ignore[arg-type]

    dump = subprocess.run([str(postgres_server.bindir / "pg_dump"), "--no-owner",
                           "--inserts", postgres_url], capture_output=True, check=True).stdout
    assert b"dave@example.test" in dump and b"canari" in dump  # the data really went there
    stored = [dump, *(p.read_bytes() for p in _server_files(postgres_server, postgres_url))]
    for secret in [*USERS.values(), WRONG]:
        assert not leaks(b"".join(outputs), secret), secret
        for data in stored:
            assert not leaks(data, secret), secret
    keyring_file = Path(os.environ["POSTIER_TEST_KEYRING_FILE"]).read_bytes()
    for user in ("dave@example.test", "eve@example.test"):
        assert leaks(keyring_file, USERS[user]), f"{user}'s password not in the keyring"
