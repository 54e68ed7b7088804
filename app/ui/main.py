"""GUI entry point: QApplication, translations, then the wizard or the main window."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from app.services.config import Settings, resources_dir
from app.ui.i18n import current_language

if TYPE_CHECKING:
    from app.services.storage import Database


# The window icon's sizes: what title bars, taskbars, window switchers and the tray show
# (16-128 px, HiDPI included). 256 and 512 px are for installers and the desktop file: on
# X11 every size of the window icon is sent to the window manager as raw pixels when a
# window is shown, ~15 ms for those two (issue 17).
WINDOW_ICON_MAX = 128


def app_icon() -> QIcon:
    """The Postier icon from its pre-rendered PNG sizes (no SVG plugin needed)."""
    icon = QIcon()
    for path in sorted((resources_dir() / "icons").glob("postier-*.png")):
        size = path.stem.rpartition("-")[2]
        if size.isdigit() and int(size) <= WINDOW_ICON_MAX:
            icon.addFile(str(path))
    return icon


def create_app(argv: Sequence[str] | None = None, translate: bool = True) -> QApplication:
    """The QApplication; ``translate=False`` leaves the translator to the caller, which
    knows the configured language only once the settings are read (loaded once, not twice).
    """
    from app import __version__  # looked up here, not at import (see app/__init__.py)

    app = QApplication.instance() or QApplication(list(argv or sys.argv))
    app.setApplicationName("Postier")
    app.setOrganizationName("Postier")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    # Wayland shells match the window to postier.desktop (its icon and name) by this.
    app.setDesktopFileName("postier")
    if translate:
        from app.ui.i18n import install_translator

        install_translator(app)
    return app  # type: ignore[return-value]


def run_gui(argv: Sequence[str] | None = None) -> int:
    app = create_app(argv, translate=False)
    restored = False
    translated = False
    while True:
        try:
            settings = Settings.from_env()
            if not translated:  # once: a restored data file does not change the language
                _apply_configured_language(app, settings)
                translated = True
            start(settings)
            break
        except Exception as exc:
            if not _startup_error(exc):
                raise
            if not translated:  # unreadable settings: the system's language for the message
                from app.ui.i18n import install_translator

                install_translator(app)
                translated = True
            if getattr(exc, "code", None) == "DATABASE_ERROR" and not restored:
                # Damaged or unreadable data file: say what happened and offer the backup
                # (the damaged file is kept); restored, start again on it.
                from app.ui.data_error import offer_restore

                restored = offer_restore(settings.db_path, exc)
                if restored:
                    continue
                return 1
            if str(getattr(exc, "code", "")).startswith("TEAM_DATABASE_"):
                # The team database refused us or is away (issue 19): its password (into the
                # keyring) and connection test, then start again.
                from app.ui.team_database_view import ask_team_database

                if ask_team_database(settings, exc):
                    continue
                return 1
            # A bad POSTIER_* setting, a database from a newer Postier, an unreadable data
            # folder: say so in a window (the user launched us by double-click, there is no
            # terminal) and leave the data untouched.
            show_startup_error(exc)
            return 1
    from app.ui.data_error import RuntimeWatch

    RuntimeWatch(settings.db_path).install()  # the same offer if it happens while running
    _exit_after_from_env(app)
    return app.exec()


def _startup_error(exc: Exception) -> bool:
    """A bad setting or a data file problem (StorageError): start-up says so in a window.
    StorageError is looked up once raised: storage is not imported before a new user's
    first window (issue 17), and whatever raised it had imported it."""
    storage = sys.modules.get("app.services.storage")
    return isinstance(exc, ValueError) or (
        storage is not None and isinstance(exc, storage.StorageError))


def _apply_configured_language(app: QApplication, settings: Settings) -> None:
    """[app] language in postier.toml: the language Postier starts in, whatever the
    system's (a French company's machines set up in English, for instance)."""
    from app.ui.i18n import install_translator, set_configured_language

    language = settings.option("app.language")
    if language:
        set_configured_language(language)
    install_translator(app, language or None)


def show_startup_error(exc: Exception) -> None:
    from PySide6.QtWidgets import QMessageBox

    from app.services.errors import message_for

    code = getattr(exc, "code", "INVALID_INPUT")
    message, hint = message_for(code, current_language())
    box = QMessageBox(QMessageBox.Icon.Critical, "Postier",
                      QApplication.translate("Startup", "Postier cannot start."))
    if code == "CONFIG_INVALID":  # which file and which key: the one thing IT must know
        message = f"{message}\n{getattr(exc, 'message', exc)}"
    box.setInformativeText(f"{message}\n{hint}")
    box.setDetailedText(str(getattr(exc, "message", exc)))
    _keep.append(box)
    if os.environ.get("POSTIER_EXIT_AFTER"):  # smoke tests: never block on a modal box
        box.show()
        return
    box.exec()


def start(settings: Settings) -> QWidget:
    """The first window: the setup wizard when no account exists yet (first start), the
    main window otherwise. The wizard hands over to the main window when it closes, with
    or without a saved account, so the user is never left without a window."""
    db = None if _first_start(settings) else _open(settings)
    if db is not None:
        from app.services.storage import AccountStore

        if AccountStore(db).list():
            return _show_main(settings, db)
    from app.ui.wizard.wizard import SetupWizard

    wizard = SetupWizard(settings)
    windows: dict[str, QWidget] = {}

    quitting: list[bool] = []
    QApplication.instance().aboutToQuit.connect(lambda: quitting.append(True))

    def open_main(_result: int = 0) -> None:
        # Quitting closes the wizard too: opening the main window then would start
        # background work in an application that is shutting down.
        if "main" not in windows and not quitting:
            windows["main"] = _show_main(settings, db or _open(settings))

    wizard.finished.connect(open_main)
    wizard.show()
    _keep.append(wizard)
    _keep.append(windows)
    return wizard


def _first_start(settings: Settings) -> bool:
    """A new user's first start: no data file yet, so nothing to open, check or migrate
    before the wizard is shown (storage and SQLite are not even imported, issue 17); the
    file is made when the account is saved or the main window opens. A team database, or
    a data folder that cannot be made or written, goes through open_database as before."""
    if settings.option("database.url"):
        return False
    try:
        settings.home.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return not settings.db_path.exists() and os.access(settings.home, os.W_OK)


def _open(settings: Settings) -> Database:
    from app.services.team.connection import open_settings_database

    return open_settings_database(settings)


_keep: list[object] = []  # top-level windows without a parent must outlive start()


def _show_main(settings: Settings, db: Database) -> QWidget:
    from app.ui.main_window import MainWindow

    window = MainWindow(settings, db)
    window.show()
    _keep.append(window)
    return window


def _exit_after_from_env(app: QApplication) -> None:
    """POSTIER_EXIT_AFTER=<seconds>: quit on a timer (smoke test of the bundle, benchmarks).

    Before quitting it names each visible top-level window and its title on stderr, so a
    test can tell that the GUI really got as far as showing them, translated.
    """
    raw = os.environ.get("POSTIER_EXIT_AFTER")
    if not raw:
        return
    try:
        seconds = max(0.0, float(raw))
    except ValueError:
        print(f"postier: ignoring POSTIER_EXIT_AFTER={raw!r} (not a number)", file=sys.stderr)
        return

    def report_and_quit() -> None:
        for widget in app.topLevelWidgets():
            if widget.isVisible():
                print(f"postier: window shown: {type(widget).__name__} {widget.windowTitle()!r}",
                      file=sys.stderr)
        print(f"postier: exit after {seconds:g} s", file=sys.stderr, flush=True)
        # exit(), not quit(): quit() closes the windows first, and closing the wizard opens
        # the main window (and its background loads) during shutdown.
        app.exit(0)

    QTimer.singleShot(int(seconds * 1000), report_and_quit)
