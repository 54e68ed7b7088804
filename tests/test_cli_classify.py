"""`postier classify` end to end, as a subprocess: the CLI.md JSON contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent / "data" / "bounces"
EXPECTED = json.loads((SAMPLES / "expected.json").read_text("utf-8"))
RECIPIENT_KEYS = {"address", "status", "reply_code", "category", "reason", "diagnostic",
                  "remote_mta", "original_message_id"}


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "app.cli", "classify", *args], input=stdin,
                          capture_output=True, timeout=60, check=False)


def test_classify_json_matches_contract(tmp_path: Path) -> None:
    names = ["postfix_dsn_user_unknown.eml", "exim_text_user_unknown.eml", "human_reply.eml"]
    out = run(*(str(SAMPLES / n) for n in names), "--json")
    assert out.returncode == 0, out.stderr
    assert out.stderr == b""
    doc = json.loads(out.stdout)
    assert [e["file"] for e in doc] == [str(SAMPLES / n) for n in names]
    first = doc[0]
    assert first["is_bounce"] is True
    (rcpt,) = first["recipients"]
    assert RECIPIENT_KEYS <= set(rcpt)
    assert rcpt == {**rcpt, "address": "inconnu@client.fr", "status": "5.1.1",
                    "reply_code": "550", "category": "hard_bounce", "reason": "user_unknown",
                    "remote_mta": "mx.client.fr",
                    "original_message_id": "<postier.17.6f1c2a@exemple.fr>"}
    assert rcpt["diagnostic"].startswith("550 5.1.1 <inconnu@client.fr>: Recipient address")
    assert doc[1]["recipients"][0]["reason"] == "user_unknown"
    assert doc[2] == {**doc[2], "is_bounce": False, "recipients": []}


def test_classify_every_sample_in_one_run() -> None:
    out = run(*(str(SAMPLES / n) for n in sorted(EXPECTED)), "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert len(doc) == len(EXPECTED)
    for entry in doc:
        expected = EXPECTED[Path(entry["file"]).name]
        got = [[r["address"], r["category"], r["reason"], r["status"]] for r in entry["recipients"]]
        assert got == expected["recipients"], entry["file"]


def test_stdin_and_unreadable_file_go_on(tmp_path: Path) -> None:
    missing = tmp_path / "nope.eml"
    directory = tmp_path / "a-directory"
    directory.mkdir()
    raw = (SAMPLES / "qmail_user_unknown.eml").read_bytes()
    out = run(str(missing), "-", str(directory), str(SAMPLES / "mdn_deleted.eml"), "--json",
              stdin=raw)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert [e["file"] for e in doc] == [str(missing), "-", str(directory),
                                        str(SAMPLES / "mdn_deleted.eml")]
    for bad in (doc[0], doc[2]):
        assert bad["error"]["code"] == "FILE_ERROR" and bad["error"]["message"]
        assert bad["recipients"] == []
    assert doc[1]["recipients"][0]["address"] == "absent@destination.example"
    assert doc[3]["kind"] == "mdn"
    assert b"Traceback" not in out.stderr


def test_binary_garbage_on_stdin_is_no_bounce() -> None:
    out = run("-", "--json", stdin=bytes(range(256)) * 50)
    assert out.returncode == 0
    (entry,) = json.loads(out.stdout)
    assert entry["is_bounce"] is False and entry["recipients"] == []
    assert b"Traceback" not in out.stderr


def test_text_output() -> None:
    out = run(str(SAMPLES / "postfix_dsn_two_recipients.eml"))
    assert out.returncode == 0
    text = out.stdout.decode("utf-8")
    assert "nobody@remote.test: hard_bounce (user_unknown) 550 5.1.1" in text
    assert "spamtrap@remote.test: spam (spam_detected) 554 5.7.1" in text


def test_no_file_is_a_usage_error() -> None:
    out = run("--json")
    assert out.returncode == 2
    assert json.loads(out.stdout)["error"]["code"]


def test_a_file_name_that_is_not_utf8_is_classified_and_the_others_go_on(tmp_path: Path) -> None:
    import os

    odd = os.fsencode(tmp_path) + b"/rebond-\xe9t\xe9.eml"  # Latin-1 bytes, not UTF-8
    with open(odd, "wb") as handle:
        handle.write((SAMPLES / "qmail_user_unknown.eml").read_bytes())
    good = str(SAMPLES / "postfix_dsn_user_unknown.eml")
    out = subprocess.run([os.fsencode(sys.executable), b"-m", b"app.cli", b"classify",
                          os.fsencode(good), odd, os.fsencode(str(tmp_path / "missing.eml")),
                          b"--json"], capture_output=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert len(doc) == 3
    assert doc[0]["recipients"][0]["reason"] == "user_unknown"
    assert doc[1]["file"].endswith("rebond-\ufffdt\ufffd.eml")
    assert doc[1]["is_bounce"] is True and doc[1]["recipients"]
    assert doc[2]["error"]["code"] == "FILE_ERROR"
