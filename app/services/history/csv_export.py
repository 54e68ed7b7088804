"""The sent table written to a CSV file (``export_csv``): the filtered view in the
table's order, streamed page by page (``iter_view``), with headers and labels in the
user's language and every cell guarded against spreadsheet formulas.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from app.services.history.message_rows import PAGE, MessageRow, fetch_rows
from app.services.history.message_status import reason_label, status_label
from app.services.history.view_filter import NO_FILTER, ViewFilter
from app.services.history.view_index import view_ids
from app.services.storage import Database
from app.services.translation import N_, gettext

_CSV_HEADERS: tuple[str, ...] = (
    N_("Date"), N_("Status"), N_("Status code"), N_("Subject"), N_("Account"), N_("Recipient"),
    N_("Reason"), N_("Reason code"), N_("Server answer"), N_("Sent by"))


def iter_view(db: Database, flt: ViewFilter = NO_FILTER, sort: str = "date",
              descending: bool = True) -> Iterator[MessageRow]:
    """Every row of the view, in the table's order, streamed page by page (exports do not
    hold 100k rows)."""
    ids = view_ids(db, flt, sort, descending)
    for start in range(0, len(ids), PAGE):
        page = ids[start:start + PAGE]
        rows = fetch_rows(db, page)
        for rid in page:
            if rid in rows:
                yield rows[rid]


def export_csv(db: Database, path: Path, flt: ViewFilter = NO_FILTER, sort: str = "date",
               descending: bool = True, delimiter: str = ",",
               lang: str | None = None) -> int:
    """Write the filtered view to ``path`` as UTF-8 with a BOM (so Excel reads accents);
    ``delimiter=';'`` for French Excel. Returns the number of data rows."""
    if delimiter not in (",", ";", "\t"):
        raise ValueError("delimiter must be ',', ';' or a tab")
    count = 0
    tmp = Path(path).with_name(Path(path).name + ".part")
    with open(tmp, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL)
        writer.writerow([gettext(header, lang) for header in _CSV_HEADERS])
        for row in iter_view(db, flt, sort, descending):
            writer.writerow(_csv_cells(row, lang))
            count += 1
    tmp.replace(path)  # never leave half a file under the name the user chose
    return count


def _csv_cells(row: MessageRow, lang: str | None) -> list[str]:
    # Every cell is guarded, not a chosen few: subjects, addresses, account names and
    # servers' replies all come from outside (a recipient can be "=HYPERLINK(…)@x.fr").
    return [_csv_safe(cell) for cell in (
        _local_iso(row.date), status_label(row.status, lang), row.status, row.subject,
        row.account, row.recipient, reason_label(row.reason, lang), row.reason or "",
        row.detail or "", row.sent_by)]


def _csv_safe(value: str) -> str:
    """A cell a spreadsheet would run as a formula (CSV injection: it starts with = + - @,
    a tab or a carriage return) gets a leading apostrophe, which shows it as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _local_iso(value: str) -> str:
    try:
        return datetime.fromisoformat(value).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return value
