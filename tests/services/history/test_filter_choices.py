"""The filter bar's choices: accounts that appear in the table, and who sent."""

from __future__ import annotations

from app.services.history import filter_choices as fc
from app.services.storage import Database
from tests.support import sent_messages as sm


def test_account_emails_lists_configured_and_past_accounts(db: Database) -> None:
    assert fc.account_emails(db) == []
    sm.add_account(db, "b@x.fr")
    assert fc.account_emails(db) == ["b@x.fr"]
    sm.bulk_rows(db, 50)  # messages of two accounts that are not configured
    sm.add_message(db, "zz@removed.fr", "old", [("c@x.fr", "sent")])
    assert fc.account_emails(db) == sorted({"b@x.fr", "zz@removed.fr", *sm.ACCOUNTS})


def test_sender_names_lists_each_sender_once_in_order_without_blanks(db: Database) -> None:
    assert fc.sender_names(db) == []
    for who in ("Marc", "", "Zoé", "Marc", "Julie (compta)", ""):
        mid, _ = sm.add_message(db, sm.ACCOUNTS[0], "Devis", [("c@x.fr", "sent")])
        with db.transaction() as conn:
            conn.execute("UPDATE messages SET sent_by = ? WHERE id = ?", (who, mid))
    # Messages written before team mode carry no sender: they are not a choice.
    assert fc.sender_names(db) == ["Julie (compta)", "Marc", "Zoé"]
