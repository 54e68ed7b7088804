"""What the wizard pages share: the collected answers, the page base with its large
"Step N of 6" indicator, and small adapters over the service result types."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWizardPage

from app.services.setup.endpoint import Endpoint

PAGE_START, PAGE_ADDRESS, PAGE_MANUAL, PAGE_TEST, PAGE_SIGNATURE, PAGE_FINISH = range(6)
# One number per page, whatever the path: "step 3" is always the server settings, even
# when discovery found them and the page is skipped (support staff guide by these numbers).
TOTAL_STEPS = 6

# Providers whose own sign-in page (OAuth2) we offer instead of a password.
# "outlook": personal Outlook.com / Hotmail / Live accounts (Microsoft's sign-in too).
OAUTH_PROVIDERS = ("office365", "gmail", "outlook")


@dataclass
class WizardState:
    """Everything the user told us so far. The password lives only here (in memory)
    until it goes to the keyring; it is never written into a widget other than the
    masked password field."""

    choice: str = "other"  # "office365" | "gmail" | "outlook" | "other" | "own"
    preset: Any = None  # discovery.Preset chosen in the list, if any
    email: str = ""
    display_name: str = ""
    username: str = ""
    password: str = field(default="", repr=False)
    auth: str = "password"  # "password" | "oauth2"
    tokens: Any = field(default=None, repr=False)  # oauth.TokenSet
    provider: str | None = None
    imap: Endpoint | None = None
    smtp: Endpoint | None = None
    imap_pin: str | None = None
    smtp_pin: str | None = None
    manual: bool = False
    discovery: Any = None  # discovery.DiscoveryResult
    check: Any = None  # connection_check.CheckResult (last one)
    check_passed: bool = False
    signature_html: str = ""
    signature_text: str = ""
    saved: Any = None  # storage.Account once saved
    # The account being changed (storage.Account) when the wizard edits one: its stored
    # password/tokens are used unless a new password is typed.
    editing: Any = None

    def secrets(self) -> list[str]:
        """Every secret in play, for redacting diagnostics."""
        out = [self.password]
        if self.tokens is not None:
            out += [getattr(self.tokens, "access_token", ""),
                    getattr(self.tokens, "refresh_token", "") or ""]
        return [s for s in out if s]

    def credential(self) -> Any:
        from app.services.mail.auth import Credential

        if self.auth == "oauth2" and self.tokens is not None:
            return Credential(self.username or self.email, self.tokens.access_token, "oauth2")
        if self.editing is not None and not self.password:
            return None  # the stored one, read off the GUI thread (keyring, token refresh)
        return Credential(self.username or self.email, self.password, "password")


def endpoint_of(server: Any) -> Endpoint | None:
    """An Endpoint from a discovery ServerConfig (or anything with host/port/security)."""
    if server is None:
        return None
    if isinstance(server, Endpoint):
        return server
    to_endpoint = getattr(server, "endpoint", None)
    if callable(to_endpoint):
        return to_endpoint()
    if isinstance(server, dict):
        return Endpoint(server["host"], int(server["port"]), server["security"])
    return Endpoint(server.host, int(server.port), server.security)


def first_secure(servers: Any, protocol: str) -> Any:
    """The first server of ``protocol`` that is encrypted: we never offer plain ones."""
    for server in servers or []:
        proto = getattr(server, "protocol", None) or (server.get("protocol")
                                                      if isinstance(server, dict) else None)
        sec = getattr(server, "security", None) or (server.get("security")
                                                    if isinstance(server, dict) else None)
        if proto in (None, protocol) and sec in ("ssl", "starttls"):
            return server
    return None


def username_of(server: Any, default: str) -> str:
    name = getattr(server, "username", None)
    if name is None and isinstance(server, dict):
        name = server.get("username")
    return name or default


def alive(widget: Any) -> bool:
    """False once Qt deleted the widget: a background answer may arrive after the
    wizard was closed, and must then be dropped."""
    return widget is not None and shiboken6.isValid(widget)


def big_font(label: QLabel, points_delta: int = 6, bold: bool = True) -> QLabel:
    font = QFont(label.font())
    font.setPointSize(max(font.pointSize(), 9) + points_delta)
    font.setBold(bold)
    label.setFont(font)
    return label


class StepPage(QWizardPage):
    """A wizard page with the large, readable "Step N of 6" indicator on top
    (support staff say "you should be on step 3" over a screen share)."""

    step_number = 1

    def __init__(self, state: WizardState) -> None:
        super().__init__()
        self.state = state
        self.outer = QVBoxLayout(self)
        self.step_label = big_font(QLabel(), 6)
        self.step_label.setObjectName("stepIndicator")
        self.step_label.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.outer.addWidget(self.step_label)
        self.update_step_label()

    def update_step_label(self) -> None:
        # translate() with an explicit context: self.tr() in a base class would look the
        # string up under the subclass's name and miss it.
        text = QCoreApplication.translate("StepPage", "Step %1 of %2")
        self.step_label.setText(text.replace("%1", str(self.step_number))
                                .replace("%2", str(TOTAL_STEPS)))

    def language(self) -> str:
        wizard = self.wizard()
        return getattr(wizard, "language", "en") if wizard is not None else "en"


def wrap_label(text: str = "", *, rich: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    if rich:
        label.setOpenExternalLinks(False)
    return label
