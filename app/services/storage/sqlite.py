"""The local SQLite file: WAL mode, short per-thread connections, schema migrations with a
backup before each, a daily backup, and the integrity check and restore behind
``postier db check`` / ``postier db restore``.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.services.storage import migrations
from app.services.storage.failures import StorageError, database_error, mapped

log = logging.getLogger(__name__)


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Database:
    """One SQLite file. Connections are short-lived and per thread: SQLite in WAL mode
    lets the GUI read while a worker writes. The team database (PostgreSQL) is a subclass
    with the same API: postgres.PostgresDatabase, chosen by ``database_for``."""

    engine = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._ready = False
        self._fresh = False
        self._daily_checked = False

    def describe(self) -> str:
        """Where the data is, for messages: the file, or the team database's URL without
        its password."""
        return str(self.path)

    # -- connection -------------------------------------------------------
    def connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=15, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:  # e.g. POSTIER_HOME is a file
            raise database_error(self.path, exc) from exc
        conn.row_factory = sqlite3.Row
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA busy_timeout = 15000")
            if not self._ready:
                self._prepare(conn)
        except (sqlite3.DatabaseError, OSError) as exc:  # damaged or foreign: "not a database"
            conn.close()
            raise database_error(self.path, exc) from exc
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any exception: every multi-step state
        change happens in one of these so a crash never leaves half a change."""
        conn = self.connect()
        if not self._daily_checked:
            # Before the first change of the process (never on a read-only or refused run):
            # today's backup, if none was taken yet.
            self._daily_checked = True
            if not self._fresh:
                self._daily_backup(conn)
        try:
            with mapped(self.path):
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                except BaseException:
                    if conn.in_transaction:  # SQLite may have rolled back already (disk full)
                        conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
        finally:
            conn.close()

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        conn = self.connect()
        try:
            with mapped(self.path):
                yield conn
        finally:
            conn.close()

    # -- schema -----------------------------------------------------------
    def _prepare(self, conn: sqlite3.Connection) -> None:
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        if current > migrations.schema_version():
            conn.close()
            raise StorageError("DATABASE_TOO_NEW",
                               f"{self.path} has schema {current}; this Postier knows "
                               f"{migrations.schema_version()}. Nothing was changed.")
        conn.execute("PRAGMA journal_mode = WAL")
        if current < migrations.schema_version():
            if current > 0:
                self._backup(conn, f"v{current}-{int(time.time())}")
            self._migrate(conn, current)
        self._fresh = current == 0  # nothing to save yet
        self._ready = True

    def _backup(self, conn: sqlite3.Connection, label: str) -> Path:
        """A consistent copy beside the file (SQLite's online backup), written under a
        temporary name and renamed: a crash or a full disk never leaves half a backup
        that ``restore`` could pick."""
        target = self.path.with_name(f"{self.path.name}.{label}.bak")
        partial = target.with_name(target.name + ".partial")
        dest = sqlite3.connect(partial)
        try:
            conn.backup(dest)
        finally:
            dest.close()
        os.replace(partial, target)
        log.info("database backed up to %s", target)
        return target

    def _daily_backup(self, conn: sqlite3.Connection) -> None:
        """One backup a day (at the first open of the day), only of a sound file, keeping
        the last DAILY_BACKUPS. Never fails the write: a backup is a safety net."""
        try:
            newest = max((p.stat().st_mtime for p in backups(self.path)), default=0.0)
            if time.time() - newest < 24 * 3600:
                return
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                log.warning("%s is damaged: no daily backup of it", self.path)
                return
            self._backup(conn, "daily-" + datetime.now(UTC).strftime("%Y%m%d"))
        except (sqlite3.Error, OSError) as exc:
            log.warning("daily backup of %s failed: %s", self.path, exc)
            return
        dailies = [p for p in backups(self.path) if ".daily-" in p.name]
        for old in dailies[DAILY_BACKUPS:]:
            old.unlink(missing_ok=True)

    def _migrate(self, conn: sqlite3.Connection, current: int) -> None:
        for version in range(current, migrations.schema_version()):
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in migrations.split_sql(migrations.MIGRATIONS[version]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version + 1}")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # -- settings ---------------------------------------------------------
    def person(self) -> str:
        """Who reads the data here, for what is one person's (some settings, the
        notifications): '' on this computer's own file (always the same person), the login
        and computer on a team database (storage/postgres.py)."""
        return ""

    def setting_key(self, key: str) -> str:
        """The row a setting is kept under. On this computer's own file, the key itself; a
        team database (storage/postgres.py) keeps the personal ones (PERSONAL_SETTINGS) per person
        and computer, so a colleague never gets your draft or your window size."""
        return key

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        with self.reading() as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = ?",
                               (self.setting_key(key),)).fetchone()
        return row["value"] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO settings(key, value) VALUES(?, ?) "
                         "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                         (self.setting_key(key), value))


# Settings of one person at one computer, not of the team's data: window sizes, the message
# being written, which events the notifications have already been made for. The others (quiet
# hours, notification rules, domain reports) are the team's on a team database.
PERSONAL_SETTINGS = ("window/", "compose/", "notify.last_event_id", "notify.account_failing.")


DAILY_BACKUPS = 7


def backups(path: Path) -> list[Path]:
    """The backups of the data file at ``path``, newest first (before each migration:
    ``<name>.v<N>-<time>.bak``; daily: ``<name>.daily-<date>.bak``)."""
    path = Path(path)
    found = [p for p in path.parent.glob(f"{path.name}.*.bak") if p.is_file()]
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def integrity_problems(path: Path) -> list[str]:
    """What ``PRAGMA integrity_check`` (and the foreign keys check) find; [] when sound.
    Opened read-only: checking never changes a byte of the file."""
    path = Path(path)
    if not path.exists():
        return [f"{path} does not exist"]
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=15)
    except sqlite3.Error as exc:
        return [f"cannot open {path}: {exc}"]
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        problems = [] if rows == ["ok"] else rows
        if not problems:
            problems = [f"foreign key: table {r[0]} row {r[1]} refers to missing {r[2]}"
                        for r in conn.execute("PRAGMA foreign_key_check").fetchall()]
        return problems
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    finally:
        conn.close()


def check_database(path: Path) -> dict[str, Any]:
    """``postier db check``: is the file sound, and which backups could restore it."""
    problems = integrity_problems(path)
    return {"ok": not problems, "problems": problems, "file": str(path),
            "backups": [str(p) for p in backups(path)]}


def restore_database(path: Path, source: Path | None = None) -> dict[str, Any]:
    """Put a backup (``source``, else the newest sound one) in place of the data file.

    The current file is never deleted: it and its -wal/-shm companions are renamed to
    ``<name>.damaged-<time>`` beside it (the WAL belongs to the old file: left in place it
    would be replayed into the restored one). The backup is copied under a temporary name
    and renamed, so an interruption leaves either the old file or the restored one."""
    path = Path(path)
    if source is not None:
        source = Path(source)
        problems = integrity_problems(source)
        if problems:
            raise StorageError("DATABASE_ERROR", f"{source} is not a sound Postier backup: "
                               f"{problems[0]}")
        candidates = [source]
    else:
        candidates = [b for b in backups(path) if not integrity_problems(b)]
        if not candidates:
            raise StorageError("DATABASE_ERROR", f"No sound backup of {path} was found.",
                               "Backups are taken before each update and once a day; "
                               "with none yet, the data cannot be restored.")
    chosen = candidates[0]
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    kept = path.with_name(f"{path.name}.damaged-{stamp}")
    partial = path.with_name(path.name + ".restoring")
    try:
        shutil.copy2(chosen, partial)
        with open(partial, "rb+") as handle:
            os.fsync(handle.fileno())
        moved = None
        if path.exists():
            os.replace(path, kept)
            moved = kept
            for suffix in ("-wal", "-shm"):
                companion = path.with_name(path.name + suffix)
                if companion.exists():
                    os.replace(companion, kept.with_name(kept.name + suffix))
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise database_error(path, exc) from exc
    return {"ok": True, "file": str(path), "restored_from": str(chosen),
            "damaged_kept_as": str(moved) if moved else None}

