"""Talking to a provider's token endpoint: the authlib OAuth2 session (PKCE, client
authentication, TLS verification), a token answer as a ``TokenSet``, a refusal or a network
failure as a stable code, and the refresh grant.

This is the one module that imports authlib (and requests under it), and only inside
``session()`` and ``refused()``, once a provider is talked to: the package is imported by
every password account's send and track (setup.accounts reads OAuth2 credentials through
it) and by the main window's start, and authlib + requests cost ~0.2 s of CPU that none of
them needs (startup, issue 17; tests/ui/test_startup_imports.py).
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.services.errors import PostierError
from app.services.mail.oauth.providers import ProviderConfig
from app.services.mail.oauth.refusals import map_oauth_error

if TYPE_CHECKING:
    from authlib.integrations.requests_client import OAuth2Session

# Refresh a little before expiry so a check or send never starts with a dying token.
REFRESH_MARGIN_S = 300


@dataclass
class TokenSet:
    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: float = 0.0
    email: str | None = None  # from the id_token, to compare with the account's address

    def expiring(self, now: float | None = None) -> bool:
        return (now or time.time()) >= self.expires_at - REFRESH_MARGIN_S


class Refusal(Exception):
    """The provider answered with an OAuth2 error (authlib's OAuthError, without authlib):
    the flows that treat some errors as "not yet" (device-code polling) read it."""

    def __init__(self, error: str | None, description: str | None) -> None:
        super().__init__(error, description)
        self.error = error
        self.description = description


def session(cfg: ProviderConfig, redirect_uri: str | None = None) -> OAuth2Session:
    """An OAuth2 client for ``cfg``: PKCE (S256), the client secret only where the
    registration has one, and the deployment's CA file."""
    from authlib.integrations.requests_client import OAuth2Session  # lazy: see the docstring

    client = OAuth2Session(cfg.client_id, cfg.client_secret, scope=" ".join(cfg.scopes),
                           redirect_uri=redirect_uri, code_challenge_method="S256",
                           token_endpoint_auth_method="client_secret_post" if cfg.client_secret
                           else "none")
    client.verify = cfg.verify
    return client


def refused(fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``fn()``'s answer; an OAuth2 error as ``Refusal``, the network's failures as their
    codes (CERT_UNTRUSTED, TIMEOUT, CONNECT_REFUSED)."""
    import requests  # lazy: see the docstring
    from authlib.integrations.base_client.errors import OAuthError

    try:
        return fn()
    except OAuthError as exc:
        raise Refusal(exc.error, exc.description) from exc
    except requests.exceptions.SSLError as exc:
        raise PostierError("CERT_UNTRUSTED", reply=str(exc)) from exc
    except requests.exceptions.Timeout as exc:
        raise PostierError("TIMEOUT", reply=str(exc)) from exc
    except requests.exceptions.ConnectionError as exc:
        raise PostierError("CONNECT_REFUSED", reply=str(exc)) from exc


def token_request(fn: Callable[[], dict[str, Any]], cfg: ProviderConfig) -> dict[str, Any]:
    """``fn()``'s answer, every failure as a stable code (a refusal: map_oauth_error)."""
    try:
        return refused(fn)
    except Refusal as exc:
        raise map_oauth_error(exc.error, exc.description, cfg) from exc


def to_tokens(raw: dict[str, Any], previous_refresh: str | None = None) -> TokenSet:
    """A token endpoint's answer; a refresh that sends no new refresh token keeps the old."""
    expires_in = float(raw.get("expires_in") or 3600)
    return TokenSet(access_token=raw["access_token"],
                    refresh_token=raw.get("refresh_token") or previous_refresh,
                    expires_at=float(raw.get("expires_at") or time.time() + expires_in),
                    email=_email_from_id_token(raw.get("id_token")))


def _email_from_id_token(id_token: str | None) -> str | None:
    """Read the email claim only for display/comparison: the token came straight from the
    token endpoint over TLS, and nothing is authorised on the strength of it."""
    if not id_token or id_token.count(".") != 2:
        return None
    payload = id_token.split(".")[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except ValueError:
        return None
    return claims.get("email") or claims.get("preferred_username") or claims.get("upn")


def refresh(cfg: ProviderConfig, refresh_token: str) -> TokenSet:
    """New tokens for a refresh token (OAUTH_EXPIRED once it was revoked or expired)."""
    client = session(cfg)
    raw = token_request(lambda: client.refresh_token(cfg.token_url,
                                                     refresh_token=refresh_token), cfg)
    return to_tokens(raw, previous_refresh=refresh_token)
