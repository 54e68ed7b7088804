"""The team database's connection test, what the "Team database" page's button runs: the
URL without password, reachable or not, the server's version and who watches which mailbox.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.services.config import Settings
from app.services.errors import PostierError
from app.services.team.connection import (
    connect,
    connection_error,
    stored_password,
    target,
    team_url,
)
from app.services.team.leases import current_watchers

if TYPE_CHECKING:
    from app.services.credentials import CredentialStore


@dataclass
class TeamStatus:
    """What the "Team database" page shows: the URL without password, reachable or not."""

    configured: bool
    url: str | None = None  # without password
    ok: bool = False
    server_version: str | None = None
    elapsed_ms: int | None = None
    password_in_keyring: bool = False
    password_in_url: bool = False
    error: dict[str, Any] | None = None
    watchers: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"configured": self.configured, "url": self.url, "ok": self.ok,
                "server_version": self.server_version, "elapsed_ms": self.elapsed_ms,
                "password_in_keyring": self.password_in_keyring,
                "password_in_url": self.password_in_url, "error": self.error,
                "watchers": self.watchers}


def check(settings: Settings, credentials: CredentialStore | None = None) -> TeamStatus:
    """Connect once and ask the server its version and who watches which mailbox."""
    url = team_url(settings)
    if url is None:
        return TeamStatus(configured=False)
    where = target(url)
    status = TeamStatus(configured=True, url=where.shown(),
                        password_in_url=where.has_password_in_url)
    try:
        status.password_in_keyring = bool(stored_password(url, credentials))
    except PostierError:
        status.password_in_keyring = False
    started = time.monotonic()
    try:
        conn = connect(url, "check", credentials=credentials)
    except PostierError as exc:
        status.error = exc.to_dict()
        return status
    try:
        status.server_version = conn.execute("SHOW server_version").fetchone()[0]
        status.ok = True
        status.elapsed_ms = int((time.monotonic() - started) * 1000)
        status.watchers = current_watchers(conn)
    except Exception as exc:  # noqa: BLE001 - a dropped link mid-check is "unreachable"
        status.ok = False
        status.error = connection_error(url, exc).to_dict()
    finally:
        conn.close()
    return status
