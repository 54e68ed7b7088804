"""The details panel's read: a recipient's timeline, the headers shown, resends."""

from __future__ import annotations

from app.services.history.row_details import message_details
from app.services.storage import Database
from tests.support import sent_messages as sm


def test_details_timeline_and_resend_link(db: Database) -> None:
    ids = sm.demo(db)
    details = message_details(db, ids["hard_bounce"])
    assert details is not None
    assert [e.status for e in details.selected.events] == ["sent", "hard_bounce"]
    assert "User unknown" in details.selected.events[-1].detail
    assert ("Subject", "Facture F-2026-118") in details.headers
    sm.add_message(db, sm.ACCOUNTS[1], "Facture F-2026-118", [("jean.dupont@exemple.fr",
                                                                "sent")],
                   resend_of=ids["hard_bounce"])
    details = message_details(db, ids["hard_bounce"])
    assert [(a, s) for _, a, s in details.resent_as] == [("jean.dupont@exemple.fr", "sent")]
    assert message_details(db, 999999) is None
