"""Where Postier keeps its data: this computer's SQLite file, or a team's PostgreSQL database
chosen by a ``postgresql://`` URL, with the same API and the same migration ladder.

- ``sqlite`` (``Database``: the file, its migrations, backups, check and restore),
  ``postgres`` (``PostgresDatabase``, the team engine), ``migrations`` (the ladder both run),
  ``notify_triggers`` (the team database's change notifications), ``account_store``
  (account records), ``failures`` (``StorageError`` and SQLite's errors mapped to it).

No secrets here, ever: passwords and tokens live in the OS keyring (credentials.py); a team
database's password is handed in by the caller (``PasswordSource``). This package depends on
no other service so anything can use it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.services.storage.account_store import Account, AccountStore
from app.services.storage.failures import StorageError, database_error
from app.services.storage.migrations import MIGRATIONS, SCHEMA_VERSION
from app.services.storage.postgres import PasswordSource, PostgresDatabase
from app.services.storage.sqlite import (
    DAILY_BACKUPS,
    PERSONAL_SETTINGS,
    Database,
    backups,
    check_database,
    integrity_problems,
    restore_database,
    utcnow,
)

__all__ = [
    "DAILY_BACKUPS", "MIGRATIONS", "PERSONAL_SETTINGS", "SCHEMA_VERSION", "Account",
    "AccountStore", "Database", "PasswordSource", "PostgresDatabase", "StorageError",
    "backups", "check_database", "database_error", "database_for", "integrity_problems",
    "is_team_url", "open_database", "restore_database", "utcnow",
]


def is_team_url(target: Path | str | None) -> bool:
    """A ``postgresql://`` (or ``postgres://``) URL: the team database."""
    return isinstance(target, str) and target.split("://", 1)[0].lower() in (
        "postgresql", "postgres")


def database_for(target: Path | str, password: PasswordSource | None = None) -> Database:
    """The database at ``target``: a PostgreSQL URL (team mode; ``password`` gives this
    user's password for it) or the SQLite file's path. Nothing is opened yet (the first
    transaction or read does)."""
    if is_team_url(target):
        return PostgresDatabase(str(target), password)
    if isinstance(target, str) and "://" in target:
        raise StorageError("DATABASE_ERROR", f"Unknown database URL scheme in "
                           f"{target.split('://', 1)[0]}://…: use postgresql://host/database "
                           "or leave the setting empty for this computer's own file.")
    return Database(Path(target))


def open_database(path: Path | str, on_ready: Callable[[Database], None] | None = None,
                  password: PasswordSource | None = None) -> Database:
    """Open (creating or migrating) the database at ``path`` (a file, or a team URL)."""
    db = database_for(path, password)
    db.connect().close()
    if on_ready:
        on_ready(db)
    return db
