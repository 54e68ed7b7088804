"""`postier check` as a subprocess against real Dovecot + Postfix: JSON contract, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

ALICE = "alice@example.test"
CONTRACT_KEYS = {"ok", "email", "incoming", "outgoing", "steps", "tls", "error"}


def ep(endpoint) -> str:
    return f"{endpoint.host}:{endpoint.port}:{endpoint.security}"


def postier(rig, *args: str, password: str = "secret", stdin: str = "",
            extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **rig.env(), "RIG_PW": password, **(extra_env or {})}
    return subprocess.run([sys.executable, "-m", "app.cli", *args], input=stdin, env=env,
                          capture_output=True, text=True, timeout=60, check=False)


def test_check_passes_exit_0_with_contract_json(rig) -> None:
    out = postier(rig, "check", ALICE, "--json", "--password-env", "RIG_PW",
                  "--imap", ep(rig.imaps), "--smtp", ep(rig.submission), "--timeout", "10")
    assert out.returncode == 0, out.stderr + out.stdout
    doc = json.loads(out.stdout)  # exactly one JSON document on stdout
    assert CONTRACT_KEYS <= set(doc)
    assert doc["ok"] is True and doc["error"] is None and doc["email"] == ALICE
    assert doc["incoming"] == {"host": rig.imaps.host, "port": rig.imaps.port,
                               "security": "ssl"}
    assert doc["outgoing"]["security"] == "starttls"
    steps = {(s["server"], s["step"]) for s in doc["steps"]}
    assert {("imap", "select"), ("smtp", "login"), ("smtp", "starttls")} <= steps
    assert doc["tls"]["imap"]["version"] in ("TLSv1.2", "TLSv1.3")
    assert "secret" not in out.stdout + out.stderr


def test_check_wrong_password_exit_1_with_code_and_raw_reply(rig) -> None:
    out = postier(rig, "check", ALICE, "--json", "--password-stdin", "--imap", ep(rig.imaps),
                  "--smtp", ep(rig.smtps), "--timeout", "10", stdin="not-the-password\n")
    assert out.returncode == 1, out.stderr
    doc = json.loads(out.stdout)
    assert doc["ok"] is False
    assert doc["error"]["code"] == "AUTH_FAILED"
    assert doc["error"]["server"] in ("imap", "smtp")
    assert doc["error"]["message"] and doc["error"]["hint"]
    assert "AUTHENTICATIONFAILED" in doc["error"]["reply"] or "535" in doc["error"]["reply"]
    failed = [s for s in doc["steps"] if not s["ok"]]
    assert failed and all(s["code"] == "AUTH_FAILED" and s["reply"] for s in failed)
    assert "not-the-password" not in out.stdout + out.stderr


def test_check_plaintext_server_exit_1(rig) -> None:
    out = postier(rig, "check", ALICE, "--json", "--password-env", "RIG_PW",
                  "--imap", ep(rig.imap_plaintext), "--smtp", ep(rig.submission))
    assert out.returncode == 1
    assert json.loads(out.stdout)["error"]["code"] == "PLAINTEXT_REFUSED"


def test_check_untrusted_then_pinned(rig) -> None:
    no_ca = {"POSTIER_CA_FILE": ""}
    out = postier(rig, "check", ALICE, "--json", "--password-env", "RIG_PW",
                  "--imap", ep(rig.imaps), "--smtp", ep(rig.smtps), extra_env=no_ca)
    assert out.returncode == 1
    doc = json.loads(out.stdout)
    assert doc["error"]["code"] == "CERT_UNTRUSTED"
    sha = doc["certificates"]["imap"]["sha256"]
    out = postier(rig, "check", ALICE, "--json", "--password-env", "RIG_PW",
                  "--imap", ep(rig.imaps), "--smtp", ep(rig.smtps), "--pin", sha.upper(),
                  extra_env=no_ca)
    assert out.returncode == 0, out.stdout


def test_check_text_output(rig) -> None:
    out = postier(rig, "check", ALICE, "--password-env", "RIG_PW",
                  "--imap", ep(rig.imap_starttls), "--smtp", ep(rig.smtps))
    assert out.returncode == 0, out.stderr
    assert "OK" in out.stdout.splitlines()[0]
    assert "starttls" in out.stdout and "login" in out.stdout


def test_check_bad_input_exit_2_without_traceback(rig) -> None:
    for email, args, code in (
            (ALICE, ["--imap", "127.0.0.1:notaport:ssl"], "INVALID_INPUT"),
            (ALICE, ["--imap", ep(rig.imaps), "--pin", "not-a-fingerprint"], "INVALID_INPUT"),
            ("alice-at-example.test", ["--imap", ep(rig.imaps)], "INVALID_EMAIL")):
        out = postier(rig, "check", email, "--json", "--password-env", "RIG_PW",
                      "--smtp", ep(rig.smtps), *args)
        assert out.returncode == 2, (args, out.stdout, out.stderr)
        assert "Traceback" not in out.stderr
        error = json.loads(out.stdout)["error"]
        assert error["code"] == code and error["message"], (args, error)
