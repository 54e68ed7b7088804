"""The Sent messages tab: the filter bar, the counters, the table of sent messages and the
details of the selected one, side by side.

It owns the table's looks (fixed row height, sort arrows that point the way users read
them, columns that give way to the subject on a small screen), keeping the selection and
the scroll position through filter changes and live reloads, and the "nothing to show"
text under the table. The window around it (main_window.py) only wires it to the rest.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPainter, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QProxyStyle,
    QSplitter,
    QStyle,
    QStyleOption,
    QStyleOptionHeader,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.history import message_views as mv
from app.services.storage import Database
from app.ui.details_panel import DetailsPanel
from app.ui.filter_bar import CountersBar, FilterBar
from app.ui.messages_model import COLUMNS, LiveLoader, RecipientIdRole, SentMessagesModel
from app.ui.user_feedback import MUTED, note_label


class SortArrowStyle(QProxyStyle):
    """QHeaderView hands the style SortUp for a descending sort, so newest-first shows ▲,
    which users read as "oldest on top". Flipped here: ▼ = descending (largest, newest,
    worst first), ▲ = ascending."""

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption,
                      painter: QPainter, widget: QWidget | None = None) -> None:
        if (element == QStyle.PrimitiveElement.PE_IndicatorHeaderArrow
                and isinstance(option, QStyleOptionHeader)):
            up, down = (QStyleOptionHeader.SortIndicator.SortUp,
                        QStyleOptionHeader.SortIndicator.SortDown)
            flipped = QStyleOptionHeader(option)
            flipped.sortIndicator = down if option.sortIndicator == up else (
                up if option.sortIndicator == down else option.sortIndicator)
            option = flipped
        super().drawPrimitive(element, option, painter, widget)


class MessagesTable(QTableView):
    """The table itself: fixed row height (cheap at 100k rows), whole-row selection."""

    def __init__(self, model: SentMessagesModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(False)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setSectionResizeMode(COLUMNS.index("subject"), QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        header.setMinimumSectionSize(60)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        for name, width in (("date", 92), ("status", 150), ("account", 180),
                            ("recipient", 200)):
            self.setColumnWidth(COLUMNS.index(name), width)
        # A style of its own (not the application's, which the proxy would take over).
        self._arrow_style = SortArrowStyle(QApplication.style().name())
        self._arrow_style.setParent(header)
        header.setStyle(self._arrow_style)
        header.setSortIndicator(COLUMNS.index("date"), Qt.SortOrder.DescendingOrder)
        # "Sent by" tells colleagues apart: on this computer's own file it is always you.
        self.setColumnWidth(COLUMNS.index("sent_by"), 140)
        self.setColumnHidden(COLUMNS.index("sent_by"),
                             getattr(model.db, "engine", "sqlite") != "postgresql")
        self.setSortingEnabled(True)
        self.setAccessibleName(self.tr("Sent messages"))

    def current_recipient(self) -> int | None:
        index = self.currentIndex()
        return index.data(RecipientIdRole) if index.isValid() else None

    def resizeEvent(self, event: QResizeEvent) -> None:
        # On a small screen the fixed account and recipient columns left the subject (the
        # column users read first) ~60 px at 1024 px: they give way to it, down to 120 px.
        free = self.viewport().width() - sum(
            self.columnWidth(COLUMNS.index(n)) for n in ("date", "status"))
        for name, width in (("account", 180), ("recipient", 200)):
            self.setColumnWidth(COLUMNS.index(name), max(120, min(width, free * width // 700)))
        super().resizeEvent(event)

    def top_recipient(self) -> int | None:
        index = self.indexAt(QPoint(1, 1))
        return index.data(RecipientIdRole) if index.isValid() else None


class MessagesPage(QWidget):
    """Filter bar, counters, table and details side by side."""

    def __init__(self, db: Database, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SentMessagesModel(db, lang, self)
        self.loader = LiveLoader(self.model)
        self.filters = FilterBar(lang)
        self.counters = CountersBar(lang)
        self.table = MessagesTable(self.model)
        self.details = DetailsPanel(db, lang)
        self.empty = note_label("emptyTable", MUTED, wrap=False)  # it quotes the search
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filters)
        left_layout.addWidget(self.counters)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.empty)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([880, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.splitter)
        self._restore_id: int | None = None
        # (recipient, view): to select once the view reveal_recipient asked for is read.
        self._reveal: tuple[int, mv.ViewFilter] | None = None
        self._anchor: tuple[int | None, bool] = (None, True)
        self.filters.filterChanged.connect(self._filter_changed)
        self.counters.statusClicked.connect(self.filters.set_status)
        self.model.countsChanged.connect(self._counts_changed)
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._restore_selection)
        self.model.layoutAboutToBeChanged.connect(self._remember_scroll)
        self.model.layoutChanged.connect(self._restore_scroll)
        self.model.refreshed.connect(self._refreshed)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

    def _filter_changed(self, flt: mv.ViewFilter) -> None:
        if self._reveal is not None and flt != self._reveal[1]:
            self._reveal = None  # the user chose another view meanwhile
        self.model.set_filter(flt)

    # Selection survives filter and sort changes when the row is still in the view.
    def _remember_selection(self) -> None:
        if self._reveal is not None and self._reveal[1] == self.model.filter:
            self._restore_id, self._reveal = self._reveal[0], None
        else:
            self._restore_id = self.table.current_recipient()

    def _restore_selection(self) -> None:
        rid = self._restore_id
        row = self.model.row_of(rid) if rid is not None else None
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        else:
            self.details.clear()

    # Live reorders keep the rows the user is looking at in place (unless at the very top,
    # where the newest rows should come into view).
    def _remember_scroll(self) -> None:
        at_top = self.table.verticalScrollBar().value() == 0
        self._anchor = (self.table.top_recipient(), at_top)

    def _restore_scroll(self) -> None:
        rid, at_top = self._anchor
        if at_top or rid is None:
            return
        row = self.model.row_of(rid)
        if row is not None:
            self.table.scrollTo(self.model.index(row, 0),
                                QAbstractItemView.ScrollHint.PositionAtTop)

    def _counts_changed(self, counts: dict[str, int]) -> None:
        self.counters.set_counts(counts, self.model.message_count,
                                 filtered=self.model.filter != mv.ViewFilter())

    def _refreshed(self) -> None:
        empty = self.model.rowCount() == 0
        if empty:
            flt = self.model.filter
            if flt.text.strip():  # the search found nothing: never "no message yet"
                text = self.tr("Nothing matches “%1”. Check the spelling, or clear the "
                               "search (Esc).").replace("%1", flt.text.strip())
            elif flt != mv.ViewFilter():
                text = self.tr("No message matches these filters.")
            else:
                text = self.tr("No message sent yet. Write one with Ctrl+N.")
            self.empty.setText(text)
        self.empty.setVisible(empty)
        self._counts_changed(self.model.counts)
        rid = self.table.current_recipient()
        if rid is not None and self.details.details is not None \
                and self.details.details.selected.id == rid:
            self.details.show_recipient(rid)  # its timeline may have grown

    def _current_changed(self, current: Any, _previous: Any) -> None:
        rid = current.data(RecipientIdRole) if current.isValid() else None
        self.details.show_recipient(rid)

    def select_recipient(self, rid: int) -> bool:
        row = self.model.row_of(rid)
        if row is None:
            return False
        self.table.setCurrentIndex(self.model.index(row, 0))
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def reveal_recipient(self, rid: int) -> None:
        """Select ``rid``; when the filters hide it, clear them and select it once the
        table has been read again."""
        if self.select_recipient(rid):
            return
        before = self.filters.current_filter()
        self.filters.search.clear()  # first: the status change then emits both at once
        after = replace(before, statuses=(), text="")
        self._reveal = (rid, after) if after != before else None
        self.filters.set_status(None)
