"""Servers whose newest TLS is 1.0 or 1.1 (issue 15, item 5): TLS_TOO_OLD for IMAP and SMTP,
implicit TLS and STARTTLS — also when the server answers a modern ClientHello with a bare
"handshake failure" alert, as some old stacks do (then only a TLS 1.0/1.1 probe on a second
connection can name the cause). Postier itself never logs in below TLS 1.2.

The test servers (tests/support/misbehaving_server.py) run OpenSSL at security level 0,
which OpenSSL 3 requires to speak TLS < 1.2 at all.
"""

from __future__ import annotations

import json
import os
import socket
import ssl
import subprocess
import sys
from pathlib import Path

import pytest

from app.services.config import Settings
from app.services.errors import message_for
from app.services.mail.auth import Credential
from app.services.mail.tls import classify_ssl_error, client_context
from app.services.setup.connection_check import check_account, format_text

ALICE = "alice@example.test"
FAST = 10.0
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def settings(bad_servers, tmp_path: Path) -> Settings:
    return Settings(home=tmp_path, ca_file=bad_servers.ca_file)


@pytest.mark.parametrize("server", ["tls11", "tls10", "tls11-handshake-failure"])
@pytest.mark.parametrize("mode", ["ssl", "starttls"])
@pytest.mark.parametrize("protocol", ["imap", "smtp"])
def test_old_tls_only_server_is_tls_too_old(bad_servers, settings: Settings, protocol: str,
                                            mode: str, server: str) -> None:
    old = bad_servers.old_tls(protocol, starttls=mode == "starttls", tls10=server == "tls10",
                              modern_hello_alert=server.endswith("handshake-failure"))
    good = bad_servers.smtps() if protocol == "imap" else bad_servers.imaps()
    imap, smtp = (old, good) if protocol == "imap" else (good, old)
    result = check_account(ALICE, Credential(ALICE, "secret"), settings, imap=imap.endpoint,
                           smtp=smtp.endpoint, timeout=FAST)
    assert result.error is not None, format_text(result)
    assert (result.error.code, result.error.server) == ("TLS_TOO_OLD", protocol), \
        format_text(result)
    failed = [s for s in result.steps if s.server == protocol and not s.ok]
    assert failed[-1].step == ("tls" if mode == "ssl" else "starttls")
    # Nothing secret ever went over the old connection (nor over the probe).
    assert not any("AUTH" in c.upper() or "LOGIN" in c.upper() for c in old.commands)
    other = "smtp" if protocol == "imap" else "imap"
    assert other not in result.errors  # the healthy server still passed


def test_the_handshake_failure_server_needs_the_probe(bad_servers) -> None:
    # Control: with Postier's TLS >= 1.2 context alone, this server's alert looks like any
    # other handshake failure, so the TLS_TOO_OLD above comes from the probe.
    old = bad_servers.old_tls("imap", modern_hello_alert=True)
    ctx = client_context()
    ctx.load_verify_locations(cafile=str(bad_servers.ca_file))
    with socket.create_connection((old.host, old.port), timeout=FAST) as raw, \
            pytest.raises(ssl.SSLError) as err:
        ctx.wrap_socket(raw, server_hostname=old.host)
    assert classify_ssl_error(err.value).code == "TLS_HANDSHAKE_FAILED"


def test_too_old_is_said_in_french_and_english_and_does_not_blame_the_port() -> None:
    for language in ("fr", "en"):
        message, hint = message_for("TLS_TOO_OLD", language)
        assert "1.2" in message and "1.2" in hint
        assert "port" not in message.lower()
    assert "trop ancien" in message_for("TLS_TOO_OLD", "fr")[1]
    assert "too old" in message_for("TLS_TOO_OLD", "en")[1]


def test_cli_check_says_tls_too_old(bad_servers) -> None:
    imap = bad_servers.old_tls("imap", starttls=True)
    smtp = bad_servers.old_tls("smtp")
    out = subprocess.run(
        [sys.executable, "-m", "app.cli", "check", ALICE, "--password-env", "PW",
         "--imap", f"{imap.host}:{imap.port}:starttls", "--smtp", f"{smtp.host}:{smtp.port}:ssl",
         "--timeout", str(FAST), "--json"],
        env={**os.environ, "PW": "secret", "POSTIER_CA_FILE": str(bad_servers.ca_file)},
        capture_output=True, text=True, timeout=60, cwd=ROOT, check=False)
    assert "Traceback" not in out.stderr and out.returncode == 1, out
    doc = json.loads(out.stdout)
    assert doc["error"]["code"] == "TLS_TOO_OLD"
    assert {s["code"] for s in doc["steps"] if not s["ok"]} == {"TLS_TOO_OLD"}


@pytest.mark.parametrize("level", [0, 1, 2, 3])
def test_whatever_the_systems_openssl_security_level(bad_servers, tmp_path: Path,
                                                     level: int) -> None:
    # The system's OpenSSL configuration (Debian ships SECLEVEL=2, some distributions 1 or
    # 3, a company may force more) must not change the answer: the probe sets its own level.
    conf = tmp_path / "openssl.cnf"
    conf.write_text("openssl_conf = default_conf\n[default_conf]\nssl_conf = ssl_sect\n"
                    "[ssl_sect]\nsystem_default = system_default_sect\n"
                    "[system_default_sect]\nMinProtocol = TLSv1.2\n"
                    f"CipherString = DEFAULT:@SECLEVEL={level}\n")
    imap = bad_servers.old_tls("imap", starttls=True, modern_hello_alert=True)
    smtp = bad_servers.old_tls("smtp", modern_hello_alert=True)
    out = subprocess.run(
        [sys.executable, "-m", "app.cli", "check", ALICE, "--password-env", "PW",
         "--imap", f"{imap.host}:{imap.port}:starttls", "--smtp", f"{smtp.host}:{smtp.port}:ssl",
         "--timeout", str(FAST), "--json"],
        env={**os.environ, "PW": "secret", "POSTIER_CA_FILE": str(bad_servers.ca_file),
             "OPENSSL_CONF": str(conf)},
        capture_output=True, text=True, timeout=60, cwd=ROOT, check=False)
    assert "Traceback" not in out.stderr and out.returncode == 1, out
    doc = json.loads(out.stdout)
    assert {s["code"] for s in doc["steps"] if not s["ok"]} == {"TLS_TOO_OLD"}, doc["steps"]
