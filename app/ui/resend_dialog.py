"""The resend dialog: a failed delivery sent again to a corrected address, the new message
linked to the old row (``resend_of``). Sending runs off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from app.services.config import Settings
from app.services.history import message_status as mst
from app.services.history import message_views as mv
from app.services.outbox.quiet_hours import load_quiet_hours, plan_send
from app.services.storage import Database
from app.ui.quiet_hours_dialog import QuietHoursNote, local_now
from app.ui.recipient_fields import AddressField
from app.ui.user_feedback import error_text, window_language
from app.ui.worker import run_task


class ResendDialog(QDialog):
    """Resend a failed delivery to a corrected address; the new message is linked to the
    old row through ``resend_of``."""

    sent = Signal(object)

    def __init__(self, settings: Settings, db: Database, details: mv.MessageDetails,
                 parent: QWidget | None = None,
                 clock: Callable[[], datetime] = local_now) -> None:
        super().__init__(parent)
        self.settings = settings
        self.db = db
        self.details = details
        self.clock = clock
        self.quiet = load_quiet_hours(db)
        self.result_info: Any = None
        self.setWindowTitle(self.tr("Resend"))
        rec = details.selected
        what, _ = mst.explain(rec.status, rec.reason, window_language(parent))
        # Plain text, not escaped: Qt shows it as is (escape() + AutoText showed
        # "L&#x27;adresse" — the one escaping belongs to rich text at display time).
        intro = QLabel(self.tr("“{subject}” could not be delivered to {address}: {what}").format(
            subject=details.subject, address=rec.address, what=what))
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.intro = intro
        self.address = AddressField("")
        self.address.setText(rec.address)
        self.address.selectAll()
        self.quiet_note = QuietHoursNote()
        self.error_label = QLabel()
        self.error_label.setStyleSheet("QLabel { color: #b91c1c; }")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.send_button = self.buttons.addButton(self.tr("Resend"),
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.rejected.connect(self.reject)
        self.send_button.clicked.connect(self.send)
        form = QFormLayout()
        form.addRow(self.tr("Corrected address"), self.address)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.quiet_note)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.quiet_note.show_plan(plan_send(self.quiet, self.clock()), self.quiet)
        self.resize(520, self.sizeHint().height())

    def send(self) -> None:
        from app.services.outbox.sending import OutgoingMessage, send_message

        valid, invalid = self.address.addresses()
        if invalid or len(valid) != 1:
            self.error_label.setText(self.tr("Enter one valid e-mail address."))
            self.error_label.show()
            return
        d = self.details
        plan = plan_send(self.quiet, self.clock())
        msg = OutgoingMessage(account_email=d.account, to=valid, subject=d.subject,
                              text=d.body_text, html=d.body_html, resend_of=d.selected.id,
                              scheduled_at=None if plan.immediate else plan.at)
        settings = self.settings
        self.send_button.setEnabled(False)

        def done(result: Any, error: BaseException | None) -> None:
            self.send_button.setEnabled(True)
            if error is not None:
                self.error_label.setText(error_text(error))
                self.error_label.show()
                return
            self.result_info = result
            self.sent.emit(result)
            self.accept()

        run_task(lambda: send_message(settings, msg), done)
