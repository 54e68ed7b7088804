"""Testing an account's settings: a set-up account again (the Accounts tab's "Re-test"),
or the settings the wizard is about to save (a new account, or a changed one).

Both run the one connection check (``connection_check.check_account``) with the right
credential — the typed one, else the stored one, read (and for OAuth2 refreshed) here, off
the GUI thread — and hand back plain results the screens only show.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from app.services.config import Settings
from app.services.errors import PostierError
from app.services.mail.auth import Credential
from app.services.setup.accounts import account_store, load_credential
from app.services.setup.connection_check import CheckResult, Step, check_account
from app.services.setup.endpoint import Endpoint
from app.services.storage import Account, StorageError, utcnow


@dataclass(frozen=True)
class Retest:
    """What a re-test of a set-up account found (also recorded on the account)."""

    email: str
    check: CheckResult | None  # None when the test could not run
    error: PostierError | None = None  # why it could not run (keyring, OAUTH_EXPIRED…)

    @property
    def ok(self) -> bool:
        return self.error is None and self.check is not None and self.check.ok


def stored_endpoints(account: Account) -> tuple[Endpoint, Endpoint]:
    """The IMAP and SMTP servers a set-up account uses."""
    return (Endpoint(account.imap_host, account.imap_port, account.imap_security),
            Endpoint(account.smtp_host, account.smtp_port, account.smtp_security))


def retest_account(settings: Settings, account: Account, *, timeout: float = 30.0,
                   cancel: threading.Event | None = None) -> Retest:
    """Check the account again with its saved credential and servers (and its trusted
    certificates), and record when and how it went (the Accounts tab's "Last test").
    A test that cannot run (no password in the keyring, sign-in expired) is a failed
    test with its reason, not an exception."""
    imap, smtp = stored_endpoints(account)
    try:
        credential = load_credential(settings, account)
        check = check_account(account.email, credential, settings, imap=imap, smtp=smtp,
                              timeout=timeout, imap_pin=account.imap_pin,
                              smtp_pin=account.smtp_pin, cancel=cancel)
        outcome = Retest(account.email, check)
    except PostierError as exc:
        outcome = Retest(account.email, None, exc)
    _record(settings, account.email, outcome.ok)
    return outcome


def _record(settings: Settings, email: str, ok: bool) -> None:
    try:
        account_store(settings).update_fields(email, last_check_at=utcnow(),
                                              last_check_ok=int(ok))
    except StorageError as exc:
        raise PostierError(exc.code, exc.message) from exc


def check_settings(settings: Settings, email: str, credential: Credential | None, *,
                   stored: Account | None, imap: Endpoint, smtp: Endpoint,
                   imap_pin: str | None = None, smtp_pin: str | None = None,
                   timeout: float = 30.0, progress: Callable[[Step], None] | None = None,
                   cancel: threading.Event | None = None) -> CheckResult:
    """The wizard's test of the settings it is about to save: with ``credential``, or —
    changing the ``stored`` account without typing a new password — the stored one."""
    if credential is None:
        if stored is None:
            raise PostierError("AUTH_FAILED", "No password was given for this account.")
        credential = load_credential(settings, stored)
    return check_account(email, credential, settings, imap=imap, smtp=smtp, timeout=timeout,
                         imap_pin=imap_pin, smtp_pin=smtp_pin, progress=progress,
                         cancel=cancel)
