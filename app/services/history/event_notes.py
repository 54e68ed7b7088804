"""Postier's own notes in a message's timeline, said in the user's language at display time.

Sending and recovery write a note into an event's ``detail`` when no server said anything
("Postier stopped while the server was receiving this message…", "gave up retrying; last
answer: …", "CONNECT_REFUSED: The server refused the connection…"). The database keeps each
note as its English rendering of a stable code and parameters, because:

- the CLI contract (``messages --json``: events' ``detail``) and the CSV export already
  carry these words, and scripts read them; a bare code would change what they print;
- databases written by earlier versions hold exactly these sentences: recognising the
  rendering reads old rows and new ones alike, with no migration.

:func:`english` renders a note for storage; :func:`localize` finds the code and parameters
back from a stored detail and renders them in the user's language (the catalogues of
app/services/translation.py). A detail that is not one of
Postier's notes (a server's reply) is returned unchanged: the servers' words are data.
"""

from __future__ import annotations

import re
from functools import lru_cache

from app.services.errors import CATALOGUE, message_for
from app.services.translation import N_, gettext

# code -> template (English, translated by the catalogues); parameters in braces are data
# (servers' or system words).
NOTES: dict[str, str] = {
    "interrupted": (
        N_("Postier stopped while the server was receiving this message: it may or may not "
           "have left. Not resent automatically; check with the recipient or in the Sent "
           "folder before resending.")),
    "no_answer": N_("no answer after the message was transmitted: {error}"),
    "found_in_sent": N_("found in the Sent folder after an interruption"),
    "gave_up": N_("gave up retrying; last answer: {answer}"),
}
# Parameters that may themselves hold one of these notes (the last answer of a retried
# message is often a connection failure written by _connection_failed).
_NESTED = {"answer"}


def english(code: str, **params: str) -> str:
    """The stored form of note ``code`` (its English rendering)."""
    return NOTES[code].format(**params)


def connection_failure(code: str, message: str, reply: str | None) -> str:
    """The stored form of a failure before or during the SMTP transaction."""
    return f"{code}: {message}" + (f" ({reply})" if reply else "")


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for code, text in NOTES.items():
        pieces = re.split(r"\{(\w+)\}", text)
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.*)"
                        for i, p in enumerate(pieces))
        out.append((code, re.compile(regex, re.DOTALL)))
    return out


def parse(detail: str) -> tuple[str, dict[str, str]] | None:
    """(code, parameters) of one of Postier's notes, None for anything else."""
    for code, pattern in _patterns():
        found = pattern.fullmatch(detail)
        if found:
            return code, found.groupdict()
    return None


def localize(detail: str | None, language: str | None = None) -> str:
    """``detail`` as shown to a user of ``language`` (None: the current language)."""
    if not detail:
        return ""
    parsed = parse(detail)
    if parsed is not None:
        code, params = parsed
        params = {k: localize(v, language) if k in _NESTED else v for k, v in params.items()}
        return gettext(NOTES[code], language).format(**params)
    return _localize_failure(detail, language)


def _localize_failure(detail: str, language: str | None) -> str:
    """"CODE: English message (reply)" -> the catalogue's message in ``language``, the reply
    (the server's or the system's words) kept as it is."""
    code, sep, rest = detail.partition(": ")
    if not sep or code not in CATALOGUE:
        return detail
    english_message = message_for(code, "en")[0]
    if not rest.startswith(english_message):
        return detail  # a variant or a message of its own: left as written
    return message_for(code, language)[0] + rest[len(english_message):]
