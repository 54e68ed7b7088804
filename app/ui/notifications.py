"""Tray icon, desktop notifications, and the notification history panel with its rules."""

from __future__ import annotations

import logging
from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDateTime, QLocale, QObject, Qt, Signal
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from app.services.config import Settings
from app.services.storage import Database
from app.services.tracking import notify
from app.services.tracking import notify_rules as nr
from app.ui.worker import run_task

log = logging.getLogger(__name__)


class NotificationCenter(QObject):
    """After each database change, asks the notification service what is new
    (``tracking.notify``: it keeps the history, the in-app list, and puts the e-mails to
    the account itself in the outbox) and shows the desktop ones through the tray icon."""

    delivered = Signal(list)  # list[nr.Notification]
    activated = Signal()  # the user clicked the tray icon or a notification
    mailQueued = Signal(list)  # account e-mails whose outbox holds a notification mail

    def __init__(self, settings: Settings, db: Database, lang: str = "en",
                 icon: QIcon | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.db = db
        self.lang = lang
        self.tray: QSystemTrayIcon | None = None
        self._busy = False
        self.emailed: list[notify.Emailed] = []
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon or QApplication.windowIcon(), self)
            menu = QMenu()
            show = QAction(self.tr("Show Postier"), menu)
            show.triggered.connect(self.activated)
            quit_action = QAction(self.tr("Quit"), menu)
            quit_action.triggered.connect(QApplication.quit)
            menu.addAction(show)
            menu.addAction(quit_action)
            self.tray.setContextMenu(menu)
            self.tray.activated.connect(lambda _reason: self.activated.emit())
            self.tray.messageClicked.connect(self.activated)
            self.tray.setToolTip("Postier")
            self.tray.show()

    def set_status(self, text: str) -> None:
        if self.tray is not None:
            self.tray.setToolTip(f"Postier — {text}")

    def check(self) -> None:
        """Look for new notifications (off the GUI thread): the service decides which,
        and puts the e-mail ones in the outbox (``notify.dispatch``, as ``postier track``)."""
        if self._busy:
            return
        self._busy = True
        settings, db, lang = self.settings, self.db, self.lang
        run_task(lambda: notify.dispatch(settings, db, lang), self._collected)

    def _collected(self, done: notify.Dispatch | None, error: BaseException | None) -> None:
        self._busy = False
        if error is not None:
            log.warning("notifications: %s", error)
            return
        if done is None or not done.found:
            return
        if self.tray is not None:
            for n in done.desktop:
                icon = (QSystemTrayIcon.MessageIcon.Warning if n.kind != "reply"
                        else QSystemTrayIcon.MessageIcon.Information)
                self.tray.showMessage(n.title, n.body.splitlines()[0] if n.body else "",
                                      icon, 8000)
        self.emailed += done.emailed
        if done.emailed_accounts:
            self.mailQueued.emit(done.emailed_accounts)
        self.delivered.emit(done.found)


# Marked for lupdate here, translated where shown (QCoreApplication.translate).
_KIND_NAMES = {
    "reply": QT_TRANSLATE_NOOP("NotificationsPanel", "A reply arrives"),
    "bounce": QT_TRANSLATE_NOOP("NotificationsPanel", "A message bounces"),
    "sync_failed": QT_TRANSLATE_NOOP("NotificationsPanel", "A mailbox stops syncing"),
    "token_expiring": QT_TRANSLATE_NOOP("NotificationsPanel", "A sign-in must be renewed"),
}
_CHANNEL_NAMES = {
    "in_app": QT_TRANSLATE_NOOP("NotificationsPanel", "In the app"),
    "desktop": QT_TRANSLATE_NOOP("NotificationsPanel", "Desktop"),
    "email": QT_TRANSLATE_NOOP("NotificationsPanel", "By e-mail"),
}


class NotificationsPanel(QWidget):
    """The history (newest first) and the per-event rules."""

    openMessage = Signal(int)  # messages.id

    def __init__(self, db: Database, parent: QWidget | None = None, lang: str = "en") -> None:
        super().__init__(parent)
        self.db = db
        self.lang = lang
        self.list = QListWidget()
        self.list.setAlternatingRowColors(True)
        self.list.itemActivated.connect(self._activated)
        self.list.setAccessibleName(self.tr("Notification history"))
        self.mark_button = QPushButton(self.tr("Mark all as read"))
        self.mark_button.clicked.connect(self.mark_all_seen)
        self.summary = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.mark_button)
        rules_box = QGroupBox(self.tr("Notify me when…"))
        grid = QGridLayout(rules_box)
        self.rule_boxes: dict[tuple[str, str], QCheckBox] = {}
        rules = nr.load_rules(db)
        for col, channel in enumerate(nr.CHANNELS, start=1):
            grid.addWidget(QLabel(self.tr(_CHANNEL_NAMES[channel])), 0, col,
                           Qt.AlignmentFlag.AlignCenter)
        for row, kind in enumerate(nr.KINDS, start=1):
            grid.addWidget(QLabel(self.tr(_KIND_NAMES[kind])), row, 0)
            for col, channel in enumerate(nr.CHANNELS, start=1):
                box = QCheckBox()
                # What a screen reader says: "A reply arrives — Desktop", not "reply:desktop".
                box.setAccessibleName(f"{self.tr(_KIND_NAMES[kind])} — "
                                      f"{self.tr(_CHANNEL_NAMES[channel])}")
                box.setChecked(channel in rules.get(kind, frozenset()))
                box.toggled.connect(self._save_rules)
                self.rule_boxes[(kind, channel)] = box
                grid.addWidget(box, row, col, Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)
        layout.addWidget(rules_box)
        self.reload()

    def reload(self) -> None:
        self.list.clear()
        items = [nr.localized(n, self.lang) for n in nr.history(self.db)]
        locale = QLocale()
        for n in items:
            at = datetime.fromisoformat(n.at).astimezone()
            # The user's locale, as in the table (was a fixed "%d/%m %H:%M").
            when = (at.strftime("%Y-%m-%d %H:%M") if locale.language() == QLocale.Language.C
                    else locale.toString(QDateTime(at.year, at.month, at.day, at.hour,
                                                   at.minute, 0), QLocale.FormatType.ShortFormat))
            text = f"{when}  {n.title}" + (f"\n{n.body}" if n.body else "")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, n.message_id)
            if not n.seen:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.list.addItem(item)
        unseen = sum(1 for n in items if not n.seen)
        self.summary.setText(self.tr("%Ln unread", "", unseen) if unseen
                             else self.tr("No unread notification"))

    def unseen(self) -> int:
        return nr.unseen_count(self.db)

    def mark_all_seen(self) -> None:
        nr.mark_all_seen(self.db)
        self.reload()

    def _save_rules(self) -> None:
        rules = {kind: {c for c in nr.CHANNELS if self.rule_boxes[(kind, c)].isChecked()}
                 for kind in nr.KINDS}
        nr.save_rules(self.db, rules)

    def _activated(self, item: QListWidgetItem) -> None:
        mid = item.data(Qt.ItemDataRole.UserRole)
        if mid:
            self.openMessage.emit(int(mid))
