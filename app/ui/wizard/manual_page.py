"""Step 2 (manual): the server settings typed by hand, checked as they are typed.

Only encrypted connections are offered. Ports users copy from old help pages are
refused with the reason: 143 with SSL/TLS (143 starts unencrypted; accepted only with
STARTTLS, which connection_check enforces before any login) and 25, the server-to-server
port that Internet providers block and that may send in clear.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QLineEdit

from app.services.setup.endpoint import Endpoint

from .state import WizardState
from .step_page import PAGE_CHECK, StepPage
from .widgets import wrap_label

DEFAULT_PORTS = {("imap", "ssl"): 993, ("imap", "starttls"): 143,
                 ("smtp", "ssl"): 465, ("smtp", "starttls"): 587}


class PortRules(QObject):
    """Field checks of the manual page, with their explanations."""

    def port_problem(self, protocol: str, text: str, security: str) -> str | None:
        """Why a typed port is refused, in the user's language (None when fine)."""
        text = text.strip()
        if not text:
            return self.tr("Enter the port number.")
        if not text.isdigit() or not 0 < int(text) < 65536:
            return self.tr("The port is a number between 1 and 65535.")
        port = int(text)
        if protocol == "imap" and port == 143 and security != "starttls":
            # 143 starts unencrypted: only acceptable when STARTTLS is demanded at once.
            return self.tr("Port 143 starts without encryption: your password could "
                           "travel in clear, so Postier refuses it with SSL/TLS. Use port "
                           "993 with SSL/TLS, or choose STARTTLS if your provider says so "
                           "(Postier then insists on encryption before signing in).")
        if protocol == "imap" and port in (110, 995):
            return self.tr("This is a POP3 port. Postier needs IMAP: use port 993 "
                           "with SSL/TLS.")
        if protocol == "smtp" and port == 25:
            return self.tr("Port 25 is for servers talking to each other: Internet "
                           "providers block it and it may send in clear. Use 587 with "
                           "STARTTLS or 465 with SSL/TLS.")
        if protocol == "smtp" and port == 465 and security == "starttls":
            return self.tr("Port 465 uses SSL/TLS, not STARTTLS: change the security "
                           "or use port 587.")
        if port == 993 and security == "starttls":
            return self.tr("Port 993 uses SSL/TLS, not STARTTLS: change the security.")
        return None

    def host_problem(self, text: str) -> str | None:
        host = text.strip()
        if not host:
            return self.tr("Enter the server name, e.g. mail.your-company.fr.")
        if any(c.isspace() for c in host) or "@" in host or "/" in host:
            return self.tr("A server name has no spaces, @ or /, e.g. mail.your-company.fr.")
        return None


def port_problem(protocol: str, text: str, security: str) -> str | None:
    """Why a typed port is refused, in the user's language (None when fine)."""
    return PortRules().port_problem(protocol, text, security)


def host_problem(text: str) -> str | None:
    return PortRules().host_problem(text)


class ServerBox(QGroupBox):
    """Host, port and security of one server."""

    def __init__(self, title: str, protocol: str, host_label_text: str) -> None:
        super().__init__(title)
        self.protocol = protocol
        form = QFormLayout(self)
        self.host = QLineEdit()
        self.host.setObjectName(f"{protocol}Host")
        self.host.setPlaceholderText("mail.your-company.fr")
        self.port = QLineEdit()
        self.port.setObjectName(f"{protocol}Port")
        self.port.setMaxLength(5)
        self.security = QComboBox()
        self.security.setObjectName(f"{protocol}Security")
        self.security.addItem(self.tr("SSL/TLS (recommended)"), "ssl")
        self.security.addItem("STARTTLS", "starttls")
        host_label = QLabel(host_label_text)
        host_label.setBuddy(self.host)
        form.addRow(host_label, self.host)
        form.addRow(self.tr("Port:"), self.port)
        form.addRow(self.tr("Security:"), self.security)
        self.error = wrap_label()
        self.error.setObjectName(f"{protocol}Error")
        self.error.setStyleSheet("color: #b00020;")
        form.addRow(self.error)
        self.security.currentIndexChanged.connect(self._security_changed)

    def _security_changed(self, _index: int) -> None:
        # Follow the usual port for the chosen security unless the user typed another one.
        current = self.port.text().strip()
        usual = {str(p) for (proto, _s), p in DEFAULT_PORTS.items() if proto == self.protocol}
        if not current or current in usual:
            self.port.setText(str(DEFAULT_PORTS[(self.protocol, self.security.currentData())]))

    def set_endpoint(self, endpoint: Endpoint | None) -> None:
        if endpoint is None:
            if not self.port.text():
                self.port.setText(str(DEFAULT_PORTS[(self.protocol, "ssl")]))
            return
        self.host.setText(endpoint.host)
        index = self.security.findData(endpoint.security)
        self.security.setCurrentIndex(max(index, 0))
        self.port.setText(str(endpoint.port))

    def problem(self) -> str | None:
        return host_problem(self.host.text()) or port_problem(
            self.protocol, self.port.text(), self.security.currentData())

    def endpoint(self) -> Endpoint:
        return Endpoint(self.host.text().strip().rstrip("."), int(self.port.text()),
                        self.security.currentData())


class ManualPage(StepPage):
    step_number = 3

    def __init__(self, state: WizardState) -> None:
        super().__init__(state)
        self.setTitle(self.tr("Server settings"))
        self.setSubTitle(self.tr("Copy them from your provider's help page or ask your IT "
                                 "support. Only encrypted connections are possible."))
        self.imap = ServerBox(self.tr("Incoming mail (IMAP)"), "imap",
                              self.tr("&Incoming server:"))
        self.smtp = ServerBox(self.tr("Outgoing mail (SMTP)"), "smtp",
                              self.tr("&Outgoing server:"))
        self.imap.host.setToolTip(self.tr("Incoming server, e.g. imap.your-company.fr"))
        self.smtp.host.setToolTip(self.tr("Outgoing server, e.g. smtp.your-company.fr"))
        self.outer.addWidget(self.imap)
        self.outer.addWidget(self.smtp)
        # Same label column in both boxes, so the two forms line up.
        labels = [box.layout().labelForField(field) for box in (self.imap, self.smtp)
                  for field in (box.host, box.port, box.security)]
        width = max(label.sizeHint().width() for label in labels if label is not None)
        for label in labels:
            if label is not None:
                label.setMinimumWidth(width)
        form = QFormLayout()
        self.username = QLineEdit()
        self.username.setObjectName("username")
        user_label = QLabel(self.tr("&User name:"))
        user_label.setBuddy(self.username)
        form.addRow(user_label, self.username)
        form.addRow(wrap_label(self.tr("Usually your full e-mail address.")))
        self.outer.addLayout(form)
        self.outer.addStretch(1)
        for box in (self.imap, self.smtp):
            box.host.textChanged.connect(self._validate)
            box.port.textChanged.connect(self._validate)
            box.security.currentIndexChanged.connect(self._validate)
        self.username.textChanged.connect(self._validate)

    def initializePage(self) -> None:
        self.imap.set_endpoint(self.state.imap)
        self.smtp.set_endpoint(self.state.smtp)
        self.username.setText(self.state.username or self.state.email)
        self._validate()
        self.imap.host.setFocus()

    def _validate(self, *_: Any) -> None:
        for box in (self.imap, self.smtp):
            problem = box.problem()
            # Do not shout at empty fields the user has not reached yet.
            shown = problem
            if not box.host.text().strip() and problem == host_problem(""):
                shown = None
            box.error.setText(shown or "")
            box.error.setVisible(bool(shown))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return (self.imap.problem() is None and self.smtp.problem() is None
                and bool(self.username.text().strip()))

    def validatePage(self) -> bool:
        imap, smtp = self.imap.endpoint(), self.smtp.endpoint()
        # Other servers: the trust given to the old ones' certificates does not apply.
        if imap != self.state.imap:
            self.state.imap_pin = None
        if smtp != self.state.smtp:
            self.state.smtp_pin = None
        self.state.imap, self.state.smtp = imap, smtp
        self.state.username = self.username.text().strip()
        return True

    def nextId(self) -> int:
        return PAGE_CHECK

