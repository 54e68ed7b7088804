"""The filter row above the sent-messages table and the per-status counters below it."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from html import escape

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QWidget

from app.services.history import message_status as mst
from app.services.history import message_views as mv
from app.ui.i18n import plural
from app.ui.messages_model import STATUS_COLORS, status_icon

PROBLEMS = "__problems__"


class FilterBar(QWidget):
    """Status, account, period and free text. Emits the ViewFilter they describe."""

    filterChanged = Signal(object)  # mv.ViewFilter

    def __init__(self, lang: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.status_box = QComboBox()
        self.status_box.setAccessibleName(self.tr("Status"))
        self.status_box.addItem(self.tr("All statuses"), None)
        self.status_box.addItem(self.tr("Problems only"), PROBLEMS)
        for status in mst.STATUSES:
            self.status_box.addItem(status_icon(status), mst.status_label(status, lang), status)
        self.account_box = QComboBox()
        self.account_box.setAccessibleName(self.tr("Account"))
        self.account_box.addItem(self.tr("All accounts"), None)
        # Who sent it (team mode): shown once there are two people to choose between.
        self.sender_box = QComboBox()
        self.sender_box.setAccessibleName(self.tr("Sent by"))
        self.sender_box.addItem(self.tr("Everyone"), None)
        self.sender_box.hide()
        self.period_box = QComboBox()
        self.period_box.setAccessibleName(self.tr("Period"))
        for label, key in ((self.tr("Any date"), "any"), (self.tr("Today"), "today"),
                           (self.tr("Last 7 days"), "7"), (self.tr("Last 30 days"), "30"),
                           (self.tr("Between…"), "range")):
            self.period_box.addItem(label, key)
        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addDays(-30))
        self.date_to = QDateEdit(today)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.hide()
        self.and_label = QLabel(self.tr("and"))
        self.and_label.hide()
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search subject, recipient, account (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Search"))
        # Typing waits 250 ms before querying: one query per pause, not per key.
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self._emit)
        self.search.textChanged.connect(self._debounce.start)
        for box in (self.status_box, self.account_box, self.sender_box, self.period_box):
            box.currentIndexChanged.connect(self._emit)
        self.period_box.currentIndexChanged.connect(self._show_range)
        self.date_from.dateChanged.connect(self._emit)
        self.date_to.dateChanged.connect(self._emit)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.status_box)
        row.addWidget(self.account_box)
        row.addWidget(self.sender_box)
        row.addWidget(self.period_box)
        row.addWidget(self.date_from)
        row.addWidget(self.and_label)
        row.addWidget(self.date_to)
        row.addWidget(self.search, 1)

    def set_accounts(self, emails: list[str]) -> None:
        current = self.account_box.currentData()
        self.account_box.blockSignals(True)
        self.account_box.clear()
        self.account_box.addItem(self.tr("All accounts"), None)
        for email in emails:
            self.account_box.addItem(email, email)
        index = self.account_box.findData(current)
        self.account_box.setCurrentIndex(max(0, index))
        self.account_box.blockSignals(False)

    def set_senders(self, names: list[str]) -> None:
        """The people who sent messages (team mode); the choice is kept when still there."""
        current = self.sender_box.currentData()
        self.sender_box.blockSignals(True)
        self.sender_box.clear()
        self.sender_box.addItem(self.tr("Everyone"), None)
        for name in names:
            self.sender_box.addItem(name, name)
        index = self.sender_box.findData(current)
        self.sender_box.setCurrentIndex(max(0, index))
        self.sender_box.blockSignals(False)
        self.sender_box.setVisible(len(names) > 1 or index > 0)

    def set_status(self, status: str | None) -> None:
        self.status_box.setCurrentIndex(max(0, self.status_box.findData(status)))

    def _show_range(self) -> None:
        custom = self.period_box.currentData() == "range"
        for w in (self.date_from, self.and_label, self.date_to):
            w.setVisible(custom)

    def current_filter(self) -> mv.ViewFilter:
        status = self.status_box.currentData()
        statuses: tuple[str, ...] = ()
        if status == PROBLEMS:
            statuses = tuple(s for s in mst.STATUSES if s in mst.FAILED_STATUSES)
        elif status:
            statuses = (status,)
        account = self.account_box.currentData()
        sender = self.sender_box.currentData()
        start, end = self._period()
        return mv.ViewFilter(statuses=statuses, accounts=(account,) if account else (),
                             date_from=start, date_to=end, text=self.search.text().strip(),
                             senders=(sender,) if sender else ())

    def _period(self) -> tuple[datetime | None, datetime | None]:
        key = self.period_box.currentData()
        midnight = datetime.combine(datetime.now().date(), time()).astimezone()
        if key == "today":
            return midnight, None
        if key in ("7", "30"):
            return midnight - timedelta(days=int(key) - 1), None
        if key == "range":
            start = datetime.combine(self.date_from.date().toPython(), time()).astimezone()
            end = datetime.combine(self.date_to.date().toPython(), time()).astimezone()
            return start, end + timedelta(days=1)  # the end day is included
        return None, None

    def _emit(self) -> None:
        self._debounce.stop()
        self.filterChanged.emit(self.current_filter())


def _nowrap(text: str) -> str:
    # "1 blocked" never splits over two lines, nor "auto-replies" at its hyphen: spaces
    # become no-break spaces, hyphens no-break hyphens (U+2011).
    return text.replace(" ", "&nbsp;").replace("-", "\u2011")


class CountersBar(QLabel):
    """'12 messages: 3 hard bounces · 12 delivered…': each counter is a link that filters on
    it. A wrapping label, so the bar never forces the table wider than the window."""

    statusClicked = Signal(str)

    def __init__(self, lang: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.counts: dict[str, int] = {}
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAccessibleName(self.tr("Counters per status"))
        self.linkActivated.connect(self.statusClicked)
        self.set_counts({})

    def set_counts(self, counts: dict[str, int], messages: int | None = None,
                   filtered: bool = False) -> None:
        """``counts``: rows (one per recipient) per status; ``messages``: how many messages
        they are; ``filtered``: a filter or search is on (zero then means no match)."""
        self.counts = dict(counts)
        rows = sum(counts.values())
        messages = rows if messages is None else messages
        if not rows:
            head = (self.tr("No message matches.") if filtered
                    else self.tr("No message sent yet."))
        elif messages == rows:
            head = plural(self.tr("%Ln message(s):", "", messages), messages)
        else:  # a message to three people is three rows: say both
            recipients = plural(self.tr("%Ln recipient(s)", "", rows), rows)
            head = plural(self.tr("%Ln message(s) to %1:", "", messages), messages
                          ).replace("%1", recipients)
        links = [f"<a href='{s}' style='color:{STATUS_COLORS[s]};text-decoration:none'>"
                 f"&#9679;&nbsp;{_nowrap(escape(mst.count_label(s, counts[s], self.lang)))}</a>"
                 for s in mst.STATUSES if counts.get(s)]
        head = escape(head).replace("-", "\u2011")  # may wrap between words, not at "-"
        self.setText(f"<b>{head}</b>&nbsp;&nbsp; " + " &nbsp; ".join(links))
        self.setToolTip(self.tr("Click a counter to show only those messages."))

    def summary(self) -> str:
        return " · ".join(mst.counts_summary(self.counts, self.lang))

    def plain(self) -> str:
        """What the bar reads as, in plain text with ordinary spaces and hyphens."""
        text = QTextDocumentFragment.fromHtml(self.text()).toPlainText()
        return text.replace("\u00a0", " ").replace("\u2011", "-")
