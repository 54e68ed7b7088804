"""OAuth2 sign-in for Microsoft 365 and Google (RFC 6749 + PKCE, RFC 8252 loopback, RFC 8628).

One implementation for both providers on top of authlib's OAuth2 client (PKCE, token
exchange, refresh and revocation). The browser flow listens on
``http://127.0.0.1:<random port>/`` as RFC 8252 asks; the device-code flow is the
fallback when there is no browser, or when support staff do the sign-in over a
screen share. Tokens go to the keyring only.

Endpoints can be overridden (``POSTIER_OAUTH_MICROSOFT_AUTHORITY`` /
``POSTIER_OAUTH_GOOGLE_BASE``) so the tests run against a local authorization server;
plain http is accepted only for loopback hosts.
"""

from __future__ import annotations

import json
import logging
import secrets
import sys
import threading
import time
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, urlparse

from app.services.config import Settings
from app.services.credentials import CredentialStore
from app.services.errors import PostierError
from app.services.translation import gettext

if TYPE_CHECKING:
    from authlib.integrations.requests_client import OAuth2Session

log = logging.getLogger(__name__)

MS_DEFAULT_AUTHORITY = "https://login.microsoftonline.com/organizations"
MS_SCOPES = ["https://outlook.office.com/IMAP.AccessAsUser.All",
             "https://outlook.office.com/SMTP.Send", "offline_access", "openid", "email"]
GOOGLE_SCOPES = ["https://mail.google.com/", "openid", "email"]
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
# Refresh a little before expiry so a check or send never starts with a dying token.
REFRESH_MARGIN_S = 300


@dataclass(frozen=True)
class ProviderConfig:
    provider: str  # "microsoft" | "google"
    client_id: str
    client_secret: str | None = field(default=None, repr=False)
    authorize_url: str = ""
    token_url: str = ""
    device_url: str = ""
    revoke_url: str | None = None
    admin_consent_url: str | None = None
    scopes: tuple[str, ...] = ()
    verify: bool | str = True


@dataclass
class TokenSet:
    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: float = 0.0
    email: str | None = None  # from the id_token, to compare with the account's address

    def expiring(self, now: float | None = None) -> bool:
        return (now or time.time()) >= self.expires_at - REFRESH_MARGIN_S


@dataclass(frozen=True)
class DeviceCode:
    device_code: str = field(repr=False)
    user_code: str = ""
    verification_uri: str = ""
    expires_at: float = 0.0
    interval: float = 5.0
    message: str = ""


def _check_url(url: str) -> str:
    parsed = urlparse(url)
    loopback = parsed.hostname in ("127.0.0.1", "localhost", "::1")
    if parsed.scheme != "https" and not (parsed.scheme == "http" and loopback):
        raise PostierError("INVALID_INPUT", f"OAuth endpoints must use https: {url}")
    return url.rstrip("/")


# Provider names as stored on accounts (presets' ids) → the registration they sign in with.
MICROSOFT = ("microsoft", "office365", "outlook")
GOOGLE = ("google", "gmail")
# Authorities that accept personal Microsoft accounts (Outlook.com, Hotmail, Live).
PERSONAL_TENANTS = ("common", "consumers")


def provider_config(provider: str, settings: Settings) -> ProviderConfig:
    """Endpoints and client ID for a provider, from the deployment configuration
    (``postier.toml`` or its environment variables). OAUTH_NOT_CONFIGURED without a client
    ID; for personal Outlook.com accounts also when the registration only takes work
    accounts (variant ``work_only``)."""
    env = settings.extra
    verify: bool | str = str(settings.ca_file) if settings.ca_file else True
    if provider in MICROSOFT:
        client_id = settings.option("microsoft.client_id") or ""
        tenant = settings.option("microsoft.tenant") or "organizations"
        if not client_id:
            raise PostierError("OAUTH_NOT_CONFIGURED")
        if provider == "outlook" and tenant.lower() not in PERSONAL_TENANTS:
            raise PostierError("OAUTH_NOT_CONFIGURED", variant="work_only",
                               params={"tenant": tenant})
        authority = _check_url(env.get("POSTIER_OAUTH_MICROSOFT_AUTHORITY")
                               or f"https://login.microsoftonline.com/{quote(tenant)}")
        # The admin-consent endpoint wants the permissions to approve (``scope``); for the
        # "organizations" authority the admin's own tenant is used.
        consent = (f"{authority}/v2.0/adminconsent?client_id={quote(client_id)}"
                   f"&scope={quote(' '.join(MS_SCOPES[:2]))}")
        return ProviderConfig(
            "microsoft", client_id, None, f"{authority}/oauth2/v2.0/authorize",
            f"{authority}/oauth2/v2.0/token", f"{authority}/oauth2/v2.0/devicecode",
            None, consent, tuple(MS_SCOPES), verify)
    if provider in GOOGLE:
        client_id = settings.option("google.client_id") or ""
        if not client_id:
            raise PostierError("OAUTH_NOT_CONFIGURED")
        override = env.get("POSTIER_OAUTH_GOOGLE_BASE")
        if override:
            base = _check_url(override)
            urls = (f"{base}/authorize", f"{base}/token", f"{base}/device/code", f"{base}/revoke")
        else:
            urls = ("https://accounts.google.com/o/oauth2/v2/auth",
                    "https://oauth2.googleapis.com/token",
                    "https://oauth2.googleapis.com/device/code",
                    "https://oauth2.googleapis.com/revoke")
        # Google "installed app" clients carry a secret that is not secret (RFC 8252 §8.5).
        return ProviderConfig("google", client_id, settings.option("google.client_secret"),
                              *urls, None, tuple(GOOGLE_SCOPES), verify)
    raise PostierError("INVALID_INPUT", f"unknown OAuth provider {provider!r}")


# ---------------------------------------------------------------------------
# Errors: provider answers → our stable codes
# ---------------------------------------------------------------------------
_ADMIN_CONSENT = ("AADSTS65001", "AADSTS90094", "AADSTS90008", "consent_required")
_DECLINED = ("AADSTS65004", "authorization_declined")  # "Cancel" on the consent page
# Conditional access (device, place, network, MFA policy) and an app switched off or not
# assigned in the tenant / blocked by a Google Workspace administrator.
_BLOCKED = ("AADSTS53003", "AADSTS53000", "AADSTS53001", "AADSTS53002", "AADSTS530032")
_APP_DISABLED = ("AADSTS7000112", "AADSTS50105", "AADSTS700981", "admin_policy_enforced",
                 "org_internal")
_WRONG_TENANT = ("AADSTS50020", "AADSTS90072", "AADSTS700016", "AADSTS50034", "AADSTS90002",
                 "AADSTS50194", "AADSTS9002331")
_REAUTH = ("invalid_grant", "AADSTS700082", "AADSTS50173", "AADSTS70008", "AADSTS700084",
           "AADSTS50078", "interaction_required")
# The token request carried a time the provider does not accept: this computer's clock.
_CLOCK = ("AADSTS700024", "AADSTS500133", "AADSTS50132", "clock skew")


def map_oauth_error(error: str | None, description: str | None,
                    cfg: ProviderConfig | None = None) -> PostierError:
    """A provider's refusal as one of CLI.md's codes; the provider's words stay in
    ``reply`` for IT (the AADSTS number says exactly which policy)."""
    text = f"{error or ''}: {description or ''}".strip(": ")
    reply = text or None

    def has(codes: tuple[str, ...]) -> bool:
        return any(c.lower() in text.lower() for c in codes)

    if has(_ADMIN_CONSENT):
        err = PostierError("OAUTH_CONSENT_REQUIRED", reply=reply)
        if cfg and cfg.admin_consent_url:
            err.hint = f"{err.hint}\n{cfg.admin_consent_url}"
        return err
    if has(_APP_DISABLED):
        return PostierError("OAUTH_BLOCKED", reply=reply, variant="app_disabled")
    if has(_BLOCKED):
        return PostierError("OAUTH_BLOCKED", reply=reply)
    if error == "access_denied" or has(_DECLINED):
        return PostierError("OAUTH_DENIED", reply=reply)
    if has(_WRONG_TENANT):
        return PostierError("OAUTH_WRONG_ACCOUNT", reply=reply, variant="tenant")
    if has(_CLOCK):
        return PostierError("OAUTH_FAILED", reply=reply, variant="clock_skew")
    if has(_REAUTH):
        return PostierError("OAUTH_EXPIRED", reply=reply)
    return PostierError("OAUTH_FAILED", reply=reply)


def _session(cfg: ProviderConfig, redirect_uri: str | None = None) -> OAuth2Session:
    # authlib (and requests under it, ~0.2 s of CPU) only once a provider is talked to:
    # importing this module is also the price of every password account's send and track
    # (setup.accounts reads OAuth2 credentials through it), and of the main window's start.
    from authlib.integrations.requests_client import OAuth2Session

    session = OAuth2Session(cfg.client_id, cfg.client_secret, scope=" ".join(cfg.scopes),
                            redirect_uri=redirect_uri, code_challenge_method="S256",
                            token_endpoint_auth_method="client_secret_post" if cfg.client_secret
                            else "none")
    session.verify = cfg.verify
    return session


def _email_from_id_token(id_token: str | None) -> str | None:
    """Read the email claim only for display/comparison: the token came straight from the
    token endpoint over TLS, and nothing is authorised on the strength of it."""
    if not id_token or id_token.count(".") != 2:
        return None
    import base64

    payload = id_token.split(".")[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except ValueError:
        return None
    return claims.get("email") or claims.get("preferred_username") or claims.get("upn")


def _to_tokens(raw: dict[str, Any], previous_refresh: str | None = None) -> TokenSet:
    expires_in = float(raw.get("expires_in") or 3600)
    return TokenSet(access_token=raw["access_token"],
                    refresh_token=raw.get("refresh_token") or previous_refresh,
                    expires_at=float(raw.get("expires_at") or time.time() + expires_in),
                    email=_email_from_id_token(raw.get("id_token")))


def _token_request(fn: Callable[[], dict[str, Any]], cfg: ProviderConfig) -> dict[str, Any]:
    import requests
    from authlib.integrations.base_client.errors import OAuthError  # see _session

    try:
        return fn()
    except OAuthError as exc:
        raise map_oauth_error(exc.error, exc.description, cfg) from exc
    except requests.exceptions.SSLError as exc:
        raise PostierError("CERT_UNTRUSTED", reply=str(exc)) from exc
    except requests.exceptions.Timeout as exc:
        raise PostierError("TIMEOUT", reply=str(exc)) from exc
    except requests.exceptions.ConnectionError as exc:
        raise PostierError("CONNECT_REFUSED", reply=str(exc)) from exc


# ---------------------------------------------------------------------------
# Browser flow: authorization code + PKCE + loopback redirect (RFC 8252)
# ---------------------------------------------------------------------------
_DONE_PAGE = ("<html><body style='font-family:sans-serif'><h2>Postier</h2>"
              "<p>{text}</p></body></html>")


class _RedirectHandler(BaseHTTPRequestHandler):
    server: _LoopbackServer

    def do_GET(self) -> None:
        query = parse_qs(urlparse(self.path).query)
        if "code" not in query and "error" not in query:
            self.send_response(404)
            self.end_headers()
            return
        self.server.result = {k: v[0] for k, v in query.items()}
        ok = "code" in query
        # In Postier's language (the browser's page is part of the sign-in it started).
        body = _DONE_PAGE.format(text=gettext("Signed in: you can go back to Postier.") if ok else
                                 gettext("Sign-in stopped.")).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class _LoopbackServer(HTTPServer):
    result: dict[str, str] | None = None

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that goes away mid-answer is no error of ours: never a traceback on
        # the CLI's stderr (socketserver prints one by default).
        log.debug("loopback redirect: the browser went away (%s)", sys.exc_info()[1])


def sign_in_browser(cfg: ProviderConfig, *, login_hint: str | None = None,
                    open_browser: Callable[[str], Any] = webbrowser.open,
                    cancel: threading.Event | None = None, timeout: float = 300.0) -> TokenSet:
    """Open the provider's page in the system browser and wait for the loopback redirect."""
    server = _LoopbackServer(("127.0.0.1", 0), _RedirectHandler)
    server.timeout = 0.2
    redirect_uri = f"http://127.0.0.1:{server.server_address[1]}/"
    session = _session(cfg, redirect_uri)
    from authlib.common.security import generate_token  # see _session

    verifier = generate_token(64)
    state = secrets.token_urlsafe(24)
    extra = {"login_hint": login_hint} if login_hint else {}
    if cfg.provider == "google":
        extra["access_type"] = "offline"  # Google sends a refresh token only when asked
        extra["prompt"] = "consent"
    url, _ = session.create_authorization_url(cfg.authorize_url, state=state,
                                              code_verifier=verifier, **extra)
    # The browser is started on its own thread: a BROWSER command that waits until its
    # page is loaded (lynx, w3m, a script) would otherwise wait for a listener that only
    # starts answering once it returns.
    threading.Thread(target=_open_quietly, args=(open_browser, url), daemon=True,
                     name="oauth-browser").start()
    try:
        result = _wait_for_redirect(server, cancel, timeout)
    finally:
        server.server_close()
    if result.get("state") != state:  # a redirect we did not ask for: refuse it
        raise PostierError("OAUTH_FAILED", reply="state mismatch in the redirect")
    if "error" in result:
        raise map_oauth_error(result.get("error"), result.get("error_description"), cfg)
    raw = _token_request(lambda: session.fetch_token(
        cfg.token_url, code=result["code"], code_verifier=verifier,
        redirect_uri=redirect_uri), cfg)
    return _to_tokens(raw)


def _open_quietly(open_browser: Callable[[str], Any], url: str) -> None:
    try:
        open_browser(url)
    except Exception as exc:  # noqa: BLE001 - the user can still open the URL by hand
        log.warning("could not start a web browser: %s", exc)


def _wait_for_redirect(server: _LoopbackServer, cancel: threading.Event | None,
                       timeout: float) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    while server.result is None:
        if cancel is not None and cancel.is_set():
            raise PostierError("OAUTH_CANCELLED")
        if time.monotonic() > deadline:
            raise PostierError("TIMEOUT", "Nobody finished the sign-in in the browser in time.")
        server.handle_request()
    return server.result


# ---------------------------------------------------------------------------
# Device-code flow (RFC 8628)
# ---------------------------------------------------------------------------
def supports_device_flow(cfg: ProviderConfig) -> bool:
    """Google's device flow refuses the Gmail scope (only a short list of scopes is
    allowed there), so only Microsoft offers "sign in with a code" for mail."""
    return cfg.provider == "microsoft"


def device_start(cfg: ProviderConfig, timeout: float = 15.0) -> DeviceCode:
    if not supports_device_flow(cfg):
        raise PostierError("OAUTH_FAILED", "Google does not allow mail access with a sign-in "
                           "code: use the sign-in in the browser.")
    from authlib.integrations.base_client.errors import OAuthError  # see _session

    session = _session(cfg)
    data = {"client_id": cfg.client_id, "scope": " ".join(cfg.scopes)}

    def call() -> dict[str, Any]:
        resp = session.post(cfg.device_url, data=data, timeout=timeout, withhold_token=True)
        payload = resp.json()
        if resp.status_code >= 400 or "error" in payload:
            raise OAuthError(payload.get("error"), payload.get("error_description"))
        return payload

    raw = _token_request(call, cfg)
    return DeviceCode(device_code=raw["device_code"], user_code=raw["user_code"],
                      verification_uri=str(raw.get("verification_uri")
                                           or raw.get("verification_url") or ""),
                      expires_at=time.time() + float(raw.get("expires_in", 900)),
                      interval=float(raw.get("interval", 5)), message=raw.get("message", ""))


def device_wait(cfg: ProviderConfig, code: DeviceCode, *,
                cancel: threading.Event | None = None,
                sleep: Callable[[float], Any] = time.sleep,
                timeout: float | None = None) -> TokenSet:
    """Poll the token endpoint until the user finished, refused, or the code expired
    (OAUTH_EXPIRED) or ``timeout`` seconds went by (TIMEOUT)."""
    from authlib.integrations.base_client.errors import OAuthError  # see _session

    session = _session(cfg)
    interval = code.interval
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        if cancel is not None and cancel.is_set():
            raise PostierError("OAUTH_CANCELLED")
        if time.time() > code.expires_at:
            raise PostierError("OAUTH_EXPIRED", variant="device_code")
        if deadline is not None and time.monotonic() > deadline:
            raise PostierError("TIMEOUT", "Nobody entered the sign-in code in time.")
        try:
            raw = session.fetch_token(cfg.token_url, grant_type=DEVICE_GRANT,
                                      device_code=code.device_code)
            return _to_tokens(raw)
        except OAuthError as exc:
            if exc.error == "authorization_pending":
                pass
            elif exc.error == "slow_down":
                interval += 5  # RFC 8628 §3.5
            elif exc.error == "expired_token":
                raise PostierError("OAUTH_EXPIRED", variant="device_code",
                                   reply=exc.description) from exc
            else:
                raise map_oauth_error(exc.error, exc.description, cfg) from exc
        _wait(cancel, interval, sleep)


def _wait(cancel: threading.Event | None, seconds: float, sleep: Callable[[float], Any]) -> None:
    if cancel is not None:
        cancel.wait(seconds)
    else:
        sleep(seconds)


# ---------------------------------------------------------------------------
# The sign-in sequence (wizard, "Sign in again", `postier account add --oauth`)
# ---------------------------------------------------------------------------
def sign_in(cfg: ProviderConfig, email: str, *, device: bool = False,
            on_code: Callable[[DeviceCode], Any] | None = None,
            open_browser: Callable[[str], Any] | None = None,
            cancel: threading.Event | None = None, timeout: float = 300.0) -> TokenSet:
    """Sign ``email`` in: the provider's page in the system browser (PKCE + loopback), or
    with ``device`` a code shown through ``on_code`` as soon as it is known. The one
    sequence every front end runs, so they all fail the same way with the same codes."""
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


# ---------------------------------------------------------------------------
# Refresh, storage, revocation
# ---------------------------------------------------------------------------
def refresh(cfg: ProviderConfig, refresh_token: str) -> TokenSet:
    session = _session(cfg)
    raw = _token_request(lambda: session.refresh_token(cfg.token_url,
                                                       refresh_token=refresh_token), cfg)
    return _to_tokens(raw, previous_refresh=refresh_token)


# Windows Credential Manager refuses secrets over 2560 bytes (1280 UTF-16 characters,
# keyring issue #540) and Microsoft tokens are often longer: long values are kept as
# numbered parts ("oauth2_access.0", ".1", …) behind a small header under the usual name.
_PART_CHARS = 1000
_PARTS_HEADER = "postier-parts-v1:"
_MAX_PARTS = 64


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
    for kind in ("oauth2_refresh", "oauth2_access"):
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


_REFRESH_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _refresh_lock(email: str) -> threading.Lock:
    with _LOCKS_GUARD:
        return _REFRESH_LOCKS.setdefault(email.lower(), threading.Lock())


def revoke(cfg: ProviderConfig, email: str, credentials: CredentialStore | None = None,
           timeout: float = 10.0) -> bool:
    """Revoke at the provider where it can be done (Google), then forget the tokens.
    Microsoft offers no token revocation endpoint for public clients: forgetting is all
    a client can do, and the tokens then simply expire."""
    store = credentials or CredentialStore()
    tokens = load_tokens(email, store)
    revoked = False
    if tokens is not None and cfg.revoke_url:
        session = _session(cfg)
        token = tokens.refresh_token or tokens.access_token
        try:
            resp = session.post(cfg.revoke_url, data={"token": token}, timeout=timeout,
                                withhold_token=True)
            revoked = resp.status_code < 400
        except Exception as exc:  # noqa: BLE001 - best effort; the tokens are forgotten anyway
            log.warning("token revocation failed: %s", type(exc).__name__)
    forget_tokens(email, store)
    return revoked


def admin_consent_link(cfg: ProviderConfig) -> str | None:
    return cfg.admin_consent_url


def describe_device_code(code: DeviceCode) -> str:
    return code.message or f"Open {code.verification_uri} and enter the code {code.user_code}"


def authorization_query(url: str) -> dict[str, str]:
    """Query parameters of an authorization URL (tests and diagnostics use it)."""
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


__all__ = [
    "DeviceCode",
    "ProviderConfig",
    "TokenSet",
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
