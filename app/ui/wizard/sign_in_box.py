"""The provider's own sign-in on the address page (Microsoft 365, Outlook.com, Google): the
box with its buttons (browser, code, cancel) and what it says, the sign-in run off the GUI
thread, and whether the signed-in account is the typed address. The sequence itself is
setup/sign_in.py, the same as "Sign in again" and `postier account add --oauth`."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout

from app.services.config import Settings
from app.services.errors import PostierError, message_for
from app.services.setup.presets import OAUTH_PROVIDERS
from app.ui.worker import gui_callback, run_task

from .state import WizardState
from .widgets import alive, wrap_label

if TYPE_CHECKING:  # types only: the sign-in is imported when first used
    from app.services.mail.oauth import DeviceCode
    from app.services.setup.sign_in import SignIn, SignInOffer


class SignInBox(QFrame):
    """Offers the provider's sign-in for ``state.choice`` and runs it. The page around it
    gives the typed address (``email``), checks it before a sign-in (``check_email``), says
    the language of the catalogue's messages and the browser to open (tests replace it).
    ``changed`` fires when a sign-in ends or is forgotten: the page's Next may change."""

    changed = Signal()

    def __init__(self, state: WizardState, settings: Settings, *,
                 email: Callable[[], str], check_email: Callable[[], bool],
                 language: Callable[[], str],
                 browser: Callable[[], Callable[[str], Any] | None]) -> None:
        super().__init__()
        self.state = state
        self.settings = settings
        self._email, self._check_email = email, check_email
        self._language, self._browser = language, browser
        self._cancel: threading.Event | None = None
        # The provider's sign-in, when this installation can offer it for the choice.
        self.offer: SignInOffer | None = None
        # The last finished sign-in (None before one, or once the server refused it).
        self._signed_in: SignIn | None = None
        self.setObjectName("oauthBox")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        box = QVBoxLayout(self)
        self.intro = wrap_label()
        self.intro.setObjectName("oauthIntro")
        box.addWidget(self.intro)
        row = QHBoxLayout()
        self.sign_in = QPushButton()
        self.sign_in.setObjectName("signIn")
        self.sign_in.clicked.connect(self.start_browser_sign_in)
        self.device_button = QPushButton(self.tr("No browser here? Sign in with a &code"))
        self.device_button.setObjectName("deviceCode")
        self.device_button.clicked.connect(self.start_device_sign_in)
        self.cancel_sign_in = QPushButton(self.tr("Cancel sign-in"))
        self.cancel_sign_in.setObjectName("cancelSignIn")
        self.cancel_sign_in.clicked.connect(self.cancel)
        self.cancel_sign_in.hide()
        row.addWidget(self.sign_in)
        row.addWidget(self.device_button)
        row.addWidget(self.cancel_sign_in)
        row.addStretch(1)
        box.addLayout(row)
        self.status = wrap_label()
        self.status.setObjectName("oauthStatus")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self.status)
        self.hide()

    def set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))  # no empty gap in the box

    def setup(self) -> bool:
        """Offer the provider's sign-in; without a configured client ID, explain (the
        password is used instead). True when the sign-in replaces the password."""
        self.offer = None
        self._signed_in = None
        self.set_status("")
        provider = self.state.choice
        if provider not in OAUTH_PROVIDERS:
            self.hide()
            return False
        self.show()
        name = "Google" if provider == "gmail" else "Microsoft"
        from app.services.setup.sign_in import sign_in_offer

        offer = sign_in_offer(self.settings, provider)
        if offer.error is not None or not offer.available:
            exc = offer.error or PostierError("OAUTH_NOT_CONFIGURED")
            message, hint = message_for(exc.code, self._language(), exc.variant, exc.params)
            if exc.variant == "work_only":  # Outlook.com with a work-accounts-only registration
                hint = f"{message}\n{hint}"
            self.intro.setText(
                self.tr("Signing in with %1 is not set up in this installation of Postier, "
                        "so we will use a password instead.").replace("%1", name)
                + "\n" + hint)
            self.sign_in.hide()
            self.device_button.hide()
            return False
        self.intro.setText(self.tr("Sign in on %1's own page: Postier never sees your "
                                   "password.").replace("%1", name))
        self.offer = offer
        self._sign_in_text()
        self.sign_in.show()
        self.device_button.setVisible(offer.device_code)  # not for Google (browser only)
        return True

    def _running(self, running: bool) -> None:
        self.sign_in.setEnabled(not running)
        self.device_button.setEnabled(not running)
        self.cancel_sign_in.setVisible(running)

    def start_browser_sign_in(self) -> None:
        if not self._check_email():
            return
        self._running(True)
        self.set_status(self.tr("Waiting for you to finish signing in in your web "
                                "browser…"))
        self._run(device=False)

    def start_device_sign_in(self) -> None:
        if not self._check_email():
            return
        self._running(True)
        self.set_status(self.tr("Asking for a sign-in code…"))
        self._run(device=True)

    def _run(self, *, device: bool) -> None:
        """The provider's sign-in off the GUI thread: the same sequence as "Sign in
        again" and `postier account add --oauth` (setup/sign_in.py)."""
        from app.services.setup.sign_in import sign_in

        offer = self.offer
        if offer is None:
            return
        cancel = threading.Event()
        self._cancel = cancel
        settings, email, provider = self.settings, self._email(), offer.provider
        opener = self._browser()
        show_code = gui_callback(self._show_device_code) if device else None
        run_task(lambda: sign_in(settings, email, provider, device=device, on_code=show_code,
                                 open_browser=opener, cancel=cancel),
                 lambda signed, err: self._done(signed, err, cancel))

    def _show_device_code(self, code: DeviceCode) -> None:
        if not alive(self):
            return
        self.set_status(
            self.tr("On any computer or phone, open %1 and enter the code %2. Waiting…")
            .replace("%1", code.verification_uri).replace("%2", code.user_code))

    def cancel(self) -> None:
        self.cancel_silently()
        self._running(False)
        self.set_status(message_for("OAUTH_CANCELLED", self._language())[0])

    def cancel_silently(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def _done(self, signed: SignIn | None, err: BaseException | None,
              cancel: threading.Event) -> None:
        if not alive(self) or cancel is not self._cancel or cancel.is_set():
            return  # cancelled or superseded: the user has moved on
        self._running(False)
        if err is not None or signed is None:
            error = err if isinstance(err, PostierError) else PostierError("OAUTH_FAILED")
            message, hint = message_for(error.code, self._language(), error.variant,
                                        error.params)
            extra = error.hint if isinstance(err, PostierError) else ""
            # The admin-consent link rides in the hint: show it so it can be sent on.
            link = extra.splitlines()[-1] if "\n" in extra else ""
            # The provider's own words (AADSTS number, policy) are what IT needs.
            said = error.reply
            said = self.tr("The provider answered: %1").replace("%1", said) if said else ""
            self.set_status("\n".join(x for x in (message, hint, link, said) if x))
            return
        self.state.tokens = signed.tokens
        self.state.auth = "oauth2"
        self._signed_in = signed
        self.show_result()

    def forget(self) -> None:
        """The server refused these tokens: Next waits for a new sign-in."""
        self.state.tokens = None
        self._signed_in = None
        self.set_status(self.tr("The mail server refused this sign-in: sign in again "
                                "with the account of %1.").replace("%1", self._email()))
        self._sign_in_text()
        self.changed.emit()
        self.sign_in.setFocus()

    def mismatch(self) -> bool:
        """Signed in, but as another address than the typed one: the tokens would open
        someone else's mailbox (or none), so Next stays off until this is put right."""
        signed = self._signed_in
        if signed is None or self.offer is None or self.state.auth != "oauth2":
            return False
        return signed.signed_in_other_than(self._email())

    def show_result(self) -> None:
        if self.state.auth != "oauth2" or self.state.tokens is None:
            return
        if self.mismatch():
            message, _hint = message_for("OAUTH_WRONG_ACCOUNT", self._language())
            self.set_status(
                message + "\n" + self.tr("The provider's page signed in %1, but the address "
                                         "being set up is %2: Postier could only open the "
                                         "mailbox of %1. Click \"Sign in again with %2\" and "
                                         "choose that account (or sign out of %1 on the "
                                         "provider's page first), or correct the address above.")
                .replace("%1", self.signed_in_as()).replace("%2", self._email()))
            self.status.setStyleSheet("color: #b00020;")
        else:
            self.set_status(self.tr("Signed in."))
            self.status.setStyleSheet("")
        self._sign_in_text()
        self.changed.emit()

    def signed_in_as(self) -> str:
        """The address the provider says was signed in ("" before a sign-in)."""
        return (self._signed_in.signed_in_as or "") if self._signed_in is not None else ""

    def _sign_in_text(self) -> None:
        if self.mismatch():
            self.sign_in.setText(self.tr("Sign &in again with %1").replace("%1", self._email()))
        else:
            name = "Google" if self.state.choice == "gmail" else "Microsoft"
            self.sign_in.setText(self.tr("&Sign in with %1").replace("%1", name))
