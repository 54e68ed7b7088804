"""The main window's tabs and the summary in its status bar.

``MainTabs`` holds the three tabs (Sent messages, Accounts, Notifications), counts the
unseen notifications in the last one's title and rereads them when the tab is shown.
``StatusSummary`` keeps the status bar's permanent line (how many rows the table shows, and
when it was read) and the tray icon's one-line summary of the problems.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QStatusBar, QTabWidget, QWidget

from app.services.history import message_status as mst
from app.ui.i18n import plural
from app.ui.messages_model import SentMessagesModel, format_clock
from app.ui.notifications import NotificationCenter, NotificationsPanel


class MainTabs(QTabWidget):
    """Sent messages, Accounts and Notifications (with the count of unseen ones)."""

    def __init__(self, page: QWidget, accounts: QWidget, notifications: NotificationsPanel,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.notifications = notifications
        self.addTab(page, self.tr("Sent messages"))
        self.addTab(accounts, self.tr("Accounts"))
        self.addTab(notifications, self.tr("Notifications"))
        self.currentChanged.connect(self._changed)

    def update_notification_count(self) -> None:
        unseen = self.notifications.unseen()
        self.setTabText(self.indexOf(self.notifications),
                        self.tr("Notifications (%d)") % unseen if unseen
                        else self.tr("Notifications"))

    def _changed(self, _index: int) -> None:
        if self.currentWidget() is self.notifications:
            self.notifications.reload()


class StatusSummary(QObject):
    """"12 rows · updated at 10:42" in the status bar; "3 problems" or "all good" for the
    tray icon's tooltip."""

    def __init__(self, status_bar: QStatusBar, model: SentMessagesModel,
                 notifier: NotificationCenter) -> None:
        super().__init__(status_bar)
        self.model, self.notifier = model, notifier
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        status_bar.addPermanentWidget(self.label)
        model.refreshed.connect(self.update)

    def update(self) -> None:
        """Say what the table shows now (each time it has been read)."""
        model = self.model
        n = model.rowCount()
        # The table's own time format (QLocale), not a second, hard-coded one.
        rows = plural(self.tr("%Ln row(s) · updated at %1", "", n), n)
        self.label.setText(rows.replace("%1", format_clock(datetime.now().astimezone())))
        problems = sum(c for s, c in model.counts.items() if s in mst.FAILED_STATUSES)
        self.notifier.set_status(plural(self.tr("%Ln problem(s)", "", problems), problems)
                                 if problems else self.tr("all good"))
