from __future__ import annotations

from pathlib import Path

from app.services.storage import AccountStore, open_database
from app.services.tracking import notify_rules as nr
from tests.support import sent_messages as sm


def test_collect_reply_and_bounce_once_per_event(tmp_path: Path) -> None:
    db = open_database(tmp_path / "n.sqlite3")
    ids = sm.demo(db)
    first = nr.collect(db, "en")  # starting point: only the failing account, no past events
    assert [n.kind for n in first] == ["sync_failed"]
    assert first[0].account_email == sm.ACCOUNTS[1]
    assert nr.collect(db) == []
    sm.add_event(db, ids["sent"], "hard_bounce", "bounce", "user_unknown", "550 5.1.1 unknown")
    sm.add_event(db, ids["delivered"], "replied", "reply", None, "Re: x")
    new = nr.collect(db, "fr")
    assert [n.kind for n in new] == ["bounce", "reply"]
    assert new[0].title == "Non distribué à mairie@saint-martin.fr"
    assert "550 5.1.1" in new[0].body and new[0].channels == {"in_app", "desktop"}
    assert nr.unseen_count(db) == 3
    nr.mark_all_seen(db)
    assert nr.unseen_count(db) == 0 and len(nr.history(db)) == 3


def test_rules_round_trip_and_disabled_kind(tmp_path: Path) -> None:
    db = open_database(tmp_path / "n.sqlite3")
    ids = sm.demo(db)
    nr.save_rules(db, {"bounce": set(), "reply": {"in_app", "email"}})
    rules = nr.load_rules(db)
    assert rules["bounce"] == frozenset() and rules["reply"] == {"in_app", "email"}
    nr.collect(db)
    sm.add_event(db, ids["sent"], "hard_bounce", "bounce", "user_unknown", "550")
    assert nr.collect(db) == []


def test_account_recovers_then_fails_again(tmp_path: Path) -> None:
    db = open_database(tmp_path / "n.sqlite3")
    sm.add_account(db, "a@b.fr", sync_state="error", sync_error="AUTH_FAILED")
    found = nr.collect(db, "fr")
    assert [n.kind for n in found] == ["sync_failed"]
    assert "mot de passe" in found[0].body  # the catalogue's words, not the code
    AccountStore(db).update_fields("a@b.fr", sync_state="idle")
    assert nr.collect(db) == []
    AccountStore(db).update_fields("a@b.fr", sync_state="error")
    assert [n.kind for n in nr.collect(db)] == ["sync_failed"]


def test_oauth_sign_in_to_renew_and_desktop_only_rule(tmp_path: Path) -> None:
    db = open_database(tmp_path / "n.sqlite3")
    sm.add_account(db, "o@b.fr")
    AccountStore(db).update_fields("o@b.fr", auth_kind="oauth2", needs_attention=1,
                                   sync_error="OAUTH_EXPIRED")
    nr.save_rules(db, {"token_expiring": {"desktop"}})
    found = nr.collect(db, "en")
    assert [(n.kind, n.title) for n in found] == [("token_expiring", "Sign in again to o@b.fr")]
    assert found[0].channels == {"desktop"}
    # Not an in-app notification: in the history, but not counted as unread.
    assert nr.unseen_count(db) == 0 and len(nr.history(db)) == 1


def test_history_is_shown_in_the_current_language(tmp_path) -> None:
    """A notification recorded in English reads in French after a language switch (and
    back): titles from their template, catalogue texts from their code."""
    from app.services.errors import message_for
    from app.services.tracking.notify_rules import Notification, localized

    en = Notification(1, "2026-03-01T09:00:00+00:00", "reply", "Reply from a@x.fr",
                      "Devis\nMerci", None, 3, False)
    assert localized(en, "fr").title == "Réponse de a@x.fr"
    assert localized(en, "fr").body == "Devis\nMerci"  # the subject and reply stay as written
    assert localized(localized(en, "fr"), "en").title == "Reply from a@x.fr"
    message, hint = message_for("AUTH_FAILED", "en")
    sync = Notification(2, en.at, "sync_failed", "compta@x.fr stopped syncing",
                        f"{message} {hint}", "compta@x.fr", None, False)
    fr = localized(sync, "fr")
    assert fr.title == "compta@x.fr ne se synchronise plus"
    assert fr.body == " ".join(message_for("AUTH_FAILED", "fr"))
