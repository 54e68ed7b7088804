"""The main window: a composition of small widgets.

Sent messages tab = FilterBar + SentMessagesModel/QTableView + CountersBar + DetailsPanel;
then the Accounts tab and the Notifications tab. Every service call runs off the GUI
thread (``worker.run_task``); the table is kept live by ``LiveLoader``.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QLocale, QPoint, QSize, Qt, QThreadPool, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QKeySequence,
    QPainter,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProxyStyle,
    QSplitter,
    QStyle,
    QStyleOption,
    QStyleOptionHeader,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.services.config import Settings
from app.services.history import message_status as mst
from app.services.history import message_views as mv
from app.services.storage import AccountStore, Database, open_database
from app.ui.accounts_view import AccountsView
from app.ui.background import Background
from app.ui.details_panel import DetailsPanel
from app.ui.filter_bar import CountersBar, FilterBar
from app.ui.i18n import plural
from app.ui.messages_model import (
    COLUMNS,
    LiveLoader,
    RecipientIdRole,
    SentMessagesModel,
    format_clock,
)
from app.ui.notifications import NotificationCenter, NotificationsPanel
from app.ui.window_geometry import fit_window, save_geometry
from app.ui.worker import run_task

log = logging.getLogger(__name__)


def _language() -> str:
    from app.ui.i18n import current_language

    return current_language()


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
        self.empty = QLabel()
        self.empty.setTextFormat(Qt.TextFormat.PlainText)  # it quotes the user's search
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("QLabel { color: #6b7280; }")
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
        self.model.set_filter(flt)

    # Selection survives filter and sort changes when the row is still in the view.
    def _remember_selection(self) -> None:
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


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings | None = None, db: Database | None = None, *,
                 live_tracking: bool = True, lang: str | None = None) -> None:
        super().__init__()
        self.settings = settings or Settings.from_env()
        self.db = db or open_database(self.settings.db_path)
        self.lang = lang or _language()
        self.setWindowTitle("Postier")
        self.page = MessagesPage(self.db, self.lang)
        self.accounts = AccountsView(self.settings, self.db, lang=self.lang)
        self.notifications_panel = NotificationsPanel(self.db, lang=self.lang)
        self.notifier = NotificationCenter(self.settings, self.db, self.lang, parent=self)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.page, self.tr("Sent messages"))
        self.tabs.addTab(self.accounts, self.tr("Accounts"))
        self.tabs.addTab(self.notifications_panel, self.tr("Notifications"))
        self.setCentralWidget(self.tabs)
        self.status_label = QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addPermanentWidget(self.status_label)
        self._make_actions()
        self._live_tracking = live_tracking
        self._closed = False
        # The outbox and the mailbox watchers, on a thread pool of their own (background.py).
        self.background = Background(self.settings, self.db,
                                     lambda _updates: self.page.loader.poll(), self)
        self.health_dialogs: dict[str, Any] = {}

        self.page.details.resendRequested.connect(self.resend)
        self.page.model.refreshed.connect(self._update_status)
        self.page.loader.changed.connect(self._database_changed)
        self.accounts.addRequested.connect(self.add_account)
        self.accounts.accountsChanged.connect(self._accounts_changed)
        self.notifier.delivered.connect(self._notified)
        self.notifier.activated.connect(self._bring_to_front)
        # A notification mail waits in the outbox: that account's lane sends it now.
        self.notifier.mailQueued.connect(self.background.send_due)
        self.notifications_panel.openMessage.connect(self.open_message)
        self.tabs.currentChanged.connect(self._tab_changed)

        self._refresh_account_filter()
        self._update_notification_tab()
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

    # -- actions -------------------------------------------------------------------
    def _make_actions(self) -> None:
        def action(text: str, shortcut: QKeySequence | str | None, slot: Any,
                   tip: str = "") -> QAction:
            act = QAction(text, self)
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
            act.setToolTip(tip or text)
            # triggered(bool) would hand "checked" to slots with optional arguments.
            act.triggered.connect(lambda _checked=False: slot())
            self.addAction(act)
            return act

        self.compose_action = action(self.tr("New message"), QKeySequence.StandardKey.New,
                                     self.compose, self.tr("Write a message (Ctrl+N)"))
        self.refresh_action = action(self.tr("Refresh"), QKeySequence.StandardKey.Refresh,
                                     self.refresh, self.tr("Check for news now (F5)"))
        self.find_action = action(self.tr("Find"), QKeySequence.StandardKey.Find,
                                  self.focus_search)
        self.export_action = action(self.tr("Export CSV…"), "Ctrl+E", self.export_csv,
                                    self.tr("Save the rows shown as a spreadsheet file"))
        self.resend_action = action(self.tr("Resend…"), "Ctrl+R", self.resend_current)
        self.quiet_action = action(self.tr("Quiet hours…"), None, self.quiet_hours)
        self.add_account_action = action(self.tr("Add account…"), None, self.add_account)
        self.domain_health_action = action(
            self.tr("Domain health…"), "Ctrl+D", self.domain_health,
            self.tr("Check the account's sending domain: SPF, DKIM, DMARC, blocklists (Ctrl+D)"))
        self.about_action = action(self.tr("About Postier"), None, self.about)
        self.quit_action = action(self.tr("Quit"), QKeySequence.StandardKey.Quit, self.close)
        # Keys the menus cannot own: Delete in the table, Escape in the search field.
        QShortcut(QKeySequence.StandardKey.Delete, self.page.table, self._delete_pressed,
                  context=Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence("Escape"), self.page.filters.search,
                  lambda: (self.page.filters.search.clear(), self.page.table.setFocus()),
                  context=Qt.ShortcutContext.WidgetShortcut)
        menu = self.menuBar()
        file_menu = menu.addMenu(self.tr("&File"))
        file_menu.addActions([self.compose_action, self.export_action])
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        view_menu = menu.addMenu(self.tr("&View"))
        view_menu.addActions([self.refresh_action, self.find_action])
        message_menu = menu.addMenu(self.tr("&Message"))
        message_menu.addAction(self.resend_action)
        message_menu.addAction(self.quiet_action)
        accounts_menu = menu.addMenu(self.tr("&Accounts"))
        accounts_menu.addAction(self.add_account_action)
        accounts_menu.addAction(self.domain_health_action)
        help_menu = menu.addMenu(self.tr("&Help"))
        help_menu.addAction(self.about_action)
        toolbar = QToolBar(self.tr("Main"))
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addActions([self.compose_action, self.refresh_action, self.resend_action,
                            self.export_action])
        self.addToolBar(toolbar)

    def focus_search(self) -> None:
        self.tabs.setCurrentWidget(self.page)
        self.page.filters.search.setFocus()
        self.page.filters.search.selectAll()

    def _delete_pressed(self) -> None:
        # The table is a record of what happened: nothing in it is deleted from here.
        self.statusBar().showMessage(
            self.tr("Sent messages are kept as a record; nothing was deleted."), 5000)

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

    def _update_status(self) -> None:
        n = self.page.model.rowCount()
        # The table's own time format (QLocale), not a second, hard-coded one.
        rows = plural(self.tr("%Ln row(s) · updated at %1", "", n), n)
        self.status_label.setText(rows.replace("%1", format_clock(datetime.now().astimezone())))
        problems = sum(c for s, c in self.page.model.counts.items()
                       if s in mst.FAILED_STATUSES)
        self.notifier.set_status(plural(self.tr("%Ln problem(s)", "", problems), problems)
                                 if problems else self.tr("all good"))

    def _database_changed(self) -> None:
        self.notifier.check()
        self.accounts.reload()

    def _notified(self, _items: list) -> None:
        self.notifications_panel.reload()
        self._update_notification_tab()

    def _update_notification_tab(self) -> None:
        unseen = self.notifications_panel.unseen()
        index = self.tabs.indexOf(self.notifications_panel)
        self.tabs.setTabText(index, self.tr("Notifications (%d)") % unseen if unseen
                             else self.tr("Notifications"))

    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.notifications_panel:
            self.notifications_panel.reload()

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
        if not self.page.select_recipient(row[0]):
            self.page.filters.set_status(None)
            self.page.filters.search.clear()
            self.page._restore_id = row[0]

    # -- accounts ------------------------------------------------------------------
    def _accounts_changed(self) -> None:
        self._refresh_account_filter()
        if self._live_tracking:
            self.start_tracking()

    def _refresh_account_filter(self) -> None:
        self.page.filters.set_accounts(mv.account_emails(self.db))
        self.page.filters.set_senders(mv.sender_names(self.db))

    def add_account(self) -> None:
        try:
            from app.ui.wizard.wizard import SetupWizard
        except ImportError as exc:
            QMessageBox.warning(self, self.tr("Add account"),
                                self.tr("The setup assistant is not available: %s") % exc)
            return
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
        from app.ui.compose_dialog import QuietHoursDialog

        dialog = QuietHoursDialog(self.db, self)
        dialog.open()
        self.quiet_dialog = dialog

    def resend_current(self) -> None:
        rid = self.page.table.current_recipient()
        if rid is not None:
            self.resend(rid)

    def resend(self, recipient_id: int) -> None:
        from app.ui.compose_dialog import ResendDialog

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

    # -- export --------------------------------------------------------------------
    def export_csv(self, path: str | None = None, delimiter: str | None = None) -> None:
        comma = self.tr("CSV, comma separated (*.csv)")
        semicolon = self.tr("CSV for French Excel, semicolon separated (*.csv)")
        if path is None:
            # Excel splits on ';' where the decimal point is a comma (French, German…).
            decimal_comma = QLocale(self.lang).decimalPoint() == ","
            preferred = semicolon if decimal_comma else comma
            chosen, selected = QFileDialog.getSaveFileName(
                self, self.tr("Export the rows shown"), str(Path.home() / "postier.csv"),
                ";;".join([preferred, comma if preferred == semicolon else semicolon]),
                preferred)
            if not chosen:
                return
            path = chosen
            delimiter = ";" if selected == semicolon else ","
        model = self.page.model
        db, flt, sort, desc, lang = (self.db, model.filter, model.sort_column,
                                     model.descending, self.lang)
        target = Path(path)
        sep = delimiter or ","
        run_task(lambda: mv.export_csv(db, target, flt, sort, desc, sep, lang),
                 lambda n, error: self._exported(target, n, error))

    def _exported(self, path: Path, count: int | None, error: BaseException | None) -> None:
        if error is not None:
            QMessageBox.warning(self, self.tr("Export"),
                                self.tr("The file could not be written: %s") % error)
            return
        n = count or 0
        done = plural(self.tr("%Ln row(s) exported to %1", "", n), n)
        self.statusBar().showMessage(done.replace("%1", str(path)), 8000)
        self.last_export = (path, count)

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
