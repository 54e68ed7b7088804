"""SentMessagesModel: the sent-messages table over SQLite, one row per message × recipient.

Why it stays smooth at 100 000 rows: the filtered, sorted view is one indexed SQL query that
returns only recipient ids (run off the GUI thread); row contents are fetched lazily, a page
of 256 rows at a time, when the view paints them, and kept in a bounded cache.

Live updates keep the selection and scroll position: when only statuses changed, the model
emits ``dataChanged`` for those rows; when rows were added, removed or moved, it removes and
appends rows and then reorders them with ``layoutChanged``, moving persistent indexes (the
selection, the current row) to where their recipient went.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    Qt,
    QTime,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPixmap

from app.services.history import event_notes
from app.services.history import message_status as mst
from app.services.history import message_views as mv
from app.services.storage import Database
from app.ui.worker import run_task

log = logging.getLogger(__name__)

_ROOT = QModelIndex()  # the invalid index: the model is flat
# "sent_by" (who sent it) is shown on a team database only (main_window hides it otherwise).
COLUMNS: tuple[str, ...] = ("date", "status", "subject", "account", "recipient", "sent_by")
PAGE = 256
FIRST_SCREEN = 200  # rows shown before the whole view is loaded: a tall screen and then some
# The whole view is built this long after the first screen is shown, so that its work (which
# holds the GIL) does not slow the first paint down; nobody notices 0.1 s more.
FIRST_PAINT_MS = 100
CACHE_LIMIT = 20_000
RecipientIdRole = Qt.ItemDataRole.UserRole + 1
StatusRole = Qt.ItemDataRole.UserRole + 2
_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole,
                    Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole,
                    Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole,
                    RecipientIdRole, StatusRole})

# Colour-blind safe enough and readable on white: the word is always shown too.
STATUS_COLORS: dict[str, str] = {
    "queued": "#6b7280", "sent": "#2563eb", "deferred": "#d97706", "delivered": "#15803d",
    "opened": "#0d9488", "replied": "#7c3aed", "auto_reply": "#8b5cf6",
    "soft_bounce": "#ea580c", "hard_bounce": "#dc2626", "blocked": "#b91c1c",
    "spam": "#be185d", "complaint": "#9f1239", "error": "#991b1b",
}
FAILED_BACKGROUND = "#fdecec"
_SHAPES = {"queued": "clock", "sent": "arrow", "deferred": "clock", "delivered": "check",
           "opened": "check", "replied": "dot", "auto_reply": "dot"}

_icon_cache: dict[str, QIcon] = {}


def status_icon(status: str) -> QIcon:
    """A small coloured mark per status: a cross for failures, a tick for delivered…"""
    if status in _icon_cache:
        return _icon_cache[status]
    pix = QPixmap(16, 16)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    color = QColor(STATUS_COLORS.get(status, "#6b7280"))
    p.setBrush(color)
    p.setPen(Qt.PenStyle.NoPen)
    p.drawEllipse(1, 1, 14, 14)
    pen = p.pen()
    pen.setStyle(Qt.PenStyle.SolidLine)
    pen.setColor(QColor("white"))
    pen.setWidthF(2.0)
    p.setPen(pen)
    shape = _SHAPES.get(status, "cross")
    if shape == "check":
        p.drawPolyline([QPointF(4.5, 8.5), QPointF(7, 11), QPointF(11.5, 5.5)])
    elif shape == "cross":
        p.drawLine(5, 5, 11, 11)
        p.drawLine(11, 5, 5, 11)
    elif shape == "arrow":
        p.drawLine(4, 8, 12, 8)
        p.drawLine(9, 5, 12, 8)
        p.drawLine(9, 11, 12, 8)
    elif shape == "clock":
        p.drawLine(8, 8, 8, 4)
        p.drawLine(8, 8, 11, 9)
    else:
        p.setBrush(QColor("white"))
        p.drawEllipse(6, 6, 4, 4)
    p.end()
    _icon_cache[status] = QIcon(pix)
    return _icon_cache[status]


def format_clock(local: datetime, locale: QLocale | None = None) -> str:
    """A time of day in the user's locale ("14:43" in French, "2:43 PM" in US English):
    the one format of the table's today rows and the status bar."""
    locale = locale or QLocale()
    if locale.language() == QLocale.Language.C:  # no locale set: ISO
        return local.strftime("%H:%M")
    return locale.toString(QTime(local.hour, local.minute, local.second),
                           QLocale.FormatType.ShortFormat)


def format_date(value: str, today: date | None = None, locale: QLocale | None = None) -> str:
    """Time only for today's rows, the date otherwise, in the user's locale."""
    try:
        local = datetime.fromisoformat(value).astimezone()
    except ValueError:
        return value
    locale = locale or QLocale()
    if local.date() == (today or date.today()):
        return format_clock(local, locale)
    if locale.language() == QLocale.Language.C:  # no locale set: ISO, never "24 11 2026"
        return local.strftime("%Y-%m-%d")
    return locale.toString(QDate(local.year, local.month, local.day),
                           QLocale.FormatType.ShortFormat)


class SentMessagesModel(QAbstractTableModel):
    """Rows = recipient ids of the current view; contents fetched lazily by page."""

    countsChanged = Signal(dict)  # {status: count} within the filter (status part ignored)
    refreshed = Signal()

    def __init__(self, db: Database, lang: str = "en", parent: Any = None) -> None:
        super().__init__(parent)
        self.db = db
        self.lang = lang
        self.filter = mv.ViewFilter()
        self.sort_column = "date"
        self.descending = True
        self.counts: dict[str, int] = {}
        self.message_count = 0  # distinct messages behind ``counts`` (rows are recipients)
        self.generation = 0  # bumped on every filter/sort change: late results are dropped
        self.loader: LiveLoader | None = None  # set: loads run off the GUI thread
        self._ids: list[int] = []
        self._row_index: dict[int, int] | None = {}  # built on demand (see _rows)
        self._cache: dict[int, mv.MessageRow] = {}
        self._today = date.today()
        self._locale = QLocale()
        self._headers = [self.tr("Date"), self.tr("Status"), self.tr("Subject"),
                         self.tr("Account"), self.tr("Recipient"), self.tr("Sent by")]

    # -- Qt model API ----------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            # First click on a column: newest dates and worst statuses on top, text A→Z.
            return (Qt.SortOrder.DescendingOrder if COLUMNS[section] in ("date", "status")
                    else Qt.SortOrder.AscendingOrder)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES or not index.isValid() or index.row() >= len(self._ids):
            return None  # the view asks ~10 roles per cell: answer the others at once
        rid = self._ids[index.row()]
        if role == RecipientIdRole:
            return rid
        row = self.row_at(index.row())
        if row is None:
            return None
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == StatusRole:
            return row.status
        if role == Qt.ItemDataRole.DecorationRole and column == "status":
            return status_icon(row.status)
        if role == Qt.ItemDataRole.ForegroundRole and column == "status":
            return QBrush(QColor(STATUS_COLORS.get(row.status, "#000000")))
        if role == Qt.ItemDataRole.BackgroundRole and row.status in mst.FAILED_STATUSES:
            return QBrush(QColor(FAILED_BACKGROUND))
        if role == Qt.ItemDataRole.ToolTipRole:
            # Postier's own notes in the table's language; servers' words as they are.
            return (event_notes.localize(row.detail, self.lang)
                    or mst.explain(row.status, row.reason, self.lang)[0])
        if role == Qt.ItemDataRole.AccessibleTextRole and column == "status":
            return mst.status_label(row.status, self.lang)
        return None

    def _display(self, row: mv.MessageRow, column: str) -> str:
        if column == "date":
            return format_date(row.date, self._today, self._locale)
        if column == "status":
            return mst.status_label(row.status, self.lang)
        if column == "subject":
            return row.subject or self.tr("(no subject)")
        if column == "account":
            return row.account
        if column == "sent_by":
            return row.sent_by
        return row.recipient

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        descending = order == Qt.SortOrder.DescendingOrder
        if (COLUMNS[column], descending) == (self.sort_column, self.descending):
            # The view asks again for the order it already has (setSortingEnabled does, at
            # start-up): a reload then would build the whole view before the first screen.
            return
        self.sort_column = COLUMNS[column]
        self.descending = descending
        self._request_reload()

    # -- rows --------------------------------------------------------------------
    def recipient_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, recipient_id: int) -> int | None:
        if self._row_index is None and len(self._ids) > 1000:
            # One look-up (a selection to restore): a C scan of the list, ~1 ms at 100k,
            # instead of building the whole map (~50 ms) after every sort or filter.
            try:
                return self._ids.index(recipient_id)
            except ValueError:
                return None
        return self._rows().get(recipient_id)

    def _rows(self) -> dict[int, int]:
        if self._row_index is None:
            self._row_index = {row_id: row for row, row_id in enumerate(self._ids)}
        return self._row_index

    def row_at(self, row: int) -> mv.MessageRow | None:
        """The row's contents, fetching its page (256 rows, ~2 ms) on a cache miss."""
        rid = self._ids[row]
        found = self._cache.get(rid)
        if found is None:
            if len(self._cache) > CACHE_LIMIT:
                self._cache.clear()
            start = row - row % PAGE
            self._cache.update(mv.fetch_rows(self.db, self._ids[start:start + PAGE]))
            found = self._cache.get(rid)
        return found

    def ids(self) -> list[int]:
        return list(self._ids)

    # -- loading -------------------------------------------------------------------
    def set_filter(self, flt: mv.ViewFilter) -> None:
        self.filter = flt
        self._request_reload()

    def _request_reload(self) -> None:
        self.generation += 1
        if self.loader is not None:
            self.loader.reload()
        else:
            self.reload()

    def query(self) -> tuple[list[int], dict[str, int]]:
        """The view's ids and counters (runs on a worker thread in the app)."""
        return mv.view_and_counts(self.db, self.filter, self.sort_column, self.descending)

    def is_default_view(self) -> bool:
        """No filter, newest first: the view ``mv.first_screen_ids`` can show at once."""
        return (self.filter == mv.ViewFilter() and self.sort_column == "date"
                and self.descending)

    def reload(self) -> None:
        """Filter or sort changed: the whole view is new (selection restored by id)."""
        self.apply(*self.query(), reset=True)

    def apply(self, ids: list[int], counts: dict[str, int], *, reset: bool = False,
              changed: list[int] | None = None, partial: bool = False) -> None:
        """Show ``ids`` (display order) and ``counts``. ``changed``: recipients whose data
        changed (None: any may have). ``reset``: the view is a different one. ``partial``:
        only the first screen of the view (no ``refreshed``: counts and totals are not
        known yet)."""
        self._today = date.today()
        if reset:
            self.beginResetModel()
            self._set_ids(ids)
            self._cache.clear()
            self.endResetModel()
        else:
            self._update_rows(ids, changed)
        if partial:
            return
        messages = getattr(counts, "messages", sum(counts.values()))
        if counts != self.counts or messages != self.message_count:
            self.counts = dict(counts)
            self.message_count = messages
            self.countsChanged.emit(dict(counts))
        self.refreshed.emit()

    def _set_ids(self, ids: list[int]) -> None:
        self._ids = ids
        self._row_index = None

    def _update_rows(self, ids: list[int], changed: list[int] | None) -> None:
        if changed is None:
            self._cache.clear()
        else:
            for rid in changed:
                self._cache.pop(rid, None)
        if ids != self._ids:
            self._move_to(ids)
        rows = (range(len(self._ids)) if changed is None
                else sorted(r for r in map(self._rows().get, changed) if r is not None))
        if rows:
            last = len(COLUMNS) - 1
            # One signal per contiguous block keeps a burst of updates cheap.
            for start, end in _blocks(list(rows)):
                self.dataChanged.emit(self.index(start, 0), self.index(end, last))

    def _move_to(self, ids: list[int]) -> None:
        new = set(ids)
        gone = [row for row, rid in enumerate(self._ids) if rid not in new]
        for start, end in reversed(_blocks(gone)):
            self.beginRemoveRows(QModelIndex(), start, end)
            del self._ids[start:end + 1]
            self.endRemoveRows()
        old = set(self._ids)
        added = [rid for rid in ids if rid not in old]
        if added:
            start = len(self._ids)
            self.beginInsertRows(QModelIndex(), start, start + len(added) - 1)
            self._ids.extend(added)
            self.endInsertRows()
        self._set_ids(self._ids)
        if self._ids != ids:  # same rows, new order: move persistent indexes with them
            self.layoutAboutToBeChanged.emit()
            persistent = self.persistentIndexList()
            before = [(p, self._ids[p.row()]) for p in persistent]
            self._set_ids(list(ids))
            self.changePersistentIndexList(
                persistent, [self.index(self._rows()[rid], p.column()) for p, rid in before])
            self.layoutChanged.emit()
        else:
            self._set_ids(list(ids))


def _blocks(rows: list[int]) -> list[tuple[int, int]]:
    """[1, 2, 3, 7, 8] → [(1, 3), (7, 8)] (input sorted ascending)."""
    out: list[tuple[int, int]] = []
    for r in rows:
        if out and r == out[-1][1] + 1:
            out[-1] = (out[-1][0], r)
        else:
            out.append((r, r))
    return out


class LiveLoader(QObject):
    """Keeps a SentMessagesModel current without blocking the GUI.

    Every ``interval_ms`` a worker reads ``data_version`` (index-only, microseconds); only
    when it moved does a worker re-run the view query, then the model applies the
    difference on the GUI thread. Filter/sort changes go through ``reload`` the same way."""

    changed = Signal()  # the database changed (new event, new message): notifications etc.

    def __init__(self, model: SentMessagesModel, interval_ms: int = 1000) -> None:
        super().__init__(model)
        self.model = model
        model.loader = self
        self.version: tuple[int, ...] | None = None
        self._busy = False
        self._pending_reset = False
        self._warmed = False
        self._extend_first_screen = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)

    def start(self) -> None:
        """Show the newest rows at once, then the whole view. At 100k rows building the
        view takes ~1 s; the first screen comes straight from the date index in a few ms
        and is painted before that work starts (it would hold the GIL meanwhile), so the
        window fills about as fast as with 10 rows."""
        model = self.model
        self.timer.start()
        if not model.is_default_view() or mv.index_for(model.db).loaded:
            self.reload()
            return
        generation, db = model.generation, model.db
        self._pending_reset = True  # no live poll before the first load

        def shown(ids: Any, error: BaseException | None) -> None:
            if generation != model.generation:
                return  # the filter or sort changed meanwhile: that reload is running
            if error is None:
                model.apply(ids, model.counts, reset=True, partial=True)
                # The whole view then extends these rows (no second reset: a row
                # selected meanwhile stays selected).
                self._extend_first_screen = True
            QTimer.singleShot(FIRST_PAINT_MS, self.reload)  # after the first paint

        run_task(lambda: mv.first_screen_ids(db, FIRST_SCREEN), shown)

    def stop(self) -> None:
        self.timer.stop()

    def reload(self) -> None:
        """A new view (filter/sort) or the Refresh button: load it in a worker."""
        self._pending_reset = True
        self._run(reset=True)

    def poll(self) -> None:
        if self._busy:
            return
        db = self.model.db
        self._busy = True
        run_task(lambda: mv.data_version(db), self._on_version)

    def _on_version(self, version: Any, error: BaseException | None) -> None:
        self._busy = False
        if error is not None:
            log.warning("live refresh: %s", error)
            return
        if version != self.version and not self._pending_reset:
            self._run(reset=False)

    def _run(self, *, reset: bool) -> None:
        model = self.model
        generation = model.generation
        since = self.version[0] if self.version else None
        db = model.db
        index = mv.index_for(db)

        def work() -> tuple[Any, list[int], dict[str, int], list[int] | None]:
            version = mv.data_version(db)
            changed = mv.changed_recipients(db, since) if since is not None else None
            ids, counts = model.query()
            return version, ids, counts, changed

        def done(result: Any, error: BaseException | None) -> None:
            self._busy = False
            if error is not None:
                log.warning("loading the sent messages failed: %s", error)
                return
            if generation != model.generation:
                return  # the user changed the filter meanwhile: a newer load is coming
            version, ids, counts, changed = result
            new_view = reset
            if reset:
                self._pending_reset = False
                if self._extend_first_screen:
                    new_view, self._extend_first_screen = False, False
            moved = version != self.version
            self.version = version
            model.apply(ids, counts, reset=new_view, changed=changed)
            if moved:
                self.changed.emit()
            if not self._warmed:
                # Every other column's order, ready before the user's first click.
                self._warmed = True
                run_task(index.warm)

        self._busy = True
        run_task(work, done)
