"""The composer: the dialog that writes and sends a message (from, to/cc/bcc, subject, rich
text with its format bar, the account's signature, read receipt, send later, test to myself)
and keeps an unsent message as a draft. Its parts live beside it: the address fields and the
Groups row (recipient_fields), the quiet-hours note and setting (quiet_hours_dialog), the
resend dialog (resend_dialog), the failure text and Yes/No (user_feedback). The names other
windows import from here (ResendDialog, QuietHoursDialog, confirm, error_text) stay importable
from this module."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDateTime, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeySequence, QTextListFormat
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.services.config import Settings
from app.services.history import message_status as mst
from app.services.outbox.quiet_hours import SendPlan, load_quiet_hours, plan_send
from app.services.storage import Account, AccountStore, Database, StorageError
from app.ui.quiet_hours_dialog import QuietHoursDialog, QuietHoursNote, local_now
from app.ui.recipient_fields import AddressField, RecipientGroups
from app.ui.resend_dialog import ResendDialog
from app.ui.user_feedback import confirm, error_text, window_language
from app.ui.window_geometry import fit_window, save_geometry
from app.ui.worker import run_task

__all__ = ["DRAFT_KEY", "ComposeDialog", "QuietHoursDialog", "ResendDialog", "confirm",
           "error_text", "local_now"]

log = logging.getLogger(__name__)
ERROR_COLOUR = "QLabel { color: #b91c1c; }"
DONE_COLOUR = "QLabel { color: #065f46; }"
DRAFT_KEY = "compose/draft"
DRAFT_SAVE_DELAY_MS = 2000

class ComposeDialog(QDialog):
    """Write and send a message. Sending runs off the GUI thread."""

    sent = Signal(object)  # SendResult

    def __init__(self, settings: Settings, db: Database, accounts: list[Account],
                 parent: QWidget | None = None,
                 clock: Callable[[], datetime] = local_now) -> None:
        super().__init__(parent)
        self.settings = settings
        self.db = db
        self.accounts = accounts
        self.clock = clock
        self.quiet = load_quiet_hours(db)
        self.result_info: Any = None
        self.setWindowTitle(self.tr("New message"))

        self.account_box = QComboBox()
        for account in accounts:
            label = f"{account.display_name} <{account.email}>" if account.display_name \
                else account.email
            self.account_box.addItem(label, account.email)
        self.account_box.currentIndexChanged.connect(self._show_signature)
        self.to_field = AddressField(self.tr("name@example.com, …"))
        self.cc_field = AddressField(self.tr("Copy"))
        self.bcc_field = AddressField(self.tr("Hidden copy: recipients don't see these"))
        self.groups = RecipientGroups(db, (self.to_field, self.cc_field, self.bcc_field),
                                      self.bcc_field)
        self.groups.told.connect(self._tell)
        self.group_box = self.groups.box
        self.subject = QLineEdit()
        self.editor = QTextEdit()
        self.editor.setAcceptRichText(True)
        self.editor.setAccessibleName(self.tr("Message text"))
        self.signature = QLabel()
        self.signature.setTextFormat(Qt.TextFormat.RichText)
        self.signature.setStyleSheet("QLabel { color: #4b5563; border-top: 1px solid #e5e7eb;"
                                     " padding-top: 4px; }")
        self.read_receipt = QCheckBox(self.tr("Ask for a read receipt"))
        self.schedule_check = QCheckBox(self.tr("Send later, at"))
        self.schedule_at = QDateTimeEdit()
        self.schedule_at.setCalendarPopup(True)
        self.schedule_at.setDateTime(QDateTime.currentDateTime().addSecs(3600))
        self.schedule_at.setEnabled(False)
        self.schedule_check.toggled.connect(self.schedule_at.setEnabled)
        self.ignore_quiet = QCheckBox(self.tr("Send even during quiet hours"))
        self.quiet_note = QuietHoursNote()
        self.error_label = QLabel()
        self.error_label.setStyleSheet(ERROR_COLOUR)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        for signal in (self.schedule_check.toggled, self.schedule_at.dateTimeChanged,
                       self.ignore_quiet.toggled):
            signal.connect(self._update_plan)

        self.test_button = QPushButton(self.tr("Send test to myself"))
        self.test_button.clicked.connect(self.send_test)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.send_button = self.buttons.addButton(self.tr("Send"),
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.send_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.send_button.setDefault(True)
        self.buttons.rejected.connect(self.reject)
        self.send_button.clicked.connect(self.send)

        form = QFormLayout()
        # Every field has its own Alt+letter (checked for clashes by the keyboard tests).
        self.to_label = QLabel(self.tr("&To"))
        for text, field in ((self.tr("Fro&m"), self.account_box), (None, self.to_field),
                            (self.tr("&Cc"), self.cc_field), (self.tr("&Bcc"), self.bcc_field),
                            (self.tr("&Groups"), self.group_box),
                            (self.tr("&Subject"), self.subject)):
            label = self.to_label if text is None else QLabel(text)
            label.setBuddy(field)
            form.addRow(label, self.groups if field is self.group_box else field)
        schedule_row = QHBoxLayout()
        schedule_row.addWidget(self.schedule_check)
        schedule_row.addWidget(self.schedule_at)
        schedule_row.addWidget(self.ignore_quiet)
        schedule_row.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.test_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self._format_bar())
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.signature)
        layout.addWidget(self.read_receipt)
        layout.addLayout(schedule_row)
        layout.addWidget(self.quiet_note)
        layout.addWidget(self.error_label)
        layout.addLayout(bottom)
        self._show_signature()
        self._update_plan()
        # The note follows the clock: a draft left open past 20:00 starts saying it waits.
        self._plan_timer = QTimer(self)
        self._plan_timer.timeout.connect(self._update_plan)
        self._plan_timer.start(30_000)
        self._build_draft_row(layout)
        fit_window(self, "compose", QSize(720, 620), db)
        self.to_field.setFocus()  # the sender is usually right: who to write to comes first

    # -- draft -------------------------------------------------------------------
    # Escape or closing never throws a typed message away: it is kept as a draft in the
    # database (settings table; addresses and text only, nothing secret) and comes back
    # in the next Compose, also after a restart. Saved a moment after each change too, so
    # a crash loses little.
    def _build_draft_row(self, layout: QVBoxLayout) -> None:
        self._sending = False
        self.draft_row = QWidget()
        row = QHBoxLayout(self.draft_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.draft_note = QLabel(self.tr("Your unsent message was kept as a draft."))
        self.draft_note.setStyleSheet("QLabel { color: #1d4ed8; }")
        self.discard_draft_button = QPushButton(self.tr("&Discard draft"))
        self.discard_draft_button.setAutoDefault(False)
        self.discard_draft_button.clicked.connect(self.discard_draft)
        row.addWidget(self.draft_note, 1)
        row.addWidget(self.discard_draft_button)
        layout.insertWidget(0, self.draft_row)
        self.draft_row.hide()
        self._restore_draft()
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_SAVE_DELAY_MS)
        self._draft_timer.timeout.connect(self.save_draft)
        for signal in (self.to_field.textChanged, self.cc_field.textChanged,
                       self.bcc_field.textChanged, self.subject.textChanged,
                       self.editor.textChanged, self.account_box.currentIndexChanged):
            signal.connect(lambda *_: self._draft_timer.start())

    def has_content(self) -> bool:
        return any(f.text().strip() for f in (self.to_field, self.cc_field, self.bcc_field,
                                               self.subject)) \
            or bool(self.editor.toPlainText().strip())

    def save_draft(self) -> None:
        if self._sending:
            return  # the message is in the outbox already
        draft = {"account": self.account_box.currentData(), "to": self.to_field.text(),
                 "cc": self.cc_field.text(), "bcc": self.bcc_field.text(),
                 "subject": self.subject.text(), "html": self.editor.toHtml(),
                 "saved_at": local_now().isoformat(timespec="seconds")}
        try:
            self.db.set_setting(DRAFT_KEY, json.dumps(draft) if self.has_content() else "")
        except StorageError:
            log.warning("could not keep the draft", exc_info=True)

    def _restore_draft(self) -> None:
        try:
            raw = self.db.get_setting(DRAFT_KEY) or ""
            draft = json.loads(raw) if raw else None
        except (StorageError, ValueError):
            draft = None
        if not isinstance(draft, dict):
            return
        index = self.account_box.findData(draft.get("account"))
        if index >= 0:
            self.account_box.setCurrentIndex(index)
        self.to_field.setText(str(draft.get("to", "")))
        self.cc_field.setText(str(draft.get("cc", "")))
        self.bcc_field.setText(str(draft.get("bcc", "")))
        self.subject.setText(str(draft.get("subject", "")))
        self.editor.setHtml(str(draft.get("html", "")))
        self.draft_row.setVisible(self.has_content())

    def discard_draft(self) -> None:
        for field in (self.to_field, self.cc_field, self.bcc_field, self.subject):
            field.clear()
        self.editor.clear()
        self._draft_timer.stop()
        self.db.set_setting(DRAFT_KEY, "")
        self.draft_row.hide()
        self.to_field.setFocus()

    def reject(self) -> None:
        self._draft_timer.stop()
        self.save_draft()
        super().reject()

    def done(self, result: int) -> None:
        save_geometry(self, "compose", self.db)
        super().done(result)

    # -- parts -------------------------------------------------------------------
    def _format_bar(self) -> QWidget:
        bar = QWidget()
        row = QHBoxLayout(bar)
        row.setContentsMargins(0, 0, 0, 0)

        def tool(text: str, tip: str, shortcut: str, fn: Callable[[], None]) -> None:
            button = QToolButton()
            button.setText(text)
            button.setToolTip(f"{tip} ({shortcut})")
            button.setShortcut(QKeySequence(shortcut))
            button.clicked.connect(fn)
            row.addWidget(button)

        tool(self.tr("B"), self.tr("Bold"), "Ctrl+B", lambda: self.editor.setFontWeight(
            QFont.Weight.Normal if self.editor.fontWeight() > QFont.Weight.Normal
            else QFont.Weight.Bold))
        tool(self.tr("I"), self.tr("Italic"), "Ctrl+I",
             lambda: self.editor.setFontItalic(not self.editor.fontItalic()))
        tool(self.tr("U"), self.tr("Underline"), "Ctrl+U",
             lambda: self.editor.setFontUnderline(not self.editor.fontUnderline()))
        tool("•", self.tr("Bulleted list"), "Ctrl+Shift+L",
             lambda: self.editor.textCursor().createList(QTextListFormat.Style.ListDisc))
        row.addStretch(1)
        return bar

    def current_account(self) -> Account | None:
        email = self.account_box.currentData()
        return next((a for a in self.accounts if a.email == email), None)

    def _show_signature(self) -> None:
        account = self.current_account()
        html = account.signature_html if account else ""
        text = account.signature_text if account else ""
        if html:
            self.signature.setText("-- <br>" + self._with_logo(account, html))
        elif text:
            self.signature.setText("-- <br>" + escape(text).replace("\n", "<br>"))
        else:
            self.signature.setText(self.tr("<i>No signature for this account.</i>"))

    def _with_logo(self, account: Account, html: str) -> str:
        """The signature's logo (stored apart, sent as an inline cid: part) shown from its
        bytes as a data: URI: a QLabel cannot resolve cid:. Only shown here, never sent."""
        from app.services.setup.signature import InlineImage, with_data_uris

        try:
            rows = AccountStore(self.db).signature_images(account.id)
        except (StorageError, OSError) as exc:
            log.info("signature logo not shown: %s", exc)
            return html
        return with_data_uris(html, [InlineImage(*row) for row in rows])

    def save_group(self, name: str) -> bool:
        """A group of every valid address in To, Cc and Bcc."""
        return self.groups.save_group(name)

    def import_group(self, path: Path, name: str) -> None:
        self.groups.import_group(path, name)

    # -- plan ----------------------------------------------------------------------
    def requested_time(self) -> datetime | None:
        if not self.schedule_check.isChecked():
            return None
        return self.schedule_at.dateTime().toPython().astimezone()

    def plan(self) -> SendPlan:
        return plan_send(self.quiet, self.clock(), self.requested_time(),
                         respect_quiet=not self.ignore_quiet.isChecked())

    def _update_plan(self) -> None:
        plan = self.plan()
        self.quiet_note.show_plan(plan, self.quiet)
        self.send_button.setText(self.tr("Send") if plan.immediate else self.tr("Schedule"))

    # -- sending -------------------------------------------------------------------
    def _show_error(self, text: str) -> None:
        self._tell(text, True)

    def _tell(self, text: str, error: bool) -> None:
        """A line under the message: red for what stops it, green for what went well."""
        self.error_label.setStyleSheet(ERROR_COLOUR if error else DONE_COLOUR)
        self.error_label.setText(text)
        self.error_label.show()

    def build_message(self, *, test: bool = False) -> Any:
        """The OutgoingMessage to send, or None after telling the user what is wrong."""
        from app.services.outbox.sending import OutgoingMessage

        account = self.current_account()
        if account is None:
            self._show_error(self.tr("Add an account first (Accounts tab)."))
            return None
        if test:
            return OutgoingMessage(
                account_email=account.email, to=[account.email],
                subject=self.tr("[Test] %s") % (self.subject.text() or self.tr("Postier")),
                text=self.editor.toPlainText(), html=self.editor.toHtml(), test=True)
        fields = {self.tr("To"): self.to_field, self.tr("Cc"): self.cc_field,
                  self.tr("Bcc"): self.bcc_field}
        for label, field in fields.items():
            _, invalid = field.addresses()
            if invalid:
                field.setFocus()
                self._show_error(self.tr("%s: not an e-mail address: %s") % (
                    label, ", ".join(invalid)))
                return None
        to, cc, bcc = (self.to_field.addresses()[0], self.cc_field.addresses()[0],
                       self.bcc_field.addresses()[0])
        if not (to or cc or bcc):
            self.to_field.setFocus()
            self._show_error(self.tr("Add at least one recipient."))
            return None
        plan = self.plan()
        return OutgoingMessage(
            account_email=account.email, to=to, cc=cc, bcc=bcc, subject=self.subject.text(),
            text=self.editor.toPlainText(), html=self.editor.toHtml(),
            read_receipt=self.read_receipt.isChecked(),
            scheduled_at=None if plan.immediate else plan.at)

    def send(self) -> None:
        msg = self.build_message()
        if msg is not None:
            self._dispatch(msg, close=True)

    def send_test(self) -> None:
        msg = self.build_message(test=True)
        if msg is not None:
            self._dispatch(msg, close=False)

    def _dispatch(self, msg: Any, *, close: bool) -> None:
        from app.services.outbox.sending import send_message

        settings = self.settings
        self.send_button.setEnabled(False)
        self.test_button.setEnabled(False)
        self.error_label.hide()
        self._sending = close

        def done(result: Any, error: BaseException | None) -> None:
            self._sending = False
            self.send_button.setEnabled(True)
            self.test_button.setEnabled(True)
            if error is not None:
                self._show_error(error_text(error))
                return
            self.result_info = result
            self.sent.emit(result)
            if close:
                self._draft_timer.stop()
                self.db.set_setting(DRAFT_KEY, "")  # sent: the draft is done with
                self.accept()
            else:
                self._tell(self.tr("Test message: %s") % mst.status_label(
                    _overall(result), window_language(self)), False)

        run_task(lambda: send_message(settings, msg), done)

def _overall(result: Any) -> str:
    statuses = [r.get("status", "") for r in getattr(result, "recipients", [])]
    return statuses[0] if len(set(statuses)) == 1 else getattr(result, "status", "")
