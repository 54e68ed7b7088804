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
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from app.services.config import Settings
from app.services.credentials import CredentialStore
from app.services.errors import PostierError
from app.services.storage import Database, database_for, open_database
from app.services.storage.postgres import CONNECT_TIMEOUT, connect_options

log = logging.getLogger(__name__)

SCHEMES = ("postgresql", "postgres")
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
    return credentials or CredentialStore()


def stored_password(url: str, credentials: CredentialStore | None = None) -> str | None:
    return _store(credentials).get(target(url).keyring_key, "db_password")


def store_password(url: str, password: str, credentials: CredentialStore | None = None) -> None:
    _store(credentials).set(target(url).keyring_key, password, "db_password")


def forget_password(url: str, credentials: CredentialStore | None = None) -> bool:
    return _store(credentials).delete(target(url).keyring_key, "db_password")


def keyring_password(url: str, credentials: CredentialStore | None = None) -> str | None:
    """This user's password for the team database at ``url``, from their keyring (the
    storage engine's PasswordSource); None without a keyring: libpq may still find
    ~/.pgpass."""
    try:
        return stored_password(url, credentials)
    except PostierError as exc:
        log.info("no team database password from the keyring: %s", exc.code)
        return None


def conninfo_kwargs(url: str, role: str, credentials: CredentialStore | None = None,
                    timeout: int = CONNECT_TIMEOUT) -> dict[str, Any]:
    """Keyword arguments for ``psycopg.connect(url, **kwargs)``: the keyring's password
    (when the URL has none), a short connect timeout, keepalives, who we are."""
    return connect_options(url, role, lambda u: keyring_password(u, credentials), timeout)


def settings_database(settings: Settings) -> Database:
    """The database ``settings`` name: this computer's file, or the team database opened
    with this user's keyring password. Nothing is opened yet."""
    return database_for(settings.database_target, keyring_password)


def open_settings_database(settings: Settings) -> Database:
    """``settings_database``, opened (created or migrated) now."""
    return open_database(settings.database_target, password=keyring_password)


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
