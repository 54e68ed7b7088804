"""SQLite storage: schema version, forward-only migrations, backup before migrating.

No secrets here, ever: passwords and tokens live in the OS keyring (credentials.py).
This module depends on no other service so anything can use it.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class StorageError(Exception):
    """Raised for database problems; ``code`` is one of the error catalogue's codes."""

    def __init__(self, code: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint


_WRITE_FAILURES = ("SQLITE_FULL", "SQLITE_IOERR_WRITE", "SQLITE_IOERR_FSYNC",
                   "SQLITE_IOERR_TRUNCATE", "SQLITE_IOERR_SHMSIZE", "SQLITE_IOERR_DIR_FSYNC")
_DAMAGED = ("SQLITE_CORRUPT", "SQLITE_NOTADB")


def database_error(path: Path, exc: BaseException) -> StorageError:
    """DATABASE_ERROR naming the file and what SQLite said, with the way out: a full disk
    (a write that failed: ENOSPC, EFBIG…) is freed, a damaged file restored from its backup
    (the damaged one is kept). The transaction was rolled back: nothing is half-written."""
    text = str(exc) or type(exc).__name__
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name in _WRITE_FAILURES or getattr(exc, "errno", None) in (errno.EFBIG, errno.ENOSPC):
        return StorageError(
            "DATABASE_ERROR", f"Postier's data file {path} could not be written (disk full or "
            f"write error: {text}); the change was cancelled, nothing was half-written.",
            "Free some disk space (or check the disk), then try again.")
    hint = None  # the catalogue's: disk space, permissions of the data folder
    if name.startswith(_DAMAGED) or "malformed" in text or "not a database" in text:
        hint = ("Run 'postier db check' to see the damage and 'postier db restore' to go back "
                "to the latest backup (the damaged file is kept beside it).")
    return StorageError("DATABASE_ERROR", f"Postier's data file {path} could not be read or "
                        f"written: {text}", hint)


def _is_storage_failure(exc: BaseException) -> bool:
    """Errors of the file, not of the query: a constraint (IntegrityError) is the caller's
    business and a ProgrammingError is a bug, so both pass through unchanged."""
    return isinstance(exc, sqlite3.DatabaseError) and not isinstance(
        exc, (sqlite3.IntegrityError, sqlite3.ProgrammingError))


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# ---------------------------------------------------------------------------
# Migrations: append only. Each entry moves the schema from version i to i+1.
# ---------------------------------------------------------------------------
_V1 = """
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL DEFAULT '',
    provider TEXT,
    auth_kind TEXT NOT NULL DEFAULT 'password',
    username TEXT NOT NULL,
    imap_host TEXT NOT NULL, imap_port INTEGER NOT NULL, imap_security TEXT NOT NULL,
    smtp_host TEXT NOT NULL, smtp_port INTEGER NOT NULL, smtp_security TEXT NOT NULL,
    imap_pin TEXT, smtp_pin TEXT,
    signature_html TEXT NOT NULL DEFAULT '', signature_text TEXT NOT NULL DEFAULT '',
    label TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    last_check_at TEXT, last_check_ok INTEGER,
    sync_state TEXT NOT NULL DEFAULT 'idle', sync_error TEXT,
    needs_attention INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    account_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    account_email TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    envid TEXT NOT NULL UNIQUE,
    from_addr TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    body_text TEXT NOT NULL DEFAULT '',
    body_html TEXT,
    raw BLOB,
    state TEXT NOT NULL DEFAULT 'queued',
    smtp_reply TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    next_attempt_at TEXT,
    scheduled_at TEXT,
    give_up_at TEXT,
    dsn_requested INTEGER NOT NULL DEFAULT 0,
    mdn_requested INTEGER NOT NULL DEFAULT 0,
    resend_of INTEGER REFERENCES recipients(id) ON DELETE SET NULL
);
CREATE INDEX messages_created ON messages(created_at);
CREATE INDEX messages_account ON messages(account_email, created_at);
CREATE INDEX messages_state ON messages(state);
CREATE TABLE recipients (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    address TEXT NOT NULL COLLATE NOCASE,
    kind TEXT NOT NULL DEFAULT 'to',
    status TEXT NOT NULL DEFAULT 'queued',
    reason TEXT,
    detail TEXT,
    updated_at TEXT NOT NULL,
    UNIQUE (message_id, address)
);
CREATE INDEX recipients_status ON recipients(status);
CREATE INDEX recipients_address ON recipients(address);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    recipient_id INTEGER NOT NULL REFERENCES recipients(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    reason TEXT,
    detail TEXT,
    inbound_id INTEGER REFERENCES inbound(id) ON DELETE SET NULL
);
CREATE INDEX events_recipient ON events(recipient_id, at);
CREATE TABLE inbound (
    id INTEGER PRIMARY KEY,
    account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
    folder TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    uid INTEGER NOT NULL,
    kind TEXT NOT NULL,
    header_message_id TEXT,
    subject TEXT,
    from_addr TEXT,
    received_at TEXT NOT NULL,
    matched INTEGER NOT NULL DEFAULT 0,
    summary TEXT,
    raw BLOB,
    UNIQUE (account_id, folder, uidvalidity, uid)
);
CREATE INDEX inbound_unmatched ON inbound(matched, received_at);
CREATE TABLE scan_state (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    folder TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    last_uid INTEGER NOT NULL,
    PRIMARY KEY (account_id, folder)
);
CREATE TABLE groups (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);
CREATE TABLE group_members (
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    address TEXT NOT NULL COLLATE NOCASE,
    name TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (group_id, address)
);
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    account_email TEXT,
    message_id INTEGER,
    seen INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

# Each concern appends its own version; an empty script only bumps the version.
_V2_TRACKING = """
ALTER TABLE messages ADD COLUMN is_test INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN error TEXT;
ALTER TABLE messages ADD COLUMN claimed_at TEXT;
ALTER TABLE messages ADD COLUMN claimed_by TEXT;
ALTER TABLE recipients ADD COLUMN to_send INTEGER NOT NULL DEFAULT 1;
ALTER TABLE events ADD COLUMN applied INTEGER NOT NULL DEFAULT 1;
CREATE INDEX messages_due ON messages(state, next_attempt_at);
CREATE INDEX inbound_message_id ON inbound(account_id, header_message_id);
"""  # sending / tracking (issue 5): test flag, last error, outbox work per recipient,
#      events superseded by a stronger status stay in the timeline with applied = 0

_V3_VIEWS = """
CREATE INDEX messages_subject ON messages(subject COLLATE NOCASE, created_at);
CREATE INDEX recipients_status_message ON recipients(status, message_id);
CREATE INDEX notifications_at ON notifications(at);
"""  # sent-messages table: indexes for sorting/filtering 100k rows (issue 6)

_V4_SIGNATURE_IMAGES = """
CREATE TABLE signature_images (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    cid TEXT NOT NULL,
    content_type TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (account_id, cid)
);
"""  # signature logos as inline MIME parts, stored once per account (issue 16, item 17)

_V5_SENT_BY = """
ALTER TABLE messages ADD COLUMN sent_by TEXT NOT NULL DEFAULT '';
CREATE INDEX messages_sent_by ON messages(sent_by, created_at);
"""  # team mode (issue 19): who sent each message (OS login or chosen display name)

_V6_PERSONAL_NOTIFICATIONS = """
ALTER TABLE notifications ADD COLUMN person TEXT NOT NULL DEFAULT '';
CREATE INDEX notifications_person ON notifications(person, at);
"""  # team mode (issue 19): each person's notification history ('' on a laptop's own file)

MIGRATIONS: list[str] = [_V1, _V2_TRACKING, _V3_VIEWS, _V4_SIGNATURE_IMAGES, _V5_SENT_BY,
                         _V6_PERSONAL_NOTIFICATIONS]
SCHEMA_VERSION = len(MIGRATIONS)


class Database:
    """One SQLite file. Connections are short-lived and per thread: SQLite in WAL mode
    lets the GUI read while a worker writes. The team database (PostgreSQL) is a subclass
    with the same API: storage_pg.PostgresDatabase, chosen by ``database_for``."""

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
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:  # SQLite may have rolled back already (disk full)
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except BaseException as exc:
            # Any query of the file can meet a damaged page or a full disk, not only the
            # open: always the same DATABASE_ERROR naming the file, never a bare traceback.
            if _is_storage_failure(exc):
                raise database_error(self.path, exc) from exc
            raise
        finally:
            conn.close()

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        conn = self.connect()
        try:
            yield conn
        except BaseException as exc:
            if _is_storage_failure(exc):
                raise database_error(self.path, exc) from exc
            raise
        finally:
            conn.close()

    # -- schema -----------------------------------------------------------
    def _prepare(self, conn: sqlite3.Connection) -> None:
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        if current > SCHEMA_VERSION:
            conn.close()
            raise StorageError("DATABASE_TOO_NEW",
                               f"{self.path} has schema {current}; this Postier knows "
                               f"{SCHEMA_VERSION}. Nothing was changed.")
        conn.execute("PRAGMA journal_mode = WAL")
        if current < SCHEMA_VERSION:
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
        for version in range(current, SCHEMA_VERSION):
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in _split_sql(MIGRATIONS[version]):
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
        and computer on a team database (storage_pg)."""
        return ""

    def setting_key(self, key: str) -> str:
        """The row a setting is kept under. On this computer's own file, the key itself; a
        team database (storage_pg) keeps the personal ones (PERSONAL_SETTINGS) per person
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


def _split_sql(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


# ---------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------
@dataclass
class Account:
    email: str
    username: str
    imap_host: str
    imap_port: int
    imap_security: str
    smtp_host: str
    smtp_port: int
    smtp_security: str
    display_name: str = ""
    provider: str | None = None
    auth_kind: str = "password"
    imap_pin: str | None = None
    smtp_pin: str | None = None
    signature_html: str = ""
    signature_text: str = ""
    label: str = ""
    id: int | None = None
    created_at: str = ""
    updated_at: str = ""
    last_check_at: str | None = None
    last_check_ok: int | None = None
    sync_state: str = "idle"
    sync_error: str | None = None
    needs_attention: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_ACCOUNT_COLUMNS = [f.name for f in fields(Account) if f.name != "id"]
# An inline signature image: (Content-ID without brackets, content type, bytes).
SignatureImage = tuple[str, str, bytes]


def _write_signature_images(conn: sqlite3.Connection, account_id: int,
                            images: list[SignatureImage]) -> None:
    # Replaced as a whole: a logo the new signature no longer shows is not kept.
    conn.execute("DELETE FROM signature_images WHERE account_id = ?", (account_id,))
    conn.executemany("INSERT INTO signature_images (account_id, cid, content_type, data)"
                     " VALUES (?, ?, ?, ?) ON CONFLICT (account_id, cid) DO UPDATE SET"
                     " content_type = excluded.content_type, data = excluded.data",
                     [(account_id, cid, kind, data) for cid, kind, data in images])


def _row_to_account(row: sqlite3.Row) -> Account:
    return Account(**{k: row[k] for k in row.keys()})


class AccountStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, account: Account, signature_images: list[SignatureImage] | None = None
            ) -> Account:
        now = utcnow()
        account.created_at = account.created_at or now
        account.updated_at = now
        values = [getattr(account, c) for c in _ACCOUNT_COLUMNS]
        placeholders = ", ".join("?" for _ in _ACCOUNT_COLUMNS)
        try:
            with self.db.transaction() as conn:
                row = conn.execute(f"INSERT INTO accounts ({', '.join(_ACCOUNT_COLUMNS)}) "
                                   f"VALUES ({placeholders}) RETURNING id", values).fetchone()
                account.id = int(row[0])
                _write_signature_images(conn, account.id, signature_images or [])
        except sqlite3.IntegrityError as exc:
            raise StorageError("ACCOUNT_EXISTS", f"{account.email} is already set up") from exc
        return account

    def update(self, account: Account) -> None:
        if account.id is None:
            raise ValueError("account has no id")
        account.updated_at = utcnow()
        assignments = ", ".join(f"{c} = ?" for c in _ACCOUNT_COLUMNS)
        with self.db.transaction() as conn:
            conn.execute(f"UPDATE accounts SET {assignments} WHERE id = ?",
                         [getattr(account, c) for c in _ACCOUNT_COLUMNS] + [account.id])

    def update_fields(self, email: str, *, signature_images: list[SignatureImage] | None = None,
                      **changes: Any) -> None:
        """Change columns; ``signature_images`` (when given) replaces the account's inline
        signature images in the same transaction as its signature HTML."""
        unknown = set(changes) - set(_ACCOUNT_COLUMNS)
        if unknown:
            raise ValueError(f"unknown account fields: {sorted(unknown)}")
        changes["updated_at"] = utcnow()
        assignments = ", ".join(f"{c} = ?" for c in changes)
        with self.db.transaction() as conn:
            conn.execute(f"UPDATE accounts SET {assignments} WHERE email = ?",
                         [*changes.values(), email])
            if signature_images is not None:
                row = conn.execute("SELECT id FROM accounts WHERE email = ?",
                                   (email,)).fetchone()
                if row is not None:
                    _write_signature_images(conn, row[0], signature_images)

    def signature_images(self, account_id: int | None) -> list[SignatureImage]:
        """The account's inline signature images as (content id, content type, bytes)."""
        if account_id is None:
            return []
        with self.db.reading() as conn:
            rows = conn.execute("SELECT cid, content_type, data FROM signature_images"
                                " WHERE account_id = ? ORDER BY cid", (account_id,)).fetchall()
        return [(r[0], r[1], bytes(r[2])) for r in rows]

    def get(self, email: str) -> Account | None:
        with self.db.reading() as conn:
            row = conn.execute("SELECT * FROM accounts WHERE email = ?", (email,)).fetchone()
        return _row_to_account(row) if row else None

    def require(self, email: str) -> Account:
        account = self.get(email)
        if account is None:
            raise StorageError("ACCOUNT_NOT_FOUND", f"No account {email} in Postier")
        return account

    def list(self) -> list[Account]:
        with self.db.reading() as conn:
            rows = conn.execute("SELECT * FROM accounts ORDER BY email").fetchall()
        return [_row_to_account(r) for r in rows]

    def remove(self, email: str) -> bool:
        with self.db.transaction() as conn:
            cur = conn.execute("DELETE FROM accounts WHERE email = ?", (email,))
        return cur.rowcount > 0


def is_team_url(target: Path | str | None) -> bool:
    """A ``postgresql://`` (or ``postgres://``) URL: the team database."""
    return isinstance(target, str) and target.split("://", 1)[0].lower() in (
        "postgresql", "postgres")


def database_for(target: Path | str) -> Database:
    """The database at ``target``: a PostgreSQL URL (team mode) or the SQLite file's path.
    Nothing is opened yet (the first transaction or read does)."""
    if is_team_url(target):
        from app.services.storage_pg import PostgresDatabase

        return PostgresDatabase(str(target))
    if isinstance(target, str) and "://" in target:
        raise StorageError("DATABASE_ERROR", f"Unknown database URL scheme in "
                           f"{target.split('://', 1)[0]}://…: use postgresql://host/database "
                           "or leave the setting empty for this computer's own file.")
    return Database(Path(target))


def open_database(path: Path | str,
                  on_ready: Callable[[Database], None] | None = None) -> Database:
    """Open (creating or migrating) the database at ``path`` (a file, or a team URL)."""
    db = database_for(path)
    db.connect().close()
    if on_ready:
        on_ready(db)
    return db
