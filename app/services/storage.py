"""SQLite storage: schema version, forward-only migrations, backup before migrating.

No secrets here, ever: passwords and tokens live in the OS keyring (credentials.py).
This module depends on no other service so anything can use it.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class StorageError(Exception):
    """Raised for database problems; ``code`` is one of the error catalogue's codes."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def utcnow() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


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

MIGRATIONS: list[str] = [_V1, _V2_TRACKING, _V3_VIEWS]
SCHEMA_VERSION = len(MIGRATIONS)


class Database:
    """One SQLite file. Connections are short-lived and per thread: SQLite in WAL mode
    lets the GUI read while a worker writes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._ready = False

    # -- connection -------------------------------------------------------
    def connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=15, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:  # e.g. POSTIER_HOME is a file
            raise StorageError("DATABASE_ERROR", f"Cannot open {self.path}: {exc}") from exc
        conn.row_factory = sqlite3.Row
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA busy_timeout = 15000")
            if not self._ready:
                self._prepare(conn)
        except sqlite3.DatabaseError as exc:  # a damaged or foreign file: "not a database"
            conn.close()
            raise StorageError("DATABASE_ERROR", f"Cannot open {self.path}: {exc}") from exc
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any exception: every multi-step state
        change happens in one of these so a crash never leaves half a change."""
        conn = self.connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        conn = self.connect()
        try:
            yield conn
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
                self._backup(conn, current)
            self._migrate(conn, current)
        self._ready = True

    def _backup(self, conn: sqlite3.Connection, version: int) -> Path:
        target = self.path.with_name(f"{self.path.name}.v{version}-{int(time.time())}.bak")
        with sqlite3.connect(target) as dest:
            conn.backup(dest)
        log.info("database backed up to %s before migrating from v%d", target, version)
        return target

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
    def get_setting(self, key: str, default: str | None = None) -> str | None:
        with self.reading() as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO settings(key, value) VALUES(?, ?) "
                         "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))


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


def _row_to_account(row: sqlite3.Row) -> Account:
    return Account(**{k: row[k] for k in row.keys()})


class AccountStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, account: Account) -> Account:
        now = utcnow()
        account.created_at = account.created_at or now
        account.updated_at = now
        values = [getattr(account, c) for c in _ACCOUNT_COLUMNS]
        placeholders = ", ".join("?" for _ in _ACCOUNT_COLUMNS)
        try:
            with self.db.transaction() as conn:
                cur = conn.execute(f"INSERT INTO accounts ({', '.join(_ACCOUNT_COLUMNS)}) "
                                   f"VALUES ({placeholders})", values)
                account.id = cur.lastrowid
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

    def update_fields(self, email: str, **changes: Any) -> None:
        unknown = set(changes) - set(_ACCOUNT_COLUMNS)
        if unknown:
            raise ValueError(f"unknown account fields: {sorted(unknown)}")
        changes["updated_at"] = utcnow()
        assignments = ", ".join(f"{c} = ?" for c in changes)
        with self.db.transaction() as conn:
            conn.execute(f"UPDATE accounts SET {assignments} WHERE email = ?",
                         [*changes.values(), email])

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


def open_database(path: Path, on_ready: Callable[[Database], None] | None = None) -> Database:
    """Open (creating or migrating) the database at ``path``."""
    db = Database(path)
    db.connect().close()
    if on_ready:
        on_ready(db)
    return db
