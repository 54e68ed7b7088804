"""Account records (no secret: passwords and tokens are the keyring's, credentials.py)."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, fields
from typing import Any

from app.services.storage.failures import StorageError
from app.services.storage.sqlite import Database, utcnow


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
