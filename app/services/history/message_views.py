"""The one read path for the sent table: the window's model, the details panel, the filter
bar, CSV export, ``postier messages`` and the benchmark all import this module
(``from app.services.history import message_views as mv``), so they read the same rows in
the same order for the same filter. No Qt here.

One row per (message, recipient). The work is split by concern, and this module names it
all in one place:

- ``view_filter``: the filter and sort model (``ViewFilter``, ``SORT_COLUMNS``, ``fold``);
- ``view_index``: ``ViewIndex``, the in-memory sort and search keys kept current
  incrementally, and the queries it answers (``view_ids``, ``view_and_counts``,
  ``status_counts``, ``first_screen_ids``);
- ``message_rows``: the rows and timelines of the pages painted (``fetch_rows``,
  ``fetch_events``), the CLI's ``listing``, and change detection (``data_version``,
  ``changed_recipients``);
- ``row_details``: what the details panel shows (``message_details``);
- ``csv_export``: ``export_csv``;
- ``filter_choices``: the filter bar's accounts and senders.
"""

from __future__ import annotations

from app.services.history.csv_export import export_csv, iter_view
from app.services.history.filter_choices import account_emails, sender_names
from app.services.history.message_rows import (
    Event,
    ListedRow,
    MessageRow,
    changed_recipients,
    data_version,
    fetch_events,
    fetch_rows,
    listing,
)
from app.services.history.row_details import MessageDetails, RecipientInfo, message_details
from app.services.history.view_filter import SORT_COLUMNS, ViewFilter, fold
from app.services.history.view_index import (
    StatusCounts,
    ViewIndex,
    first_screen_ids,
    index_for,
    status_counts,
    view_and_counts,
    view_ids,
)

__all__ = [
    "SORT_COLUMNS", "Event", "ListedRow", "MessageDetails", "MessageRow", "RecipientInfo",
    "StatusCounts", "ViewFilter", "ViewIndex", "account_emails", "changed_recipients",
    "data_version", "export_csv", "fetch_events", "fetch_rows", "first_screen_ids", "fold",
    "index_for", "iter_view", "listing", "message_details", "sender_names", "status_counts",
    "view_and_counts", "view_ids",
]
