"""Who Postier signs in with: the deployment's OAuth2 registrations (client IDs, tenant)
turned into a provider's endpoints and scopes.

Owns ``ProviderConfig`` and ``provider_config()``: the organisation's ``postier.toml`` (or
its environment variables) names the client IDs; the endpoints are Microsoft's and Google's
own unless overridden (``POSTIER_OAUTH_MICROSOFT_AUTHORITY`` /
``POSTIER_OAUTH_GOOGLE_BASE``) so the tests run against a local authorization server;
plain http is accepted only for loopback hosts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote, urlparse

from app.services.config import Settings
from app.services.errors import PostierError

MS_SCOPES = ["https://outlook.office.com/IMAP.AccessAsUser.All",
             "https://outlook.office.com/SMTP.Send", "offline_access", "openid", "email"]
GOOGLE_SCOPES = ["https://mail.google.com/", "openid", "email"]
# Provider names as stored on accounts (presets' ids) → the registration they sign in with.
MICROSOFT = ("microsoft", "office365", "outlook")
GOOGLE = ("google", "gmail")
# Authorities that accept personal Microsoft accounts (Outlook.com, Hotmail, Live).
PERSONAL_TENANTS = ("common", "consumers")
_GOOGLE_URLS = ("https://accounts.google.com/o/oauth2/v2/auth",
                "https://oauth2.googleapis.com/token",
                "https://oauth2.googleapis.com/device/code",
                "https://oauth2.googleapis.com/revoke")


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


def provider_config(provider: str, settings: Settings) -> ProviderConfig:
    """Endpoints and client ID for a provider, from the deployment configuration
    (``postier.toml`` or its environment variables). OAUTH_NOT_CONFIGURED without a client
    ID; for personal Outlook.com accounts also when the registration only takes work
    accounts (variant ``work_only``)."""
    verify: bool | str = str(settings.ca_file) if settings.ca_file else True
    if provider in MICROSOFT:
        return _microsoft(provider, settings, verify)
    if provider in GOOGLE:
        return _google(settings, verify)
    raise PostierError("INVALID_INPUT", f"unknown OAuth provider {provider!r}")


def _microsoft(provider: str, settings: Settings, verify: bool | str) -> ProviderConfig:
    client_id = settings.option("microsoft.client_id") or ""
    tenant = settings.option("microsoft.tenant") or "organizations"
    if not client_id:
        raise PostierError("OAUTH_NOT_CONFIGURED")
    if provider == "outlook" and tenant.lower() not in PERSONAL_TENANTS:
        raise PostierError("OAUTH_NOT_CONFIGURED", variant="work_only",
                           params={"tenant": tenant})
    authority = _check_url(settings.extra.get("POSTIER_OAUTH_MICROSOFT_AUTHORITY")
                           or f"https://login.microsoftonline.com/{quote(tenant)}")
    # The admin-consent endpoint wants the permissions to approve (``scope``); for the
    # "organizations" authority the admin's own tenant is used.
    consent = (f"{authority}/v2.0/adminconsent?client_id={quote(client_id)}"
               f"&scope={quote(' '.join(MS_SCOPES[:2]))}")
    return ProviderConfig(
        "microsoft", client_id, None, f"{authority}/oauth2/v2.0/authorize",
        f"{authority}/oauth2/v2.0/token", f"{authority}/oauth2/v2.0/devicecode",
        None, consent, tuple(MS_SCOPES), verify)


def _google(settings: Settings, verify: bool | str) -> ProviderConfig:
    client_id = settings.option("google.client_id") or ""
    if not client_id:
        raise PostierError("OAUTH_NOT_CONFIGURED")
    override = settings.extra.get("POSTIER_OAUTH_GOOGLE_BASE")
    if override:
        base = _check_url(override)
        urls = (f"{base}/authorize", f"{base}/token", f"{base}/device/code", f"{base}/revoke")
    else:
        urls = _GOOGLE_URLS
    # Google "installed app" clients carry a secret that is not secret (RFC 8252 §8.5).
    return ProviderConfig("google", client_id, settings.option("google.client_secret"),
                          *urls, None, tuple(GOOGLE_SCOPES), verify)


def _check_url(url: str) -> str:
    parsed = urlparse(url)
    loopback = parsed.hostname in ("127.0.0.1", "localhost", "::1")
    if parsed.scheme != "https" and not (parsed.scheme == "http" and loopback):
        raise PostierError("INVALID_INPUT", f"OAuth endpoints must use https: {url}")
    return url.rstrip("/")


def supports_device_flow(cfg: ProviderConfig) -> bool:
    """Google's device flow refuses the Gmail scope (only a short list of scopes is
    allowed there), so only Microsoft offers "sign in with a code" for mail."""
    return cfg.provider == "microsoft"
