"""What the sent table is narrowed to and sorted by: ``ViewFilter`` (statuses, accounts,
period, senders, words), the sortable columns (``SORT_COLUMNS``) and ``fold``, the case
and accent folding both the search and the text sorts compare through.

Plain values only: the index that applies them is ``view_index``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

# Columns the view sorts on. Ties are always newest first (then the newest row id), so equal
# subjects, statuses or recipients read as a history whichever way the column is sorted.
SORT_COLUMNS: tuple[str, ...] = ("date", "status", "subject", "account", "recipient",
                                 "sent_by")


@dataclass(frozen=True)
class ViewFilter:
    """What the user narrowed the table to. Dates are aware datetimes (any zone)."""

    statuses: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    date_from: datetime | None = None
    date_to: datetime | None = None
    text: str = ""
    senders: tuple[str, ...] = ()  # "sent by" (team mode): who wrote it

    def period(self) -> tuple[str | None, str | None]:
        """(from, to) as the UTC ISO strings ``created_at`` is stored as (None: open), so
        the period test is a plain string comparison."""
        return (None if self.date_from is None else _utc_iso(self.date_from),
                None if self.date_to is None else _utc_iso(self.date_to))


# The whole table: the default of every query taking a filter.
NO_FILTER = ViewFilter()


def _utc_iso(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.astimezone()  # naive means local time, as the user typed it
    return value.astimezone(UTC).isoformat(timespec="seconds")


# Letters that NFKD does not take apart but that a French user types without: "oeuvre" must
# find "Œuvre"; typographic apostrophes match the keyboard's.
_FOLD_EXTRA = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "ı": "i",
                             "’": "'", "‘": "'", "ʼ": "'"})


def _slow_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD_EXTRA))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Folding through NFKD costs ~8 µs a string; the Latin letters French (and most European
# languages) use are folded by one translate() instead, ~20x faster (100k rows in ~0.1 s).
_LATIN_END = "\u0250"
_FOLD_TABLE = {c: _slow_fold(chr(c)) for c in range(0x41, 0x250)
               if _slow_fold(chr(c)) != chr(c)}


def fold(text: str) -> str:
    """Case and accents folded for search and sorting: 'Échéancier' → 'echeancier',
    'BÛCHE' → 'buche', 'Œuf' → 'oeuf', 'Straße' → 'strasse'."""
    if text.isascii():
        return text.lower()
    out = text.translate(_FOLD_TABLE)
    if out.isascii() or max(out) < _LATIN_END:
        return out
    return _slow_fold(out)
