"""Secrets never leak (README, CLI.md): `postier account add / check / send / track /
messages / account list` run on real Dovecot + Postfix with POSTIER_LOG=DEBUG and
distinctive passwords; neither the passwords nor their wire forms (base64 in AUTH PLAIN /
AUTH LOGIN, URL- or JSON-escaped) may appear in stdout, stderr or any file under
POSTIER_HOME (the SQLite file, its WAL and SHM). They must be in the keyring file: that
proves the search would find them.

A rig of its own (module scope, ~2 s): the session rig's passwords ("secret") are too
common a word to search for.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from tests.conftest import require_root, require_tool

ROOT = Path(__file__).resolve().parents[1]
# One ASCII password (IMAP LOGIN may be used) and one with accents (AUTHENTICATE PLAIN,
# UTF-8): the two login paths.
USERS = {
    "dave@example.test": "Dv7-LeakCanary-q2x9Zt",
    "eve@example.test": "Év3-Canari-fuité-k8Wp",
    "bob@example.test": "bob-password",
}
WRONG = "Wr0ng-LeakCanary-77Hh"


@pytest.fixture(scope="module")
def secrets_rig() -> Iterator[object]:
    require_tool("dovecot")
    require_tool("postfix")
    require_root()
    from tests.support.rig import Rig

    rig = Rig.start(users=USERS)
    try:
        yield rig
    finally:
        rig.stop()


def forms(secret: str, users: list[str]) -> set[bytes]:
    """Every shape the secret could take in a log line, a reply echo or a stored row."""
    raw = secret.encode()
    out = {raw, secret.encode("latin-1", "replace"), json.dumps(secret).encode()[1:-1],
           quote(secret, safe="").encode(), quote_plus(secret).encode(),
           repr(raw)[2:-1].encode()}
    wire = [raw] + [f"\0{u}\0{secret}".encode() for u in users] + [
        f"{u}\0{u}\0{secret}".encode() for u in users]
    for item in wire:
        b64 = base64.b64encode(item)
        out |= {b64, b64.rstrip(b"=")}
    return out


def leaks(data: bytes, secret: str) -> list[bytes]:
    return [f for f in forms(secret, list(USERS)) if f in data]


def test_passwords_only_in_the_keyring(secrets_rig, postier_env: Path,
                                       tmp_path: Path) -> None:
    rig = secrets_rig
    env = {**os.environ, **rig.env(), "POSTIER_LOG": "DEBUG", "PW_DAVE": USERS[
        "dave@example.test"], "PW_WRONG": WRONG}
    outputs: list[bytes] = []

    def postier(*args: str, stdin: str = "") -> tuple[int, object]:
        proc = subprocess.run([sys.executable, "-m", "app.cli", *args, "--json"],
                              input=stdin.encode(), env=env, capture_output=True,
                              timeout=90, cwd=ROOT, check=False)
        outputs.extend([proc.stdout, proc.stderr])
        assert b"Traceback" not in proc.stderr, proc.stderr.decode(errors="replace")
        return proc.returncode, json.loads(proc.stdout)

    def ep(endpoint) -> str:
        return f"{endpoint.host}:{endpoint.port}:{endpoint.security}"

    servers = ["--imap", ep(rig.imaps), "--smtp", ep(rig.submission), "--timeout", "15"]
    # Wrong passwords first: refusals are where servers' replies and error texts show up.
    code, doc = postier("check", "dave@example.test", "--password-env", "PW_WRONG", *servers)
    assert code == 1 and doc["error"]["code"] == "AUTH_FAILED"
    code, doc = postier("account", "add", "eve@example.test", "--password-stdin",
                        "--imap", ep(rig.imap_starttls), "--smtp", ep(rig.smtps),
                        stdin=WRONG + "\n")
    assert code == 1
    code, doc = postier("account", "add", "dave@example.test", "--password-env", "PW_DAVE",
                        *servers)
    assert code == 0, doc
    code, doc = postier("account", "add", "eve@example.test", "--password-stdin",
                        "--imap", ep(rig.imap_starttls), "--smtp", ep(rig.smtps),
                        stdin=USERS["eve@example.test"] + "\n")
    assert code == 0, doc
    code, doc = postier("check", "eve@example.test", "--password-stdin", *servers,
                        stdin=USERS["eve@example.test"] + "\n")
    assert code == 0 and doc["ok"] is True

    for sender in ("dave@example.test", "eve@example.test"):
        code, sent = postier("send", "--from", sender, "--to", "bob@example.test",
                             "--to", "nobody@remote.test", "--subject", "canari",
                             "--body", "x")
        assert code == 0 and sent["status"] == "sent", sent
    deadline = time.monotonic() + 20
    bounced: set[str] = set()
    while time.monotonic() < deadline and len(bounced) < 2:
        code, tracked = postier("track", "--once")
        assert code == 0, tracked
        bounced |= {u["recipient"] + str(u["id"]) for u in tracked["updated"]
                    if u["status"] == "hard_bounce"}
        time.sleep(0.3)
    assert len(bounced) == 2  # both accounts logged in to IMAP and read their bounce
    postier("messages")
    postier("account", "list")

    debug = b"".join(outputs)
    assert b"DEBUG" in debug  # the debug logs really ran
    home_files = [p for p in postier_env.rglob("*") if p.is_file()]
    assert "postier.sqlite3" in {p.name for p in home_files}
    for secret in [*USERS.values(), WRONG]:
        assert not leaks(debug, secret), (secret, leaks(debug, secret))
        for path in home_files:
            assert not leaks(path.read_bytes(), secret), (secret, path)
    keyring_file = Path(os.environ["POSTIER_TEST_KEYRING_FILE"]).read_bytes()
    for user in ("dave@example.test", "eve@example.test"):
        assert leaks(keyring_file, USERS[user]), f"{user}'s password not in the keyring"
    assert not leaks(keyring_file, WRONG)  # a refused account stores nothing
