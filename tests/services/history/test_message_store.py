"""Status model: precedence between signals, timeline events, the sent-messages rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.history import message_store as ms
from app.services.history import message_views as mv
from app.services.history.message_status import STATUSES
from app.services.storage import Database, database_for


@pytest.fixture()
def db(engine_target: Path | str) -> Database:
    return database_for(engine_target)  # each test on SQLite and on PostgreSQL


def _message(db: Database, addresses: list[str], n: int = 1, account: str = "a@x.test") -> int:
    with db.transaction() as conn:
        mid = ms.insert_message(
            conn, account_id=None, account_email=account, message_id=f"<m{n}@x.test>",
            envid=f"env{n}", from_addr=account, subject=f"s{n}", body_text="b",
            body_html=None, raw=b"raw",
            recipients=[ms.NewRecipient(a) for a in addresses])
        conn.execute("UPDATE messages SET sent_at = created_at WHERE id = ?", (mid,))
    return mid


def _rid(db: Database, mid: int, address: str) -> int:
    with db.reading() as conn:
        return ms.recipient_row(conn, mid, address)["id"]


@pytest.mark.parametrize("old,new,expected", [
    ("queued", "sent", True),
    ("sent", "deferred", True),         # delayed DSN after acceptance
    ("deferred", "sent", True),         # retry after a 4xx succeeded
    ("sent", "queued", False),
    ("sent", "delivered", True),
    ("delivered", "deferred", False),   # a late "delayed" DSN after delivery
    ("hard_bounce", "deferred", False),  # the example
    ("hard_bounce", "soft_bounce", False),
    ("soft_bounce", "hard_bounce", True),
    ("delivered", "hard_bounce", True),  # relayed, then the next hop bounced
    ("opened", "hard_bounce", False),    # the recipient read it: it arrived
    ("hard_bounce", "replied", True),
    ("hard_bounce", "delivered", False),
    ("delivered", "opened", True),
    ("opened", "delivered", False),
    ("replied", "opened", False),
    ("opened", "replied", True),
    ("auto_reply", "opened", True),
    ("replied", "complaint", True),
    ("complaint", "replied", False),
    ("error", "delivered", True),        # interrupted send later proven delivered
    ("error", "sent", False),
    ("spam", "blocked", False),
    ("delivered", "delivered", False),
])
def test_precedence(old: str, new: str, expected: bool) -> None:
    assert ms.supersedes(old, new) is expected


def test_every_status_pair_is_decided_without_cycles() -> None:
    # For two distinct statuses, never both directions: otherwise two signals arriving in
    # a different order would flip-flop the table (sent <-> deferred is the one exception).
    for a in STATUSES:
        for b in STATUSES:
            if a != b and {a, b} != {"sent", "deferred"}:
                assert not (ms.supersedes(a, b) and ms.supersedes(b, a)), (a, b)


def test_weaker_signal_is_kept_as_event_but_not_applied(db: Database) -> None:
    mid = _message(db, ["u@y.test"])
    rid = _rid(db, mid, "u@y.test")
    store = ms.MessageStore(db)
    assert store.set_status(rid, "sent", "smtp", detail="250 2.0.0 Ok")
    assert store.set_status(rid, "hard_bounce", "dsn", "user_unknown", "550 5.1.1 no such user")
    assert not store.set_status(rid, "deferred", "dsn", "delayed", "4.4.1 still trying")
    assert store.recipient_status(mid, "u@y.test") == "hard_bounce"
    events = store.events(rid)
    assert [e["status"] for e in events] == ["queued", "sent", "hard_bounce", "deferred"]
    assert [e["applied"] for e in events] == [True, True, True, False]
    assert events[2]["detail"] == "550 5.1.1 no such user"
    assert events[2]["source"] == "dsn"


def test_unknown_status_is_refused(db: Database) -> None:
    mid = _message(db, ["u@y.test"])
    with pytest.raises(ValueError):
        ms.MessageStore(db).set_status(_rid(db, mid, "u@y.test"), "bogus", "smtp")


def test_duplicate_address_is_one_recipient(db: Database) -> None:
    mid = _message(db, ["u@y.test", "U@y.test", "v@y.test"])
    assert len(ms.MessageStore(db).message(mid)["recipients"]) == 2


def test_rows_one_per_recipient_with_filters(db: Database) -> None:
    m1 = _message(db, ["u@y.test", "v@y.test"], 1)
    _message(db, ["w@y.test"], 2, account="b@x.test")
    store = ms.MessageStore(db)
    store.set_status(_rid(db, m1, "v@y.test"), "hard_bounce", "bounce", "user_unknown", "550")
    rows = [r.to_dict() for r in mv.listing(db)]
    assert len(rows) == 3
    assert set(rows[0]) >= {"id", "date", "account", "from", "to", "subject", "status",
                            "message_id", "events"}
    bounced = [r.to_dict() for r in mv.listing(db, mv.ViewFilter(statuses=("hard_bounce",)))]
    assert [(r["id"], r["to"]) for r in bounced] == [(m1, "v@y.test")]
    assert bounced[0]["events"][-1] == {"at": bounced[0]["events"][-1]["at"],
                                        "status": "hard_bounce", "detail": "550",
                                        "source": "bounce", "reason": "user_unknown",
                                        "applied": True}
    only_b = mv.listing(db, mv.ViewFilter(accounts=("b@x.test",)))
    assert [r.row.recipient for r in only_b] == ["w@y.test"]


def test_matching_helpers(db: Database) -> None:
    mid = _message(db, ["u@y.test"], 7)
    with db.reading() as conn:
        assert ms.find_by_envid(conn, "env7")["id"] == mid
        assert ms.find_by_message_id(conn, "m7@x.test")["id"] == mid
        sent_at = conn.execute("SELECT sent_at FROM messages WHERE id=?", (mid,)).fetchone()[0]
        assert ms.find_recent_to(conn, "U@Y.test", sent_at)["id"] == mid
        assert ms.find_recent_to(conn, "other@y.test", sent_at) is None
        # single recipient: an alias the DSN names still finds it
        assert ms.recipient_row(conn, mid, "alias@y.test")["address"] == "u@y.test"


def test_sent_by_is_recorded_listed_and_filtered(db: Database,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Team mode (issue 19): each message says who sent it — the OS login by default, a
    chosen display name when set — in the rows (``messages --json``) and as a filter."""
    import getpass

    monkeypatch.delenv("POSTIER_DISPLAY_NAME", raising=False)
    _message(db, ["x@y.test"], n=1)
    with db.transaction() as conn:
        for n, who in ((2, "Julie (compta)"), (3, "Marc")):
            ms.insert_message(conn, account_id=None, account_email="a@x.test",
                              message_id=f"<m{n}@x.test>", envid=f"env{n}", from_addr="a@x.test",
                              subject=f"s{n}", body_text="b", body_html=None, raw=b"raw",
                              recipients=[ms.NewRecipient("x@y.test")], sent_by=who)
    monkeypatch.setenv("POSTIER_DISPLAY_NAME", "Zoé")  # read by config, not here
    assert ms.sender_name("  Paul  ") == "Paul"  # the database.display_name option
    assert ms.sender_name() == getpass.getuser()
    assert ms.sender_name("   ") == getpass.getuser()

    rows = {r.to_dict()["subject"]: r.to_dict() for r in mv.listing(db)}
    assert rows["s1"]["sent_by"] == getpass.getuser()
    assert (rows["s2"]["sent_by"], rows["s3"]["sent_by"]) == ("Julie (compta)", "Marc")
    julie = mv.listing(db, mv.ViewFilter(senders=("Julie (compta)",)))
    assert [r.row.subject for r in julie] == ["s2"]
    assert [r.row.subject for r in mv.listing(db, mv.ViewFilter(text="marc"))] == ["s3"]
    assert mv.sender_names(db) == sorted([getpass.getuser(), "Julie (compta)", "Marc"])


def test_text_from_strangers_with_nul_characters_is_stored(db: Database) -> None:
    """A subject or a server's reply with a NUL character (a stranger's bounce, a broken
    server): SQLite keeps it, PostgreSQL's text cannot, so it becomes U+FFFD there; the
    write never fails."""
    mid = _message(db, ["x@y.test"], n=7)
    rid = _rid(db, mid, "x@y.test")
    with db.transaction() as conn:
        conn.execute("UPDATE messages SET subject = ? WHERE id = ?", ("Re\x00: facture", mid))
        ms.apply_status(conn, rid, "hard_bounce", "bounce", "user_unknown", "550 \x00 no")
    row = ms.MessageStore(db).message(mid)
    assert row is not None and row["subject"] in ("Re\x00: facture", "Re\ufffd: facture")
    assert ms.MessageStore(db).events(rid)[-1]["detail"] in ("550 \x00 no", "550 \ufffd no")
