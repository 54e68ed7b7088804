"""About Postier: version, what it does, where its data lives, and the sign-in
configuration (which postier.toml or variable each value came from) for support."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.services.config import Settings
from app.services.diagnostics import configuration_report, configuration_rows


class AboutDialog(QDialog):
    def __init__(self, settings: Settings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
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
        self.config_button = QPushButton(self.tr("Sign-in &configuration…"))
        self.config_button.setObjectName("signInConfiguration")
        self.config_button.setEnabled(settings is not None)
        self.config_button.clicked.connect(self.show_configuration)
        buttons.addButton(self.config_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.config_dialog: SignInConfigDialog | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    def show_configuration(self) -> None:
        if self.settings is None:
            return
        self.config_dialog = SignInConfigDialog(self.settings, self)
        self.config_dialog.open()


class SignInConfigDialog(QDialog):
    """For support on the phone: each deployment option, its value (client IDs are
    public; secrets only "set") and the file or variable it came from, plus the files
    looked at. "Copy for the diagnostics report" puts the same on the clipboard."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(self.tr("Sign-in configuration"))
        intro = QLabel(self.tr("Where Postier found its sign-in settings (Microsoft 365, "
                               "Outlook.com, Google). Secrets are never shown."))
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("configTable")
        self.table.setHorizontalHeaderLabels([self.tr("Setting"), self.tr("Value"),
                                              self.tr("Comes from")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.files = QLabel()
        self.files.setObjectName("configFiles")
        self.files.setWordWrap(True)
        self.files.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.copy_button = QPushButton(self.tr("Copy for the &diagnostics report"))
        self.copy_button.setObjectName("copyConfiguration")
        self.copy_button.clicked.connect(self.copy_report)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.files)
        layout.addWidget(buttons)
        self._fill()
        self.resize(760, 420)

    def rows(self) -> list[tuple[str, str, str]]:
        """(key, value as it may be shown, where it came from) for every option."""
        out = []
        for row in configuration_rows(self.settings):  # the service decides what is shown
            if row.state == "secret":
                out.append((row.key, self.tr("set (hidden)"), row.source))
            elif row.state == "default":
                out.append((row.key, row.value, self.tr("built-in default")))
            elif row.state == "unset":
                out.append((row.key, "", self.tr("not set")))
            else:
                out.append((row.key, row.value, row.source))
        return out

    def _fill(self) -> None:
        rows = self.rows()
        self.table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(i, j, item)
        lines = [self.tr("Files looked at, first wins (an environment variable wins over "
                         "them all):")]
        for f in self.settings.deploy.files:
            state = (self.tr("found") if f.found else self.tr("not found"))
            if f.unknown:
                state += " — " + self.tr("unknown keys ignored: %1").replace(
                    "%1", ", ".join(f.unknown))
            lines.append(f"• {f.path}: {state}")
        self.files.setText("\n".join(lines))

    def report_text(self) -> str:
        return configuration_report(self.settings, app_version=__version__,
                                    shown_rows=self.rows()).text

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report_text())
        self.copy_button.setText(self.tr("Copied"))
