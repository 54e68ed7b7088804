"""OAuth2 sign-in for Microsoft 365 and Google (RFC 6749 + PKCE, RFC 8252 loopback,
RFC 8628 device code), and the tokens it gives, kept in the keyring only.

One implementation for both providers on top of authlib's OAuth2 client (PKCE, token
exchange, refresh and revocation). Callers use this package's names
(``from app.services.mail import oauth``; ``oauth.sign_in(...)``); the modules behind them:

- providers.py: the deployment's registrations → endpoints and scopes (``provider_config``);
- refusals.py: a provider's refusal (AADSTS…) as a stable code (``map_oauth_error``);
- client.py: the token endpoint (authlib, imported lazily there), ``TokenSet``, refresh;
- browser.py: the browser sign-in with its loopback redirect (``sign_in_browser``);
- device.py: the device-code sign-in (``device_start`` / ``device_wait``);
- token_store.py: tokens in the keyring, the fresh access token, revocation.

``sign_in()`` below is the one sequence every front end runs (the wizard, "Sign in again",
``postier account add --oauth``), so they all fail the same way with the same codes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from app.services.errors import PostierError
from app.services.mail.oauth.browser import authorization_query, sign_in_browser
from app.services.mail.oauth.client import TokenSet, refresh
from app.services.mail.oauth.device import DeviceCode, device_start, device_wait
from app.services.mail.oauth.providers import (
    ProviderConfig,
    provider_config,
    supports_device_flow,
)
from app.services.mail.oauth.refusals import map_oauth_error
from app.services.mail.oauth.token_store import (
    forget_tokens,
    fresh_access_token,
    load_tokens,
    revoke,
    store_tokens,
)

__all__ = [
    "DeviceCode",
    "ProviderConfig",
    "TokenSet",
    "authorization_query",
    "check_signed_in_as",
    "device_start",
    "device_wait",
    "forget_tokens",
    "fresh_access_token",
    "load_tokens",
    "map_oauth_error",
    "provider_config",
    "refresh",
    "revoke",
    "sign_in",
    "sign_in_browser",
    "store_tokens",
    "supports_device_flow",
]


def sign_in(cfg: ProviderConfig, email: str, *, device: bool = False,
            on_code: Callable[[DeviceCode], Any] | None = None,
            open_browser: Callable[[str], Any] | None = None,
            cancel: threading.Event | None = None, timeout: float = 300.0) -> TokenSet:
    """Sign ``email`` in: the provider's page in the system browser (PKCE + loopback), or
    with ``device`` a code shown through ``on_code`` as soon as it is known."""
    if device:
        code = device_start(cfg, timeout=min(timeout, 30.0))
        if on_code is not None:
            on_code(code)
        return device_wait(cfg, code, cancel=cancel, timeout=timeout)
    extra = {"open_browser": open_browser} if open_browser is not None else {}
    return sign_in_browser(cfg, login_hint=email, cancel=cancel, timeout=timeout, **extra)


def check_signed_in_as(tokens: TokenSet, email: str) -> None:
    """OAUTH_WRONG_ACCOUNT when the provider's page signed in another address: its tokens
    would open someone else's mailbox (or none)."""
    if tokens.email and tokens.email.lower() != email.lower():
        raise PostierError("OAUTH_WRONG_ACCOUNT", reply=f"signed in as {tokens.email}")
