"""The team database: its URL, its password (keyring only), opening a connection, and the
connection test the "Team database" page runs.

The URL comes from the deployment option ``database.url`` (``POSTIER_DATABASE_URL`` or
``[database] url``); it names the server, the database and the user, never the password:
each user keeps theirs in the OS keyring (``credentials.py``), so the settings file and the
shared database hold no secret. A password typed into the URL is still honoured (libpq reads
it) but never shown (``redacted``) and the page says to move it to the keyring.
"""

from __future__ import annotations

import getpass
import logging
import os
import socket
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from app.services.config import Settings
from app.services.errors import PostierError

if TYPE_CHECKING:  # the keyring is loaded on first use, not with the window
    from app.services.credentials import CredentialStore

log = logging.getLogger(__name__)

SCHEMES = ("postgresql", "postgres")
CONNECT_TIMEOUT = 5  # seconds: an unreachable server is said quickly, the GUI never hangs
# libpq's TCP keepalives: a laptop that vanished (sleep, Wi-Fi gone) is noticed by the
# server within about 10 + 3 × 5 s, and its advisory locks (leases.py) are released.
_KEEPALIVES = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
               "keepalives_count": 3}


def team_url(settings: Settings) -> str | None:
    """The team database's URL when one is configured, else None (the local SQLite file)."""
    url = (settings.option("database.url") or "").strip()
    return url if url and urlsplit(url).scheme in SCHEMES else None


def in_team_mode(settings: Settings) -> bool:
    return team_url(settings) is not None


@dataclass(frozen=True)
class Target:
    """Where a URL points, without its password: what the page shows, the keyring's key."""

    host: str
    port: int
    dbname: str
    user: str
    has_password_in_url: bool = False

    @property
    def keyring_key(self) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.dbname}"

    def shown(self) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.dbname}"


def target(url: str) -> Target:
    """Parse ``url``; a URL that is no PostgreSQL URL is bad input (exit 2, CLI.md)."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise PostierError("INVALID_INPUT", f"not a postgresql:// URL: {redacted(url)}")
    try:
        port = parts.port or 5432
    except ValueError as exc:  # "postgresql://h:abc/db"
        raise PostierError("INVALID_INPUT", f"bad port in {redacted(url)}") from exc
    return Target(host=parts.hostname or "localhost", port=port,
                  dbname=unquote(parts.path.lstrip("/")) or unquote(parts.username or "")
                  or getpass.getuser(),
                  user=unquote(parts.username or "") or getpass.getuser(),
                  has_password_in_url=parts.password is not None)


def redacted(url: str) -> str:
    """The URL as it may be shown or logged: any password replaced by nothing at all."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rpartition("@")
    user = netloc[0].partition(":")[0]
    return parts._replace(netloc=f"{user}@{netloc[2]}").geturl()


# ---------------------------------------------------------------------------
# Password: the keyring only
# ---------------------------------------------------------------------------
def _store(credentials: CredentialStore | None) -> CredentialStore:
    from app.services.credentials import CredentialStore

    return credentials or CredentialStore()


def stored_password(url: str, credentials: CredentialStore | None = None) -> str | None:
    return _store(credentials).get(target(url).keyring_key, "db_password")


def store_password(url: str, password: str, credentials: CredentialStore | None = None) -> None:
    _store(credentials).set(target(url).keyring_key, password, "db_password")


def forget_password(url: str, credentials: CredentialStore | None = None) -> bool:
    return _store(credentials).delete(target(url).keyring_key, "db_password")


def application_name(role: str) -> str:
    """Shown in pg_stat_activity, so an administrator (and the page) sees who watches what."""
    return f"postier pid {os.getpid()} {role} {getpass.getuser()}@{socket.gethostname()}"[:63]


def conninfo_kwargs(url: str, role: str, credentials: CredentialStore | None = None,
                    timeout: int = CONNECT_TIMEOUT) -> dict[str, Any]:
    """Keyword arguments for ``psycopg.connect(url, **kwargs)``: the keyring's password
    (when the URL has none), a short connect timeout, keepalives, who we are."""
    kwargs: dict[str, Any] = {"connect_timeout": timeout,
                              "application_name": application_name(role), **_KEEPALIVES}
    if not target(url).has_password_in_url:
        try:
            password = stored_password(url, credentials)
        except PostierError as exc:  # no keyring: libpq may still find ~/.pgpass
            log.info("no team database password from the keyring: %s", exc.code)
            password = None
        if password:
            kwargs["password"] = password
    return kwargs


def connect(url: str, role: str = "app", *, autocommit: bool = True,
            credentials: CredentialStore | None = None,
            timeout: int = CONNECT_TIMEOUT) -> Any:
    """A psycopg connection to the team database, or a PostierError saying why not."""
    import psycopg

    try:
        return psycopg.connect(url, autocommit=autocommit,
                               **conninfo_kwargs(url, role, credentials, timeout))
    except psycopg.Error as exc:
        raise connection_error(url, exc) from exc


_AUTH_WORDS = ("password authentication failed", "no password supplied",
               "authentication failed", "role \"", "pg_hba.conf")


def connection_error(url: str, exc: BaseException) -> PostierError:
    """TEAM_DATABASE_AUTH_FAILED (the server answered and refused us) or TEAM_DATABASE_UNREACHABLE
    (no answer, or the database is gone): with the server's own words, never a secret."""
    text = " ".join(str(exc).split())
    shown = target(url).shown() if urlsplit(url).scheme in SCHEMES else redacted(url)
    code = "TEAM_DATABASE_AUTH_FAILED" if any(w in text for w in _AUTH_WORDS) \
        else "TEAM_DATABASE_UNREACHABLE"
    return PostierError(code, reply=f"{shown}: {text}", server="database",
                        params={"url": shown})


def is_connection_lost(exc: BaseException) -> bool:
    """A psycopg error that means the link to the server is gone (not a bad query)."""
    import psycopg

    return isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError))


# ---------------------------------------------------------------------------
# The connection test (the page's button, ``team_status``)
# ---------------------------------------------------------------------------
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
        from app.services.team.leases import current_watchers

        status.watchers = current_watchers(conn)
    except Exception as exc:  # noqa: BLE001 - a dropped link mid-check is "unreachable"
        status.ok = False
        status.error = connection_error(url, exc).to_dict()
    finally:
        conn.close()
    return status
