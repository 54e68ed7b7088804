"""The main window: a composition of small widgets, each in a module of its own.

- messages_page.py: the Sent messages tab (FilterBar, CountersBar, the table, DetailsPanel),
  kept live by ``LiveLoader``;
- main_tabs.py: the three tabs and the status bar's summary;
- main_menus.py: the actions, menus, toolbar and keys;
- table_export.py: File ▸ Export CSV…;
- background.py: the outbox and the mailbox watchers, on a thread pool of their own;
- window_geometry.py: the window's size and place, as left last time.

This module wires them together and opens the dialogs. Every service call runs off the GUI
thread (``worker.run_task``); the dialogs' modules are imported when first opened, so that
the window's first paint does not wait for them.
"""

from __future__ import annotations

import logging
from typing import Any

import shiboken6
from PySide6.QtCore import QSize, QThreadPool, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QInputDialog, QMainWindow

from app.services.config import Settings
from app.services.history import message_views as mv
from app.services.storage import AccountStore, Database, open_database
from app.ui import i18n
from app.ui.accounts_view import AccountsView
from app.ui.background import Background
from app.ui.main_menus import MainMenus
from app.ui.main_tabs import MainTabs, StatusSummary
from app.ui.messages_page import MessagesPage
from app.ui.notifications import NotificationCenter, NotificationsPanel
from app.ui.table_export import TableExport
from app.ui.window_geometry import fit_window, save_geometry

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """The tabs, the menus, the status bar and the work in the background, wired together;
    opens the dialogs (compose, resend, quiet hours, setup wizard, domain health, about)."""

    def __init__(self, settings: Settings | None = None, db: Database | None = None, *,
                 live_tracking: bool = True, lang: str | None = None) -> None:
        super().__init__()
        self.settings = settings or Settings.from_env()
        self.db = db or open_database(self.settings.db_path)
        self.lang = lang or i18n.current_language()
        self.setWindowTitle("Postier")
        self.page = MessagesPage(self.db, self.lang)
        self.accounts = AccountsView(self.settings, self.db, lang=self.lang)
        self.notifications_panel = NotificationsPanel(self.db, lang=self.lang)
        self.notifier = NotificationCenter(self.settings, self.db, self.lang, parent=self)
        self.tabs = MainTabs(self.page, self.accounts, self.notifications_panel)
        self.setCentralWidget(self.tabs)
        self.summary = StatusSummary(self.statusBar(), self.page.model, self.notifier)
        self.status_label = self.summary.label
        self.exporter = TableExport(self, self.db, self.page.model, self.lang)
        self.menus = MainMenus(self)
        self._live_tracking = live_tracking
        self._closed = False
        # The outbox and the mailbox watchers, on a thread pool of their own (background.py).
        self.background = Background(self.settings, self.db,
                                     lambda _updates: self.page.loader.poll(), self)
        self.health_dialogs: dict[str, Any] = {}

        self.page.details.resendRequested.connect(self.resend)
        self.page.loader.changed.connect(self._database_changed)
        self.accounts.addRequested.connect(self.add_account)
        self.accounts.accountsChanged.connect(self._accounts_changed)
        self.notifier.delivered.connect(self._notified)
        self.notifier.activated.connect(self._bring_to_front)
        # A notification mail waits in the outbox: that account's lane sends it now.
        self.notifier.mailQueued.connect(self.background.send_due)
        self.notifications_panel.openMessage.connect(self.open_message)

        self._refresh_account_filter()
        self.tabs.update_notification_count()
        self.page.loader.start()
        # Team mode: the table follows the team database's NOTIFYs (polling as fallback).
        from app.ui.team_database_view import attach_team_live

        self.team_live = attach_team_live(self)
        self.notifier.check()  # sets the starting point; reports failing accounts
        if live_tracking:
            # Once the window is shown (the next event-loop turn), not before: the tracker's
            # imports, keyring read and IMAP logins must not hold up the first paint.
            QTimer.singleShot(0, self, self._start_background_when_shown)
        self._restore_geometry()
        # Quitting from the tray menu or a timer skips closeEvent: stop the watchers anyway,
        # or the thread pool would wait for them at exit.
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._quitting)

    def refresh(self) -> None:
        """F5: reload the view now and run one tracking pass for news."""
        self.page.loader.reload()
        self.notifier.check()
        self.accounts.reload()
        if self._live_tracking:
            self.process_queue()
            # Reconnect the mailbox watchers now (one may be waiting out a back-off after
            # a network error): its first pass reads what arrived meanwhile.
            self.start_tracking()
        self.statusBar().showMessage(self.tr("Refreshing…"), 2000)

    def _database_changed(self) -> None:
        self.notifier.check()
        self.accounts.reload()

    def _notified(self, _items: list) -> None:
        self.notifications_panel.reload()
        self.tabs.update_notification_count()

    def _bring_to_front(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def open_message(self, message_id: int) -> None:
        with self.db.reading() as conn:
            row = conn.execute("SELECT id FROM recipients WHERE message_id = ? ORDER BY id",
                               (message_id,)).fetchone()
        if row is None:
            return
        self.tabs.setCurrentWidget(self.page)
        self.page.reveal_recipient(row[0])

    # -- accounts ------------------------------------------------------------------
    def _accounts_changed(self) -> None:
        self._refresh_account_filter()
        if self._live_tracking:
            self.start_tracking()

    def _refresh_account_filter(self) -> None:
        self.page.filters.set_accounts(mv.account_emails(self.db))
        self.page.filters.set_senders(mv.sender_names(self.db))

    def add_account(self) -> None:
        from app.ui.wizard.wizard import SetupWizard  # on use: the window paints sooner

        wizard = SetupWizard(self.settings, self)
        wizard.accountSaved.connect(lambda email: (self.accounts.reload(),
                                                   self.accounts.select(email),
                                                   self._accounts_changed()))
        wizard.open()
        self.wizard = wizard

    def domain_health(self, email: str | None = None) -> None:
        """Ctrl+D: the domain health window of ``email``, else of the account selected in
        the Accounts tab, else of the only account; with several, the user picks one."""
        accounts = AccountStore(self.db).list()
        if not accounts:
            self.tabs.setCurrentWidget(self.accounts)
            self.statusBar().showMessage(self.tr("Add an account first."), 5000)
            return
        chosen = next((a for a in accounts if a.email == email), None) if email else None
        chosen = chosen or self.accounts.selected() or (accounts[0] if len(accounts) == 1
                                                        else None)
        if chosen is not None:
            self._open_domain_health(chosen.email)
            return
        picker = QInputDialog(self)
        picker.setWindowTitle(self.tr("Domain health"))
        picker.setLabelText(self.tr("Which account's domain should be checked?"))
        picker.setComboBoxItems([a.email for a in accounts])
        picker.setComboBoxEditable(False)
        picker.textValueSelected.connect(self._open_domain_health)
        picker.open()
        self.account_picker = picker

    def _open_domain_health(self, email: str) -> None:
        from app.ui.domain_health_dialog import DomainHealthDialog

        account = AccountStore(self.db).get(email)
        if account is None:
            return
        # One window per account: asking again brings it forward.
        dialog = self.health_dialogs.get(email)
        if dialog is None or not shiboken6.isValid(dialog):
            dialog = DomainHealthDialog(self.settings, self.db, account, self,
                                        language=self.lang)
            # finished, not destroyed: deletion comes later, after a reopen could find it.
            dialog.finished.connect(lambda _result=0: self.health_dialogs.pop(email, None))
            self.health_dialogs[email] = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    # -- compose / resend ----------------------------------------------------------
    def compose(self) -> None:
        from app.ui.compose_dialog import ComposeDialog

        accounts = AccountStore(self.db).list()
        if not accounts:
            self.tabs.setCurrentWidget(self.accounts)
            self.statusBar().showMessage(self.tr("Add an account first."), 5000)
            self.add_account()
            return
        dialog = ComposeDialog(self.settings, self.db, accounts, self)
        dialog.sent.connect(self._sent)
        dialog.open()
        self.compose_dialog = dialog

    def quiet_hours(self) -> None:
        from app.ui.quiet_hours_dialog import QuietHoursDialog

        dialog = QuietHoursDialog(self.db, self)
        dialog.open()
        self.quiet_dialog = dialog

    def resend_current(self) -> None:
        rid = self.page.table.current_recipient()
        if rid is not None:
            self.resend(rid)

    def resend(self, recipient_id: int) -> None:
        from app.ui.resend_dialog import ResendDialog

        details = mv.message_details(self.db, recipient_id)
        if details is None:
            return
        dialog = ResendDialog(self.settings, self.db, details, self)
        dialog.sent.connect(self._sent)
        dialog.open()
        self.resend_dialog = dialog

    def _sent(self, result: Any) -> None:
        status, mid = getattr(result, "status", ""), str(getattr(result, "id", ""))
        # SendResult.status is sent | queued | failed: said in words, never the raw code.
        words = {"sent": self.tr("Message %1 sent."),
                 "queued": self.tr("Message %1 is waiting to be sent."),
                 "failed": self.tr("Message %1 could not be sent: see its row.")}
        self.statusBar().showMessage(words.get(status, self.tr("Message %1 recorded."))
                                     .replace("%1", mid), 8000)
        self.page.loader.poll()

    # -- background work (background.py owns it) ----------------------------------------
    def process_queue(self) -> None:
        """Send scheduled messages that are due (quiet hours over, time reached)."""
        self.background.send_due()

    def start_tracking(self) -> None:
        """Watch every account's mailbox (IDLE) for bounces, reports and replies."""
        self.background.restart_watchers()

    def _start_background_when_shown(self) -> None:
        if not self._closed:  # not closed or quitting in the meantime
            self.background.start()

    def stop_tracking(self) -> None:
        self.background.stop_watchers()

    # -- misc ------------------------------------------------------------------------
    def about(self) -> None:
        from app.ui.about_dialog import AboutDialog

        dialog = AboutDialog(self.settings, self)
        dialog.open()
        self.about_dialog = dialog

    def _restore_geometry(self) -> None:
        # As left last time, never beyond the screen (1024×600 laptops); saved on close.
        fit_window(self, "main", QSize(1280, 760), self.db)

    def _shutdown(self) -> None:
        self._closed = True
        self.page.loader.stop()
        self.team_live.stop()
        self.background.stop()  # stop events set, threads joined within a deadline
        if self.notifier.tray is not None:
            self.notifier.tray.hide()

    def _quitting(self) -> None:
        self._shutdown()
        # The watchers and the outbox were joined by _shutdown; one-off tasks (run_task)
        # report back while Qt still exists (a few seconds at most).
        QThreadPool.globalInstance().waitForDone(3000)

    def closeEvent(self, event: QCloseEvent) -> None:
        save_geometry(self, "main", self.db)
        self.hide()  # off the screen at once: joining the watchers can take a second
        self._shutdown()
        super().closeEvent(event)
