"""Step 5: the account is saved — summary, a test message to oneself, the sender
domain's health (traffic lights) and what to do next."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from app.services.config import Settings
from app.services.errors import PostierError, message_for
from app.services.setup.endpoint import Endpoint
from app.services.setup.presets import OAUTH_PROVIDERS
from app.ui.worker import run_task

from .state import WizardState
from .step_page import StepPage
from .widgets import alive, big_font, wrap_label

if TYPE_CHECKING:  # the type only: sending is imported when the test e-mail is sent
    from app.services.outbox.sending import SendResult

log = logging.getLogger(__name__)
LIGHT = {"ok": "#1e7b34", "warn": "#c77c02", "fail": "#b00020"}


class FinishPage(StepPage):
    step_number = 6

    def __init__(self, state: WizardState, settings: Settings) -> None:
        super().__init__(state)
        self.settings = settings
        self.setTitle(self.tr("Your account is ready"))
        self.setSubTitle(self.tr("Send yourself a test message and check that your domain is "
                                 "ready to send."))
        self.setFinalPage(True)
        self.done_label = big_font(wrap_label(), 3)
        self.done_label.setObjectName("doneLabel")
        self.outer.addWidget(self.done_label)
        # Two columns (who / which servers): half the height, so a 1024×600 screen keeps
        # room for the domain check without squeezing the lines together.
        self.summary = QFormLayout()
        self.summary_servers = QFormLayout()
        self.summary_box = QGroupBox(self.tr("Summary"))
        columns = QHBoxLayout(self.summary_box)
        columns.addLayout(self.summary, 1)
        columns.addLayout(self.summary_servers, 1)
        self.outer.addWidget(self.summary_box)

        row = QHBoxLayout()
        self.send_button = QPushButton(self.tr("Send a test e-mail to &myself"))
        self.send_button.setObjectName("sendTest")
        # Enter on the last page means Finish, even with the focus on this button: a test
        # e-mail is sent only when asked for by a click or its Alt+letter.
        self.send_button.setAutoDefault(False)
        self.send_button.clicked.connect(self.send_test)
        row.addWidget(self.send_button)
        self.send_status = wrap_label()
        self.send_status.setObjectName("sendStatus")
        self.send_outcome = ""  # "sent" | "queued" | "failed" once the server answered
        self.send_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.send_status, 1)
        self.outer.addLayout(row)

        self.health_box = QGroupBox(self.tr("Will your messages reach their recipients? "
                                            "(sender domain check)"))
        self.health_layout = QVBoxLayout(self.health_box)
        self.outer.addWidget(self.health_box, 1)
        self.health_view: Any = None
        self.health_done = False

        self.next_steps = wrap_label()
        self.next_steps.setObjectName("nextSteps")
        self.outer.addWidget(self.next_steps)

    def initializePage(self) -> None:
        state = self.state
        self.done_label.setText(self.tr("Saved: %1 works for receiving and sending.")
                                .replace("%1", state.email))
        for form in (self.summary, self.summary_servers):
            while form.rowCount():
                form.removeRow(0)

        def server(endpoint: Endpoint | None) -> str:
            if endpoint is None:
                return ""
            security = {"ssl": "SSL/TLS", "starttls": "STARTTLS"}.get(endpoint.security,
                                                                       endpoint.security)
            return f"{endpoint.host}:{endpoint.port} ({security})"
        self.summary.addRow(self.tr("Address:"), QLabel(state.email))
        if state.display_name:
            self.summary.addRow(self.tr("Name:"), QLabel(state.display_name))
        self.summary_servers.addRow(
            self.tr("Incoming (IMAP):"),
            QLabel(server(state.imap)))
        self.summary_servers.addRow(
            self.tr("Outgoing (SMTP):"),
            QLabel(server(state.smtp)))
        self.summary.addRow(self.tr("Sign-in:"), QLabel(
            self.tr("provider's sign-in (no password stored)") if state.auth == "oauth2"
            else self.tr("password, kept in this computer's keyring")))
        if state.imap_pin or state.smtp_pin:
            self.summary_servers.addRow(self.tr("Certificate:"),
                                        QLabel(self.tr("trusted by its fingerprint")))
        self.summary.addRow(self.tr("Signature:"), QLabel(
            self.tr("yes") if state.signature_html else self.tr("none")))
        self.next_steps.setText(self.tr(
            "Next steps: click Finish to open Postier. Write your first message from the "
            "\"New message\" button; the sent-messages table shows what became of each one "
            "(delivered, bounced, replied…). Fix any red light above before sending to many "
            "people."))
        self.send_status.clear()
        self.send_outcome = ""
        self.start_health_check()

    # -- test message ------------------------------------------------------------
    def send_test(self) -> None:
        state, settings = self.state, self.settings
        from app.services.outbox import sending  # on use: the first page paints sooner
        self.send_button.setEnabled(False)
        self.send_outcome = ""
        self.send_status.setStyleSheet("")
        self.send_status.setText(self.tr("Sending…"))
        subject = self.tr("Postier test message")
        text = self.tr("Hello,\n\nThis message was sent by Postier to check that your account "
                       "%1 can send e-mail. You can delete it.\n").replace("%1", state.email)
        message = sending.OutgoingMessage(account_email=state.email, to=[state.email],
                                          subject=subject, text=text, test=True)
        run_task(lambda: sending.send_message(settings, message), self._sent)

    def _sent(self, result: SendResult | None, err: BaseException | None) -> None:
        if not alive(self):
            return
        self.send_button.setEnabled(True)
        self.send_outcome, text = self.outcome_text(result, err)
        color = {"sent": LIGHT["ok"], "queued": LIGHT["warn"]}.get(self.send_outcome,
                                                                   LIGHT["fail"])
        self.send_status.setStyleSheet(f"color: {color};")
        self.send_status.setText(text)

    def outcome_text(self, result: SendResult | None,
                     err: BaseException | None) -> tuple[str, str]:
        """("sent" | "queued" | "failed", what to say): a message still in the outbox is
        never called sent, and the server's own words are always given."""
        if err is not None or result is None:
            status, rows, result_reply = "failed", [], None
            error: dict[str, Any] = {
                "code": err.code if isinstance(err, PostierError) else "PROTOCOL_ERROR",
                "reply": err.reply if isinstance(err, PostierError) else None}
        else:
            status, rows, result_reply = result.status, result.recipients or [], result.reply
            error = result.error or {}
        deferred = [r for r in rows if r.get("status") == "deferred"]
        # A refusal of MAIL/RCPT comes back in the recipient's row, not as an error.
        reply = error.get("reply") or next((r.get("detail") for r in rows if r.get("detail")),
                                           None) or result_reply or ""
        reply_line = ("\n" + self.tr("Server reply: %1").replace("%1", reply)) if reply else ""
        if status == "sent":
            return "sent", self.tr("Sent: your outgoing server accepted the message. Look in "
                                   "your inbox in a minute.") + reply_line
        reason = ""
        if error.get("code"):
            message, hint = message_for(error["code"], self.language())
            reason = f"{message} {hint}".strip()
        if status == "queued" and not (error or deferred):
            return "queued", self.tr("Not sent yet: the message waits in the outbox and "
                                     "leaves at its scheduled time.")
        if status == "queued":
            text = self.tr("Not sent yet — Postier will try again by itself (the Sent "
                           "messages table shows when).")
            if reason:
                text += " " + self.tr("Reason: %1").replace("%1", reason)
            return "queued", text + reply_line
        return "failed", (self.tr("Not sent: %1").replace("%1", reason) if reason
                          else self.tr("Not sent: the server refused the message.")) \
            + reply_line

    # -- domain health ----------------------------------------------------------
    def _make_health_view(self) -> Any:
        from app.ui.domain_health_view import DomainHealthView  # on use, as above

        return DomainHealthView()

    def start_health_check(self) -> None:
        if self.health_view is not None:
            self.health_layout.removeWidget(self.health_view)
            self.health_view.deleteLater()
        self.health_done = False
        self.health_view = self._make_health_view()
        self.health_layout.addWidget(self.health_view)
        from app.services.domain_health.runner import check_domain  # on use, as above

        self.health_box.show()
        self.health_view.show_progress()
        state, settings = self.state, self.settings
        domain = state.email.rpartition("@")[2]
        smtp_host = state.smtp.host if state.smtp else None
        provider = state.provider if state.provider in OAUTH_PROVIDERS else None
        view = self.health_view
        wizard = self.setup_wizard()
        timeout = wizard.health_timeout if wizard is not None else 10.0
        run_task(lambda: check_domain(domain, settings, smtp_host=smtp_host, provider=provider,
                                      timeout=timeout),
                 lambda report, err: self._health_done(view, report, err))

    def _health_done(self, view: Any, report: Any, err: BaseException | None) -> None:
        if not alive(self) or not alive(view) or view is not self.health_view:
            return
        self.health_done = True
        if err is not None:
            code = err.code if isinstance(err, PostierError) else "PROTOCOL_ERROR"
            message, _hint = message_for(code, self.language())
            fallback = wrap_label(message)
            self.health_layout.addWidget(fallback)
            return
        view.show_report(report)
