"""Step 4: prove the account works — a live checklist, and on failure the plain message,
the server's own reply, a concrete fix and, where it helps, a step-by-step panel.

The check runs off the GUI thread; "Stop" abandons it at once (the service sees the
cancel event and its late answer is ignored). Next stays disabled until a test passes.
The check itself is setup/retest.py's check_settings, the live checklist checklist.py; this
page runs the check and shows the failure panel with its fixes, guidance and words.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.services.config import Settings
from app.services.errors import ErrorInfo, PostierError, message_for
from app.services.setup.endpoint import Endpoint
from app.ui.user_feedback import note_label, tint
from app.ui.worker import gui_callback, run_task

from .checklist import COLOR, Checklist
from .guidance import Guidance, guidance_for
from .state import WizardState
from .step_page import PAGE_SIGNATURE, StepPage
from .widgets import alive, big_font, wrap_label

if TYPE_CHECKING:  # types only: the check service is imported when a check starts
    from app.services.setup.connection_check import CheckResult, Step

log = logging.getLogger(__name__)

CERT_CODES = ("CERT_UNTRUSTED", "CERT_EXPIRED", "CERT_HOSTNAME_MISMATCH")
PASSWORD_CODES = ("AUTH_FAILED", "APP_PASSWORD_REQUIRED")
# Refusals that mean "wrong password" for a password but "this sign-in does not open this
# mailbox" for an OAuth2 token: password advice would send the user the wrong way.
SIGN_IN_REFUSALS = ("AUTH_FAILED", "APP_PASSWORD_REQUIRED", "BASIC_AUTH_DISABLED")

class CheckPage(StepPage):
    step_number = 4
    testFinished = Signal(bool)

    def __init__(self, state: WizardState, settings: Settings) -> None:
        super().__init__(state)
        self.settings = settings
        self.setTitle(self.tr("Testing your account"))
        self.setSubTitle(self.tr("Postier checks receiving and sending, step by step. Nothing "
                                 "is saved until everything works."))
        self._gen = 0
        self._cancel: threading.Event | None = None
        self.running = False
        self.last_error: ErrorInfo | None = None
        self.last_certificates: dict[str, dict[str, Any]] = {}
        self._steps: list[Step] = []
        self.guidance: Guidance | None = None

        self.target = wrap_label()
        self.target.setObjectName("testTarget")
        self.outer.addWidget(self.target)
        self.checklist = Checklist()
        self.rows = self.checklist.rows
        self.outer.addWidget(self.checklist)

        self.verdict = big_font(note_label("verdict"), 4)
        self.outer.addWidget(self.verdict)
        self._build_error_panel()
        self._build_buttons()
        self.outer.addStretch(0)

    # -- layout ----------------------------------------------------------------
    def _build_error_panel(self) -> None:
        self.error_panel = QFrame()
        self.error_panel.setObjectName("errorPanel")
        self.error_panel.setFrameShape(QFrame.Shape.StyledPanel)
        self.error_panel.setStyleSheet("#errorPanel { background: #fff4f4; border: 1px solid "
                                       "#e0b4b4; border-radius: 4px; }")
        panel = QVBoxLayout(self.error_panel)
        self.error_message = big_font(wrap_label(), 2)
        self.error_message.setObjectName("errorMessage")
        self.error_hint = wrap_label()
        self.error_hint.setObjectName("errorHint")
        self.reply_title = QLabel(self.tr("The server answered:"))
        self.reply = wrap_label()
        self.reply.setObjectName("serverReply")
        self.reply.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.reply.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reply.setStyleSheet("background: #ffffff; padding: 4px;")
        for widget in (self.error_message, self.error_hint, self.reply_title, self.reply):
            panel.addWidget(widget)
        # Retype the password (or paste an app password) right here, without going back.
        self.retype_row = QWidget()
        retype = QHBoxLayout(self.retype_row)
        retype.setContentsMargins(0, 0, 0, 0)
        self.retype_label = QLabel(self.tr("New &password:"))
        self.new_password = QLineEdit()
        self.new_password.setObjectName("newPassword")
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)  # screen-share safety
        self.retype_label.setBuddy(self.new_password)
        self.retype_button = QPushButton(self.tr("Test &with this password"))
        self.retype_button.setObjectName("testWithPassword")
        self.retype_button.setEnabled(False)
        retype.addWidget(self.retype_label)
        retype.addWidget(self.new_password, 1)
        retype.addWidget(self.retype_button)
        panel.addWidget(self.retype_row)
        self.new_password.textChanged.connect(
            lambda text: self.retype_button.setEnabled(bool(text)))
        self.new_password.returnPressed.connect(self.retry_with_new_password)
        self.retype_button.clicked.connect(self.retry_with_new_password)
        # The step-by-step guidance panel.
        self.guide_box = QGroupBox()
        self.guide_box.setObjectName("guidance")
        guide = QVBoxLayout(self.guide_box)
        self.guide_steps = wrap_label(rich=True)
        self.guide_steps.setObjectName("guidanceSteps")
        guide.addWidget(self.guide_steps)
        self.admin_request = QPlainTextEdit()
        self.admin_request.setObjectName("adminRequest")
        self.admin_request.setReadOnly(True)
        self.admin_request.setMaximumHeight(80)
        guide.addWidget(self.admin_request)
        panel.addWidget(self.guide_box)
        panel.addStretch(1)  # spare room goes below, not between the lines
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.error_panel)
        self.error_scroll = scroll
        self.outer.addWidget(scroll, 1)
        scroll.hide()

    def _build_buttons(self) -> None:
        row = QHBoxLayout()
        self.stop_button = QPushButton(self.tr("S&top the test"))
        self.stop_button.setObjectName("stopTest")
        self.retry_button = QPushButton(self.tr("&Test again"))
        self.retry_button.setObjectName("retryTest")
        self.trust_button = QPushButton(self.tr("T&rust this certificate…"))
        self.trust_button.setObjectName("trustCertificate")
        self.office_button = QPushButton(self.tr("Use the &Office 365 sign-in"))
        self.office_button.setObjectName("useOffice365")
        self.settings_button = QPushButton(self.tr("Change the &settings"))
        self.settings_button.setObjectName("changeSettings")
        self.copy_request_button = QPushButton(self.tr("Copy the &message"))
        self.copy_request_button.setObjectName("copyRequest")
        self.sign_in_again_button = QPushButton(self.tr("Sign &in again"))
        self.sign_in_again_button.setObjectName("signInAgain")
        self.diag_button = QPushButton(self.tr("Copy &diagnostics"))
        self.diag_button.setObjectName("copyDiagnostics")
        self.diag_button.setToolTip(self.tr("Copies a report for support: versions, steps, "
                                            "times and server replies — never your password."))
        for button in (self.stop_button, self.retry_button, self.sign_in_again_button,
                       self.trust_button, self.office_button, self.settings_button,
                       self.copy_request_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.diag_button)
        self.outer.addLayout(row)
        self.copied = QLabel()
        self.copied.setObjectName("copiedNote")
        self.outer.addWidget(self.copied)
        self.stop_button.clicked.connect(self.stop)
        self.retry_button.clicked.connect(self.start_check)
        self.trust_button.clicked.connect(self.open_trust_dialog)
        self.office_button.clicked.connect(self._use_office365)
        self.settings_button.clicked.connect(self._change_settings)
        self.copy_request_button.clicked.connect(self._copy_request)
        self.sign_in_again_button.clicked.connect(self._sign_in_again)
        self.diag_button.clicked.connect(self.copy_diagnostics)
        self._show_buttons(running=False, failed=False)

    def _show_buttons(self, *, running: bool, failed: bool) -> None:
        self.stop_button.setVisible(running)
        self.retry_button.setVisible(not running)
        error = self.last_error if failed else None
        code = error.code if error is not None else None
        server = error.server if error is not None else None
        self.trust_button.setVisible(failed and code in CERT_CODES
                                     and bool(self.last_certificates.get(server or "")))
        self.office_button.setVisible(failed and self.guidance is not None
                                      and "office365" in self.guidance.actions)
        self.settings_button.setVisible(not running)
        self.copy_request_button.setVisible(failed and self.guidance is not None
                                            and bool(self.guidance.admin_request))
        self.sign_in_again_button.setVisible(failed and self._sign_in_refused())
        # Versions, servers and the steps so far help support even after a Stop.
        self.diag_button.setEnabled(not running)

    # -- page life ---------------------------------------------------------------
    def initializePage(self) -> None:
        self.start_check()

    def cleanupPage(self) -> None:
        self.stop(quiet=True)

    def isComplete(self) -> bool:
        return self.state.check_passed and not self.running

    def nextId(self) -> int:
        return PAGE_SIGNATURE

    def describe_endpoint(self, endpoint: Endpoint | None) -> str:
        if endpoint is None:
            return ""
        security = {"ssl": "SSL/TLS", "starttls": "STARTTLS"}.get(endpoint.security,
                                                                   endpoint.security)
        return f"{endpoint.host}:{endpoint.port} ({security})"

    # -- running the check ---------------------------------------------------------
    def start_check(self) -> None:
        self.stop(quiet=True)
        state = self.state
        state.check_passed = False
        state.check = None
        self.last_error = None
        self.last_certificates = {}
        self.guidance = None
        self._gen += 1
        gen = self._gen
        cancel = threading.Event()
        self._cancel = cancel
        self.running = True
        self._started = time.monotonic()
        self._steps = []
        self.checklist.reset()
        self.checklist.mark_running()
        self.target.setText(self.tr("Account %1 — incoming %2, outgoing %3")
                            .replace("%1", state.email)
                            .replace("%2", self.describe_endpoint(state.imap))
                            .replace("%3", self.describe_endpoint(state.smtp)))
        self.verdict.setText(self.tr("Testing… this usually takes a few seconds."))
        tint(self.verdict, None)
        self.error_scroll.hide()
        self.copied.clear()
        self._show_buttons(running=True, failed=False)
        self.completeChanged.emit()
        # Park the focus on the page: an impatient Enter must neither go Back nor Stop.
        # (After the wizard has finished switching pages, which moves the focus itself.)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        QTimer.singleShot(0, lambda: alive(self) and self.running and self.setFocus())
        progress = gui_callback(lambda step: self._on_step(gen, step))
        settings = self.settings
        credential = state.credential()
        email, imap, smtp = state.email, state.imap, state.smtp
        imap_pin, smtp_pin = state.imap_pin, state.smtp_pin
        wizard = self.setup_wizard()
        timeout = wizard.check_timeout if wizard is not None else 30.0

        finished = threading.Event()
        self.worker_finished = finished  # tests and shutdown can wait for the thread itself

        editing = state.editing
        from app.services.setup.retest import check_settings

        def check() -> CheckResult:
            try:
                if imap is None or smtp is None:  # the pages before never let it happen
                    raise PostierError("INVALID_INPUT", "The servers are not known yet.")
                return check_settings(settings, email, credential, stored=editing, imap=imap,
                                      smtp=smtp, timeout=timeout, imap_pin=imap_pin,
                                      smtp_pin=smtp_pin, progress=progress, cancel=cancel)
            finally:
                finished.set()

        self.task = run_task(check, lambda result, err: self._on_done(gen, result, err))

    def stop(self, quiet: bool = False) -> None:
        """Abandon a running check at once; its late answer is ignored."""
        if self._cancel is not None:
            self._cancel.set()
        if not self.running:
            return
        self._gen += 1
        self.running = False
        self.checklist.skip_unfinished()
        if not quiet:
            self.verdict.setText(self.tr("Test stopped. Nothing was saved."))
            tint(self.verdict, None)
        self._show_buttons(running=False, failed=False)
        self.completeChanged.emit()

    def _on_step(self, gen: int, step: Step) -> None:
        if not alive(self) or gen != self._gen:
            return
        self._steps.append(step)
        self.checklist.render(self._steps, final=False)

    def _on_done(self, gen: int, result: CheckResult | None,
                 err: BaseException | None) -> None:
        if not alive(self) or gen != self._gen:
            return  # stopped or superseded
        self.running = False
        state = self.state
        if err is not None or result is None:
            if isinstance(err, PostierError):
                self.last_error = ErrorInfo.from_error(err)
            else:
                log.warning("check failed unexpectedly: %s", type(err).__name__)
                self.last_error = ErrorInfo("PROTOCOL_ERROR", "", "")
            self.checklist.render(self._steps, final=True)
            self._show_failure()
            return
        state.check = result
        self.checklist.render(list(result.steps or self._steps), final=True)
        if result.ok:
            state.check_passed = True
            elapsed = time.monotonic() - self._started
            self.verdict.setText(self.tr("Everything works! (%1 s) Click Next to continue.")
                                 .replace("%1", f"{elapsed:.1f}"))
            tint(self.verdict, COLOR['ok'])
            self._show_buttons(running=False, failed=False)
            self.completeChanged.emit()
            self._focus_next()
            self.testFinished.emit(True)
            return
        self.last_error = result.error or ErrorInfo("PROTOCOL_ERROR", "", "")
        self.last_certificates = dict(result.certificates or {})
        self._show_failure()

    def _show_failure(self) -> None:
        error = self.last_error or ErrorInfo("PROTOCOL_ERROR", "", "")
        code, server, reply = error.code or "PROTOCOL_ERROR", error.server, error.reply
        message, hint = message_for(code, self.language(), error.variant, error.params)
        if self._sign_in_refused():
            message = self.tr("The server refused the sign-in for this mailbox.")
            hint = self.tr("Sign in again with the account of %1: the provider's page must "
                           "show this address. If it still fails, ask your administrator "
                           "whether IMAP and SMTP access is allowed for this mailbox.") \
                .replace("%1", self.state.email)
        where = {"imap": self.tr("Incoming mail (IMAP)"),
                 "smtp": self.tr("Outgoing mail (SMTP)")}.get(server or "", "")
        self.verdict.setText(self.tr("The test failed.") + (f" — {where}" if where else ""))
        tint(self.verdict, COLOR['fail'])
        self.error_message.setText(message)
        self.error_hint.setText(hint)
        self.reply_title.setVisible(bool(reply))
        self.reply.setVisible(bool(reply))
        self.reply.setText((reply or "").strip())
        host = ""
        endpoint = self.state.imap if server == "imap" else self.state.smtp
        if endpoint is not None:
            host = endpoint.host
        self.guidance = None if self._sign_in_refused() else guidance_for(
            code, self.state.provider or self.state.choice, host)
        self._show_guidance()
        retype = code in PASSWORD_CODES and self.state.auth == "password"
        self.retype_row.setVisible(retype)
        self.new_password.clear()
        if retype:
            app_password = code == "APP_PASSWORD_REQUIRED" or (
                self.guidance is not None and self.guidance.key == "gmail_app_password")
            self.retype_label.setText(self.tr("App &password:") if app_password
                                      else self.tr("New &password:"))
        self.error_scroll.show()
        self._show_buttons(running=False, failed=True)
        self.completeChanged.emit()
        if self.retype_row.isVisible():
            self.new_password.setFocus()  # Enter re-tests with the new password
        else:
            self.retry_button.setFocus()
        self.testFinished.emit(False)

    def _show_guidance(self) -> None:
        guidance = self.guidance
        self.guide_box.setVisible(guidance is not None)
        if guidance is None:
            return
        self.guide_box.setTitle(guidance.title)
        items = "".join(f"<li>{_escape(step)}</li>" for step in guidance.steps)
        self.guide_steps.setText(f"<ol style='margin-left: 0px;'>{items}</ol>")
        self.admin_request.setVisible(bool(guidance.admin_request))
        self.admin_request.setPlainText(guidance.admin_request)

    def _focus_next(self) -> None:
        from PySide6.QtWidgets import QWizard

        wizard = self.wizard()
        if wizard is not None:
            wizard.button(QWizard.WizardButton.NextButton).setFocus()  # Enter = Next

    # -- actions -------------------------------------------------------------------
    def open_trust_dialog(self) -> None:
        from .cert_dialog import CertDialog

        error = self.last_error
        server = (error.server if error is not None else None) or "imap"
        cert = self.last_certificates.get(server)
        endpoint = self.state.imap if server == "imap" else self.state.smtp
        if not cert or endpoint is None:
            return
        dialog = CertDialog(cert, error.code if error is not None else "", endpoint.host,
                            self)
        self.cert_dialog = dialog
        dialog.accepted.connect(lambda: self._trust(server, cert))
        dialog.open()

    def _trust(self, server: str, cert: dict[str, Any]) -> None:
        fingerprint = cert.get("sha256")
        if server == "imap":
            self.state.imap_pin = fingerprint
        else:
            self.state.smtp_pin = fingerprint
        # The same certificate on the other server (one host for both): trust it there too.
        other = "smtp" if server == "imap" else "imap"
        if self.last_certificates.get(other, {}).get("sha256") == fingerprint:
            setattr(self.state, f"{other}_pin", fingerprint)
        self.start_check()

    def retry_with_new_password(self) -> None:
        password = self.new_password.text()
        if not password or self.running:
            return
        self.state.password = password
        wizard = self.setup_wizard()
        if wizard is not None:
            wizard.address_page.password.setText(password)  # Back shows the same one
        self.new_password.clear()
        self.start_check()

    def _sign_in_refused(self) -> bool:
        """An OAuth2 sign-in refused by the server (not a password problem)."""
        error = self.last_error
        return self.state.auth == "oauth2" and error is not None \
            and error.code in SIGN_IN_REFUSALS

    def _sign_in_again(self) -> None:
        self.stop(quiet=True)
        wizard = self.setup_wizard()
        if wizard is not None:
            wizard.back_to_sign_in()

    def _use_office365(self) -> None:
        wizard = self.setup_wizard()
        if wizard is not None:
            wizard.restart_with("office365")

    def _change_settings(self) -> None:
        self.stop(quiet=True)
        wizard = self.setup_wizard()
        if wizard is not None:
            wizard.go_to_manual()

    def _copy_request(self) -> None:
        if self.guidance is not None:
            QGuiApplication.clipboard().setText(self.guidance.admin_request)
            self.copied.setText(self.tr("Message copied: paste it into an e-mail to your "
                                        "administrator."))

    def diagnostics_text(self) -> str:
        import PySide6
        from PySide6.QtCore import qVersion

        import app
        from app.services.diagnostics import connection_report

        state = self.state
        return connection_report(
            app_version=app.__version__,
            qt_version=f"{qVersion()} (PySide6 {PySide6.__version__})",
            email=state.email, provider=state.provider or state.choice,
            imap=state.imap, smtp=state.smtp, check=state.check, steps=self._steps,
            error=self.last_error, discovery=state.discovery, auth=state.auth,
            imap_pinned=bool(state.imap_pin), smtp_pinned=bool(state.smtp_pin),
            secrets=state.secrets(), usernames=[state.username, state.email]).text

    def copy_diagnostics(self) -> None:
        QGuiApplication.clipboard().setText(self.diagnostics_text())
        self.copied.setText(self.tr("Diagnostics copied (without your password): paste them "
                                    "into your message to support."))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

