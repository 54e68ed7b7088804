"""Step 4: the e-mail signature (rich text, one logo), its live preview, warnings about
what breaks signatures, and the generated plain-text version. "Save the account" here
stores the tested account together with its signature."""

from __future__ import annotations

import base64
import html
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QFont, QImage, QKeySequence, QTextCharFormat
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPlainTextEdit,
    QTextBrowser,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWizard,
)

from app.services.config import Settings
from app.services.errors import PostierError, message_for
from app.services.setup import signature as sig
from app.ui.user_feedback import ERROR, WARNING, note_label
from app.ui.worker import run_task

from .state import WizardState
from .step_page import PAGE_FINISH, StepPage
from .widgets import alive

log = logging.getLogger(__name__)
LOGO_MAX_PX = 240  # logos are scaled down: a signature is not a banner


def image_data_uri(data: bytes, max_px: int = LOGO_MAX_PX) -> str | None:
    """A PNG data: URI of an image file's bytes, scaled to fit ``max_px`` (None if the
    bytes are no image)."""
    image = QImage()
    if not image.loadFromData(data):
        return None
    if image.width() > max_px or image.height() > max_px:
        image = image.scaled(max_px, max_px, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    buffer_bytes = QByteArray()
    buffer = QBuffer(buffer_bytes)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(bytes(buffer_bytes)).decode()


class SignaturePage(StepPage):
    step_number = 5

    def __init__(self, state: WizardState, settings: Settings) -> None:
        super().__init__(state)
        self.settings = settings
        self.setTitle(self.tr("Your e-mail signature"))
        self.setSubTitle(self.tr("Added at the bottom of the messages you send. You can leave "
                                 "it empty."))
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("&Save the account"))
        self._saving = False
        self._saved_ok = False

        toolbar = QHBoxLayout()
        # The letters on the buttons follow the language (French "G" for Gras).
        self.bold = self._tool(self.tr("Bold"), self.tr("B", "bold button"),
                               QKeySequence.StandardKey.Bold, "bold")
        self.bold.setCheckable(True)
        font = QFont(self.bold.font())
        font.setBold(True)
        self.bold.setFont(font)
        self.italic = self._tool(self.tr("Italic"), self.tr("I", "italic button"),
                                 QKeySequence.StandardKey.Italic, "italic")
        self.italic.setCheckable(True)
        font = QFont(self.italic.font())
        font.setItalic(True)
        self.italic.setFont(font)
        self.link = self._tool(self.tr("Link…"), self.tr("Link…"), QKeySequence("Ctrl+K"), "link")
        self.image = self._tool(self.tr("Logo or image…"), self.tr("Logo…"),
                                QKeySequence("Ctrl+Shift+I"), "image")
        for button in (self.bold, self.italic, self.link, self.image):
            toolbar.addWidget(button)
        toolbar.addStretch(1)

        grid = QGridLayout()
        editor_label = QLabel(self.tr("Your si&gnature:"))
        self.editor = QTextEdit()
        self.editor.setObjectName("signatureEditor")
        self.editor.setAcceptRichText(True)
        self.editor.setTabChangesFocus(True)  # Tab moves on, as everywhere in the wizard
        editor_label.setBuddy(self.editor)
        preview_label = QLabel(self.tr("Preview (as recipients will see it):"))
        self.preview = QTextBrowser()
        self.preview.setObjectName("signaturePreview")
        self.preview.setOpenLinks(False)
        self.preview.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        column = QVBoxLayout()
        column.addLayout(toolbar)
        column.addWidget(self.editor)
        grid.addWidget(editor_label, 0, 0)
        grid.addLayout(column, 1, 0)
        grid.addWidget(preview_label, 0, 1)
        grid.addWidget(self.preview, 1, 1)
        text_label = QLabel(self.tr("Plain-text version (generated, for mail programs without "
                                    "HTML):"))
        self.plain = QPlainTextEdit()
        self.plain.setObjectName("signatureText")
        self.plain.setReadOnly(True)
        self.plain.setMaximumHeight(80)
        self.plain.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        grid.addWidget(text_label, 2, 0, 1, 2)
        grid.addWidget(self.plain, 3, 0, 1, 2)
        self.outer.addLayout(grid, 1)
        self.warnings = note_label("signatureWarnings", WARNING)
        self.outer.addWidget(self.warnings)
        self.save_error = note_label("saveError", ERROR)
        self.outer.addWidget(self.save_error)

        self.editor.textChanged.connect(self._changed)
        self.editor.currentCharFormatChanged.connect(self._format_changed)
        self.bold.clicked.connect(self._toggle_bold)
        self.italic.clicked.connect(self._toggle_italic)
        self.link.clicked.connect(self._ask_link)
        self.image.clicked.connect(self._pick_image)

    def _tool(self, tip: str, text: str, shortcut: QKeySequence | QKeySequence.StandardKey,
              name: str) -> QToolButton:
        button = QToolButton()
        button.setObjectName(name)
        button.setText(text)
        sequence = QKeySequence(shortcut)
        button.setShortcut(sequence)
        button.setToolTip(f"{tip} ({sequence.toString(QKeySequence.SequenceFormat.NativeText)})")
        button.setMinimumWidth(36)
        return button

    # -- editing -------------------------------------------------------------------
    def initializePage(self) -> None:
        self._saved_ok = False
        self.save_error.clear()
        if not self.editor.toPlainText().strip() and not self.state.signature_html:
            name = html.escape(self.state.display_name or self.state.email.partition("@")[0])
            email = html.escape(self.state.email)
            self.editor.setHtml(f"<p><b>{name}</b><br>"
                                f"<a href=\"mailto:{email}\">{email}</a></p>")
        self._changed()

    def _toggle_bold(self) -> None:
        fmt = QTextCharFormat()
        fmt.setFontWeight(QFont.Weight.Bold if self.bold.isChecked() else QFont.Weight.Normal)
        self._merge(fmt)

    def _toggle_italic(self) -> None:
        fmt = QTextCharFormat()
        fmt.setFontItalic(self.italic.isChecked())
        self._merge(fmt)

    def _merge(self, fmt: QTextCharFormat) -> None:
        cursor = self.editor.textCursor()
        if not cursor.hasSelection():
            self.editor.mergeCurrentCharFormat(fmt)
        else:
            cursor.mergeCharFormat(fmt)
        self.editor.setFocus()

    def _format_changed(self, fmt: QTextCharFormat) -> None:
        self.bold.setChecked(fmt.fontWeight() >= QFont.Weight.Bold)
        self.italic.setChecked(fmt.fontItalic())

    def _ask_link(self) -> None:
        url, ok = QInputDialog.getText(self, self.tr("Add a link"),
                                       self.tr("Web address (e.g. https://your-company.fr):"))
        if ok and url.strip():
            self.insert_link(url.strip())

    def insert_link(self, url: str, text: str | None = None) -> None:
        if "://" not in url and not url.startswith("mailto:"):
            url = ("mailto:" + url) if "@" in url else "https://" + url
        cursor = self.editor.textCursor()
        label = text or cursor.selectedText() or url.removeprefix("mailto:")
        cursor.insertHtml(f"<a href=\"{html.escape(url, quote=True)}\">{html.escape(label)}</a>"
                          "&nbsp;")

    def _pick_image(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose your logo"), "",
                                              self.tr("Images (*.png *.jpg *.jpeg *.gif)"))
        if path:
            self.insert_image_bytes(Path(path).read_bytes())

    def insert_image_bytes(self, data: bytes) -> bool:
        """Embed an image (scaled, as PNG) at the cursor; False if it is no image."""
        uri = image_data_uri(data)
        if uri is None:
            self.warnings.setText(self.tr("This file is not an image Postier can read."))
            return False
        # The alt text shows where images are blocked: the sender's name says more than "logo".
        alt = html.escape(self.state.display_name or self.state.email.rpartition("@")[2],
                          quote=True)
        self.editor.textCursor().insertHtml(f"<img src=\"{uri}\" alt=\"{alt}\">")
        return True

    def signature_html(self) -> str:
        if not self.editor.toPlainText().strip() and sig.image_count(self.editor.toHtml()) == 0:
            return ""
        return sig.html_fragment(self.editor.toHtml())

    def _changed(self) -> None:
        body = self.signature_html()
        # Shown as it ends a message: the sending service adds the same "-- " line.
        sample = html.escape(self.tr("Hello, … (your message)"))
        self.preview.setHtml(f"<p style='color:#777777'>{sample}</p><p style='margin:0'>-- </p>"
                             f"{body}")
        text = sig.html_to_text(body)
        self.plain.setPlainText(text)
        warnings = sig.lint(body, text)
        self.warnings.setText("\n".join("⚠ " + self.warning_text(w) for w in warnings))
        self.state.signature_html, self.state.signature_text = body, text

    def warning_text(self, warning: sig.LintWarning) -> str:
        texts = {
            sig.TOO_MANY_IMAGES: self.tr("More than one image: keep a single logo, several "
                                         "images make messages look like advertising to spam "
                                         "filters."),
            sig.HAS_TABLE: self.tr("The signature contains a table: many mail programs "
                                   "(Outlook especially) display tables badly."),
            sig.TOO_HEAVY: self.tr("The signature weighs %1 KB (over 50 KB): use a smaller "
                                   "logo, it is added to every message.")
            .replace("%1", warning.detail.split()[0] if warning.detail else "?"),
            sig.EXTERNAL_IMAGE: self.tr("An image is loaded from the Internet: most mail "
                                        "programs block it. Use \"Logo…\" to embed it."),
            sig.NO_PLAIN_TEXT: self.tr("No plain-text version: some recipients will see "
                                       "nothing."),
        }
        return texts.get(warning.code, warning.code)

    # -- saving --------------------------------------------------------------------
    def validatePage(self) -> bool:
        if self._saved_ok or self.state.saved is not None:
            return True
        if self._saving or not self.state.check_passed:
            return False
        self._changed()
        self._saving = True
        self.save_error.setText(self.tr("Saving…"))
        state, settings = self.state, self.settings
        kwargs: dict[str, Any] = {
            "email": state.email, "credential": state.credential(), "imap": state.imap,
            "smtp": state.smtp, "display_name": state.display_name,
            "provider": state.provider, "imap_pin": state.imap_pin,
            "smtp_pin": state.smtp_pin, "signature_html": state.signature_html,
            "signature_text": state.signature_text}
        if state.auth == "oauth2":
            kwargs["oauth_tokens"] = state.tokens

        def save() -> Any:
            from app.services.setup.accounts import save_account, update_account

            if state.editing is not None:  # the re-test passed: keep these settings
                if state.imap is None or state.smtp is None:  # a passed test named both
                    raise PostierError("INVALID_INPUT", "The servers are not known.")
                return update_account(
                    settings, state.email, imap=state.imap, smtp=state.smtp,
                    username=state.username or state.email, display_name=state.display_name,
                    imap_pin=state.imap_pin, smtp_pin=state.smtp_pin,
                    signature_html=state.signature_html, signature_text=state.signature_text,
                    new_password=state.password or None)
            return save_account(settings, **kwargs)

        run_task(save, self._saved)
        return False

    def _saved(self, account: Any, err: BaseException | None) -> None:
        if not alive(self):
            return
        self._saving = False
        if err is not None:
            code = err.code if isinstance(err, PostierError) else "DATABASE_ERROR"
            if not isinstance(err, PostierError):
                log.error("saving the account failed: %s", type(err).__name__)
            message, hint = message_for(code, self.language())
            self.save_error.setText(f"{message} {hint}")
            return
        self.save_error.clear()
        self.state.saved = account
        self._saved_ok = True
        wizard = self.setup_wizard()
        if wizard is not None:
            wizard.account_was_saved(self.state.email)
            wizard.next()

    def nextId(self) -> int:
        return PAGE_FINISH
