"""kill -9 at random moments, against the real rig (Postfix submission → Dovecot).

Real `postier send` and `postier outbox` processes are killed (SIGKILL) at seeded random
moments — while importing, recording, talking SMTP, writing DATA, waiting for the 250,
copying to Sent. Then `postier track` (long-running, it sends what is due) and
`postier outbox --once` recover. What counts is what arrived in bob's maildir, not what the
database says: every recorded message arrived exactly once (0 lost, 0 duplicated), nothing
arrived that was never recorded, nothing is left queued, and a message flagged uncertain
("may or may not have left") is one the maildir shows arrived once and whose success DSN
then proves it — except a kill in the documented gap between the "transmitting" commit and
the final dot, which leaves a message that never left, shown as uncertain (seen in about one
run in two here, never more than one; up to two are tolerated, and counted). See the state
table in app/services/outbox/sending.py.

Seed: POSTIER_KILL_SEED (default below); the figures are printed (pytest -s shows them).
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from app.services.config import Settings
from app.services.mail.auth import Credential
from app.services.outbox import sending
from app.services.setup import accounts
from app.services.storage import Database
from app.services.team.connection import settings_database
from tests.support.sent_messages import listed

ROOT = Path(__file__).resolve().parents[1]
SENDER = "carol@example.test"
RCPT = "bob@example.test"
SEED = int(os.environ.get("POSTIER_KILL_SEED", "20261202"))
CLI_SENDS = 12  # `postier send` processes, three at a time
QUEUED = 42  # messages left in the outbox for `postier outbox` processes to send
OUTBOX_KILLS = 5


@dataclass
class Figures:
    started: int = 0
    kills: int = 0
    left: set[tuple[int, str]] = field(default_factory=set)  # (id, mid-send state) kills left

    def note_leftovers(self, db: Database) -> None:
        """After a batch: what is half-sent now was left so by a killed process."""
        with db.reading() as conn:
            for row in conn.execute("SELECT id, state FROM messages WHERE state IN"
                                    " ('sending', 'data', 'transmitting')"):
                self.left.add((row["id"], row["state"]))


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, rig, postier_env: Path,  # noqa: ANN001
             monkeypatch: pytest.MonkeyPatch) -> Settings:
    # The same kills on the team database (issue 19): claims, recovery and the final-dot
    # check must hold there too, with processes that are each a laptop.
    if request.param == "postgresql":
        monkeypatch.setenv("POSTIER_DATABASE_URL", request.getfixturevalue("postgres_url"))
    monkeypatch.setenv("POSTIER_CA_FILE", str(rig.ca_file))
    monkeypatch.setenv("POSTIER_OUTBOX_POLL", "0.5")
    current = Settings.from_env()
    accounts.save_account(current, email=SENDER, credential=Credential(SENDER, "secret"),
                          imap=rig.imaps, smtp=rig.submission)
    return current


def _cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "app.cli", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@dataclass
class Run:
    proc: subprocess.Popen
    kill_after: float | None  # seconds after the anchor; None: let it finish
    anchor: Callable[[], bool] | None = None  # None: the process start
    anchored_at: float | None = None


def _run_and_kill(runs: list[Run], figures: Figures) -> None:
    """Wait for each process; SIGKILL it at its moment if it is still running. Each is
    reaped at once: a zombie still counts as alive for the stale-claim check."""
    start = time.monotonic()
    pending = list(runs)
    while pending:
        now = time.monotonic()
        for run in list(pending):
            if run.proc.poll() is not None:
                _, err = run.proc.communicate()
                assert "Traceback" not in err, err
                pending.remove(run)
                continue
            if run.kill_after is None:
                continue
            if run.anchored_at is None and (run.anchor is None or run.anchor()):
                run.anchored_at = start if run.anchor is None else now
            if run.anchored_at is not None and now >= run.anchored_at + run.kill_after:
                run.proc.send_signal(signal.SIGKILL)
                run.proc.wait(10)
                run.proc.communicate()
                figures.kills += 1
                pending.remove(run)
        time.sleep(0.003)


def _reached(db: Database, subject: str, states: tuple[str, ...]) -> Callable[[], bool]:
    marks = ",".join("?" for _ in states)

    def check() -> bool:
        with db.reading() as conn:
            return conn.execute(f"SELECT 1 FROM messages WHERE subject = ? AND state IN ({marks})",
                                (subject, *states)).fetchone() is not None
    return check


def _copies(rig, token: str) -> dict[str, int]:
    pattern = re.compile(rb"^Subject: (kill-" + token.encode() + rb"-\d+)\r?$", re.MULTILINE)
    copies: dict[str, int] = {}
    for path in rig.maildir_messages(RCPT):
        try:
            found = pattern.search(path.read_bytes())
        except FileNotFoundError:  # Dovecot moved it from new/ to cur/ meanwhile
            continue
        if found:
            subject = found.group(1).decode()
            copies[subject] = copies.get(subject, 0) + 1
    return copies


def test_kill_send_and_outbox_at_random_moments_loses_nothing_sends_once(
        rig, settings: Settings, tmp_path: Path) -> None:
    started = time.monotonic()
    rng = random.Random(SEED)
    token = uuid.uuid4().hex[:8]
    figures = Figures()

    # 1. `postier send`, three at a time. Some are killed at a random moment of their life
    #    (imports, recording, SMTP, the Sent copy: ~1 s in all), more at a random moment
    #    after their row appears, where the SMTP transaction is.
    db = settings_database(settings)
    big = tmp_path / "big.txt"
    big.write_text("".join(f"line {i} of a long quote, attachment-sized\n"
                           for i in range(15_000)))
    for first in range(0, CLI_SENDS, 3):
        batch = []
        for n in range(first, min(first + 3, CLI_SENDS)):
            subject = f"kill-{token}-{n}"
            draw = rng.random()
            # The DATA phase of a short message lasts a millisecond: the ones killed inside
            # it carry 600 kB, so that writing the body and waiting for the 250 take a while.
            body = ["--body-file", str(big)] if 0.40 <= draw < 0.65 else ["--body", f"m{n}"]
            proc = _cli("send", "--from", SENDER, "--to", RCPT, "--subject", subject, *body,
                        "--json")
            if draw < 0.15:  # anywhere in its life
                batch.append(Run(proc, rng.uniform(0.2, 1.2)))
            elif draw < 0.40:  # once recorded: claiming, connecting, TLS, AUTH, RCPT…
                batch.append(Run(proc, rng.uniform(0.0, 0.5),
                                 _reached(db, subject, ("queued", "sending"))))
            # Not anchored on "transmitting" itself: a kill fired the instant that commit
            # shows would race the sender to its next line, the documented gap before the
            # dot (see sending.py), instead of striking at a random moment.
            elif draw < 0.65:  # once in DATA: the body, the dot, the 250, the Sent copy
                batch.append(Run(proc, rng.uniform(0.0, 0.2),
                                 _reached(db, subject, ("data", "transmitting"))))
            else:
                batch.append(Run(proc, None))
        _run_and_kill(batch, figures)
        figures.note_leftovers(db)
        figures.started += len(batch)
    phase1 = time.monotonic() - started

    # 2. Messages waiting in the outbox (as the GUI or a scheduled send leaves them), sent
    #    by long-running `postier outbox` processes killed one after another.
    for n in range(CLI_SENDS, CLI_SENDS + QUEUED):
        sending.queue_message(settings, sending.OutgoingMessage(
            account_email=SENDER, to=[RCPT], subject=f"kill-{token}-{n}", text=f"message {n}"))
        figures.started += 1
    for _ in range(OUTBOX_KILLS):
        _run_and_kill([Run(_cli("outbox", "--json"), rng.uniform(0.4, 2.2))], figures)
        figures.note_leftovers(db)
    phase2 = time.monotonic() - started

    # 3. Recovery: the long-running tracker sends what is due, then one outbox pass.
    proc = _cli("track", "--account", SENDER, "--timeout", "2", "--json")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and "Traceback" not in err, err
    assert "outbox" in json.loads(out)
    proc = _cli("outbox", "--once", "--json")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    report = json.loads(out)
    assert report["remaining"] == 0 and report["held"] == 0, report

    # 4. Count what arrived. Every recorded message must arrive: wait for all of them
    #    (Postfix hands them to Dovecot within a second or so), then for Postfix's queue to
    #    empty, so a duplicate still in it would show.
    phase3 = time.monotonic() - started
    rows = {r["subject"]: r for r in listed(db)
            if r["subject"].startswith(f"kill-{token}-")}
    deadline = time.monotonic() + 20
    while len(_copies(rig, token)) < len(rows) and time.monotonic() < deadline:
        time.sleep(0.1)
    while rig.queue_ids(RCPT) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not rig.queue_ids(RCPT), "Postfix still holds mail for the recipient"
    copies = _copies(rig, token)

    duplicated = sorted(s for s, n in copies.items() if n > 1)
    lost = sorted(s for s in rows if copies.get(s, 0) == 0)
    # sending.py's documented gap: killed after "transmitting" was committed but before the
    # kernel took the final dot (no order of commit and send closes it; the other order risks
    # a duplicate). Such a message must be shown as uncertain ("unknown", never "sent"); it is
    # counted apart, and only a kill that left it in "transmitting" can explain it.
    gap = sorted(s for s in lost if (rows[s]["id"], "transmitting") in figures.left
                 and rows[s]["state"] == "unknown")
    lost = [s for s in lost if s not in gap]
    unrecorded = sorted(set(copies) - set(rows))
    stuck = sorted(s for s, r in rows.items() if r["state"] not in ("sent", "unknown"))
    uncertain = sorted(s for s, r in rows.items() if r["state"] == "unknown")
    wrong = sorted(s for s, r in rows.items()
                   if r["state"] == "sent" and r["status"] not in ("sent", "delivered"))
    print(f"\nkill test seed={SEED}: started {figures.started}, recorded {len(rows)}, "
          f"arrived {sum(copies.values())}, kills {figures.kills}, lost {len(lost)}, "
          f"duplicated {len(duplicated)}, unrecorded-but-sent {len(unrecorded)}, "
          f"uncertain {len(uncertain)} (never left: {len(gap)}), stuck {len(stuck)}, "
          f"left mid-send {dict(Counter(st for _, st in figures.left))}, "
          f"{time.monotonic() - started:.1f} s (sends {phase1:.1f}, outbox kills {phase2:.1f},"
          f" recovery {phase3:.1f})")
    assert figures.kills >= 5 and figures.started >= 50
    assert len(rows) >= 45, "too few messages recorded to mean anything"
    assert duplicated == [], duplicated
    assert lost == [], [(s, rows[s]["state"], rows[s]["status"]) for s in lost]
    assert len(gap) <= 2, f"{len(gap)} kills in the gap before the dot: {gap}"
    assert unrecorded == [], "a message left without being recorded first"
    assert stuck == [], [(s, rows[s]["state"]) for s in stuck]
    assert wrong == [], wrong

    # 5. Uncertain ones: the maildir shows they arrived once (checked above); the success
    #    DSN, read by the tracker, proves it in the table too.
    uncertain = [s for s in uncertain if s not in gap]  # those never left: nothing to prove
    if uncertain:
        ids = {rows[s]["id"] for s in uncertain}
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            subprocess.run([sys.executable, "-m", "app.cli", "track", "--account", SENDER,
                            "--once", "--json"], cwd=ROOT, capture_output=True, timeout=60,
                           check=False)
            proven = {r["id"] for r in listed(db)
                      if r["id"] in ids and r["status"] == "delivered"}
            if proven == ids:
                break
            time.sleep(0.3)
        assert proven == ids, "an uncertain message was never proven delivered"
