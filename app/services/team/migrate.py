"""``postier db migrate-to URL``: copy this laptop's history into the team database.

What moves: the accounts' settings (rows only: passwords and tokens stay in this user's
keyring, the team database never sees them), the recipient groups (a group the team already
has, by name, gains the members it lacks), the sent messages, their recipients and their
events (the timelines). What stays: this laptop's own preferences (the settings table:
window size, notification rules, quiet hours) and the raw reports the tracker read (inbound),
which the team's own watcher reads again from the mailbox if needed.

Why it is safe to interrupt (kill -9, a lost network, a closed lid):
* the source is only read: the local file is never changed (nor deleted afterwards);
* each batch of messages is copied with its recipients and events in one transaction of the
  team database, so a message is there whole or not at all;
* a message already there (same Message-ID) is skipped, so running it again
  resumes where it stopped and a second run copies nothing (``skipped`` counts them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.services.history.message_store import sender_name
from app.services.storage import (
    Account,
    Database,
    StorageError,
    database_for,
    is_team_url,
    open_database,
)
from app.services.team.connection import keyring_password

BATCH = 200  # messages per transaction: small enough to resume cheaply, big enough to be fast
MAX_BATCH = 5000  # the local read's IN (…) stays under SQLite's 32,766 parameters

# (messages done, messages in all): the CLI prints it, the GUI moves a progress bar with it.
Progress = Callable[[int, int], None]

_ACCOUNT_COLUMNS = [f.name for f in fields(Account) if f.name != "id"]
_MESSAGE_COLUMNS = ("account_email", "message_id", "envid", "from_addr", "subject",
                    "body_text", "body_html", "raw", "state", "smtp_reply", "attempts",
                    "created_at", "sent_at", "next_attempt_at", "scheduled_at", "give_up_at",
                    "dsn_requested", "mdn_requested", "is_test", "error", "claimed_at",
                    "claimed_by", "sent_by")
_RECIPIENT_COLUMNS = ("address", "kind", "status", "reason", "detail", "updated_at", "to_send")
_EVENT_COLUMNS = ("at", "status", "source", "reason", "detail", "applied")


@dataclass
class MigrationReport:
    """CLI.md's ``db migrate-to --json`` counts (what this run copied) plus what it found."""

    messages: int = 0
    recipients: int = 0
    events: int = 0
    skipped: int = 0  # messages already in the team database (an earlier run, a colleague)
    accounts: int = 0  # account rows added (an address the team had already is kept as is)
    groups: int = 0  # recipient groups added (members are added to existing ones too)
    total: int = 0  # messages on this laptop
    target: str = ""  # the team database, without its password

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def text(self) -> str:
        return (f"{self.messages} messages ({self.recipients} recipients, {self.events} "
                f"events) copied to {self.target}; {self.skipped} already there; "
                f"{self.accounts} accounts added.")


def migrate(source: Path, target_url: str, *, display_name: str | None = None,
            batch: int = BATCH, progress: Progress | None = None) -> MigrationReport:
    """Copy the SQLite file at ``source`` into the database at ``target_url``."""
    target = open_database(target_url, password=keyring_password)
    report = MigrationReport(target=target.describe())
    if not Path(source).exists():  # nothing was ever stored on this laptop
        return report
    local = database_for(Path(source))
    who = sender_name(display_name)  # history from before 'sent by' existed was sent here
    accounts = _copy_accounts(local, target, report)
    _copy_groups(local, target, report)
    with local.reading() as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM messages ORDER BY id").fetchall()]
    report.total = len(ids)
    if progress:
        progress(0, len(ids))
    batch = min(max(batch, 1), MAX_BATCH)
    for start in range(0, len(ids), batch):
        _copy_batch(local, target, ids[start:start + batch], accounts, who, report)
        if progress:
            progress(min(start + batch, len(ids)), len(ids))
    return report


def _copy_accounts(local: Database, target: Database, report: MigrationReport
                   ) -> dict[str, int]:
    """Accounts by address, added when the team does not have them yet (a colleague's
    settings for the same shared address win); {email (lower case): team account id}."""
    with local.reading() as conn:
        rows = conn.execute("SELECT * FROM accounts ORDER BY id").fetchall()
        images = {r["id"]: conn.execute("SELECT cid, content_type, data FROM signature_images"
                                        " WHERE account_id = ?", (r["id"],)).fetchall()
                  for r in rows}
    placeholders = ", ".join("?" for _ in _ACCOUNT_COLUMNS)
    with target.transaction() as conn:
        for row in rows:
            added = conn.execute(
                f"INSERT INTO accounts ({', '.join(_ACCOUNT_COLUMNS)}) VALUES ({placeholders})"
                " ON CONFLICT (email) DO NOTHING RETURNING id",
                [row[c] for c in _ACCOUNT_COLUMNS]).fetchone()
            if added is None:
                continue
            report.accounts += 1
            conn.executemany("INSERT INTO signature_images (account_id, cid, content_type, data)"
                             " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                             [(added[0], cid, kind, bytes(data))
                              for cid, kind, data in images[row["id"]]])
        found = conn.execute("SELECT id, email FROM accounts").fetchall()
    return {email.lower(): account_id for account_id, email in found}


def _copy_groups(local: Database, target: Database, report: MigrationReport) -> None:
    with local.reading() as conn:
        groups = conn.execute("SELECT id, name FROM groups ORDER BY id").fetchall()
        members = conn.execute("SELECT group_id, address, name FROM group_members").fetchall()
    with target.transaction() as conn:
        for group_id, name in groups:
            added = conn.execute("INSERT INTO groups (name) VALUES (?) ON CONFLICT (name)"
                                 " DO NOTHING RETURNING id", (name,)).fetchone()
            report.groups += added is not None
            team_id = added[0] if added else conn.execute(
                "SELECT id FROM groups WHERE name = ?", (name,)).fetchone()[0]
            conn.executemany("INSERT INTO group_members (group_id, address, name)"
                             " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                             [(team_id, m[1], m[2]) for m in members if m[0] == group_id])


def _copy_batch(local: Database, target: Database, ids: list[int], accounts: dict[str, int],
                who: str, report: MigrationReport) -> None:
    """One batch in one transaction of the team database, in a handful of statements (not a
    few per message: over a VPN each one is a round trip)."""
    marks = ", ".join("?" for _ in ids)
    with local.reading() as conn:
        messages = conn.execute(f"SELECT * FROM messages WHERE id IN ({marks}) ORDER BY id",
                                ids).fetchall()
        recipients = conn.execute(f"SELECT * FROM recipients WHERE message_id IN ({marks})"
                                  " ORDER BY id", ids).fetchall()
        events = conn.execute(
            "SELECT e.* FROM events e JOIN recipients r ON r.id = e.recipient_id"
            f" WHERE r.message_id IN ({marks}) ORDER BY e.id", ids).fetchall()
        resent = _resent_keys(conn, [m["resend_of"] for m in messages if m["resend_of"]])
    with target.transaction() as conn:
        there = _present(conn, [m["message_id"] for m in messages])
        todo = [m for m in messages if m["message_id"] not in there]
        new_ids = _insert_messages(conn, todo, accounts, who)  # local id -> team id
        wanted = [r for r in recipients if r["message_id"] in new_ids]
        rids = _insert_rows(conn, "recipients", "message_id", _RECIPIENT_COLUMNS,
                            [(new_ids[r["message_id"]], r) for r in wanted],
                            ("message_id", "address"))
        local_rids = {r["id"]: rids[(new_ids[r["message_id"]], r["address"])] for r in wanted}
        timeline = [e for e in events if e["recipient_id"] in local_rids]
        _insert_rows(conn, "events", "recipient_id", _EVENT_COLUMNS,
                     [(local_rids[e["recipient_id"]], e) for e in timeline], None)
        for m in todo:  # a resend points at its original's recipient (ids differ here)
            original = _team_recipient(conn, resent.get(m["resend_of"]))
            if original is not None:
                conn.execute("UPDATE messages SET resend_of = ? WHERE id = ?",
                             (original, new_ids[m["id"]]))
    # Counted once the batch is committed: a failed batch copied nothing.
    report.messages += len(todo)
    report.recipients += len(wanted)
    report.events += len(timeline)
    report.skipped += len(messages) - len(todo)


def _present(conn: Any, message_ids: list[str]) -> set[str]:
    """The Message-IDs (unique, and made with the sending account's domain) of these
    messages already in the team database."""
    if not message_ids:
        return set()
    marks = ", ".join("?" for _ in message_ids)
    rows = conn.execute(f"SELECT message_id FROM messages WHERE message_id IN ({marks})",
                        message_ids).fetchall()
    return {r[0] for r in rows}


def _insert_messages(conn: Any, messages: list[Any], accounts: dict[str, int],
                     who: str) -> dict[int, int]:
    if not messages:
        return {}
    columns = ("account_id", *_MESSAGE_COLUMNS)
    rows = []
    for m in messages:
        values = [accounts.get(m["account_email"].lower()), *(m[c] for c in _MESSAGE_COLUMNS)]
        values[columns.index("sent_by")] = m["sent_by"] or who
        rows.append(values)
    one = "(" + ", ".join("?" for _ in columns) + ")"
    by_key: dict[str, int] = {}
    per = 30000 // len(columns)  # under both engines' limits on parameters
    for start in range(0, len(rows), per):
        chunk = rows[start:start + per]
        found = conn.execute(f"INSERT INTO messages ({', '.join(columns)}) VALUES "
                             + ", ".join(one for _ in chunk) + " RETURNING id, message_id",
                             [v for row in chunk for v in row]).fetchall()
        by_key.update({r[1]: r[0] for r in found})
    return {m["id"]: by_key[m["message_id"]] for m in messages}


def _insert_rows(conn: Any, table: str, parent: str, columns: tuple[str, ...],
                 rows: list[tuple[int, Any]], key: tuple[str, str] | None
                 ) -> dict[tuple[Any, Any], int]:
    """Multi-row INSERTs (chunks under both engines' parameter limits); with ``key``, the
    new ids by those two columns' values."""
    out: dict[tuple[Any, Any], int] = {}
    names = (parent, *columns)
    one = "(" + ", ".join("?" for _ in names) + ")"
    per = max(1, 30000 // len(names))
    for start in range(0, len(rows), per):
        chunk = rows[start:start + per]
        sql = (f"INSERT INTO {table} ({', '.join(names)}) VALUES "
               + ", ".join(one for _ in chunk))
        params = [v for parent_id, row in chunk for v in (parent_id, *(row[c] for c in columns))]
        if key is None:
            conn.execute(sql, params)
            continue
        for r in conn.execute(sql + f" RETURNING id, {key[0]}, {key[1]}", params).fetchall():
            out[(r[1], r[2])] = r[0]
    return out


def _resent_keys(conn: Any, recipient_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Local recipient id → (Message-ID, address): how a resend finds its original's
    recipient again in the team database, where ids differ."""
    if not recipient_ids:
        return {}
    marks = ", ".join("?" for _ in recipient_ids)
    rows = conn.execute("SELECT r.id, m.message_id, r.address FROM recipients r JOIN messages m"
                        f" ON m.id = r.message_id WHERE r.id IN ({marks})",
                        recipient_ids).fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


def _team_recipient(conn: Any, key: tuple[str, str] | None) -> int | None:
    if key is None:
        return None
    row = conn.execute("SELECT r.id FROM recipients r JOIN messages m ON m.id = r.message_id"
                       " WHERE m.message_id = ? AND r.address = ?", key).fetchone()
    return int(row[0]) if row else None


def check_target(url: str) -> None:
    """Refuse what ``migrate`` cannot use before touching anything: not a team URL, or a
    password written in it (passwords stay in the keyring, PGPASSWORD or ~/.pgpass)."""
    if not is_team_url(url):
        raise StorageError("DATABASE_ERROR", "The team database must be a postgresql:// URL, "
                           "e.g. postgresql://anne@db.exemple.fr/postier.")
    if urlsplit(url).password is not None:
        raise StorageError("DATABASE_ERROR", "Do not write the password in the URL (it would "
                           "stay in the shell's history): save it in Accounts → Team database "
                           "(this computer's keyring) or set PGPASSWORD for this command.")
