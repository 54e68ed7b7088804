"""PostgreSQL engine for storage (team mode): the same API and migration ladder as SQLite.

psycopg is imported only when a ``postgresql://…`` database is opened: SQLite users never
load it (an optional dependency, hence the imports inside functions). The modules that
write SQL keep writing it once, in the portable subset both engines run (``?``
placeholders, ``ON CONFLICT``, ``RETURNING id``, ``COALESCE``); the connection adapter
below does the few mechanical differences:

* ``?`` → ``%s`` (outside string literals) and a literal ``%`` doubled for psycopg;
* Python booleans sent as 0/1 (the schema's flags are INTEGER, as in SQLite), a NUL
  character in text as U+FFFD (PostgreSQL's text cannot hold it);
* ``BEGIN`` is PostgreSQL's default READ COMMITTED: each statement sees what was committed
  before it (the sent table's refresh re-counts, so a row committed between two of its reads
  is picked up, at worst by rebuilding its index);
* rows readable by name and by index (``row["email"]``, ``row[0]``, ``row.keys()``), like
  ``sqlite3.Row``;
* a constraint violation raised as ``sqlite3.IntegrityError`` (the one type the modules
  catch), a lost or refused server as StorageError(TEAM_DATABASE_UNREACHABLE) naming the host,
  never the password.

The migration ladder's SQLite DDL is adapted at migration time only (``_ddl``): rowid keys
become identity columns, BLOB becomes BYTEA, and inline foreign keys are added after the
version's tables exist (SQLite accepts a reference to a table created later; PostgreSQL does
not). ``COLLATE NOCASE`` is a real case-insensitive ICU collation created first.
"""

from __future__ import annotations

import getpass
import os
import re
import select
import socket
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.services.storage.failures import StorageError
from app.services.storage.migrations import MIGRATIONS, SCHEMA_VERSION, split_sql
from app.services.storage.notify_triggers import ensure_triggers
from app.services.storage.sqlite import PERSONAL_SETTINGS, Database

# Gives this user's password for a team database URL (their keyring's: team/connection.py);
# None when there is none (libpq may still find ~/.pgpass). Passed in, so storage depends
# on no other service.
PasswordSource = Callable[[str], "str | None"]

CONNECT_TIMEOUT = 5  # seconds: an unreachable server is said quickly, the GUI never hangs
# libpq's TCP keepalives: a laptop that vanished (sleep, Wi-Fi gone) is noticed by the
# server within about 10 + 3 × 5 s, and its advisory locks are released.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
              "keepalives_count": 3}


def application_name(role: str) -> str:
    """Shown in pg_stat_activity, so an administrator (and the page) sees who watches what."""
    return f"postier pid {os.getpid()} {role} {getpass.getuser()}@{socket.gethostname()}"[:63]


def connect_options(url: str, role: str, password: PasswordSource | None = None,
                    timeout: int = CONNECT_TIMEOUT) -> dict[str, Any]:
    """Keyword arguments for ``psycopg.connect(url, **kwargs)``: the password from
    ``password`` (when the URL has none), a short connect timeout, keepalives, who we are."""
    kwargs: dict[str, Any] = {"connect_timeout": timeout,
                              "application_name": application_name(role), **KEEPALIVES}
    if password is not None and urlsplit(url).password is None:
        found = password(url)
        if found:
            kwargs["password"] = found
    return kwargs

# Migrations of two laptops opening the team database at once run one after the other.
_MIGRATION_LOCK = 0x506F7374  # "Post"

_PRELUDE = [
    # SQLite's NOCASE: case-insensitive equality, UNIQUE and ORDER BY (ICU, level 2).
    "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'nocase') THEN "
    "CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', "
    "deterministic = false); END IF; END $$",
    "CREATE TABLE IF NOT EXISTS postier_schema (version INTEGER NOT NULL)",
]


def safe_url(url: str) -> str:
    """The URL without its password (for messages, logs, the GUI)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return parts._replace(netloc=f"{user}@{netloc}").geturl()


def _where(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    return f"{host}{port}/{parts.path.lstrip('/') or '?'}"


def unreachable(url: str, exc: BaseException) -> StorageError:
    """TEAM_DATABASE_UNREACHABLE naming the server and what it said, never the password
    (libpq's messages name host, port, user and database only)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    password = urlsplit(url).password
    if password:
        text = text.replace(password, "***")
    refused = getattr(exc, "sqlstate", None) in _AUTH_STATES or any(
        words in text for words in ("password authentication failed", "no password supplied"))
    code = "TEAM_DATABASE_AUTH_FAILED" if refused else "TEAM_DATABASE_UNREACHABLE"
    return StorageError(code, f"The team database {_where(url)} could not be used: {text}")


# invalid_authorization_specification, invalid_password
_AUTH_STATES = ("28000", "28P01")


# ---------------------------------------------------------------------------
# SQL and rows
# ---------------------------------------------------------------------------
def convert(sql: str) -> str:
    """``?`` placeholders → ``%s``, ``%`` → ``%%``; string literals keep their ``?``."""
    out: list[str] = []
    quoted = False
    for ch in sql:
        if ch == "'":
            quoted = not quoted  # '' inside a literal toggles twice: still right
        if ch == "%":
            out.append("%%")
        elif ch == "?" and not quoted:
            out.append("%s")
        else:
            out.append(ch)
    return "".join(out)


def _params(params: Sequence[Any] | None) -> list[Any]:
    return [_param(p) for p in (params or ())]


def _param(value: Any) -> Any:
    if isinstance(value, bool):  # SQLite stores True as 1 and the schema's flags are INTEGER
        return int(value)
    if isinstance(value, str) and "\x00" in value:
        # PostgreSQL's text cannot hold NUL (SQLite's can): a bounce's subject or a server's
        # reply written by a stranger must not make the write fail, so it shows as U+FFFD.
        return value.replace("\x00", "\ufffd")
    return value


class Row(tuple):  # type: ignore[type-arg]
    """A result row read like sqlite3.Row: by index, by column name, ``keys()``."""

    _names: tuple[str, ...] = ()

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self._names.index(key))
            except ValueError:
                raise IndexError(f"No item with that key: {key}") from None
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


def _row_factory(cursor: Any) -> Any:
    names = tuple(d.name for d in cursor.description or ())
    cls = type("Row", (Row,), {"_names": names, "__slots__": ()})

    def make(values: Sequence[Any]) -> Row:
        return cls(bytes(v) if isinstance(v, memoryview) else v for v in values)
    return make


class Cursor:
    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        return int(self._cursor.rowcount)

    def fetchone(self) -> Row | None:
        return self._cursor.fetchone() if self._cursor.description else None  # type: ignore[no-any-return]

    def fetchall(self) -> list[Row]:
        return list(self._cursor.fetchall()) if self._cursor.description else []

    def __iter__(self) -> Iterator[Row]:
        return iter(self.fetchall())


class Connection:
    """A psycopg connection (autocommit: BEGIN/COMMIT are explicit, as with SQLite's
    ``isolation_level=None``) that takes the modules' portable SQL."""

    def __init__(self, raw: Any, url: str) -> None:
        self.raw = raw
        self.url = url
        # Set on a kept connection handed out again (PostgresDatabase._acquire): how to open
        # a new one if the server dropped this one just before its first statement.
        self.reopen: Callable[[], Any] | None = None

    def _run(self, many: bool, sql: str, args: Any) -> Any:
        import psycopg

        query = convert(sql)
        while True:
            cur = self.raw.cursor(row_factory=_row_factory)
            try:
                (cur.executemany if many else cur.execute)(query, args)
            except psycopg.IntegrityError as exc:
                raise sqlite3.IntegrityError(str(exc)) from exc
            except psycopg.OperationalError as exc:
                reopen, self.reopen = self.reopen, None
                if reopen is None or not self.raw.broken:
                    raise unreachable(self.url, exc) from exc
                # The server ended this kept connection (a restart, an idle timeout) in the
                # moment before it was used: nothing ran on it, the statement runs on a new one.
                self.raw.close()
                self.raw = reopen()
                continue
            self.reopen = None  # it works: any later failure is a real one
            return cur

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Cursor:
        return Cursor(self._run(False, sql, _params(params)))

    def executemany(self, sql: str, seq: Sequence[Sequence[Any]]) -> Cursor:
        rows = [_params(p) for p in seq]
        if not rows:
            return Cursor(self.raw.cursor(row_factory=_row_factory))
        return Cursor(self._run(True, sql, rows))

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return bool(self.raw.info.transaction_status != TransactionStatus.IDLE)

    def close(self) -> None:
        self.raw.close()

    def __del__(self) -> None:
        # An idle connection kept for its thread (PostgresDatabase._release) goes with the
        # thread or the Database: closed here, quietly, rather than by psycopg's warning.
        raw = getattr(self, "raw", None)
        if raw is not None and not raw.closed:
            raw.close()

    def usable(self) -> bool:
        """Open, idle and with nothing to read. An idle connection is owed nothing: readable
        means the server went away (restarted, the backend terminated), so start afresh
        rather than fail the next query. No round trip."""
        if self.raw.closed or self.raw.broken or self.in_transaction:
            return False
        try:
            readable, _, _ = select.select([self.raw.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable


# ---------------------------------------------------------------------------
# Schema: the SQLite ladder, adapted statement by statement
# ---------------------------------------------------------------------------
_REFERENCE = re.compile(
    r"(?P<col>\w+)(?P<before>[^,(]*?)\s+REFERENCES\s+(?P<table>\w+)\((?P<key>\w+)\)"
    r"(?P<action>\s+ON DELETE (?:SET NULL|CASCADE))?")
_CREATE = re.compile(r"^CREATE TABLE (\w+)", re.IGNORECASE)


def _ddl(statement: str) -> tuple[str, list[str]]:
    """One migration statement for PostgreSQL, and the foreign keys to add once every table
    of the version exists."""
    sql = statement.replace("INTEGER PRIMARY KEY",
                            "INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
    sql = re.sub(r"\bBLOB\b", "BYTEA", sql)
    created = _CREATE.match(sql)
    later: list[str] = []
    if created:
        table = created.group(1)

        def defer(m: re.Match[str]) -> str:
            later.append(f"ALTER TABLE {table} ADD FOREIGN KEY ({m['col']}) REFERENCES "
                         f"{m['table']}({m['key']}){m['action'] or ''}")
            return f"{m['col']}{m['before']}"
        sql = _REFERENCE.sub(defer, sql)
    return sql, later


def migration_statements(version: int) -> list[str]:
    """The statements that move a PostgreSQL schema from ``version`` to ``version + 1``."""
    statements: list[str] = []
    deferred: list[str] = []
    for statement in split_sql(MIGRATIONS[version]):
        sql, later = _ddl(statement)
        statements.append(sql)
        deferred.extend(later)
    return statements + deferred


class PostgresDatabase(Database):
    """The team database: same API as Database (``transaction``, ``reading``, settings).

    Each thread keeps its last connection idle for the next transaction or read: opening one
    costs a round trip, a process on the server and the password exchange (14-25 ms on
    loopback, much more over a VPN) and the sent table reads every second. It is checked
    before reuse (``Connection.usable``) and never kept inside a transaction. Backups are
    the server's business (its operator's dumps): none here."""

    engine = "postgresql"

    def __init__(self, url: str, password: PasswordSource | None = None) -> None:
        super().__init__(Path(safe_url(url)))  # never a file: for messages only
        self.url = url
        self._password = password
        self._kwargs: dict[str, Any] | None = None
        self._idle = threading.local()  # this thread's idle connection (_acquire/_release)

    def _connect_kwargs(self) -> dict[str, Any]:
        """The password from this user's keyring (never in the URL or the settings file),
        a short connect timeout, keepalives, who we are (team/connection.py); read from the
        keyring once, not at every transaction."""
        if self._kwargs is None:
            self._kwargs = connect_options(self.url, "app", self._password)
        return self._kwargs

    def describe(self) -> str:
        return safe_url(self.url)

    def person(self) -> str:
        # Read at each call, not cached: the login of whoever runs this process now.
        return f"{getpass.getuser()}@{socket.gethostname()}"

    def setting_key(self, key: str) -> str:
        return f"{key}@{self.person()}" if key.startswith(PERSONAL_SETTINGS) else key

    def connect(self) -> Connection:  # type: ignore[override]
        conn = Connection(self._open_raw(), self.url)
        if not self._ready:
            try:
                self._prepare_pg(conn)
            except BaseException:
                conn.close()
                raise
        return conn

    def _open_raw(self) -> Any:
        try:
            import psycopg
        except ImportError as exc:  # the wheel is a dependency; a broken install says so
            raise unreachable(self.url, exc) from exc
        try:
            return psycopg.connect(self.url, autocommit=True, **self._connect_kwargs())
        except psycopg.Error as exc:
            self._kwargs = None  # a password changed in the keyring meanwhile is re-read
            raise unreachable(self.url, exc) from exc

    def _acquire(self) -> Connection:
        conn: Connection | None = getattr(self._idle, "conn", None)
        self._idle.conn = None
        if conn is not None:
            if conn.usable():
                conn.reopen = self._open_raw
                return conn
            conn.close()
        return self.connect()

    def _release(self, conn: Connection) -> None:
        if getattr(self._idle, "conn", None) is None and conn.usable():
            self._idle.conn = conn
        else:  # a nested use's second connection, or a broken one
            conn.close()

    def close_idle(self) -> None:
        """Close this thread's idle connection (before a long pause, or in tests)."""
        conn = getattr(self._idle, "conn", None)
        self._idle.conn = None
        if conn is not None:
            conn.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:  # type: ignore[override]
        conn = self._acquire()
        try:
            # READ COMMITTED with row locks, not SQLite's one writer at a time: what two laptops
            # must not both do (claims, the tracker) takes its own lock.
            conn.execute("START TRANSACTION")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction and not conn.raw.closed:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            self._release(conn)

    @contextmanager
    def reading(self) -> Iterator[Connection]:  # type: ignore[override]
        conn = self._acquire()
        try:
            yield conn
        finally:
            try:
                if conn.in_transaction and not conn.raw.closed and not conn.raw.broken:
                    conn.execute("ROLLBACK")  # a read that began one and left on an error
            finally:
                self._release(conn)

    def schema_version(self, conn: Connection) -> int:
        row = conn.execute("SELECT MAX(version) FROM postier_schema").fetchone()
        return int(row[0] or 0) if row else 0

    def _prepare_pg(self, conn: Connection) -> None:
        # READ COMMITTED: each statement after the lock sees what another laptop's migration
        # committed while we waited (a snapshot taken before the lock would not).
        conn.execute("START TRANSACTION")
        try:
            conn.execute("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK,))
            for statement in _PRELUDE:
                conn.execute(statement)
            current = self.schema_version(conn)
            if current > SCHEMA_VERSION:
                raise StorageError("DATABASE_TOO_NEW",
                                   f"The team database {self.describe()} has schema "
                                   f"{current}; this Postier knows {SCHEMA_VERSION}. "
                                   "Nothing was changed.")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        for version in range(current, SCHEMA_VERSION):
            self._migrate_one(conn, version)
        self._fresh = True  # no local backup to take of a server's database
        self._daily_checked = True
        # Every write NOTIFYs the other laptops (team/live.py); idempotent, once a process.
        ensure_triggers(conn)
        self._ready = True

    def _migrate_one(self, conn: Connection, version: int) -> None:
        """One version in one transaction (PostgreSQL's DDL is transactional): a crash
        leaves the schema at the previous version, never half-way."""
        conn.execute("START TRANSACTION")
        try:
            conn.execute("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK,))
            if self.schema_version(conn) == version:  # another laptop may have done it
                for statement in migration_statements(version):
                    conn.execute(statement)
                conn.execute("DELETE FROM postier_schema")
                conn.execute("INSERT INTO postier_schema (version) VALUES (?)", (version + 1,))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


def check_team_database(url: str, password: PasswordSource | None = None) -> dict[str, Any]:
    """``postier db check`` on a team database, read-only: reachable (else StorageError,
    exit 2), made by Postier, at a schema this Postier knows. Its rows' links are the
    server's foreign keys; its backups are its operator's (``db restore`` is for the file)."""
    db = PostgresDatabase(url, password)
    db._ready = True  # a check never migrates nor installs anything
    problems: list[str] = []
    version = 0
    with db.reading() as conn:
        found = conn.execute("SELECT to_regclass('postier_schema') IS NOT NULL").fetchone()
        if found is None or not found[0]:
            problems.append(f"{db.describe()} is not a Postier database (no postier_schema "
                            "table): 'postier db migrate-to' or the app sets one up")
        else:
            version = db.schema_version(conn)
            if version > SCHEMA_VERSION:
                problems.append(f"schema {version} is newer than this Postier's "
                                f"({SCHEMA_VERSION}): update Postier on this computer")
    return {"ok": not problems, "problems": problems, "database": db.describe(),
            "schema": version, "schema_expected": SCHEMA_VERSION}
