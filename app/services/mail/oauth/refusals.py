"""A provider's refusal (an OAuth2 ``error`` and its description, AADSTS numbers
included) as one of CLI.md's stable codes: ``map_oauth_error()`` and the tables it reads.
"""

from __future__ import annotations

from app.services.errors import PostierError
from app.services.mail.oauth.providers import ProviderConfig

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
