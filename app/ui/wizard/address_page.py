"""Step 2: address, password (or the provider's own sign-in) and display name.

Discovery starts as soon as the user leaves the address field and shows each source it
asks; its answer is said in plain words. "Manual settings" is always one click away.

The page decides nothing: which servers to use is setup/endpoint_choice.py, the sign-in
setup/sign_in.py. The provider's sign-in box is sign_in_box.py; this page keeps the fields,
the search's live progress and its words, and what Next needs.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QWidget,
)

from app.services.config import Settings
from app.services.errors import PostierError, message_for
from app.services.setup.endpoint_choice import (
    PRESET_SOURCE,
    EndpointChoice,
    choose_endpoints,
    preset_endpoints,
)
from app.services.setup.presets import OAUTH_PROVIDERS
from app.ui.worker import gui_callback, run_task

from .sign_in_box import SignInBox
from .start_page import preset_label
from .state import WizardState
from .step_page import PAGE_CHECK, PAGE_MANUAL, StepPage
from .widgets import alive, wrap_label

if TYPE_CHECKING:  # types only: discovery and the sign-in are imported when first used
    from app.services.setup.discovery import DiscoveryResult, Tried
    from app.services.setup.sign_in import SignInOffer

log = logging.getLogger(__name__)


def is_valid_email(text: str) -> bool:
    """The same validator as the CLI's, imported on first use: UI code imports lazily what
    only the user's actions need, and email_validator compiles ~0.1 s of regular
    expressions the first window does not need."""
    from app.services.addresses import is_valid_email as valid

    return valid(text)


class AddressPage(StepPage):
    step_number = 2

    def __init__(self, state: WizardState, settings: Settings) -> None:
        super().__init__(state)
        self.settings = settings
        self.setTitle(self.tr("Your address and password"))
        self.setSubTitle(self.tr("Postier looks for your server settings as soon as you leave "
                                 "the address field. Your password stays hidden."))
        self._discovery_gen = 0
        self._discovery_cancel: threading.Event | None = None
        self._discovering = False
        self._discovered_for = ""

        form = QFormLayout()
        self.email = QLineEdit()
        self.email.setObjectName("email")
        self.email.setPlaceholderText(self.tr("name@your-company.fr"))
        self.email_error = wrap_label()
        self.email_error.setObjectName("emailError")
        self.email_error.setStyleSheet("color: #b00020;")
        self.email_error.hide()
        email_label = QLabel(self.tr("&E-mail address:"))
        email_label.setBuddy(self.email)
        form.addRow(email_label, self.email)
        form.addRow("", self.email_error)

        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        # Screen-share safety: masked unless the user asks, and never copyable while masked.
        self.show_password = QCheckBox(self.tr("S&how"))
        self.show_password.setObjectName("showPassword")
        self.show_password.setToolTip(self.tr("Show the password in clear (careful if your "
                                              "screen is shared)"))
        pw_row = QHBoxLayout()
        pw_row.addWidget(self.password, 1)
        pw_row.addWidget(self.show_password)
        self.password_label = QLabel(self.tr("&Password:"))
        self.password_label.setBuddy(self.password)
        self.password_row = QWidget()
        self.password_row.setLayout(pw_row)
        pw_row.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.password_label, self.password_row)

        self.display_name = QLineEdit()
        self.display_name.setObjectName("displayName")
        self.display_name.setPlaceholderText(self.tr("e.g. Marie Dupont – Dupont SARL"))
        name_label = QLabel(self.tr("Name shown to &recipients (optional):"))
        name_label.setBuddy(self.display_name)
        form.addRow(name_label, self.display_name)
        self.outer.addLayout(form)

        self._build_oauth_box()

        self.status = wrap_label()
        self.status.setObjectName("discoveryStatus")
        self.outer.addWidget(self.status)
        # "This address is at Microsoft 365 / Google: use their sign-in" (when available).
        self.provider_hint = wrap_label(rich=True)
        self.provider_hint.setObjectName("providerHint")
        self.provider_hint.linkActivated.connect(self._switch_to_provider)
        self.provider_hint.hide()
        self._hinted_provider: str | None = None
        self.outer.addWidget(self.provider_hint)
        self.progress = QListWidget()
        self.progress.setObjectName("discoveryProgress")
        self.progress.setMaximumHeight(110)
        self.progress.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.progress.hide()
        self.outer.addWidget(self.progress)
        self.manual_link = QLabel(self.tr("<a href=\"manual\">Manual settings…</a> (enter the "
                                          "server names yourself)"))
        self.manual_link.setObjectName("manualLink")
        self.manual_link.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                                 | Qt.TextInteractionFlag.
                                                 LinksAccessibleByKeyboard)
        self.manual_link.linkActivated.connect(lambda _href: self.go_manual())
        self.outer.addWidget(self.manual_link)
        self.outer.addStretch(1)

        self.email.editingFinished.connect(self._email_left)
        self.email.textChanged.connect(self._email_changed)
        self.password.textChanged.connect(lambda _t: self.completeChanged.emit())
        self.show_password.toggled.connect(self._toggle_password)

    # -- the provider's sign-in (sign_in_box.py) ------------------------------
    def _build_oauth_box(self) -> None:
        self.oauth_box = SignInBox(
            self.state, self.settings, email=lambda: self.email.text().strip(),
            check_email=self._check_email_for_oauth, language=self.language,
            browser=self._browser)
        self.oauth_box.changed.connect(self.completeChanged.emit)
        # The box's parts, by the names the page has always given them.
        self.oauth_intro, self.oauth_status = self.oauth_box.intro, self.oauth_box.status
        self.sign_in, self.device_button = self.oauth_box.sign_in, self.oauth_box.device_button
        self.cancel_sign_in = self.oauth_box.cancel_sign_in
        self.outer.addWidget(self.oauth_box)

    def _browser(self) -> Callable[[str], Any] | None:
        wizard = self.setup_wizard()
        return wizard.open_browser if wizard is not None else None

    @property
    def sign_in_offer(self) -> SignInOffer | None:
        """The provider's sign-in, when this installation can offer it for the choice."""
        return self.oauth_box.offer

    def _setup_oauth(self) -> None:
        """Offer the provider's sign-in; without a configured client ID, the password."""
        offered = self.oauth_box.setup()
        self._set_password_visible(not offered)
        if not offered and self.state.choice == "gmail":
            self.password_label.setText(self.tr("App &password:"))

    def _set_password_visible(self, visible: bool) -> None:
        self.password_label.setVisible(visible)
        self.password_row.setVisible(visible)

    def uses_oauth(self) -> bool:
        return self.oauth_box.offer is not None

    def forget_sign_in(self) -> None:
        """The server refused these tokens: Next waits for a new sign-in."""
        self.oauth_box.forget()

    def _check_email_for_oauth(self) -> bool:
        if not is_valid_email(self.email.text().strip()):
            self._show_email_error(True)
            self.email.setFocus()
            return False
        return True

    # -- page life -------------------------------------------------------------
    def initializePage(self) -> None:
        if self.state.editing is not None:
            self._init_editing()
            return
        self.state.manual = False
        if self.state.auth == "oauth2" and self.state.choice not in OAUTH_PROVIDERS:
            self.state.auth, self.state.tokens = "password", None
        self.password_label.setText(self.tr("&Password:"))
        self._setup_oauth()
        if self.email.text().strip() and self._discovered_for != self._discovery_key():
            self._email_left()
        self.email.setFocus()

    def _init_editing(self) -> None:
        """Changing a set-up account: the address stays, the servers are known (no search),
        the password field is empty — empty keeps the stored password."""
        self.state.manual = True
        self.oauth_box.hide()
        self.email.setReadOnly(True)
        self.manual_link.hide()
        editing = self.state.editing
        password_account = editing is not None and editing.auth_kind == "password"
        self._set_password_visible(password_account)
        self.password_label.setText(self.tr("New &password:"))
        self.password.setPlaceholderText(self.tr("unchanged — type a new one to replace it"))
        self.setTitle(self.tr("Change the account"))
        self.setSubTitle(self.tr("Type a new password only if it changed. Next come the "
                                 "servers, a new test and the signature: nothing is saved "
                                 "until the test passes."))
        # After the wizard has finished showing the page (it moves the focus itself).
        first = self.password if password_account else self.display_name
        QTimer.singleShot(0, lambda: alive(first) and first.setFocus())

    def cleanupPage(self) -> None:
        self._stop_discovery()
        self.cancel_oauth_silently()

    def cancel_oauth_silently(self) -> None:
        self.oauth_box.cancel_silently()

    def _toggle_password(self, shown: bool) -> None:
        self.password.setEchoMode(QLineEdit.EchoMode.Normal if shown
                                  else QLineEdit.EchoMode.Password)

    def _email_changed(self, _text: str) -> None:
        if self.email_error.isVisible() and is_valid_email(self.email.text().strip()):
            self._show_email_error(False)
        if self.oauth_box.signed_in_as():
            self.oauth_box.show_result()  # a corrected address may now match the sign-in
        if self._discovered_for and self._discovered_for != self._discovery_key():
            self._discovered_for = ""
            self.state.imap = self.state.smtp = None
            self.state.username = ""  # it came with the old address's settings
            self.status.clear()
        self.completeChanged.emit()

    def _show_email_error(self, shown: bool) -> None:
        if shown:
            message, hint = message_for("INVALID_EMAIL", self.language())
            self.email_error.setText(f"{message} {hint}")
        self.email_error.setVisible(shown)

    def _discovery_key(self) -> str:
        preset = self.state.preset
        return f"{self.email.text().strip().lower()}|{self.state.choice}|" \
               f"{preset.id if preset is not None else ''}"

    # -- discovery -------------------------------------------------------------
    def _email_left(self) -> None:
        email = self.email.text().strip()
        # Focus also leaves the field when the wizard closes or moves on: no search then.
        wizard = self.setup_wizard()
        if not email or not self.isVisible() or (wizard is not None and (
                wizard.closing or wizard.currentPage() is not self)):
            return
        if not is_valid_email(email):
            self._show_email_error(True)
            return
        self._show_email_error(False)
        if self._discovered_for == self._discovery_key() or self.state.manual:
            return
        self.start_discovery(email)

    def start_discovery(self, email: str) -> None:
        self._stop_discovery()
        self._discovery_gen += 1
        gen = self._discovery_gen
        cancel = threading.Event()
        self._discovery_cancel = cancel
        self._discovering = True
        self._started = time.monotonic()
        self.progress.clear()
        self.progress.show()
        self.provider_hint.hide()
        self.status.setText(self.tr("Looking for the settings of %1…")
                            .replace("%1", email.rpartition("@")[2]))
        from app.services.setup import discovery

        progress = gui_callback(lambda tried: self._tried(gen, tried))
        settings = self.settings
        run_task(lambda: discovery.discover(email, settings, timeout=15, progress=progress,
                                            cancel=cancel),
                 lambda result, err: self._discovery_done(gen, result, err))
        self.completeChanged.emit()

    def _stop_discovery(self) -> None:
        if self._discovery_cancel is not None:
            self._discovery_cancel.set()
        self._discovery_gen += 1
        if self._discovering:
            self._discovering = False
            self.status.clear()
            self.completeChanged.emit()

    def source_name(self, source: str) -> str:
        names = {
            "ispdb": self.tr("Thunderbird database"),
            "autoconfig": self.tr("provider's automatic configuration"),
            "well-known": self.tr("domain's configuration file"),
            "mx": self.tr("mail servers of the domain (MX)"),
            "srv": self.tr("DNS service records (SRV)"),
            "guess": self.tr("usual server names"),
            "preset": self.tr("Postier's list of providers"),
        }
        return names.get(source, source)

    def result_name(self, result: str) -> str:
        return {"found": self.tr("found"), "not_found": self.tr("nothing"),
                "error": self.tr("no answer")}.get(result, result)

    def target_name(self, tried: Tried) -> str:
        """What a probe asked, readable: "IMAP mail.dupont.fr:993 (SSL/TLS)" for a guessed
        server (discovery names it "imap mail.dupont.fr:993 ssl"), else the name or URL."""
        parts = (tried.target or "").split()
        if len(parts) == 3 and parts[0] in ("imap", "smtp"):
            security = {"ssl": "SSL/TLS", "starttls": "STARTTLS"}.get(parts[2], parts[2])
            return f"{parts[0].upper()} {parts[1]} ({security})"
        return " ".join(parts)

    def progress_line(self, tried: Tried) -> str:
        """One line per probe: where Postier looked (source, host and port), what it got."""
        target = self.target_name(tried)
        text = self.tr("%1 — %2: %3 (%4 ms)") if target else self.tr("%1: %3 (%4 ms)")
        return (text.replace("%1", self.source_name(tried.source)).replace("%2", target)
                .replace("%3", self.result_name(tried.result)).replace("%4", str(tried.ms)))

    def _tried(self, gen: int, tried: Tried) -> None:
        if not alive(self) or gen != self._discovery_gen:
            return
        self.progress.addItem(self.progress_line(tried))
        self.progress.scrollToBottom()

    def _discovery_done(self, gen: int, result: DiscoveryResult | None,
                        err: BaseException | None) -> None:
        if not alive(self) or gen != self._discovery_gen:
            return
        self._discovering = False
        self._discovered_for = self._discovery_key()
        self.state.discovery = result
        email = self.email.text().strip()
        domain = email.rpartition("@")[2]
        choice = choose_endpoints(email, result, self.state.preset)
        if choice.found:
            self.state.imap, self.state.smtp = choice.imap, choice.smtp
            self.state.username = choice.username
            self.status.setText(self.found_text(choice, domain))
            self.state.provider = self.state.provider or choice.account_provider
            self._offer_provider_sign_in(choice.provider)
        else:
            self.state.imap = self.state.smtp = None
            self.state.username = email
            if err is not None and not isinstance(err, PostierError):
                log.warning("discovery failed: %s", type(err).__name__)
            self.status.setText(self.tr("No settings found for %1: click Next to enter them "
                                        "yourself (your provider's help pages list them).")
                                .replace("%1", domain))
        self.completeChanged.emit()

    def found_text(self, choice: EndpointChoice, domain: str) -> str:
        """Say only what was found and from where: a provider's name only when the servers
        are that provider's (discovery matched them, or its entry in Postier's list was
        used), and "guessed" — not "found" — for the usual server names."""
        source = choice.source
        if source == PRESET_SOURCE:
            named = choice.preset
            name = preset_label(named, self.language()) if named is not None else domain
            return self.tr("Using the settings of %1 from Postier's list of providers.")\
                .replace("%1", name)
        servers = ", ".join(f"{e.host}:{e.port}" for e in (choice.imap, choice.smtp)
                            if e is not None)
        if source == "guess":
            text = self.tr("Settings guessed for %1 from the usual server names (%2): the "
                           "test on the next page will tell whether they work.")\
                .replace("%1", domain).replace("%2", servers)
        else:
            found = choice.preset
            text = self.tr("Settings of %1 found — source: %2 (%3).")\
                .replace("%1", preset_label(found, self.language()) if found is not None
                         else domain)\
                .replace("%2", self.source_name(source)).replace("%3", servers)
        chosen = self.state.choice if self.state.choice in OAUTH_PROVIDERS else None
        if chosen and choice.provider != chosen:
            label = "Google" if chosen == "gmail" else "Microsoft 365"
            text += " " + self.tr("These are not %1's servers: the mail of %2 does not seem "
                                  "to be hosted there.").replace("%1", label)\
                .replace("%2", domain)
        return text

    def _offer_provider_sign_in(self, provider: str | None) -> None:
        """The address turned out to be at Microsoft 365 or Google while the user chose
        "other": their own sign-in works where passwords are often refused."""
        self.provider_hint.hide()
        self._hinted_provider = None
        if provider is None or provider not in OAUTH_PROVIDERS \
                or self.state.choice in OAUTH_PROVIDERS:
            return
        from app.services.setup.sign_in import sign_in_offer

        if not sign_in_offer(self.settings, provider).available:
            return  # not configured here: the password path is the only one anyway
        name = "Microsoft 365" if provider == "office365" else "Google"
        self._hinted_provider = provider
        self.provider_hint.setText(
            self.tr("This address is hosted by %1: signing in on its own page is "
                    "recommended. <a href=\"switch\">Use the %1 sign-in</a>")
            .replace("%1", name))
        self.provider_hint.show()

    def _switch_to_provider(self, _href: str) -> None:
        wizard = self.setup_wizard()
        if self._hinted_provider and wizard is not None:
            wizard.restart_with(self._hinted_provider)

    # -- navigation -------------------------------------------------------------
    def go_manual(self) -> None:
        self._stop_discovery()
        self.state.manual = True
        self.completeChanged.emit()
        wizard = self.wizard()
        if wizard is not None and self.isComplete():
            wizard.next()
        elif not is_valid_email(self.email.text().strip()):
            self._show_email_error(True)
        elif not self.uses_oauth():
            self.password.setFocus()  # the one thing still missing

    def isComplete(self) -> bool:
        if not is_valid_email(self.email.text().strip()):
            return False
        if self.state.editing is not None:
            return True  # an empty password keeps the stored one
        if self.uses_oauth():
            if self.state.auth != "oauth2" or self.state.tokens is None \
                    or self.oauth_box.mismatch():
                return False
        elif not self.password.text():
            return False
        # A chosen provider already names its servers: no need to wait for the search.
        return self.state.manual or not self._discovering or self.state.preset is not None

    def validatePage(self) -> bool:
        state = self.state
        if state.editing is not None:
            state.display_name = self.display_name.text().strip()
            state.password = self.password.text()  # "" = keep the stored password
            return True
        if self._discovering:
            self._stop_discovery()
        state.email = self.email.text().strip()
        state.display_name = self.display_name.text().strip()
        if not self.uses_oauth():
            state.auth, state.tokens = "password", None
            state.password = self.password.text()
        else:
            state.password = ""
        state.username = state.username or state.email
        if state.auth == "oauth2":
            state.username = state.email
        if (state.imap is None or state.smtp is None) and state.preset is not None \
                and not state.manual:
            self._use_preset_servers()  # Office 365 / Gmail / a chosen provider: known servers
        return True

    def _use_preset_servers(self) -> None:
        if self.state.preset is None:
            return
        choice = preset_endpoints(self.state.email, self.state.preset)
        if choice.found:
            self.state.imap, self.state.smtp = choice.imap, choice.smtp
            if self.state.auth != "oauth2":
                self.state.username = choice.username

    def nextId(self) -> int:
        if self.state.editing is not None or self.state.manual or self.state.choice == "own" \
                or self.state.imap is None \
                or self.state.smtp is None:
            return PAGE_MANUAL
        return PAGE_CHECK
