"""Team mode in the window (issue 19): the "Team database" section of the Accounts tab, and
``attach_team_live``, which keeps the sent table live from the team database's NOTIFYs.

Thin Qt over ``app/services/team``: every connection runs off the GUI thread
(``run_task``), the NOTIFY listener is a service thread whose calls come back through
``gui_callback``.

When the team database is down, Postier says so here and in the status bar, the table keeps
showing what it last read, and a new message is refused at "Send" with
TEAM_DATABASE_UNREACHABLE, its window staying open with the text: nothing is queued on this
laptop to be pushed later. A local queue would send mail the colleagues cannot see, could
not be claimed across the team (two laptops could send the same resend), and would have to
be merged back; refusing loses nothing, because the message is still on screen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.config import Settings
from app.services.team import connection
from app.services.team import migrate as team_migrate
from app.services.team import status as team_status
from app.ui.user_feedback import error_text
from app.ui.worker import gui_callback, run_task

log = logging.getLogger(__name__)

OK_STYLE = "QLabel { color: #166534; }"
OFFLINE_STYLE = ("QLabel { color: #991b1b; background: #fef2f2; border: 1px solid #fecaca;"
                 " border-radius: 4px; padding: 6px; }")



class TeamDatabaseBox(QGroupBox):
    """URL (never the password), the password kept in the keyring, the connection test,
    the copy of this laptop's history, and a plain offline state."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Team database"), parent)
        self.setObjectName("teamDatabase")
        self.settings = settings
        self.url = connection.team_url(settings)
        self.migrate: Callable[..., Any] = team_migrate.migrate
        self.last_status: team_status.TeamStatus | None = None

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.url_label = QLabel()
        self.url_label.setObjectName("teamUrl")
        self.url_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("Database password (kept in this computer's "
                                                 "keyring)"))
        self.save_password_button = QPushButton(self.tr("Save password"))
        self.save_password_button.clicked.connect(self.save_password)
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.setObjectName("testTeamDatabase")
        self.test_button.clicked.connect(self.test_connection)
        self.migrate_button = QPushButton(self.tr("Copy this computer's history…"))
        self.migrate_button.setObjectName("migrateHistory")
        self.migrate_button.clicked.connect(self.migrate_history)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.state = QLabel()
        self.state.setObjectName("teamState")
        self.state.setWordWrap(True)
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        self.live = QLabel()
        self.live.setObjectName("teamLive")

        form = QFormLayout()
        form.addRow(self.tr("Server"), self.url_label)
        password_row = QHBoxLayout()
        password_row.addWidget(self.password, 1)
        password_row.addWidget(self.save_password_button)
        form.addRow(self.tr("Password"), password_row)
        form.addRow(self.tr("Live updates"), self.live)
        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.migrate_button)
        buttons.addWidget(self.progress)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.state)
        self._show_mode()

    # -- what is configured ------------------------------------------------------------
    def _show_mode(self) -> None:
        team = self.url is not None
        if team:
            assert self.url is not None
            where = connection.target(self.url)
            self.url_label.setText(where.shown())
            source = self.settings.deploy.source("database.url") or "POSTIER_DATABASE_URL"
            self.url_label.setToolTip(self.tr("Set by {source}").format(source=source))
            self.intro.setText(self.tr(
                "The sent messages of every colleague who shares an address are kept on this "
                "PostgreSQL server: everyone sees every send and every bounce within a second, "
                "one computer at a time reads a shared mailbox, and a failed message is resent "
                "once. Passwords stay in each computer's keyring."))
            self.live.setText("—")  # attach_team_live says on/off once it knows
            if where.has_password_in_url:
                self._say(self.tr("The URL contains a password: remove it from the settings "
                                  "and save it here, in this computer's keyring."), False)
        else:
            self.url_label.setText(self.tr("none — this computer keeps its own data file"))
            self.intro.setText(self.tr(
                "To share the sent messages with colleagues, your IT provider sets a team "
                "database (postgresql://…) in postier.toml or POSTIER_DATABASE_URL."))
            self.live.setText(self.tr("this computer only"))
        for widget in (self.password, self.save_password_button, self.test_button):
            widget.setEnabled(team)
        self.migrate_button.setEnabled(team)

    def _say(self, text: str, ok: bool | None) -> None:
        self.state.setText(text)
        self.state.setStyleSheet("" if ok is None else OK_STYLE if ok else OFFLINE_STYLE)

    # -- password ---------------------------------------------------------------------
    def save_password(self) -> None:
        secret = self.password.text()
        if not secret or self.url is None:
            return
        url = self.url
        self.save_password_button.setEnabled(False)

        def done(_r: Any, error: BaseException | None) -> None:
            self.save_password_button.setEnabled(True)
            self.password.clear()  # never kept in the widget longer than needed
            if error is not None:
                self._say(error_text(error), False)
                return
            self._say(self.tr("Password saved in this computer's keyring."), True)
            self.test_connection()

        run_task(lambda: connection.store_password(url, secret), done)

    # -- test -------------------------------------------------------------------------
    def test_connection(self) -> None:
        self.test_button.setEnabled(False)
        self._say(self.tr("Connecting…"), None)
        settings = self.settings
        run_task(lambda: team_status.check(settings), self._tested)

    def _tested(self, status: Any, error: BaseException | None) -> None:
        self.test_button.setEnabled(self.url is not None)
        if error is not None:
            self._say(error_text(error), False)
            return
        self.last_status = status
        if status.ok:
            text = self.tr("Connected: PostgreSQL {version}, {ms} ms.").format(
                version=status.server_version, ms=status.elapsed_ms)
            watched = [w for w in status.watchers if w.get("email")]
            if watched:
                text += " " + self.tr("Mailboxes being read: {list}.").format(
                    list=", ".join(f"{w['email']} ({_who(w['by'])})" for w in watched))
            self._say(text, True)
        else:
            self.show_offline(status.error or {})

    def show_offline(self, error: dict[str, Any]) -> None:
        """The clear offline state: what is wrong, what still works, what does not."""
        lines = [self.tr("Offline: the team database cannot be reached."),
                 self.tr("The table shows what was last read. New messages cannot be sent "
                         "until it is back: they stay in their window, nothing is lost.")]
        if error.get("code") == "TEAM_DATABASE_AUTH_FAILED":
            lines = [self.tr("The team database refused the user name or password."),
                     self.tr("Type the password given by whoever runs the server, then "
                             "“Save password”: it is kept in this computer's "
                             "keyring only.")]
        if error.get("reply"):
            lines.append(str(error["reply"]))
        self._say("\n".join(lines), False)

    # -- live state (from attach_team_live) --------------------------------------------
    def show_live(self, connected: bool, error: dict[str, Any] | None) -> None:
        if connected:
            self.live.setText(self.tr("on (within a second of a colleague's change)"))
            self.live.setStyleSheet(OK_STYLE)
            if self.state.styleSheet() == OFFLINE_STYLE:
                self._say(self.tr("Connected again."), True)
        else:
            self.live.setText(self.tr("off — retrying; the table is refreshed every second"))
            self.live.setStyleSheet("QLabel { color: #991b1b; }")
            if error is not None:
                self.show_offline(error)

    # -- history copy -----------------------------------------------------------------
    def migrate_history(self) -> None:
        if self.url is None:
            return
        migrate, url, settings = self.migrate, self.url, self.settings
        self.migrate_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.show()
        progress = gui_callback(self._progress)
        self._say(self.tr("Copying this computer's history…"), None)

        def work() -> Any:
            return migrate(settings.db_path, url, progress=progress,
                           display_name=settings.option("database.display_name"))

        run_task(work, self._migrated)

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _migrated(self, result: Any, error: BaseException | None) -> None:
        self.migrate_button.setEnabled(True)
        self.progress.hide()
        if error is not None:
            self._say(error_text(error), False)
            return
        counts = result.to_dict() if hasattr(result, "to_dict") else dict(result or {})
        self._say(self.tr("Copied: {messages} messages, {recipients} recipients, {events} "
                          "events; {skipped} already there.").format(
            messages=counts.get("messages", 0), recipients=counts.get("recipients", 0),
            events=counts.get("events", 0), skipped=counts.get("skipped", 0)), True)


class TeamDatabaseDialog(QDialog):
    """At start-up, when the team database refused us or did not answer: the section
    (password into the keyring, connection test) with "Try again" and "Quit"."""

    def __init__(self, settings: Settings, error: BaseException,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Postier — Team database"))
        self.box = TeamDatabaseBox(settings, self)
        self.box.show_offline({"code": getattr(error, "code", ""),
                               "reply": getattr(error, "message", None) or str(error)})
        self.box.migrate_button.hide()  # nothing to copy into a database we cannot reach
        buttons = QDialogButtonBox()
        self.retry_button = buttons.addButton(self.tr("Try again"),
                                              QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.box)
        layout.addWidget(buttons)
        self.resize(760, self.sizeHint().height())


def ask_team_database(settings: Settings, error: BaseException) -> bool:
    """Show TeamDatabaseDialog; True when the user wants Postier to try again."""
    import os

    dialog = TeamDatabaseDialog(settings, error)
    if os.environ.get("POSTIER_EXIT_AFTER"):  # smoke tests: never block on a modal dialog
        dialog.show()
        return False
    return dialog.exec() == QDialog.DialogCode.Accepted


def _who(application_name: str) -> str:
    """"postier watcher a@b.fr marie@laptop pid 12" → "marie@laptop"."""
    words = application_name.split()
    return next((w for w in reversed(words) if "@" in w), application_name) or "?"


# ---------------------------------------------------------------------------
# Live updates of the sent table
# ---------------------------------------------------------------------------
class TeamLive(QObject):
    """Turns the team database's NOTIFYs into LiveLoader.poll() calls.

    While the listener is connected the loader's 1-second timer is stopped: a change
    anywhere arrives as a notification within milliseconds and the table re-reads once.
    When the link drops (or on SQLite, where this does nothing) the timer polls as before."""

    stateChanged = Signal(bool, object)  # connected, error dict or None

    def __init__(self, settings: Settings, loader: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.loader = loader
        self.listener: Any = None
        self.connected = False

    def start(self) -> bool:
        url = connection.team_url(self.settings)
        if url is None:
            return False
        from app.services.team.live import Listener

        self.listener = Listener(url, gui_callback(self._changed),
                                 gui_callback(self._state)).start()
        return True

    def stop(self) -> None:
        if self.listener is not None:
            self.listener.stop(wait=0)
            self.listener = None

    def _changed(self, _tables: set[str]) -> None:
        if self.listener is not None:
            self.loader.poll()

    def _state(self, up: bool, error: Any) -> None:
        if self.listener is None:
            return
        self.connected = up
        timer = self.loader.timer
        if up:
            timer.stop()
            self.loader.poll()  # whatever changed before the LISTEN took effect
        elif not timer.isActive():
            timer.start()
        self.stateChanged.emit(up, error.to_dict() if error is not None else None)


def attach_team_live(window: Any) -> TeamLive:
    """Hook the listener to the main window: its table's loader, the Accounts tab's team
    section, and an "offline" mark in the status bar. Nothing happens on SQLite."""
    live = TeamLive(window.settings, window.page.loader, window)
    offline = QLabel(live.tr("Team database offline"))
    offline.setObjectName("teamOffline")
    offline.setStyleSheet("QLabel { color: #991b1b; font-weight: bold; }")
    offline.hide()
    window.statusBar().addWidget(offline)
    live.stateChanged.connect(lambda up, _e: offline.setVisible(not up))
    box = getattr(window.accounts, "team_database", None)
    if box is not None:
        live.stateChanged.connect(box.show_live)
    live.start()
    return live
