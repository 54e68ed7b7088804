"""Placeholder main window; replaced by the sent-messages window (issue 6)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Postier")
        self.setCentralWidget(QLabel(self.tr("Welcome to Postier")))
        self.resize(900, 600)
