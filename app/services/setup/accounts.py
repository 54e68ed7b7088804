"""Accounts: prove an account works, then store it (row in SQLite, secret in the keyring).

The order matters for "never lose data, never store half an account": the secret goes
into the keyring first; if the database insert then fails, the secret is removed again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from app.services.addresses import validate_email
from app.services.config import Settings
from app.services.credentials import CredentialStore
from app.services.errors import InputError, PostierError
from app.services.mail.auth import Credential
from app.services.outbox.signature import InlineImage
from app.services.setup.endpoint import Endpoint
from app.services.storage import Account, AccountStore, Database, StorageError, database_for

T = TypeVar("T")


def database(settings: Settings) -> Database:
    try:
        return database_for(settings.database_target)
    except StorageError as exc:
        raise PostierError(exc.code, exc.message) from exc


def account_store(settings: Settings) -> AccountStore:
    return AccountStore(database(settings))


def require_account(settings: Settings, name: str) -> Account:
    """The account a command names (``send --from``, ``track --account``), checked before
    any other work. A malformed address is INVALID_EMAIL; a well-formed one, or a bare
    name such as "alice", that is not set up is ACCOUNT_NOT_FOUND. Both are bad input
    (CLI exit 2), not a failure of the thing attempted."""
    text = (name or "").strip()
    if "@" in text:
        validate_email(text)
    store = account_store(settings)
    account = _storage_call(store.get, text)
    if account is None and "@" in text:  # typed with a Unicode domain, stored as Punycode
        account = _storage_call(store.get, validate_email(text).email)
    if account is None:
        raise InputError(f"no account {text!r} in Postier", code="ACCOUNT_NOT_FOUND")
    return account


def _storage_call(fn: Any, *args: Any) -> Any:
    """Run a storage call, turning StorageError into the user-facing PostierError."""
    try:
        return fn(*args)
    except StorageError as exc:
        raise PostierError(exc.code, exc.message) from exc


def save_account(settings: Settings, *, email: str, credential: Credential, imap: Endpoint,
                 smtp: Endpoint, display_name: str = "", provider: str | None = None,
                 imap_pin: str | None = None, smtp_pin: str | None = None,
                 signature_html: str = "", signature_text: str = "", label: str = "",
                 oauth_tokens: Any = None,
                 credentials: CredentialStore | None = None) -> Account:
    """Store a checked account. Raises PostierError (ACCOUNT_EXISTS, KEYRING_*, DATABASE_*).

    Password accounts keep the password; OAuth2 accounts (``credential.kind == "oauth2"``)
    keep ``oauth_tokens`` (an oauth.TokenSet: refresh + access token)."""
    store = account_store(settings)
    if _storage_call(store.get, email) is not None:
        raise PostierError("ACCOUNT_EXISTS")
    secrets = credentials or CredentialStore()
    if credential.kind == "oauth2":
        from app.services.mail import oauth

        if oauth_tokens is None:
            raise PostierError("OAUTH_EXPIRED")
        oauth.store_tokens(email, oauth_tokens, secrets)
    else:
        secrets.set(email, credential.secret, "password")
    account = Account(email=email, username=credential.username, display_name=display_name,
                      provider=provider, auth_kind=credential.kind,
                      imap_host=imap.host, imap_port=imap.port, imap_security=imap.security,
                      smtp_host=smtp.host, smtp_port=smtp.port, smtp_security=smtp.security,
                      imap_pin=imap_pin, smtp_pin=smtp_pin, signature_html=signature_html,
                      signature_text=signature_text, label=label)
    account.signature_html, images = _signature_for_storage(email, signature_html)
    try:
        return _storage_call(store.add, account, images)
    except BaseException:
        from app.services.mail.oauth import forget_tokens

        forget_tokens(email, secrets)
        secrets.delete_all(email)  # no orphan secret for an account that isn't there
        raise


def _signature_for_storage(email: str, html: str, kept: list[InlineImage] | None = None
                           ) -> tuple[str, list[tuple[str, str, bytes]]]:
    """The signature HTML with its data: images moved out to inline images (cid:), and the
    images to store once for the account: the new ones plus those of ``kept`` the HTML still
    refers to (a signature saved again without its logo changing)."""
    from app.services.outbox.signature import cid_references, extract_data_images

    html, images = extract_data_images(html, email.rpartition("@")[2])
    refs = set(cid_references(html))
    by_cid = {image.cid: image for image in [*(kept or []), *images] if image.cid in refs}
    return html, [(i.cid, i.content_type, i.data) for i in by_cid.values()]


def signature_images(settings: Settings, account: Account) -> list[InlineImage]:
    """The inline images (logo) of the account's signature, stored once for the account."""
    rows = _storage_call(account_store(settings).signature_images, account.id)
    return [InlineImage(cid, kind, data) for cid, kind, data in rows]


def update_account(settings: Settings, email: str, *, imap: Endpoint, smtp: Endpoint,
                   username: str, display_name: str = "", imap_pin: str | None = None,
                   smtp_pin: str | None = None, signature_html: str = "",
                   signature_text: str = "", new_password: str | None = None,
                   credentials: CredentialStore | None = None) -> Account:
    """Change a set-up account after a passing re-test: servers, user name, name shown,
    signature and (password accounts) the password. The keyring is written first and put
    back as it was if the database refuses the change, so the stored password always
    matches the servers that accepted it. Raises ACCOUNT_NOT_FOUND, KEYRING_*, DATABASE_*."""
    store = account_store(settings)
    current = _storage_call(store.get, email)
    if current is None:
        raise PostierError("ACCOUNT_NOT_FOUND")
    secrets = credentials or CredentialStore()
    previous: str | None = None
    if new_password and current.auth_kind == "password":
        previous = secrets.get(email, "password")
        secrets.set(email, new_password, "password")
    signature_html, images = _signature_for_storage(email, signature_html,
                                                    signature_images(settings, current))
    try:
        _storage_call(lambda: store.update_fields(
            email, username=username, display_name=display_name,
            imap_host=imap.host, imap_port=imap.port, imap_security=imap.security,
            smtp_host=smtp.host, smtp_port=smtp.port, smtp_security=smtp.security,
            imap_pin=imap_pin, smtp_pin=smtp_pin, signature_html=signature_html,
            signature_text=signature_text, signature_images=images))
    except BaseException:
        if previous is not None:
            secrets.set(email, previous, "password")
        raise
    return _storage_call(store.get, email)


def load_credential(account: Account, settings: Settings | None = None,
                    credentials: CredentialStore | None = None, *,
                    force_refresh: bool = False) -> Credential:
    """The credential to log in with. For OAuth2 accounts this is a current access token,
    refreshed through the provider when about to expire (OAUTH_EXPIRED when the
    sign-in was revoked: the account is then marked as needing attention)."""
    secrets = credentials or CredentialStore()
    if account.auth_kind == "oauth2":
        from app.services.mail import oauth

        settings = settings or Settings.from_env()
        cfg = oauth.provider_config(account.provider or "", settings)
        try:
            token = oauth.fresh_access_token(account.email, cfg, secrets, force=force_refresh)
        except PostierError as exc:
            if exc.code == "OAUTH_EXPIRED":
                # The account stays, with its tokens and history: it only needs a new sign-in.
                _mark_needs_sign_in(settings, account.email)
            raise
        return Credential(account.username, token, "oauth2")
    secret = secrets.get(account.email, "password")
    if secret is None:
        raise PostierError("AUTH_FAILED", "No saved password for this account in the keyring.",
                           hint="Open the account and enter the password again.")
    return Credential(account.username, secret, "password")


def connect_with_credential(account: Account, settings: Settings,
                            credentials: CredentialStore | None,
                            connect: Callable[[Credential], T]) -> T:
    """``connect(credential)`` with the account's credential. For OAuth2, a token the server
    refuses before its expiry (access revoked at the provider, clock skew) is refreshed
    once and tried again; refused again, the sign-in itself is no longer good:
    OAUTH_EXPIRED (account marked), never "check your password"."""
    credential = load_credential(account, settings, credentials)
    try:
        return connect(credential)
    except PostierError as exc:
        if credential.kind != "oauth2" or exc.code != "AUTH_FAILED":
            raise
    credential = load_credential(account, settings, credentials, force_refresh=True)
    try:
        return connect(credential)
    except PostierError as exc:
        if exc.code != "AUTH_FAILED":
            raise
        _mark_needs_sign_in(settings, account.email)
        raise PostierError("OAUTH_EXPIRED", reply=exc.reply, server=exc.server) from exc


def _mark_needs_sign_in(settings: Settings, email: str) -> None:
    try:
        account_store(settings).update_fields(email, needs_attention=1,
                                              sync_error="OAUTH_EXPIRED")
    except (PostierError, StorageError):
        pass  # the error itself still reaches the caller


def renew_sign_in(settings: Settings, email: str, tokens: Any,
                  credentials: CredentialStore | None = None) -> Account:
    """Store the tokens of a new sign-in for an existing OAuth2 account (after
    OAUTH_EXPIRED) and clear its "needs attention" mark. Raises
    OAUTH_WRONG_ACCOUNT when the sign-in was made with another address."""
    from app.services.mail import oauth

    store = account_store(settings)
    account = _storage_call(store.require, email)
    oauth.check_signed_in_as(tokens, account.email)
    oauth.store_tokens(account.email, tokens, credentials or CredentialStore())
    _storage_call(lambda: store.update_fields(account.email, needs_attention=0,
                                              sync_error=None))
    return _storage_call(store.require, account.email)


def sign_in_again(settings: Settings, email: str, *, device: bool = False,
                  open_browser: Callable[[str], Any] | None = None,
                  show_code: Callable[[Any], Any] | None = None,
                  cancel: Any = None, credentials: CredentialStore | None = None) -> Account:
    """The "Sign in again" action for an OAuth2 account marked as needing attention: the
    provider's page (or a device code shown through ``show_code``), pre-filled with the
    account's address, then ``renew_sign_in``. Run it off the GUI thread."""
    from app.services.mail import oauth

    account = _storage_call(account_store(settings).require, email)
    if account.auth_kind != "oauth2":
        raise PostierError("INVALID_INPUT", f"{email} does not use the provider's sign-in")
    cfg = oauth.provider_config(account.provider or "", settings)
    tokens = oauth.sign_in(cfg, account.email, device=device, on_code=show_code,
                           open_browser=open_browser, cancel=cancel)
    return renew_sign_in(settings, email, tokens, credentials)


def list_accounts(settings: Settings,
                  credentials: CredentialStore | None = None) -> list[dict[str, Any]]:
    """Every account as CLI.md's rows: ``auth`` ("password" | "oauth2") and, for OAuth2,
    ``token_expires_at`` (the access token's expiry, ISO-8601 UTC; null if unknown)."""
    rows = []
    for account in _storage_call(account_store(settings).list):
        row = account.to_dict()
        row["auth"] = "oauth2" if account.auth_kind == "oauth2" else "password"
        if account.auth_kind == "oauth2":
            row["token_expires_at"] = _token_expiry(account.email, credentials)
        rows.append(row)
    return rows


def _token_expiry(email: str, credentials: CredentialStore | None) -> str | None:
    from datetime import UTC, datetime

    from app.services.mail import oauth

    try:
        tokens = oauth.load_tokens(email, credentials or CredentialStore())
    except PostierError:
        return None  # a locked keyring must not hide the list itself
    if tokens is None or not tokens.expires_at:
        return None
    return datetime.fromtimestamp(tokens.expires_at, UTC).isoformat(timespec="seconds")


def remove_account(email: str, settings: Settings,
                   credentials: CredentialStore | None = None) -> bool:
    """Remove the account row and every keyring entry it had (OAuth2 tokens are revoked at
    the provider first where it allows it). Sent-message history stays (messages keep
    their account_email) so nothing the user sent is lost."""
    secrets = credentials or CredentialStore()
    account = _storage_call(account_store(settings).get, email)
    if account is not None and account.auth_kind == "oauth2":
        _revoke_quietly(account, settings, secrets)
    from app.services.mail.oauth import forget_tokens

    # Secrets first: with the keyring unavailable nothing changes and removal can be
    # retried, instead of a removed account whose password stays in the keyring for good.
    forget_tokens(email, secrets)  # also when revocation could not run (offline, no client ID)
    secrets.delete_all(email)
    return _storage_call(account_store(settings).remove, email)


def _revoke_quietly(account: Account, settings: Settings, secrets: CredentialStore) -> None:
    from app.services.mail import oauth

    try:
        oauth.revoke(oauth.provider_config(account.provider or "", settings), account.email,
                     secrets)
    except PostierError:
        pass  # removal must work offline too; the local tokens are deleted below anyway


@dataclass
class AddOutcome:
    """Result of ``add_account``: the check result and, if it passed, the stored account."""

    check: Any  # connection_check.CheckResult
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
        from app.services.setup.connection_check import format_text

        tail = (f"\nstored: {self.account.email}" if self.account
                else f"\nnot stored{': ' + self.error.message if self.error else ''}")
        return format_text(self.check) + tail


def _public_account(account: Account) -> dict[str, Any]:
    return {k: v for k, v in account.to_dict().items()
            if k not in ("signature_html", "signature_text")}


def _pin_for(check: Any, server: str, pin: str | None) -> str | None:
    """--pin names one certificate: keep it only on the server that presented it."""
    if not pin:
        return None
    from app.services.mail.tls import normalize_fingerprint

    info = check.tls.get(server)
    wanted = normalize_fingerprint(pin)
    return wanted if info is not None and info.sha256 == wanted else None


def add_account(email: str, credential: Credential, settings: Settings, *,
                imap: Endpoint | None = None, smtp: Endpoint | None = None,
                timeout: float = 30.0, pin: str | None = None, display_name: str = "",
                provider: str | None = None) -> AddOutcome:
    """Check the account; store it only if the check passes."""
    from app.services.setup.connection_check import check_account

    if _storage_call(account_store(settings).get, email) is not None:
        raise PostierError("ACCOUNT_EXISTS")
    check = check_account(email, credential, settings, imap=imap, smtp=smtp, timeout=timeout,
                          pin=pin)
    if not check.ok or check.incoming is None or check.outgoing is None:
        return AddOutcome(check, None)  # a passed check always names both servers
    try:
        account = save_account(settings, email=email, credential=credential,
                               imap=check.incoming, smtp=check.outgoing,
                               display_name=display_name, provider=provider,
                               imap_pin=_pin_for(check, "imap", pin),
                               smtp_pin=_pin_for(check, "smtp", pin))
    except PostierError as exc:
        return AddOutcome(check, None, exc)
    return AddOutcome(check, account)


def oauth_provider_for(email: str, provider: str | None, settings: Settings,
                       timeout: float = 10.0) -> str:
    """The preset id an OAuth2 account signs in with: ``office365``, ``outlook`` (personal
    Microsoft accounts) or ``gmail``. ``provider`` is CLI.md's ``microsoft``/``google``;
    without it the address's domain (built-in presets), then discovery (MX) decide."""
    from app.services.setup import presets

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
    from app.services.setup.discovery import discover

    found = discover(email, settings, timeout=timeout)
    if found.found and found.provider in ("office365", "gmail"):
        return found.provider
    raise InputError(f"{domain} is not at Microsoft or Google as far as Postier can tell: "
                     "say which with --provider microsoft|google")


def _oauth_endpoints(provider: str, email: str) -> tuple[Endpoint | None, Endpoint | None]:
    from app.services.setup import presets

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
    """``postier account add EMAIL --oauth``: the wizard's sign-in (``oauth.sign_in``),
    then IMAP and SMTP checked with XOAUTH2, then the account stored with its tokens in
    the keyring. Nothing is stored unless every step passed."""
    from app.services.mail import oauth
    from app.services.setup.connection_check import check_account

    if _storage_call(account_store(settings).get, email) is not None:
        raise PostierError("ACCOUNT_EXISTS")
    cfg = oauth.provider_config(provider, settings)
    tokens = oauth.sign_in(cfg, email, device=device, on_code=on_code,
                           open_browser=open_browser, cancel=cancel, timeout=timeout)
    oauth.check_signed_in_as(tokens, email)
    preset_imap, preset_smtp = _oauth_endpoints(provider, email)
    credential = Credential(email, tokens.access_token, "oauth2")
    check = check_account(email, credential, settings, imap=imap or preset_imap,
                          smtp=smtp or preset_smtp, timeout=check_timeout)
    if not check.ok or check.incoming is None or check.outgoing is None:
        return AddOutcome(check, None)  # a passed check always names both servers
    try:
        account = save_account(settings, email=email, credential=credential,
                               imap=check.incoming, smtp=check.outgoing,
                               display_name=display_name, provider=provider,
                               oauth_tokens=tokens, credentials=credentials)
    except PostierError as exc:
        return AddOutcome(check, None, exc)
    return AddOutcome(check, account)
