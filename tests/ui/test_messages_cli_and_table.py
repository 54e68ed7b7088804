"""`postier messages --json` and the window's table list the same rows in the same order for
the same filter: both read through message_views (issue 14). The data is chosen where the
two used to differ: a message written early but sent late (the CLI sorted by
COALESCE(sent_at, created_at), the table by created_at), messages written in the same second
(ties), and a message to several recipients (one row each)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.services.config import Settings
from app.services.history import message_views as mv
from app.services.storage import Database, open_database
from app.ui.messages_model import SentMessagesModel
from tests.support import sent_messages as sm

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture()
def db() -> Database:
    db = open_database(Settings.from_env().db_path)  # POSTIER_HOME: the CLI's file too
    sm.demo(db, now=NOW)
    account = sm.ACCOUNTS[0]
    # Three recipients, two of them bounced; written in the same second as the next one.
    _, rids = sm.add_message(db, account, "Tarifs 2027", [
        ("a@client.fr", "delivered"), ("b@client.fr", "hard_bounce"),
        ("c@client.fr", "hard_bounce")], created=NOW - timedelta(hours=30))
    sm.add_message(db, sm.ACCOUNTS[1], "Tarifs 2027 (compta)", [("d@client.fr", "sent")],
                   created=NOW - timedelta(hours=30))
    # Written two days ago, sent just now: newest by sent_at, old by created_at.
    mid, _ = sm.add_message(db, account, "Programmé", [("e@client.fr", "hard_bounce")],
                            created=NOW - timedelta(days=2))
    with db.transaction() as conn:
        conn.execute("UPDATE messages SET sent_at = ? WHERE id = ?",
                     (sm.iso(NOW + timedelta(minutes=5)), mid))
    return db


def _cli(*args: str) -> list[dict]:
    proc = subprocess.run([sys.executable, "-m", "app.cli", "messages", *args, "--json"],
                          env={**os.environ}, capture_output=True, timeout=90, cwd=ROOT,
                          check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    return json.loads(proc.stdout)


def _table(model: SentMessagesModel, flt: mv.ViewFilter) -> list[tuple]:
    model.set_filter(flt)
    rows = [model.row_at(r) for r in range(model.rowCount())]
    return [(r.recipient_id, r.message_id, r.recipient, r.status, r.subject, r.account)
            for r in rows]


@pytest.mark.parametrize("args,flt", [
    ((), mv.ViewFilter()),
    (("--status", "hard_bounce"), mv.ViewFilter(statuses=("hard_bounce",))),
    (("--account", sm.ACCOUNTS[1]), mv.ViewFilter(accounts=(sm.ACCOUNTS[1],))),
    (("--account", sm.ACCOUNTS[0], "--status", "hard_bounce"),
     mv.ViewFilter(statuses=("hard_bounce",), accounts=(sm.ACCOUNTS[0],))),
], ids=["all", "status", "account", "account+status"])
def test_cli_lists_what_the_table_shows(qtbot, db: Database, args: tuple[str, ...],
                                        flt: mv.ViewFilter) -> None:
    model = SentMessagesModel(db)
    table = _table(model, flt)
    cli = [(r["recipient_id"], r["id"], r["to"], r["status"], r["subject"], r["account"])
           for r in _cli(*args)]
    assert table, "the filter must keep some rows, or the comparison proves nothing"
    assert cli == table


def test_same_order_where_the_old_cli_query_differed(qtbot, db: Database) -> None:
    """The late-sent message sits at its creation date in both (not first, as the CLI's
    old COALESCE(sent_at, created_at) order put it), and each of its recipients is a row."""
    rows = _cli()
    subjects = [r["subject"] for r in rows]
    assert subjects.index("Programmé") > subjects.index("Tarifs 2027")
    assert [r["to"] for r in rows if r["subject"] == "Tarifs 2027"] == [
        "c@client.fr", "b@client.fr", "a@client.fr"]  # equal dates: newest row first
    late = rows[subjects.index("Programmé")]
    assert late["date"] == sm.iso(NOW + timedelta(minutes=5))  # the date shown: when it left
    assert [e["status"] for e in late["events"]] == ["sent", "hard_bounce"]
    model = SentMessagesModel(db)
    assert [r[4] for r in _table(model, mv.ViewFilter())] == subjects
