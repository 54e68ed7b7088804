"""About Postier: version, what it does, where its data lives."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app import __version__
from app.services.config import Settings


class AboutDialog(QDialog):
    def __init__(self, settings: Settings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About Postier"))
        self.version = __version__
        pitch = self.tr("Set up your business mail account, send mail, and see what became "
                        "of every message.")
        keyring = self.tr("Passwords are kept only in the system keyring.")
        html = (f"<h2>Postier {escape(__version__)}</h2><p>{escape(pitch)}</p>"
                f"<p>{escape(keyring)}</p>")
        if settings is not None:
            folder = self.tr("Data folder:")
            html += (f"<p style='color:#6b7280'>{escape(folder)} "
                     f"{escape(str(settings.home))}</p>")
        text = QLabel(html)
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(buttons)
        self.resize(420, self.sizeHint().height())
