"""Set-up accounts: store one (row in SQLite, secret in the keyring), change it, read its
credential, renew its OAuth2 sign-in, list and remove it. Every function takes the
settings first, then the account (its address or its row), then the rest.

The order matters for "never lose data, never store half an account": the secret goes
into the keyring first; if the database insert then fails, the secret is removed again.
Adding an account after a passing check is ``new_account``; testing one again, ``retest``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from app.services.addresses import validate_email
from app.services.config import Settings
from app.services.credentials import CredentialStore
from app.services.errors import InputError, PostierError
from app.services.mail import oauth
from app.services.mail.auth import Credential
from app.services.setup.endpoint import Endpoint
from app.services.setup.sign_in import sign_in
from app.services.setup.signature import InlineImage, cid_references, extract_data_images
from app.services.storage import Account, AccountStore, Database, StorageError
from app.services.team.connection import settings_database

T = TypeVar("T")


def database(settings: Settings) -> Database:
    try:
        return settings_database(settings)
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
        oauth.forget_tokens(email, secrets)
        secrets.delete_all(email)  # no orphan secret for an account that isn't there
        raise


def _signature_for_storage(email: str, html: str, kept: list[InlineImage] | None = None
                           ) -> tuple[str, list[tuple[str, str, bytes]]]:
    """The signature HTML with its data: images moved out to inline images (cid:), and the
    images to store once for the account: the new ones plus those of ``kept`` the HTML still
    refers to (a signature saved again without its logo changing)."""
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


def load_credential(settings: Settings, account: Account,
                    credentials: CredentialStore | None = None, *,
                    force_refresh: bool = False) -> Credential:
    """The credential to log in with. For OAuth2 accounts this is a current access token,
    refreshed through the provider when about to expire (OAUTH_EXPIRED when the
    sign-in was revoked: the account is then marked as needing attention)."""
    secrets = credentials or CredentialStore()
    if account.auth_kind == "oauth2":
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


def connect_with_credential(settings: Settings, account: Account,
                            credentials: CredentialStore | None,
                            connect: Callable[[Credential], T]) -> T:
    """``connect(credential)`` with the account's credential. For OAuth2, a token the server
    refuses before its expiry (access revoked at the provider, clock skew) is refreshed
    once and tried again; refused again, the sign-in itself is no longer good:
    OAUTH_EXPIRED (account marked), never "check your password"."""
    credential = load_credential(settings, account, credentials)
    try:
        return connect(credential)
    except PostierError as exc:
        if credential.kind != "oauth2" or exc.code != "AUTH_FAILED":
            raise
    credential = load_credential(settings, account, credentials, force_refresh=True)
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
    account's address (the one sign-in sequence, ``sign_in.sign_in``), then
    ``renew_sign_in``. Run it off the GUI thread."""
    account = _storage_call(account_store(settings).require, email)
    if account.auth_kind != "oauth2":
        raise PostierError("INVALID_INPUT", f"{email} does not use the provider's sign-in")
    signed = sign_in(settings, account.email, account.provider or "", device=device,
                     on_code=show_code, open_browser=open_browser, cancel=cancel)
    return renew_sign_in(settings, email, signed.tokens, credentials)


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
    try:
        tokens = oauth.load_tokens(email, credentials or CredentialStore())
    except PostierError:
        return None  # a locked keyring must not hide the list itself
    if tokens is None or not tokens.expires_at:
        return None
    return datetime.fromtimestamp(tokens.expires_at, UTC).isoformat(timespec="seconds")


def remove_account(settings: Settings, email: str,
                   credentials: CredentialStore | None = None) -> bool:
    """Remove the account row and every keyring entry it had (OAuth2 tokens are revoked at
    the provider first where it allows it). Sent-message history stays (messages keep
    their account_email) so nothing the user sent is lost."""
    secrets = credentials or CredentialStore()
    account = _storage_call(account_store(settings).get, email)
    if account is not None and account.auth_kind == "oauth2":
        _revoke_quietly(settings, account, secrets)
    # Secrets first: with the keyring unavailable nothing changes and removal can be
    # retried, instead of a removed account whose password stays in the keyring for good.
    # Also when revocation could not run (offline, no client ID).
    oauth.forget_tokens(email, secrets)
    secrets.delete_all(email)
    return _storage_call(account_store(settings).remove, email)


def _revoke_quietly(settings: Settings, account: Account, secrets: CredentialStore) -> None:
    try:
        oauth.revoke(oauth.provider_config(account.provider or "", settings), account.email,
                     secrets)
    except PostierError:
        pass  # removal must work offline too; the local tokens are deleted below anyway
