"""A server that answers a refused login with the very command it got (``535 … failed
for: AUTH PLAIN <base64>``, ``NO bad: LOGIN user "password"``) must not make Postier show
or store the password: `postier check`, `account add`, `send` and `track` as
subprocesses against such servers (in-process, loopback TLS, free ports)."""

from __future__ import annotations

import base64
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import trustme

from app.services.config import Settings
from app.services.mail.auth import Credential
from app.services.setup import accounts
from app.services.setup.endpoint import Endpoint

ROOT = Path(__file__).resolve().parents[1]
USER = "dave@example.test"
ASCII_PW = "Echo-Canary-ascii-5521"
ACCENT_PW = "Écho-Canari-été-8830"


def _smtp_session(conn: ssl.SSLSocket) -> None:
    reader = conn.makefile("rb")
    conn.sendall(b"220 echo.test ESMTP\r\n")
    while line := reader.readline():
        text = line.decode(errors="replace").rstrip("\r\n")
        verb = text.split(" ")[0].upper()
        if verb == "EHLO":
            out = "250-echo.test\r\n250 AUTH PLAIN LOGIN"
        elif text.upper().startswith("AUTH LOGIN"):
            conn.sendall(b"334 UGFzc3dvcmQ6\r\n")
            out = f"535 5.7.8 rejected: {text} / {reader.readline().decode().strip()}"
        elif verb == "AUTH":
            out = f"535 5.7.8 Authentication failed for: {text}"
        elif verb == "QUIT":
            conn.sendall(b"221 bye\r\n")
            return
        else:
            out = f"502 5.5.2 not implemented: {text}"
        conn.sendall(out.encode() + b"\r\n")


def _imap_session(conn: ssl.SSLSocket) -> None:
    reader = conn.makefile("rb")
    conn.sendall(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] echo ready\r\n")
    while line := reader.readline():
        text = line.decode(errors="replace").rstrip("\r\n")
        tag, _, rest = text.partition(" ")
        words = rest.split(" ")
        command = words[0].upper()
        if command == "CAPABILITY":
            out = f"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done"
        elif command == "AUTHENTICATE" and len(words) < 3:
            conn.sendall(b"+ \r\n")
            data = reader.readline().decode(errors="replace").strip()
            out = f"{tag} NO [AUTHENTICATIONFAILED] bad credentials {data}"
        elif command in ("AUTHENTICATE", "LOGIN"):
            out = f"{tag} NO [AUTHENTICATIONFAILED] bad: {rest}"
        elif command == "LOGOUT":
            conn.sendall(f"* BYE\r\n{tag} OK\r\n".encode())
            return
        else:
            out = f"{tag} BAD {rest}"
        conn.sendall(out.encode() + b"\r\n")


class EchoServers:
    def __init__(self, directory: Path) -> None:
        ca = trustme.CA()
        self.ca_file = directory / "echo-ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_file))
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(self.context)
        self._listeners: list[socket.socket] = []
        self.smtp = self._serve(_smtp_session)
        self.imap = self._serve(_imap_session)

    def _serve(self, session: Callable[[ssl.SSLSocket], None]) -> Endpoint:
        listener = socket.create_server(("127.0.0.1", 0))
        self._listeners.append(listener)

        def handle(raw: socket.socket) -> None:
            try:
                with self.context.wrap_socket(raw, server_side=True) as conn:
                    session(conn)
            except OSError:
                pass  # the client hung up: nothing to answer

        def accept() -> None:
            while True:
                try:
                    raw, _ = listener.accept()
                except OSError:
                    return
                raw.settimeout(10)
                threading.Thread(target=handle, args=(raw,), daemon=True).start()

        threading.Thread(target=accept, daemon=True).start()
        return Endpoint("127.0.0.1", listener.getsockname()[1], "ssl")

    def stop(self) -> None:
        for listener in self._listeners:
            listener.close()


@pytest.fixture(scope="module")
def echo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EchoServers]:
    servers = EchoServers(tmp_path_factory.mktemp("echo"))
    yield servers
    servers.stop()


def forms(secret: str) -> set[bytes]:
    raw = secret.encode()
    out = {raw, json.dumps(secret).encode()[1:-1]}
    for item in (raw, b"\0" + USER.encode() + b"\0" + raw):
        b64 = base64.b64encode(item)
        out |= {b64, b64.rstrip(b"=")}
    return out


def assert_no_secret(data: bytes, secret: str) -> None:
    found = [f for f in forms(secret) if f in data]
    assert not found, found


def postier(echo: EchoServers, *args: str, env: dict[str, str] | None = None,
            stdin: str = "") -> subprocess.CompletedProcess[bytes]:
    full = {**os.environ, "POSTIER_CA_FILE": str(echo.ca_file), **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "app.cli", *args], input=stdin.encode(),
                          env=full, capture_output=True, timeout=60, cwd=ROOT, check=False)
    assert b"Traceback" not in proc.stderr, proc.stderr.decode(errors="replace")
    return proc


def ep(endpoint: Endpoint) -> str:
    return f"{endpoint.host}:{endpoint.port}:{endpoint.security}"


@pytest.mark.parametrize("secret", [ASCII_PW, ACCENT_PW], ids=["ascii", "accents"])
def test_check_and_account_add_hide_an_echoed_password(echo: EchoServers, secret: str,
                                                       postier_env: Path) -> None:
    servers = ["--imap", ep(echo.imap), "--smtp", ep(echo.smtp), "--timeout", "10"]
    out = postier(echo, "check", USER, "--password-env", "PW", *servers, "--json",
                  env={"PW": secret, "POSTIER_LOG": "DEBUG"})
    assert out.returncode == 1
    doc = json.loads(out.stdout)
    assert doc["error"]["code"] == "AUTH_FAILED"
    refused = [s for s in doc["steps"] if not s["ok"]]
    assert {s["server"] for s in refused} == {"imap", "smtp"}
    assert all("[redacted]" in s["reply"] for s in refused)  # the reply is kept, minus it
    assert_no_secret(out.stdout + out.stderr, secret)
    text = postier(echo, "check", USER, "--password-stdin", *servers, stdin=secret + "\n")
    assert text.returncode == 1 and b"[redacted]" in text.stdout
    assert_no_secret(text.stdout + text.stderr, secret)
    added = postier(echo, "account", "add", USER, "--password-env", "PW", *servers, "--json",
                    env={"PW": secret})
    assert added.returncode == 1
    assert_no_secret(added.stdout + added.stderr, secret)


@pytest.mark.parametrize("secret", [ASCII_PW, ACCENT_PW], ids=["ascii", "accents"])
def test_send_and_track_neither_show_nor_store_an_echoed_password(
        echo: EchoServers, secret: str, postier_env: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTIER_CA_FILE", str(echo.ca_file))
    accounts.save_account(Settings.from_env(), email=USER, credential=Credential(USER, secret),
                          imap=echo.imap, smtp=echo.smtp)
    debug = {"POSTIER_LOG": "DEBUG"}  # imapclient logs the server's lines at DEBUG
    sent = postier(echo, "send", "--from", USER, "--to", "x@exemple.fr", "--subject", "s",
                   "--body", "b", "--json", env=debug)
    assert sent.returncode == 1
    doc = json.loads(sent.stdout)
    assert doc["status"] == "failed" and "[redacted]" in doc["reply"]
    tracked = postier(echo, "track", "--once", "--json", env=debug)
    assert b"DEBUG imapclient" in tracked.stderr and b"[redacted]" in tracked.stderr
    errors = json.loads(tracked.stdout)["errors"]
    assert [e["code"] for e in errors] == ["AUTH_FAILED"] and "[redacted]" in errors[0]["reply"]
    rows = postier(echo, "messages", "--json")
    assert_no_secret(b"".join(p.stdout + p.stderr for p in (sent, tracked, rows)), secret)
    for path in postier_env.rglob("*"):
        if path.is_file():
            assert_no_secret(path.read_bytes(), secret)


def test_a_very_short_password_does_not_garble_the_output(echo: EchoServers,
                                                          postier_env: Path) -> None:
    # Scrubbing "x" everywhere would turn the address into "dave@e[redacted]ample.test".
    out = postier(echo, "check", USER, "--password-env", "PW", "--imap", ep(echo.imap),
                  "--smtp", ep(echo.smtp), "--timeout", "10", "--json", env={"PW": "x"})
    doc = json.loads(out.stdout)
    assert doc["email"] == USER and doc["error"]["code"] == "AUTH_FAILED"


@pytest.mark.parametrize("secret", [ASCII_PW, ACCENT_PW], ids=["ascii", "accents"])
def test_the_check_itself_never_hands_an_echoed_password_on(echo: EchoServers, secret: str,
                                                            postier_env: Path) -> None:
    """What the wizard shows ("The server answered: …") and copies into the diagnostics
    comes straight from the check's result: it must be clean at the source."""
    from app.services.setup.connection_check import check_account

    settings = Settings(home=postier_env, ca_file=echo.ca_file)
    result = check_account(USER, Credential(USER, secret), settings, imap=echo.imap,
                           smtp=echo.smtp, timeout=10)
    assert not result.ok and result.error is not None
    assert "[redacted]" in (result.error.reply or "")
    dumped = json.dumps(result.to_dict(), ensure_ascii=False).encode()
    assert_no_secret(dumped, secret)
    assert_no_secret(repr(result).encode(), secret)
