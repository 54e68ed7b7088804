"""Knowing when to read the rows again: the data fingerprint and the recipients to repaint."""

from __future__ import annotations

from app.services.history import message_rows as mr
from app.services.storage import Database
from tests.support import sent_messages as sm


def test_data_version_moves_on_new_event(db: Database) -> None:
    ids = sm.demo(db)
    before = mr.data_version(db)
    eid = sm.add_event(db, ids["sent"], "delivered", "dsn", "delivered", "250 ok")
    after = mr.data_version(db)
    assert after != before and after[0] == eid
    assert mr.changed_recipients(db, before[0]) == [ids["sent"]]


def test_data_version_moves_on_account_sync_state(db: Database) -> None:
    from app.services.storage import AccountStore

    sm.demo(db)
    before = mr.data_version(db)
    AccountStore(db).update_fields(sm.ACCOUNTS[0], sync_state="watching")
    assert mr.data_version(db) != before
