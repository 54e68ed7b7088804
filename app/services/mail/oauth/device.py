"""The device-code sign-in (RFC 8628): the fallback when there is no browser here, or when
support staff do the sign-in over a screen share.

Owns ``DeviceCode``, ``device_start()`` (ask the provider for a code to show) and
``device_wait()`` (poll until the user entered it, refused, or the code expired).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.services.errors import PostierError
from app.services.mail.oauth.client import (
    Refusal,
    TokenSet,
    refused,
    session,
    to_tokens,
    token_request,
)
from app.services.mail.oauth.providers import ProviderConfig, supports_device_flow
from app.services.mail.oauth.refusals import map_oauth_error

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


@dataclass(frozen=True)
class DeviceCode:
    device_code: str = field(repr=False)
    user_code: str = ""
    verification_uri: str = ""
    expires_at: float = 0.0
    interval: float = 5.0
    message: str = ""


def device_start(cfg: ProviderConfig, timeout: float = 15.0) -> DeviceCode:
    """The code to show the user, and where to enter it."""
    if not supports_device_flow(cfg):
        raise PostierError("OAUTH_FAILED", "Google does not allow mail access with a sign-in "
                           "code: use the sign-in in the browser.")
    client = session(cfg)
    data = {"client_id": cfg.client_id, "scope": " ".join(cfg.scopes)}

    def call() -> dict[str, Any]:
        resp = client.post(cfg.device_url, data=data, timeout=timeout, withhold_token=True)
        payload: dict[str, Any] = resp.json()
        if resp.status_code >= 400 or "error" in payload:
            raise Refusal(payload.get("error"), payload.get("error_description"))
        return payload

    raw = token_request(call, cfg)
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
    client = session(cfg)
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
            return to_tokens(refused(lambda: client.fetch_token(
                cfg.token_url, grant_type=DEVICE_GRANT, device_code=code.device_code)))
        except Refusal as exc:
            if exc.error == "slow_down":
                interval += 5  # RFC 8628 §3.5
            elif exc.error == "expired_token":
                raise PostierError("OAUTH_EXPIRED", variant="device_code",
                                   reply=exc.description) from exc
            elif exc.error != "authorization_pending":
                raise map_oauth_error(exc.error, exc.description, cfg) from exc
        _wait(cancel, interval, sleep)


def _wait(cancel: threading.Event | None, seconds: float, sleep: Callable[[float], Any]) -> None:
    if cancel is not None:
        cancel.wait(seconds)
    else:
        sleep(seconds)
