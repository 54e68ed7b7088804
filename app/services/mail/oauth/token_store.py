"""An account's OAuth2 tokens in the OS keyring, and the access token a session logs in
with: store, load, forget, refresh when about to expire (one refresh at a time per
account), and revoke at sign-out.

Tokens live in the keyring only. Windows Credential Manager refuses secrets over 2560
bytes (1280 UTF-16 characters, keyring issue #540) and Microsoft tokens are often longer:
long values are kept as numbered parts ("oauth2_access.0", ".1", …) behind a small header
under the usual name.
"""

from __future__ import annotations

import json
import logging
import threading

from app.services.credentials import CredentialStore
from app.services.errors import PostierError
from app.services.mail.oauth.client import TokenSet, refresh, session
from app.services.mail.oauth.providers import ProviderConfig

log = logging.getLogger(__name__)

_PART_CHARS = 1000
_PARTS_HEADER = "postier-parts-v1:"
_MAX_PARTS = 64
_KINDS = ("oauth2_refresh", "oauth2_access")


def store_tokens(email: str, tokens: TokenSet, credentials: CredentialStore | None = None) -> None:
    store = credentials or CredentialStore()
    if tokens.refresh_token:
        _set_long(store, email, "oauth2_refresh", tokens.refresh_token)
    _set_long(store, email, "oauth2_access", json.dumps({"access_token": tokens.access_token,
                                                         "expires_at": tokens.expires_at}))


def load_tokens(email: str, credentials: CredentialStore | None = None) -> TokenSet | None:
    store = credentials or CredentialStore()
    access_raw = _get_long(store, email, "oauth2_access")
    refresh_token = _get_long(store, email, "oauth2_refresh")
    if access_raw is None and refresh_token is None:
        return None
    try:
        access = json.loads(access_raw) if access_raw else {}
    except ValueError:
        access = {}
    return TokenSet(access.get("access_token", ""), refresh_token,
                    float(access.get("expires_at", 0)))


def forget_tokens(email: str, credentials: CredentialStore | None = None) -> None:
    """Delete every keyring entry holding this account's tokens (parts included)."""
    store = credentials or CredentialStore()
    for kind in _KINDS:
        _delete_parts(store, email, kind)
        store.delete(email, kind)


def fresh_access_token(email: str, cfg: ProviderConfig,
                       credentials: CredentialStore | None = None, *,
                       force: bool = False) -> str:
    """A valid access token for ``email``, refreshed (and re-stored) when about to expire,
    or always with ``force`` (a server refused the current one before its expiry).
    Raises OAUTH_EXPIRED when the refresh token was revoked or expired."""
    before = load_tokens(email, credentials)
    # One refresh at a time per account: tracking threads and a send may all find the
    # token expiring at once; the later ones then use the token the first one stored.
    with _refresh_lock(email):
        tokens = load_tokens(email, credentials)
        renewed = (tokens is not None and before is not None
                   and tokens.access_token != before.access_token and not tokens.expiring())
        stale = (force and not renewed) or (tokens is not None and tokens.expiring())
        if tokens is None or (stale and not tokens.refresh_token):
            raise PostierError("OAUTH_EXPIRED")
        if stale:
            tokens = refresh(cfg, tokens.refresh_token or "")
            store_tokens(email, tokens, credentials)
        return tokens.access_token


def revoke(cfg: ProviderConfig, email: str, credentials: CredentialStore | None = None,
           timeout: float = 10.0) -> bool:
    """Revoke at the provider where it can be done (Google), then forget the tokens.
    Microsoft offers no token revocation endpoint for public clients: forgetting is all
    a client can do, and the tokens then simply expire."""
    store = credentials or CredentialStore()
    tokens = load_tokens(email, store)
    revoked = False
    if tokens is not None and cfg.revoke_url:
        client, token = session(cfg), tokens.refresh_token or tokens.access_token
        try:
            resp = client.post(cfg.revoke_url, data={"token": token}, timeout=timeout,
                               withhold_token=True)
            revoked = resp.status_code < 400
        except Exception as exc:  # noqa: BLE001 - best effort; the tokens are forgotten anyway
            log.warning("token revocation failed: %s", type(exc).__name__)
    forget_tokens(email, store)
    return revoked


_REFRESH_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _refresh_lock(email: str) -> threading.Lock:
    with _LOCKS_GUARD:
        return _REFRESH_LOCKS.setdefault(email.lower(), threading.Lock())


def _set_long(store: CredentialStore, email: str, kind: str, value: str) -> None:
    _delete_parts(store, email, kind)
    if len(value) <= _PART_CHARS and not value.startswith(_PARTS_HEADER):
        store.set(email, value, kind)
        return
    parts = [value[i:i + _PART_CHARS] for i in range(0, len(value), _PART_CHARS)]
    if len(parts) > _MAX_PARTS:
        raise PostierError("OAUTH_FAILED", reply=f"token of {len(value)} characters")
    for i, part in enumerate(parts):
        store.set(email, part, f"{kind}.{i}")
    store.set(email, f"{_PARTS_HEADER}{len(parts)}", kind)


def _get_long(store: CredentialStore, email: str, kind: str) -> str | None:
    value = store.get(email, kind)
    if value is None or not value.startswith(_PARTS_HEADER):
        return value
    try:
        count = int(value[len(_PARTS_HEADER):])
    except ValueError:
        return None
    parts = [store.get(email, f"{kind}.{i}") for i in range(min(count, _MAX_PARTS))]
    return None if any(p is None for p in parts) else "".join(p or "" for p in parts)


def _delete_parts(store: CredentialStore, email: str, kind: str) -> None:
    for i in range(_MAX_PARTS):
        if not store.delete(email, f"{kind}.{i}"):
            break
