"""Secrets behind a small get/set/delete interface over the OS keyring.

Nothing secret is ever written anywhere else. When no secure backend exists (a
headless Linux without Secret Service, or only a plaintext keyring) we refuse with
KEYRING_UNAVAILABLE and name the backend, rather than storing anything in clear; a
locked or denied keyring is KEYRING_LOCKED, never reported as a wrong password.
"""

from __future__ import annotations

import logging

import keyring
import keyring.backend
import keyring.errors

from app.services.errors import PostierError

log = logging.getLogger(__name__)

SERVICE = "Postier"
# Backends that exist but keep secrets in clear or nowhere at all.
_INSECURE_BACKENDS = ("keyring.backends.fail", "keyring.backends.null",
                      "keyrings.alt.file.PlaintextKeyring", "keyrings.alt.file_base")


def _key(account_email: str, kind: str) -> str:
    return f"{account_email.lower()}:{kind}"


def _load_problem() -> str | None:
    """Why no backend loads at all: PYTHON_KEYRING_BACKEND naming a module or class that
    does not exist makes every keyring call raise ImportError/AttributeError/ValueError."""
    try:
        keyring.get_keyring()
    except Exception as exc:  # noqa: BLE001 - whatever keyring's loader raises
        return (f"the keyring backend cannot be loaded ({type(exc).__name__}: {exc}); "
                "check PYTHON_KEYRING_BACKEND")
    return None


def backend_name() -> str:
    if _load_problem():
        return "unavailable"
    backend = keyring.get_keyring()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def backend_problem() -> str | None:
    """None when a secure backend is active, else a plain reason."""
    problem = _load_problem()
    if problem:
        return problem
    backend = keyring.get_keyring()
    name = backend_name()
    if any(name.startswith(bad) for bad in _INSECURE_BACKENDS):
        return f"no secure keyring backend (active backend: {name})"
    priority = getattr(backend, "priority", 1)
    if isinstance(priority, (int, float)) and priority <= 0 and "chainer" not in name.lower():
        return f"keyring backend {name} is not usable (priority {priority})"
    if "chainer" in name.lower() and not getattr(backend, "backends", None):
        return "no keyring backend is available"
    return None


class CredentialStore:
    """get/set/delete of an account's secret ("password", "oauth2_refresh", …)."""

    def __init__(self, service: str = SERVICE) -> None:
        self.service = service

    def _ensure_secure(self) -> None:
        problem = backend_problem()
        if problem:
            raise PostierError("KEYRING_UNAVAILABLE", reply=problem)

    def set(self, account_email: str, secret: str, kind: str = "password") -> None:
        self._ensure_secure()
        try:
            keyring.set_password(self.service, _key(account_email, kind), secret)
        except keyring.errors.KeyringLocked as exc:
            raise PostierError("KEYRING_LOCKED", reply=str(exc)) from exc
        except keyring.errors.KeyringError as exc:
            raise PostierError("KEYRING_UNAVAILABLE", reply=f"{type(exc).__name__}: {exc}") from exc

    def get(self, account_email: str, kind: str = "password") -> str | None:
        self._ensure_secure()
        try:
            return keyring.get_password(self.service, _key(account_email, kind))
        except keyring.errors.KeyringLocked as exc:
            raise PostierError("KEYRING_LOCKED", reply=str(exc)) from exc
        except keyring.errors.KeyringError as exc:
            raise PostierError("KEYRING_UNAVAILABLE", reply=f"{type(exc).__name__}: {exc}") from exc

    def delete(self, account_email: str, kind: str = "password") -> bool:
        """Remove a secret; False when there was none (not an error: removal is idempotent)."""
        problem = _load_problem()
        if problem:
            raise PostierError("KEYRING_UNAVAILABLE", reply=problem)
        try:
            keyring.delete_password(self.service, _key(account_email, kind))
            return True
        except keyring.errors.PasswordDeleteError:
            return False
        except keyring.errors.KeyringLocked as exc:  # a KeyringError too: say "locked"
            raise PostierError("KEYRING_LOCKED", reply=str(exc)) from exc
        except keyring.errors.KeyringError as exc:
            raise PostierError("KEYRING_UNAVAILABLE", reply=f"{type(exc).__name__}: {exc}") from exc

    def delete_all(self, account_email: str) -> None:
        for kind in ("password", "oauth2_refresh", "oauth2_access"):
            self.delete(account_email, kind)
