"""GUI entry point: QApplication, translations, then the wizard or the main window."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtWidgets import QApplication


def create_app(argv: Sequence[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(list(argv or sys.argv))
    app.setApplicationName("Postier")
    app.setOrganizationName("Postier")
    from app.ui.i18n import install_translator

    install_translator(app)
    return app  # type: ignore[return-value]


def run_gui(argv: Sequence[str] | None = None) -> int:
    app = create_app(argv)
    from app.ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    return app.exec()
