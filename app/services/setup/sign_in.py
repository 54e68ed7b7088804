"""The one OAuth2 sign-in sequence of Postier (Microsoft 365, Outlook.com, Google).

The setup wizard, the Accounts tab's "Sign in again" and ``postier account add --oauth`` all
sign in through ``sign_in``: the provider's registration (postier.toml), then its page in
the browser (or a device code), then the tokens with the address the provider says it
signed in. What the caller does with an address that differs is its own choice: the wizard
lets the user correct the address, the CLI and "Sign in again" refuse
(``SignIn.require_address``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.services.config import Settings
from app.services.errors import PostierError
from app.services.mail import oauth


@dataclass(frozen=True)
class SignInOffer:
    """Whether this installation can sign ``provider`` in (a client ID is configured),
    and how: the browser always, a device code where the provider allows it for mail."""

    provider: str
    config: oauth.ProviderConfig | None
    error: PostierError | None = None  # why not (OAUTH_NOT_CONFIGURED…), when not

    @property
    def available(self) -> bool:
        return self.config is not None

    @property
    def device_code(self) -> bool:
        # Google refuses mail access through its device-code flow: browser only there.
        return self.config is not None and oauth.supports_device_flow(self.config)


def sign_in_offer(settings: Settings, provider: str) -> SignInOffer:
    """The sign-in this installation offers for ``provider`` (reads the configuration
    only: no network)."""
    try:
        return SignInOffer(provider, oauth.provider_config(provider, settings))
    except PostierError as exc:
        return SignInOffer(provider, None, exc)


@dataclass(frozen=True)
class SignIn:
    """A finished sign-in: the tokens, and whom the provider says they belong to."""

    email: str  # the address being signed in
    provider: str
    tokens: oauth.TokenSet

    @property
    def signed_in_as(self) -> str | None:
        """The address the provider's page signed in (None when it did not say)."""
        return self.tokens.email

    def signed_in_other_than(self, email: str) -> bool:
        """The provider named another address than ``email``: these tokens would open
        someone else's mailbox (or none)."""
        signed = self.signed_in_as
        return signed is not None and signed != "" and signed.lower() != email.lower()

    @property
    def wrong_account(self) -> bool:
        """Signed in as another address than the one being signed in."""
        return self.signed_in_other_than(self.email)

    def require_address(self) -> oauth.TokenSet:
        """The tokens, or OAUTH_WRONG_ACCOUNT when another address was signed in."""
        oauth.check_signed_in_as(self.tokens, self.email)
        return self.tokens


def sign_in(settings: Settings, email: str, provider: str, *, device: bool = False,
            on_code: Callable[[oauth.DeviceCode], Any] | None = None,
            open_browser: Callable[[str], Any] | None = None,
            cancel: threading.Event | None = None, timeout: float = 300.0) -> SignIn:
    """Sign ``email`` in with ``provider`` (a preset id: office365, outlook, gmail): the
    provider's page in the system browser (PKCE, loopback redirect), or with ``device`` a
    code handed to ``on_code`` as soon as it is known. Blocks until the user is done,
    ``cancel`` is set (OAUTH_CANCELLED) or ``timeout`` passes: run it off the GUI thread.
    Raises OAUTH_* errors (not configured, refused, blocked by policy…)."""
    cfg = oauth.provider_config(provider, settings)
    tokens = oauth.sign_in(cfg, email, device=device, on_code=on_code,
                           open_browser=open_browser, cancel=cancel, timeout=timeout)
    return SignIn(email, provider, tokens)
