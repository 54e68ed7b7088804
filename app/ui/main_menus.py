"""The main window's commands: its actions with their shortcuts, the menu bar, the toolbar,
and the two keys no menu can own (Delete in the sent table, Escape in the search field).

Each action calls one of the window's own methods (compose, refresh, resend…); the
actions stay the window's (``window.compose_action``…), as before, for the keyboard checks
and the tests. The order in which they are made is the order of the menus and the toolbar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QToolBar

if TYPE_CHECKING:  # the type only: the window imports this module, not the reverse
    from app.ui.main_window import MainWindow


class MainMenus(QObject):
    """Makes the window's actions, menus and toolbar; answers Find, Delete and Escape."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._make_actions()
        self._make_keys()
        self._make_menus()
        self._make_toolbar()

    def _action(self, text: str, shortcut: QKeySequence | QKeySequence.StandardKey | str | None,
                slot: Any, tip: str = "") -> QAction:
        act = QAction(text, self.window)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        act.setToolTip(tip or text)
        # triggered(bool) would hand "checked" to slots with optional arguments.
        act.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(act)
        return act

    def _make_actions(self) -> None:
        w, keys = self.window, QKeySequence.StandardKey
        w.compose_action = self._action(self.tr("New message"), keys.New, w.compose,
                                        self.tr("Write a message (Ctrl+N)"))
        w.refresh_action = self._action(self.tr("Refresh"), keys.Refresh, w.refresh,
                                        self.tr("Check for news now (F5)"))
        w.find_action = self._action(self.tr("Find"), keys.Find, self.focus_search)
        w.export_action = self._action(self.tr("Export CSV…"), "Ctrl+E", w.exporter.export,
                                       self.tr("Save the rows shown as a spreadsheet file"))
        w.resend_action = self._action(self.tr("Resend…"), "Ctrl+R", w.resend_current)
        w.quiet_action = self._action(self.tr("Quiet hours…"), None, w.quiet_hours)
        w.add_account_action = self._action(self.tr("Add account…"), None, w.add_account)
        w.domain_health_action = self._action(
            self.tr("Domain health…"), "Ctrl+D", w.domain_health,
            self.tr("Check the account's sending domain: SPF, DKIM, DMARC, blocklists (Ctrl+D)"))
        w.about_action = self._action(self.tr("About Postier"), None, w.about)
        w.quit_action = self._action(self.tr("Quit"), keys.Quit, w.close)

    def _make_keys(self) -> None:
        page = self.window.page
        QShortcut(QKeySequence.StandardKey.Delete, page.table, self._delete_pressed,
                  context=Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence("Escape"), page.filters.search,
                  lambda: (page.filters.search.clear(), page.table.setFocus()),
                  context=Qt.ShortcutContext.WidgetShortcut)

    def _make_menus(self) -> None:
        w = self.window
        menu = w.menuBar()
        file_menu = menu.addMenu(self.tr("&File"))
        file_menu.addActions([w.compose_action, w.export_action])
        file_menu.addSeparator()
        file_menu.addAction(w.quit_action)
        view_menu = menu.addMenu(self.tr("&View"))
        view_menu.addActions([w.refresh_action, w.find_action])
        message_menu = menu.addMenu(self.tr("&Message"))
        message_menu.addAction(w.resend_action)
        message_menu.addAction(w.quiet_action)
        accounts_menu = menu.addMenu(self.tr("&Accounts"))
        accounts_menu.addAction(w.add_account_action)
        accounts_menu.addAction(w.domain_health_action)
        help_menu = menu.addMenu(self.tr("&Help"))
        help_menu.addAction(w.about_action)

    def _make_toolbar(self) -> None:
        w = self.window
        toolbar = QToolBar(self.tr("Main"))
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addActions([w.compose_action, w.refresh_action, w.resend_action,
                            w.export_action])
        w.addToolBar(toolbar)

    def focus_search(self) -> None:
        """Ctrl+F: the Sent messages tab, its search field, all of its text selected."""
        page = self.window.page
        self.window.tabs.setCurrentWidget(page)
        page.filters.search.setFocus()
        page.filters.search.selectAll()

    def _delete_pressed(self) -> None:
        # The table is a record of what happened: nothing in it is deleted from here.
        self.window.statusBar().showMessage(
            self.tr("Sent messages are kept as a record; nothing was deleted."), 5000)
