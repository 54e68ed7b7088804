"""The team database's change notifications: a statement-level trigger on each shared table
NOTIFYs channel ``postier_changes`` with the table's name, so every writer (this version's
GUI and CLI, ``postier db migrate-to``, a script of the IT provider) is heard by the other
laptops (team/live.py listens), with nothing to remember in the write paths.
"""

from __future__ import annotations

from typing import Any

CHANNEL = "postier_changes"
WATCHED_TABLES = ("messages", "recipients", "events", "accounts")

# Idempotent (CREATE OR REPLACE): the PostgreSQL-only migration step runs it, and
# ``install_triggers`` can run it again on a database migrated by an older Postier.
TRIGGERS_SQL = [
    f"""CREATE OR REPLACE FUNCTION postier_notify_change() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME);
            RETURN NULL;
        END $$""",
    *(f"CREATE OR REPLACE TRIGGER postier_notify_{table} AFTER INSERT OR UPDATE OR DELETE"
      f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION postier_notify_change()"
      for table in WATCHED_TABLES),
]


def install_triggers(conn: Any) -> None:
    """Create (or replace) the NOTIFY triggers; ``conn`` is any DB-API connection or
    cursor-like object to the team database with ``execute``."""
    for statement in TRIGGERS_SQL:
        conn.execute(statement)


def ensure_triggers(conn: Any) -> bool:
    """Install the triggers unless they are there (True when it installed them). Run by
    the PostgreSQL engine once per process after its migrations, outside any transaction;
    two laptops starting at once take turns on an advisory lock."""
    if triggers_installed(conn):
        return False
    conn.execute("BEGIN")
    try:
        conn.execute(f"SELECT pg_advisory_xact_lock({_INSTALL_LOCK})")
        installed = triggers_installed(conn)
        if not installed:
            install_triggers(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return not installed


_INSTALL_LOCK = 0x506F73744E  # "PostN": apart from the migration lock and the leases


def triggers_installed(conn: Any) -> bool:
    found = conn.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'postier_notify_%'"
                         " AND NOT tgisinternal").fetchone()[0]
    return int(found) >= len(WATCHED_TABLES)
