"""Bad input that must give a one-line error or a JSON error, never a traceback (CLI.md):
broken environment values, empty or undecodable passwords, a data dir that is a file or a
data file that is no database. No server needed: all of these are refused before any I/O."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Endpoints nothing listens on: a check that got past input validation would fail with
# exit 1 (CONNECT_REFUSED), not exit 2, so the exit code tells the two apart.
DEAD = ["--imap", "127.0.0.1:1:ssl", "--smtp", "127.0.0.1:1:ssl", "--timeout", "3"]


def run(*args: str | bytes, stdin: bytes = b"",
        env: dict[str, str | bytes] | None = None) -> subprocess.CompletedProcess[bytes]:
    full_env = {k.encode(): v.encode() for k, v in os.environ.items()}
    for key, value in (env or {}).items():
        full_env[key.encode()] = value if isinstance(value, bytes) else value.encode()
    return subprocess.run([sys.executable, "-m", "app.cli", *args], input=stdin,
                          env=full_env, capture_output=True, timeout=60, cwd=ROOT,
                          check=False)


def assert_json_error(out: subprocess.CompletedProcess[bytes], exit_code: int,
                      code: str) -> dict:
    assert b"Traceback" not in out.stdout + out.stderr, out.stderr.decode(errors="replace")
    assert out.returncode == exit_code, out
    doc = json.loads(out.stdout)  # exactly one JSON document
    assert set(doc["error"]) >= {"code", "message"}
    assert doc["error"]["code"] == code, doc
    assert isinstance(doc["error"]["message"], str) and doc["error"]["message"]
    return doc


def test_unknown_log_level_is_ignored_not_a_traceback() -> None:
    out = run("account", "list", "--json", env={"POSTIER_LOG": "bogus"})
    assert b"Traceback" not in out.stderr
    assert out.returncode == 0 and json.loads(out.stdout) == []


@pytest.mark.parametrize("stdin", [b"", b"\n"], ids=["empty", "empty-line"])
def test_empty_password_on_stdin_is_refused(stdin: bytes) -> None:
    out = run("check", "jean@exemple.fr", "--password-stdin", *DEAD, "--json", stdin=stdin)
    assert_json_error(out, 2, "INVALID_INPUT")


def test_empty_password_variable_is_refused() -> None:
    out = run("check", "jean@exemple.fr", "--password-env", "PW", *DEAD, "--json",
              env={"PW": ""})
    assert_json_error(out, 2, "INVALID_INPUT")


def test_password_that_is_not_utf8_is_refused_without_echo() -> None:
    secret = b"\xff\xfeSecretNotUtf8"
    out = run("check", "jean@exemple.fr", "--password-env", "PW", *DEAD, "--json",
              env={"PW": secret})
    doc = assert_json_error(out, 2, "INVALID_INPUT")
    assert "UTF-8" in doc["error"]["message"]
    assert b"SecretNotUtf8" not in out.stdout + out.stderr
    out = run("check", "jean@exemple.fr", "--password-stdin", *DEAD, "--json",
              stdin=secret + b"\n", env={"PYTHONIOENCODING": "utf-8"})
    assert_json_error(out, 2, "INVALID_INPUT")
    assert b"SecretNotUtf8" not in out.stdout + out.stderr


def test_password_that_is_not_utf8_without_json_is_one_line() -> None:
    out = run("check", "jean@exemple.fr", "--password-env", "PW", *DEAD, env={"PW": b"\xff"})
    assert out.returncode == 2 and out.stdout == b""
    assert len(out.stderr.strip().splitlines()) == 1 and b"Traceback" not in out.stderr


@pytest.mark.parametrize("command", [["account", "list"], ["messages"]])
def test_data_dir_that_is_a_file_is_a_database_error(tmp_path: Path,
                                                      command: list[str]) -> None:
    home = tmp_path / "not-a-dir"
    home.write_bytes(os.urandom(64))
    out = run(*command, "--json", env={"POSTIER_HOME": str(home)})
    assert_json_error(out, 2, "DATABASE_ERROR")


@pytest.mark.parametrize("command", [["account", "list"], ["messages"]])
def test_data_file_that_is_no_database_is_a_database_error(tmp_path: Path,
                                                           command: list[str]) -> None:
    home = tmp_path / "home"
    home.mkdir()
    junk = os.urandom(4096)
    (home / "postier.sqlite3").write_bytes(junk)
    out = run(*command, "--json", env={"POSTIER_HOME": str(home)})
    assert_json_error(out, 2, "DATABASE_ERROR")
    assert (home / "postier.sqlite3").read_bytes() == junk  # left untouched
    text = run(*command, env={"POSTIER_HOME": str(home)})
    assert text.returncode == 2 and text.stdout == b""
    assert len(text.stderr.strip().splitlines()) == 1 and b"Traceback" not in text.stderr


@pytest.mark.parametrize("args,code", [
    (["--to", "a@exemple.fr, b@exemple.fr"], "INVALID_EMAIL"),  # was: sent to a@ only
    (["--to", "a@exemple.fr\r\nBcc: spy@exemple.fr"], "INVALID_EMAIL"),  # was: Bcc dropped
    (["--to", "a@exemple.fr", "--cc", "c@exemple.fr\nx"], "INVALID_EMAIL"),
    (["--to", "a@exemple.fr", "--subject", "one\r\nBcc: spy@exemple.fr"], "INVALID_INPUT"),
])
def test_send_refuses_addresses_and_subjects_it_would_mangle(args: list[str],
                                                              code: str) -> None:
    # Refused before the account is looked up: no account, no server needed.
    base = ["send", "--from", "jean@exemple.fr", "--body", "x", "--json"]
    if "--subject" not in args:
        base += ["--subject", "s"]
    out = run(*base, *args)
    assert_json_error(out, 2, code)


@pytest.mark.parametrize("args", [
    ["messages", "--account", b"\xff"],
    ["send", "--from", "jean@exemple.fr", "--to", "a@exemple.fr", "--subject", b"\xff\xfe",
     "--body", "x"],
])  # classify takes file names as bytes: tests/test_cli_classify.py
def test_arguments_that_are_not_utf8_are_refused(args: list[str | bytes]) -> None:
    out = run(*args, "--json")
    assert_json_error(out, 2, "INVALID_INPUT")


@pytest.mark.parametrize("value", ["nan", "inf", "1e308", "0", "-1"])
@pytest.mark.parametrize("command", [
    ["check", "jean@exemple.fr", "--password-env", "PW", "--imap", "127.0.0.1:1:ssl",
     "--smtp", "127.0.0.1:1:ssl"],
    ["discover", "jean@exemple.invalid"],
    ["track", "--once"],
    ["domain", "exemple.invalid"],
], ids=["check", "discover", "track", "domain"])
def test_timeout_must_be_a_positive_finite_number(command: list[str], value: str) -> None:
    # Was: inf/1e308 → OverflowError reported as PROTOCOL_ERROR or INTERNAL_ERROR, nan and
    # negative values accepted. A dead DNS server keeps a run that got through short.
    out = run(*command, "--timeout", value, "--json",
              env={"PW": "x", "POSTIER_DNS": "127.0.0.1:9"})
    assert_json_error(out, 2, "USAGE")


def test_a_huge_limit_means_all_messages() -> None:
    out = run("messages", "--limit", "9" * 40, "--json")
    assert out.returncode == 0 and json.loads(out.stdout) == [], out


@pytest.mark.parametrize("ca", ["missing.pem", "junk.pem", "."])
def test_broken_ca_file_is_a_configuration_error(tmp_path: Path, ca: str) -> None:
    # Was: found at the first handshake and reported as the server's fault
    # (PROTOCOL_ERROR "check that the port is really IMAP", or TLS_HANDSHAKE_FAILED).
    (tmp_path / "junk.pem").write_bytes(os.urandom(512))
    out = run("check", "jean@exemple.fr", "--password-env", "PW", *DEAD, "--json",
              env={"PW": "x", "POSTIER_CA_FILE": str(tmp_path / ca)})
    doc = assert_json_error(out, 2, "INVALID_INPUT")
    assert "POSTIER_CA_FILE" in doc["error"]["message"]


def test_broken_keyring_backend_is_keyring_unavailable_and_changes_nothing(
        postier_env: Path) -> None:
    from app.services.config import Settings
    from app.services.credentials import CredentialStore
    from app.services.mail.auth import Credential
    from app.services.setup import accounts
    from app.services.setup.endpoint import Endpoint

    email = "jean@exemple.fr"
    accounts.save_account(Settings.from_env(), email=email,
                          credential=Credential(email, "Keep-Me-Safe-41"),
                          imap=Endpoint("127.0.0.1", 1, "ssl"),
                          smtp=Endpoint("127.0.0.1", 1, "ssl"))
    broken = {"PYTHON_KEYRING_BACKEND": "no_such_module.Keyring"}
    for command in (["account", "remove", email],
                    ["send", "--from", email, "--to", "a@exemple.fr", "--subject", "s",
                     "--body", "x"]):
        out = run(*command, "--json", env={**broken, "PW": "x"})
        assert b"Traceback" not in out.stderr and out.returncode == 2, out
        doc = json.loads(out.stdout)
        error = doc["error"]
        assert error["code"] == "KEYRING_UNAVAILABLE", doc
    # Was: the account row deleted, then INTERNAL_ERROR, the password left in the keyring.
    assert [a["email"] for a in accounts.list_accounts(Settings.from_env())] == [email]
    assert CredentialStore().get(email) == "Keep-Me-Safe-41"
    out = run("account", "remove", email, "--json")
    assert out.returncode == 0 and CredentialStore().get(email) is None
