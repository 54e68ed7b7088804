"""Adding an account from the command line: check it, and store it only if the check
passes — with a password (``add_account``) or after the provider's sign-in
(``add_oauth_account``, the one sequence of ``sign_in``). The wizard runs the same steps
page by page (its check, then ``accounts.save_account``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.services.config import Settings
from app.services.credentials import CredentialStore
from app.services.errors import InputError, PostierError
from app.services.mail.auth import Credential
from app.services.mail.tls import normalize_fingerprint
from app.services.setup import presets
from app.services.setup.accounts import account_store, save_account
from app.services.setup.connection_check import CheckResult, check_account, format_text
from app.services.setup.discovery import discover
from app.services.setup.endpoint import Endpoint
from app.services.setup.sign_in import sign_in
from app.services.storage import Account, StorageError


@dataclass
class AddOutcome:
    """Result of ``add_account``: the check result and, if it passed, the stored account."""

    check: CheckResult
    account: Account | None
    error: PostierError | None = None

    @property
    def ok(self) -> bool:
        return self.account is not None

    def to_dict(self) -> dict[str, Any]:
        data = self.check.to_dict()
        data["stored"] = self.ok
        data["account"] = _public_account(self.account) if self.account else None
        if self.error is not None:
            data["ok"] = False
            data["error"] = self.error.to_dict()
        return data

    def text(self) -> str:
        tail = (f"\nstored: {self.account.email}" if self.account
                else f"\nnot stored{': ' + self.error.message if self.error else ''}")
        return format_text(self.check) + tail


def _public_account(account: Account) -> dict[str, Any]:
    return {k: v for k, v in account.to_dict().items()
            if k not in ("signature_html", "signature_text")}


def _pin_for(check: CheckResult, server: str, pin: str | None) -> str | None:
    """--pin names one certificate: keep it only on the server that presented it."""
    if not pin:
        return None
    info = check.tls.get(server)
    wanted = normalize_fingerprint(pin)
    return wanted if info is not None and info.sha256 == wanted else None


def _refuse_existing(settings: Settings, email: str) -> None:
    try:
        existing = account_store(settings).get(email)
    except StorageError as exc:
        raise PostierError(exc.code, exc.message) from exc
    if existing is not None:
        raise PostierError("ACCOUNT_EXISTS")


def _store_if_passed(settings: Settings, check: CheckResult, **saved: Any) -> AddOutcome:
    """The end both ways of adding share: store the account on the servers the check
    passed on, only if it passed; a refused save (keyring, database) is reported beside
    the check rather than raised, so the caller still shows what was checked."""
    if not check.ok or check.incoming is None or check.outgoing is None:
        return AddOutcome(check, None)  # a passed check always names both servers
    try:
        account = save_account(settings, imap=check.incoming, smtp=check.outgoing, **saved)
    except PostierError as exc:
        return AddOutcome(check, None, exc)
    return AddOutcome(check, account)


def add_account(settings: Settings, email: str, credential: Credential, *,
                imap: Endpoint | None = None, smtp: Endpoint | None = None,
                timeout: float = 30.0, pin: str | None = None, display_name: str = "",
                provider: str | None = None) -> AddOutcome:
    """Check the account; store it only if the check passes."""
    _refuse_existing(settings, email)
    check = check_account(email, credential, settings, imap=imap, smtp=smtp, timeout=timeout,
                          pin=pin)
    return _store_if_passed(settings, check, email=email, credential=credential,
                            display_name=display_name, provider=provider,
                            imap_pin=_pin_for(check, "imap", pin),
                            smtp_pin=_pin_for(check, "smtp", pin))


def oauth_provider_for(settings: Settings, email: str, provider: str | None,
                       timeout: float = 10.0) -> str:
    """The preset id an OAuth2 account signs in with: ``office365``, ``outlook`` (personal
    Microsoft accounts) or ``gmail``. ``provider`` is CLI.md's ``microsoft``/``google``;
    without it the address's domain (built-in presets), then discovery (MX) decide."""
    domain = email.rpartition("@")[2].lower()
    preset = presets.preset_for_domain(domain)
    if provider in ("microsoft", "office365", "outlook"):
        return "outlook" if preset is not None and preset.id == "outlook" else "office365"
    if provider in ("google", "gmail"):
        return "gmail"
    if provider:
        raise InputError(f"unknown provider {provider!r}: use microsoft or google")
    if preset is not None and preset.id in ("office365", "outlook", "gmail"):
        return preset.id
    found = discover(email, settings, timeout=timeout)
    if found.found and found.provider in ("office365", "gmail"):
        return found.provider
    raise InputError(f"{domain} is not at Microsoft or Google as far as Postier can tell: "
                     "say which with --provider microsoft|google")


def _oauth_endpoints(provider: str, email: str) -> tuple[Endpoint | None, Endpoint | None]:
    preset = presets.preset_by_id(provider)
    if preset is None:
        return None, None
    incoming, outgoing = preset.servers_for(email)
    imap = next((s for s in incoming if s.protocol == "imap"), None)
    smtp = next(iter(outgoing), None)
    return (Endpoint(imap.host, imap.port, imap.security) if imap else None,
            Endpoint(smtp.host, smtp.port, smtp.security) if smtp else None)


def add_oauth_account(settings: Settings, email: str, provider: str, *,
                      device: bool = False, on_code: Callable[[Any], Any] | None = None,
                      open_browser: Callable[[str], Any] | None = None, cancel: Any = None,
                      timeout: float = 300.0, check_timeout: float = 30.0,
                      imap: Endpoint | None = None, smtp: Endpoint | None = None,
                      display_name: str = "",
                      credentials: CredentialStore | None = None) -> AddOutcome:
    """``postier account add EMAIL --oauth``: the wizard's sign-in (``sign_in.sign_in``),
    then IMAP and SMTP checked with XOAUTH2, then the account stored with its tokens in
    the keyring. Nothing is stored unless every step passed."""
    _refuse_existing(settings, email)
    tokens = sign_in(settings, email, provider, device=device, on_code=on_code,
                     open_browser=open_browser, cancel=cancel,
                     timeout=timeout).require_address()
    preset_imap, preset_smtp = _oauth_endpoints(provider, email)
    credential = Credential(email, tokens.access_token, "oauth2")
    check = check_account(email, credential, settings, imap=imap or preset_imap,
                          smtp=smtp or preset_smtp, timeout=check_timeout)
    return _store_if_passed(settings, check, email=email, credential=credential,
                            display_name=display_name, provider=provider,
                            oauth_tokens=tokens, credentials=credentials)
