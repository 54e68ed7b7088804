"""GUI entry point: QApplication, translations, then the wizard or the main window."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app import __version__
from app.services.config import resources_dir


def app_icon() -> QIcon:
    """The Postier icon from its pre-rendered PNG sizes (no SVG plugin needed)."""
    icon = QIcon()
    for path in sorted((resources_dir() / "icons").glob("postier-*.png")):
        icon.addFile(str(path))
    return icon


def create_app(argv: Sequence[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(list(argv or sys.argv))
    app.setApplicationName("Postier")
    app.setOrganizationName("Postier")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    # Wayland shells match the window to postier.desktop (its icon and name) by this.
    app.setDesktopFileName("postier")
    from app.ui.i18n import install_translator

    install_translator(app)
    return app  # type: ignore[return-value]


def run_gui(argv: Sequence[str] | None = None) -> int:
    app = create_app(argv)
    from app.ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    _exit_after_from_env(app)
    return app.exec()


def _exit_after_from_env(app: QApplication) -> None:
    """POSTIER_EXIT_AFTER=<seconds>: quit on a timer (smoke test of the bundle, benchmarks).

    Before quitting it names the visible top-level windows on stderr, so a test can tell
    that the GUI really got as far as showing them.
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
        shown = [type(w).__name__ for w in app.topLevelWidgets() if w.isVisible()]
        print(f"postier: exit after {seconds:g} s; windows shown: {', '.join(shown)}",
              file=sys.stderr, flush=True)
        app.quit()

    QTimer.singleShot(int(seconds * 1000), report_and_quit)
