"""The choices the filter bar offers over the sent table: the accounts that appear in it
(``account_emails``) and the people who sent from it (``sender_names``), each read by a
walk along the column's index rather than DISTINCT over every message.
"""

from __future__ import annotations

from app.services.storage import Database


def _walk(column: str, floor: str = "") -> str:
    """SQL for the distinct non-null values of ``messages.<column>``, ascending, from the
    first one that meets ``floor`` (an SQL condition on the column; none: from the
    smallest). DISTINCT would read the whole index (100k entries, ~40 ms on the GUI
    thread at start-up); this seeks from one value to the next: a few look-ups per value.
    ``column`` and ``floor`` are this module's constants, never user input."""
    first = f"SELECT MIN({column}) FROM messages" + (f" WHERE {floor}" if floor else "")
    return (f"WITH RECURSIVE seen(found) AS ({first}"
            f" UNION ALL SELECT (SELECT MIN({column}) FROM messages"
            f"                   WHERE {column} > seen.found)"
            " FROM seen WHERE seen.found IS NOT NULL) "
            "SELECT found FROM seen WHERE found IS NOT NULL")


def account_emails(db: Database) -> list[str]:
    """Accounts that appear in the table (configured ones and those since removed)."""
    with db.reading() as conn:
        rows = conn.execute(_walk("account_email")
                            + " UNION SELECT email FROM accounts ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def sender_names(db: Database) -> list[str]:
    """Everyone who sent something (the "sent by" filter's choices), by name."""
    with db.reading() as conn:
        rows = conn.execute(_walk("sent_by", "sent_by > ''")).fetchall()
    return [r[0] for r in rows]
