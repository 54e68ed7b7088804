"""CLI contract basics that need no server: version, usage errors, JSON errors, no tracebacks."""

import json
import subprocess
import sys

import pytest

from app import __version__


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app.cli", *args], input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_version() -> None:
    out = run("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"postier {__version__}"


@pytest.mark.parametrize("args", [
    ["check", "--json"],
    ["discover", "--json"],
    ["discover", "a@b.fr", "--timeout", "soon", "--json"],
    ["check", "jean@exemple.fr", "--imap", "host-without-port", "--password-env", "PW", "--json"],
    ["check", "jean@exemple.fr", "--imap", "h:99999:ssl", "--password-env", "PW", "--json"],
    ["check", "jean@exemple.fr", "--imap", "h:993:rot13", "--password-env", "PW", "--json"],
    ["check", "jean@exemple.fr", "--password-env", "UNSET_VARIABLE_XYZ", "--json"],
    ["check", "jean@exemple.fr", "--json"],
    ["nonsense", "--json"],
    ["account", "add", "--json"],
])
def test_bad_usage_is_exit_2_with_one_json_error(args: list[str]) -> None:
    out = run(*args)
    assert out.returncode == 2, out
    doc = json.loads(out.stdout)
    assert set(doc) >= {"error"}
    assert doc["error"]["code"] and doc["error"]["message"]
    assert "Traceback" not in out.stderr + out.stdout


def test_bad_usage_without_json_is_one_line_on_stderr() -> None:
    out = run("check")
    assert out.returncode == 2
    assert out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1
    assert "Traceback" not in out.stderr


def test_account_list_empty_and_remove_unknown() -> None:
    out = run("account", "list", "--json")
    assert out.returncode == 0
    assert json.loads(out.stdout) == []
    out = run("account", "remove", "nobody@exemple.fr", "--json")
    assert out.returncode == 1
    assert json.loads(out.stdout) == {"email": "nobody@exemple.fr", "removed": False}


def test_password_from_stdin_never_echoed() -> None:
    out = run("check", "jean@exemple.fr", "--password-stdin", "--imap", "127.0.0.1:1:ssl",
              "--smtp", "127.0.0.1:1:ssl", "--timeout", "3", "--json",
              stdin="Sup3r-Secret-Value\n")
    assert "Sup3r-Secret-Value" not in out.stdout + out.stderr


def test_reader_closing_the_pipe_early_gives_no_traceback() -> None:
    """`postier classify *.eml --json | head -c 10`: the output is larger than the pipe
    buffer, the reader leaves, and the command must end quietly."""
    from pathlib import Path

    samples = sorted(str(p) for p in (Path(__file__).parent / "data" / "bounces").glob("*.eml"))
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "classify", *samples, "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(10).startswith(b"[")
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert "Traceback" not in err and "BrokenPipe" not in err
