"""Accounts tab: list, add (the setup wizard), edit name and label, re-test, remove, and
"Sign in again" for an OAuth2 account whose sign-in expired or was revoked."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.config import Settings
from app.services.storage import Account, AccountStore, Database
from app.ui.user_feedback import confirm, error_text, window_language
from app.ui.worker import gui_callback, run_task

if TYPE_CHECKING:  # types only: the services themselves are imported on first use
    from app.services.errors import ErrorInfo
    from app.services.setup.retest import Retest

log = logging.getLogger(__name__)


def needs_sign_in(account: Account) -> bool:
    """An OAuth2 account whose refresh was refused (revoked, expired): only a new sign-in
    on the provider's page brings it back; a password account needs its password instead."""
    return account.auth_kind == "oauth2" and bool(
        account.needs_attention or account.sync_error in SIGN_IN_EXPIRED)


# OAUTH_EXPIRED, and its name before CLI.md's in data written by older versions.
SIGN_IN_EXPIRED = ("OAUTH_EXPIRED", "OAUTH_REAUTH_REQUIRED")

class EditAccountDialog(QDialog):
    def __init__(self, account: Account, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Edit %s") % account.email)
        self.display_name = QLineEdit(account.display_name)
        self.label = QLineEdit(account.label)
        self.label.setPlaceholderText(self.tr("Project or team, e.g. Shop, Accounting"))
        form = QFormLayout(self)
        form.addRow(self.tr("Name shown to recipients"), self.display_name)
        form.addRow(self.tr("Label"), self.label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class AccountsView(QWidget):
    """The configured accounts with their sync status."""

    accountsChanged = Signal()
    addRequested = Signal()

    COLUMNS = 5

    def __init__(self, settings: Settings, db: Database, parent: QWidget | None = None,
                 lang: str | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.db = db
        # The window's language (MainWindow.lang), not the system's: the catalogue's
        # messages shown here must match the translated words around them.
        self.lang = lang
        self.store = AccountStore(db)
        self.accounts: list[Account] = []
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setHorizontalHeaderLabels([self.tr("Account"), self.tr("Name"),
                                              self.tr("Label"), self.tr("Sync status"),
                                              self.tr("Last test")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(1, 180)
        self.table.setColumnWidth(2, 150)
        self.table.setColumnWidth(4, 110)
        self.table.setWordWrap(False)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.add_button = QPushButton(self.tr("Add account…"))
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.test_button = QPushButton(self.tr("Re-test"))
        # Password, servers and signature change through the setup wizard: tested again
        # before anything is saved (a failed test offers the password field there).
        self.change_button = QPushButton(self.tr("Password, servers, signature…"))
        self.change_button.setObjectName("changeAccount")
        self.change_button.clicked.connect(self.change_selected)
        self.change_wizard: Any = None
        self.remove_button = QPushButton(self.tr("Remove…"))
        self.add_button.clicked.connect(self.addRequested)
        self.edit_button.clicked.connect(self.edit_selected)
        self.test_button.clicked.connect(self.retest_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        # Shown only for an OAuth2 account whose sign-in must be renewed.
        self.sign_in_button = QPushButton(self.tr("Sign in again"))
        self.sign_in_button.setObjectName("signInAgain")
        self.sign_in_button.setToolTip(self.tr("Renew the sign-in on the provider's own page; "
                                               "messages and history are kept"))
        self.sign_in_button.clicked.connect(lambda: self.sign_in_selected())
        self.device_button = QPushButton(self.tr("Sign in with a code"))
        self.device_button.setObjectName("signInWithCode")
        self.device_button.setToolTip(self.tr("No browser on this computer: sign in on a "
                                              "phone or another computer with a code"))
        self.device_button.clicked.connect(lambda: self.sign_in_selected(device=True))
        self.sign_in_progress = QProgressBar()
        self.sign_in_progress.setRange(0, 0)  # busy: nobody knows how long the user takes
        self.sign_in_progress.setMaximumWidth(160)
        self.sign_in_progress.setTextVisible(False)
        self.cancel_sign_in_button = QPushButton(self.tr("Cancel sign-in"))
        self.cancel_sign_in_button.setObjectName("cancelSignIn")
        self.cancel_sign_in_button.clicked.connect(self.cancel_sign_in)
        # Tests (and a future "copy the link" option) replace the system browser here.
        self.open_browser: Callable[[str], Any] | None = None
        self._sign_in_cancel: threading.Event | None = None
        self._signing_in_email: str | None = None
        # Delete asks first (remove_selected confirms); nothing is removed on one key press.
        QShortcut(QKeySequence.StandardKey.Delete, self.table, self.remove_selected,
                  context=Qt.ShortcutContext.WidgetShortcut)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.change_button, self.test_button,
                  self.remove_button, self.sign_in_button, self.device_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.status, 1)
        progress_row.addWidget(self.sign_in_progress)
        progress_row.addWidget(self.cancel_sign_in_button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addLayout(progress_row)
        # Team mode (issue 19): the shared database's section, under the accounts.
        from app.ui.team_database_view import TeamDatabaseBox

        self.team_database = TeamDatabaseBox(settings, self)
        layout.addWidget(self.team_database)
        self._show_sign_in_progress(False)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.reload()

    def reload(self) -> None:
        selected = self.selected()
        self.accounts = self.store.list()
        self.table.setRowCount(len(self.accounts))
        for row, a in enumerate(self.accounts):
            state, color = self._sync_text(a)
            last = (self.tr("OK") if a.last_check_ok else self.tr("Failed")) \
                if a.last_check_at else self.tr("Never")
            cells = [a.email, a.display_name, a.label, state, last]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 3:
                    item.setForeground(QBrush(QColor(color)))
                    item.setToolTip(a.sync_error or "")
                self.table.setItem(row, col, item)
            if selected and a.email == selected.email:
                self.table.selectRow(row)
        self._update_buttons()

    def _sync_text(self, a: Account) -> tuple[str, str]:
        """What the mailbox watcher last said. ``sync_error`` holds an error code of the
        catalogue (AUTH_FAILED, TIMEOUT, OAUTH_EXPIRED…), shown in plain words."""
        if a.sync_error in SIGN_IN_EXPIRED:
            return self.tr("Needs attention: sign in again"), "#b91c1c"
        if a.sync_state == "error":
            return (self.tr("Not syncing: %s") % self._code_text(a.sync_error), "#b91c1c")
        if a.sync_state == "watching":
            return self.tr("Watching for replies and bounces"), "#15803d"
        if a.sync_state == "ok":
            return self.tr("Up to date"), "#374151"
        return self.tr("Not checked yet"), "#6b7280"

    def _language(self) -> str:
        return window_language(self)

    def _code_text(self, code: str | None) -> str:
        from app.services.errors import CATALOGUE, message_for

        if code and code in CATALOGUE:
            return message_for(code, self._language())[0]
        return code or self.tr("error")

    def selected(self) -> Account | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() \
            else []
        if not rows or rows[0].row() >= len(self.accounts):
            return None
        return self.accounts[rows[0].row()]

    def select(self, email: str) -> None:
        for row, a in enumerate(self.accounts):
            if a.email == email:
                self.table.selectRow(row)

    def _update_buttons(self) -> None:
        account = self.selected()
        has = account is not None
        for b in (self.edit_button, self.change_button, self.test_button, self.remove_button):
            b.setEnabled(has)
        needs = account is not None and needs_sign_in(account)
        self.sign_in_button.setVisible(needs)
        self.device_button.setVisible(needs and self._device_flow_offered(account))
        busy = self._sign_in_cancel is not None
        self.sign_in_button.setEnabled(not busy)
        self.device_button.setEnabled(not busy)

    def _device_flow_offered(self, account: Account) -> bool:
        """Google refuses mail access through its device-code flow: browser only there."""
        from app.services.setup.sign_in import sign_in_offer

        return sign_in_offer(self.settings, account.provider or "").device_code

    # -- actions -------------------------------------------------------------------
    def edit_selected(self) -> None:
        account = self.selected()
        if account is None:
            return
        dialog = EditAccountDialog(account, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.store.update_fields(account.email,
                                     display_name=dialog.display_name.text().strip(),
                                     label=dialog.label.text().strip())
            self.reload()
            self.accountsChanged.emit()

    def change_selected(self) -> None:
        account = self.selected()
        if account is None:
            return
        from app.ui.wizard.wizard import SetupWizard

        wizard = SetupWizard(self.settings, self, edit_account=account)
        wizard.accountSaved.connect(lambda _email: (self.reload(), self.accountsChanged.emit()))
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.change_wizard = wizard
        wizard.open()

    def retest_selected(self) -> None:
        account = self.selected()
        if account is None:
            return
        from app.services.setup.retest import retest_account

        self.status.setText(self.tr("Testing %s…") % account.email)
        self.test_button.setEnabled(False)
        settings = self.settings
        run_task(lambda: retest_account(settings, account),
                 lambda result, error: self._tested(account, result, error))

    def _tested(self, account: Account, result: Retest | None,
                error: BaseException | None) -> None:
        """Show the re-test's outcome (retest_account recorded it on the account)."""
        if result is not None and result.error is not None:
            error = result.error  # the test could not run: no password, sign-in expired…
        ok = error is None and result is not None and result.ok
        if ok:
            self.status.setText(self.tr("%s works: sending and receiving are OK.")
                                % account.email)
        elif error is not None:
            self.status.setText(self.tr("%s: the test could not run: %s")
                                % (account.email, error_text(error)))
        else:
            check = result.check if result is not None else None
            self.status.setText(self.tr("%s does not work: %s") % (
                account.email, self._problem(check.error if check is not None else None)))
        self.reload()
        self.accountsChanged.emit()

    def _problem(self, info: ErrorInfo | None) -> str:
        """The catalogue's message and hint for the check's error, in the user's language."""
        if info is None:
            return self.tr("see the details in the setup assistant")
        from app.services.errors import CATALOGUE, message_for

        if info.code in CATALOGUE:
            message, hint = message_for(info.code, self._language())
        else:
            message, hint = info.message, info.hint
        server = f" ({info.server})" if info.server else ""
        return f"{message}{server} {hint}".strip()

    def remove_selected(self) -> None:
        account = self.selected()
        if account is None:
            return
        if not confirm(self, self.tr("Remove account"),
                       self.tr("Remove %s from Postier?\n\nIts password is deleted from the "
                               "system keyring. Messages already sent stay in the table.")
                       % account.email):
            return
        from app.services.setup.accounts import remove_account

        settings = self.settings
        run_task(lambda: remove_account(settings, account.email),
                 lambda _r, error: self._removed(account, error))

    def _removed(self, account: Account, error: BaseException | None) -> None:
        if error is not None:
            self.status.setText(self.tr("%s could not be removed: %s")
                                % (account.email, error_text(error)))
        else:
            self.status.setText(self.tr("%s was removed.") % account.email)
        self.reload()
        self.accountsChanged.emit()

    # -- sign in again (OAuth2) ------------------------------------------------------
    def sign_in_selected(self, device: bool = False) -> None:
        """Renew the sign-in of the selected OAuth2 account, off the GUI thread; the
        provider's page is pre-filled with the account's address."""
        account = self.selected()
        if account is None or not needs_sign_in(account) or self._sign_in_cancel is not None:
            return
        from app.services.setup.accounts import sign_in_again

        cancel = threading.Event()
        self._sign_in_cancel = cancel
        self._signing_in_email = account.email
        self._show_sign_in_progress(True)
        self._update_buttons()
        if device:
            self.status.setText(self.tr("%s: asking the provider for a sign-in code…")
                                % account.email)
        else:
            self.status.setText(self.tr("%s: finish signing in in your web browser. Waiting…")
                                % account.email)
        settings, email = self.settings, account.email
        show_code = gui_callback(lambda code: self._show_code(email, code, cancel))
        opener = self.open_browser
        run_task(lambda: sign_in_again(settings, email, device=device, show_code=show_code,
                                       cancel=cancel, open_browser=opener),
                 lambda result, error: self._signed_in(email, result, error, cancel))

    def _show_code(self, email: str, code: Any, cancel: threading.Event) -> None:
        if not shiboken6.isValid(self) or cancel is not self._sign_in_cancel:
            return
        self.status.setText(self.tr("%1: on any computer or phone, open %2 and enter the code "
                                    "%3. Waiting…").replace("%1", email)
                            .replace("%2", code.verification_uri)
                            .replace("%3", code.user_code))

    def cancel_sign_in(self) -> None:
        cancel, email = self._sign_in_cancel, self._signing_in_email
        if cancel is None:
            return
        cancel.set()  # the worker stops waiting for the browser/code at its next look
        self._sign_in_done_ui()
        from app.services.errors import message_for

        message, _hint = message_for("OAUTH_CANCELLED", self._language())
        self.status.setText(f"{email}: {message}")

    def _signed_in(self, email: str, account: Any, error: BaseException | None,
                   cancel: threading.Event) -> None:
        if not shiboken6.isValid(self) or cancel is not self._sign_in_cancel \
                or cancel.is_set():
            return  # cancelled: the user has moved on
        self._sign_in_done_ui()
        if error is None:
            self.status.setText(self.tr("%s: signed in again. Replies and bounces are followed "
                                        "again.") % email)
        else:
            self.status.setText(f"{email}: {self._sign_in_problem(error)}")
        self.reload()  # renew_sign_in cleared needs_attention: the red line goes
        if error is None:
            self.accountsChanged.emit()  # the main window restarts the mailbox watchers

    def _sign_in_problem(self, error: BaseException) -> str:
        from app.services.errors import PostierError, message_for

        code = error.code if isinstance(error, PostierError) else "OAUTH_FAILED"
        message, hint = message_for(code, self._language())
        if isinstance(error, PostierError) and code == "OAUTH_WRONG_ACCOUNT" and error.reply:
            message = f"{message} ({error.reply})"  # "signed in as <other address>"
        return f"{message} {hint}".strip()

    def _sign_in_done_ui(self) -> None:
        self._sign_in_cancel = None
        self._signing_in_email = None
        self._show_sign_in_progress(False)
        self._update_buttons()

    def _show_sign_in_progress(self, shown: bool) -> None:
        self.sign_in_progress.setVisible(shown)
        self.cancel_sign_in_button.setVisible(shown)
