"""Every key, type and value ../shared/CLI.md lists, per subcommand, with --json and
without, on good and bad input, as real subprocesses (the mail rig for check / account /
send / track / messages). Shapes: tests/support/cli_contract.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import cli_contract as c

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "tests" / "data" / "bounces"
ALICE = "alice@example.test"


def run(*args: str, stdin: bytes = b"", env: dict[str, str] | None = None,
        json_out: bool | None = None) -> tuple[int, object, str]:
    """Exit code, parsed stdout (exactly one JSON document with --json), stderr."""
    proc = subprocess.run([sys.executable, "-m", "app.cli", *args], input=stdin,
                          env={**os.environ, **(env or {})}, capture_output=True, timeout=90,
                          cwd=ROOT, check=False)
    out, err = proc.stdout.decode(), proc.stderr.decode()
    assert "Traceback" not in out + err, err
    if json_out if json_out is not None else "--json" in args:
        return proc.returncode, json.loads(out), err  # json.loads refuses trailing text
    return proc.returncode, out, err


def ep(endpoint) -> str:
    return f"{endpoint.host}:{endpoint.port}:{endpoint.security}"


def error_doc(doc: object, code: str) -> None:
    c.check(doc, c.ERROR_DOC)
    assert doc["error"]["code"] == code, doc  # type: ignore[index]


# ---------------------------------------------------------------------------
# check
# ---------------------------------------------------------------------------
def test_check_contract_ok_and_failed(rig) -> None:
    env = {**rig.env(), "PW": "secret"}
    code, doc, err = run("check", ALICE, "--password-env", "PW", "--imap", ep(rig.imaps),
                         "--smtp", ep(rig.submission), "--timeout", "10", "--json", env=env)
    assert code == 0 and err == ""
    c.check(doc, c.CHECK)
    c.check(doc["incoming"], c.ENDPOINT)
    c.check(doc["outgoing"], c.ENDPOINT)
    assert doc["ok"] is True and doc["error"] is None
    assert all(s["ok"] and s["code"] is None for s in doc["steps"])
    assert {s["step"] for s in doc["steps"] if s["server"] == "imap"} >= {
        "connect", "tls", "greeting", "login", "select"}
    assert {s["step"] for s in doc["steps"] if s["server"] == "smtp"} >= {
        "connect", "greeting", "starttls", "login"}
    assert set(doc["tls"]) == {"imap", "smtp"}
    for info in doc["tls"].values():
        c.check(info, c.TLS_INFO)
        assert len(info["sha256"].replace(":", "")) == 64
        assert info["version"] in ("TLSv1.2", "TLSv1.3")

    env["PW"] = "wrong-password"
    code, doc, _ = run("check", ALICE, "--password-env", "PW", "--imap", ep(rig.imaps),
                       "--smtp", ep(rig.smtps), "--timeout", "10", "--json", env=env)
    assert code == 1
    c.check(doc, c.CHECK)
    assert doc["ok"] is False
    c.check(doc["error"], c.CHECK_ERROR)
    failed = [s for s in doc["steps"] if not s["ok"]]
    assert failed and all(s["code"] in c.ERROR_CODES and s["reply"] for s in failed)

    code, text, err = run("check", ALICE, "--password-env", "PW", "--imap", ep(rig.imaps),
                          "--smtp", ep(rig.smtps), "--timeout", "10", env=env)
    assert code == 1 and "AUTH_FAILED" in text and not text.lstrip().startswith("{")


# ---------------------------------------------------------------------------
# account add / list / remove
# ---------------------------------------------------------------------------
def test_account_add_list_remove_contract(rig) -> None:
    env = {**rig.env(), "PW": "secret"}
    servers = ["--imap", ep(rig.imaps), "--smtp", ep(rig.submission), "--timeout", "10"]
    code, doc, _ = run("account", "add", ALICE, "--password-stdin", *servers, "--json",
                       stdin=b"wrong\n", env=env)
    assert code == 1
    c.check(doc, c.CHECK)  # the failed check is the answer
    assert run("account", "list", "--json", env=env)[1] == []  # nothing stored

    code, doc, _ = run("account", "add", ALICE, "--password-env", "PW", *servers, "--json",
                       env=env)
    assert code == 0, doc
    c.check(doc, c.CHECK)
    assert doc["ok"] is True
    code, items, _ = run("account", "list", "--json", env=env)
    assert code == 0 and [a["email"] for a in items] == [ALICE]
    assert items[0]["auth"] == "password"  # CLI.md; "token_expires_at" is for OAuth2 rows
    code, text, _ = run("account", "list", env=env)
    assert code == 0 and ALICE in text

    code, doc, _ = run("account", "add", ALICE, "--password-env", "PW", *servers, "--json",
                       env=env)
    assert (code, doc["error"]["code"]) == (1, "ACCOUNT_EXISTS"), doc  # already there…
    c.check(doc, c.ERROR_DOC)
    assert [a["email"] for a in run("account", "list", "--json", env=env)[1]] == [ALICE]

    code, doc, _ = run("account", "remove", ALICE, "--json", env=env)
    assert code == 0 and doc == {**doc, "email": ALICE, "removed": True}
    code, doc, _ = run("account", "remove", ALICE, "--json", env=env)
    assert code == 1 and doc["removed"] is False
    assert run("account", "list", "--json", env=env)[1] == []
    code, text, _ = run("account", "list", env=env)
    assert code == 0 and text.strip()


# ---------------------------------------------------------------------------
# send / track / messages
# ---------------------------------------------------------------------------
@pytest.fixture()
def carol(rig, monkeypatch: pytest.MonkeyPatch) -> str:
    from app.services.config import Settings
    from app.services.mail.auth import Credential
    from app.services.setup import accounts

    monkeypatch.setenv("POSTIER_CA_FILE", str(rig.ca_file))
    accounts.save_account(Settings.from_env(), email="carol@example.test",
                          credential=Credential("carol@example.test", "secret"),
                          imap=rig.imaps, smtp=rig.submission)
    return "carol@example.test"


def test_send_track_messages_contract(carol: str, tmp_path: Path) -> None:
    code, sent, err = run("send", "--from", carol, "--to", "bob@example.test",
                          "--to", "nobody@remote.test", "--subject", "Contrat",
                          "--body", "x", "--json")
    assert code == 0 and err == ""
    c.check(sent, c.SEND)
    assert sent["status"] == "sent" and sent["reply"].startswith("250")

    code, refused, _ = run("send", "--from", carol, "--to", "nobody@example.test",
                           "--subject", "x", "--body", "x", "--json")
    assert code == 1
    c.check(refused, c.SEND)
    assert refused["status"] == "failed"
    assert refused["recipients"][0]["status"] == "hard_bounce"  # classified at once

    updated: list[dict] = []
    deadline = time.monotonic() + 20
    wanted = {("bob@example.test", "delivered"), ("nobody@remote.test", "hard_bounce")}
    while time.monotonic() < deadline and not {
            (u["recipient"], u["status"]) for u in updated} >= wanted:
        code, tracked, _ = run("track", "--account", carol, "--once", "--json")
        assert code == 0
        c.check(tracked, c.TRACK)
        updated += tracked["updated"]
        time.sleep(0.3)
    assert {(u["recipient"], u["status"]) for u in updated} >= wanted
    code, text, _ = run("track", "--account", carol, "--once")
    assert code == 0 and text.strip() and not text.lstrip().startswith("{")

    code, rows, _ = run("messages", "--account", carol, "--json")
    assert code == 0
    c.check(rows, [c.MESSAGE_ROW])
    # one row per (message, recipient)
    assert sorted((r["id"], r["to"]) for r in rows) == sorted(
        [(sent["id"], "bob@example.test"), (sent["id"], "nobody@remote.test"),
         (refused["id"], "nobody@example.test")])
    for row in rows:
        c.check_iso8601(row["date"])
        for event in row["events"]:
            c.check_iso8601(event["at"])
    code, only, _ = run("messages", "--status", "hard_bounce", "--json")
    assert {r["to"] for r in only} == {"nobody@remote.test", "nobody@example.test"}
    code, text, _ = run("messages")
    assert code == 0 and "nobody@remote.test" in text

    for args, code_expected, error in [
        (["send", "--from", carol, "--to", "x@y.fr", "--subject", "s", "--body-file",
          str(tmp_path / "missing.txt")], 2, "FILE_ERROR"),
        (["send", "--from", carol, "--to", "x@y.fr", "--subject", "s"], 2, "USAGE"),
        (["track", "--timeout", "0"], 2, "USAGE"),
        (["track", "--account", "ghost@example.test", "--once"], 2, "ACCOUNT_NOT_FOUND"),
        (["messages", "--status", "lost"], 2, "INVALID_INPUT"),
    ]:
        code, doc, _ = run(*args, "--json")
        assert code == code_expected, (args, doc)
        error_doc(doc, error)
        code, text, err = run(*args)
        assert code == code_expected and text == "" and len(err.strip().splitlines()) == 1


# ---------------------------------------------------------------------------
# classify (no server)
# ---------------------------------------------------------------------------
def test_classify_contract_every_sample(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 8)
    files = sorted(str(p) for p in SAMPLES.glob("*.eml"))
    code, entries, err = run("classify", *files, str(junk), str(tmp_path / "missing.eml"),
                             "-", "--json", stdin=b"")
    assert code == 0 and err == ""
    assert [e["file"] for e in entries] == [*files, str(junk), str(tmp_path / "missing.eml"),
                                            "-"]
    for entry in entries:
        c.check(entry, c.CLASSIFY_ENTRY)
        for rcpt in entry["recipients"]:
            assert rcpt["reason"] in c.CLASSIFIED[rcpt["category"]], rcpt
        if not entry["is_bounce"]:  # no bounce: no recipient, or one that is no failure
            assert {r["category"] for r in entry["recipients"]} <= {
                "auto_reply", "complaint", "opened", "delivered"}, entry
    assert any(e["is_bounce"] for e in entries)
    *_, junk_entry, missing, stdin_entry = entries
    assert junk_entry["is_bounce"] is False and junk_entry["recipients"] == []
    assert stdin_entry["is_bounce"] is False and stdin_entry["recipients"] == []
    c.check(missing["error"], {"code": str, "message": str})


# ---------------------------------------------------------------------------
# discover NOT_FOUND (no server answers): exit 1, error + tried
# ---------------------------------------------------------------------------
def test_discover_not_found_contract(tmp_path: Path) -> None:
    from tests.support.rig import free_port

    dead = free_port()
    env = {"POSTIER_DNS": f"127.0.0.1:{dead}", "POSTIER_ISPDB_URL": f"http://127.0.0.1:{dead}/",
           "POSTIER_AUTOCONFIG_SCHEME": "http"}
    code, doc, _ = run("discover", "jean@nowhere.test", "--timeout", "3", "--json", env=env)
    assert code == 1
    c.check(doc, c.DISCOVER_NOT_FOUND)
    assert doc["error"]["code"] == "NOT_FOUND" and doc["tried"]
    assert all(t["result"] != "found" for t in doc["tried"])
    code, text, _ = run("discover", "jean@nowhere.test", "--timeout", "3", env=env)
    assert code == 1 and text.strip()  # the readable report of what was tried


# ---------------------------------------------------------------------------
# every subcommand: bad usage is exit 2 with one JSON error, or one stderr line
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("args", [
    ["discover"], ["check"], ["account", "add"], ["account", "remove"],
    ["send", "--to", "a@b.fr"], ["track", "--timeout", "soon"],
    ["messages", "--limit", "many"], ["classify"], ["domain"],
    ["account", "list", "--bogus"], ["discover", "x" * 100_000 + "@b.fr"],
])
def test_bad_usage_every_subcommand(args: list[str]) -> None:
    code, doc, _ = run(*args, "--json")
    assert code == 2, doc
    c.check(doc, c.ERROR_DOC)
    code, text, err = run(*args)
    assert code == 2 and text == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("postier: error:")
