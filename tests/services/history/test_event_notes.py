"""Postier's own timeline notes: stored in English (CLI, older databases), said in the
user's language at display time; servers' words are never touched."""

from __future__ import annotations

import pytest

from app.services.errors import message_for
from app.services.history import event_notes
from app.services.translation import gettext

# As sending.py wrote them before this module existed: old rows must read the same way.
OLD_ROWS = [
    ("Postier stopped while the server was receiving this message: it may or may not have "
     "left. Not resent automatically; check with the recipient or in the Sent folder before "
     "resending.", "Postier s'est arrêté pendant que le serveur recevait ce message"),
    ("found in the Sent folder after an interruption",
     "Retrouvé dans le dossier Envoyés après une interruption"),
    ("no answer after the message was transmitted: timed out",
     "aucune réponse du serveur après la transmission du message : timed out"),
]


@pytest.mark.parametrize(("stored", "french"), OLD_ROWS)
def test_old_rows_are_said_in_french(stored: str, french: str) -> None:
    assert event_notes.localize(stored, "fr").startswith(french)
    assert event_notes.localize(stored, "en") == stored


def test_a_connection_failure_keeps_the_system_words() -> None:
    stored = event_notes.connection_failure(
        "CONNECT_REFUSED", message_for("CONNECT_REFUSED", "en")[0], "[Errno 111] refused")
    assert event_notes.localize(stored, "fr") == \
        message_for("CONNECT_REFUSED", "fr")[0] + " ([Errno 111] refused)"
    gave_up = event_notes.english("gave_up", answer=stored)
    assert gave_up.startswith("gave up retrying; last answer: CONNECT_REFUSED: ")
    assert event_notes.localize(gave_up, "fr") == (
        "nouvelles tentatives abandonnées ; dernière réponse : "
        + message_for("CONNECT_REFUSED", "fr")[0] + " ([Errno 111] refused)")


@pytest.mark.parametrize("words", ["250 2.0.0 Ok: queued as 4Z", "550 5.1.1 <a@b.fr>: unknown",
                                   "TIMEOUT: a message of its own", "NOT_A_CODE: x", ""])
def test_servers_words_are_left_as_they_are(words: str) -> None:
    assert event_notes.localize(words, "fr") == words


def test_every_note_has_both_languages_and_the_same_parameters() -> None:
    import string

    for code, text in event_notes.NOTES.items():
        texts = {lang: gettext(text, lang) for lang in ("fr", "en")}
        fields = {lang: {f for _, f, _, _ in string.Formatter().parse(t) if f}
                  for lang, t in texts.items()}
        assert texts["fr"] != texts["en"] and fields["fr"] == fields["en"], code
        params = {f: "x" for f in fields["en"]}
        assert event_notes.parse(event_notes.english(code, **params)) == (code, params)
