"""Recipient groups (named lists of addresses) and address validation for the composer.

CSV import accepts what spreadsheets export: comma, semicolon or tab separated, with or
without a header line, UTF-8 with or without BOM (Excel) or Latin-1 (older Excel in France).
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from dataclasses import dataclass, field
from email.utils import getaddresses, parseaddr
from pathlib import Path

from app.services.storage import Database

# Deliberately simple: one @, a dotted domain, no spaces. The server has the final word;
# this only catches typos such as a missing @ or "jean@gmail" before anything is sent.
_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
_EMAIL_HEADERS = {"email", "e-mail", "mail", "adresse", "adresse e-mail", "adresse email",
                  "courriel", "address", "email address"}
_NAME_HEADERS = {"name", "nom", "full name", "nom complet", "contact"}


def is_valid_address(address: str) -> bool:
    return bool(_ADDRESS.match(address.strip())) and ".." not in address


def split_addresses(text: str) -> tuple[list[str], list[str]]:
    """'a@b.fr, Jean <j@c.fr>; bad' → (['a@b.fr', 'j@c.fr'], ['bad']). Duplicates dropped."""
    valid: list[str] = []
    invalid: list[str] = []
    seen: set[str] = set()
    for part in re.split(r"[;,\n]", text):
        part = part.strip()
        if not part:
            continue
        _, addr = parseaddr(part)
        addr = addr.strip() or part
        if is_valid_address(addr):
            if addr.lower() not in seen:
                seen.add(addr.lower())
                valid.append(addr)
        else:
            invalid.append(part)
    return valid, invalid


@dataclass
class Member:
    address: str
    name: str = ""


@dataclass
class Group:
    id: int
    name: str
    members: list[Member] = field(default_factory=list)


@dataclass
class ImportResult:
    group: Group
    added: int
    skipped: list[tuple[int, str]]  # (line number, text) of lines without a valid address


class GroupError(ValueError):
    """``code``: GROUP_NAME_EMPTY, GROUP_EXISTS or INVALID_EMAIL (the UI words them)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def list_groups(db: Database) -> list[Group]:
    with db.reading() as conn:
        groups = [Group(r["id"], r["name"]) for r in
                  conn.execute("SELECT id, name FROM groups ORDER BY name COLLATE NOCASE")]
        for g in groups:
            g.members = [Member(r["address"], r["name"]) for r in conn.execute(
                "SELECT address, name FROM group_members WHERE group_id = ? ORDER BY address",
                (g.id,))]
    return groups


def get_group(db: Database, name: str) -> Group | None:
    return next((g for g in list_groups(db) if g.name.lower() == name.lower()), None)


def create_group(db: Database, name: str, members: list[Member] | None = None) -> Group:
    name = name.strip()
    if not name:
        raise GroupError("GROUP_NAME_EMPTY", "A group needs a name.")
    try:
        with db.transaction() as conn:
            gid = int(conn.execute("INSERT INTO groups(name) VALUES (?) RETURNING id",
                                   (name,)).fetchone()[0])
            _add(conn, gid, members or [])
    except sqlite3.IntegrityError as exc:
        raise GroupError("GROUP_EXISTS", f"A group named {name!r} already exists.") from exc
    return get_group(db, name)  # type: ignore[return-value]


def _add(conn: sqlite3.Connection, group_id: int, members: list[Member]) -> int:
    added = 0
    for m in members:
        if not is_valid_address(m.address):
            raise GroupError("INVALID_EMAIL", f"Not an e-mail address: {m.address!r}")
        cur = conn.execute("INSERT INTO group_members(group_id, address, name) VALUES (?,?,?) "
                           "ON CONFLICT(group_id, address) DO UPDATE SET name = "
                           "CASE WHEN excluded.name != '' THEN excluded.name"
                           " ELSE group_members.name END",
                           (group_id, m.address.strip(), m.name.strip()))
        added += cur.rowcount
    return added


def add_members(db: Database, group_id: int, members: list[Member]) -> None:
    with db.transaction() as conn:
        _add(conn, group_id, members)


def remove_member(db: Database, group_id: int, address: str) -> None:
    with db.transaction() as conn:
        conn.execute("DELETE FROM group_members WHERE group_id = ? AND address = ?",
                     (group_id, address))


def delete_group(db: Database, group_id: int) -> None:
    with db.transaction() as conn:
        conn.execute("DELETE FROM groups WHERE id = ?", (group_id,))


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def parse_csv(data: bytes) -> tuple[list[Member], list[tuple[int, str]]]:
    """Members found in a CSV file, and the lines skipped (no valid address in them)."""
    # UTF-16 exports (Excel "Unicode text") and stray NUL bytes would stop the csv module.
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
    else:
        text = _decode(data)
    text = text.replace("\x00", "")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";" if text.count(";") > text.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=None), delimiter=delimiter))
    except csv.Error:  # not CSV at all (a binary file picked by mistake): line by line
        rows = [line.split(delimiter) for line in text.splitlines()]
    email_col = name_col = None
    start = 0
    if rows:
        header = [c.strip().lower() for c in rows[0]]
        email_col = next((i for i, c in enumerate(header) if c in _EMAIL_HEADERS), None)
        name_col = next((i for i, c in enumerate(header) if c in _NAME_HEADERS), None)
        start = 1 if email_col is not None else 0
    members: list[Member] = []
    skipped: list[tuple[int, str]] = []
    for number, row in enumerate(rows[start:], start=start + 1):
        if not any(c.strip() for c in row):
            continue
        member = _member_from_row(row, email_col, name_col)
        if member is None:
            skipped.append((number, delimiter.join(row)))
        else:
            members.append(member)
    return members, skipped


def _member_from_row(row: list[str], email_col: int | None,
                     name_col: int | None) -> Member | None:
    cells = [c.strip() for c in row]
    if email_col is not None:
        address = cells[email_col] if email_col < len(cells) else ""
        name = cells[name_col] if name_col is not None and name_col < len(cells) else ""
        _, parsed = parseaddr(address)
        return Member(parsed, name) if is_valid_address(parsed) else None
    # No header: the first cell holding an address is it; another cell is the name.
    for i, cell in enumerate(cells):
        found = [a for _, a in getaddresses([cell]) if is_valid_address(a)]
        if found:
            others = [c for j, c in enumerate(cells) if j != i and c]
            return Member(found[0], others[0] if others else "")
    return None


def import_csv(db: Database, name: str, source: Path | bytes) -> ImportResult:
    """Create (or extend) the group ``name`` with the addresses of a CSV file."""
    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else source
    members, skipped = parse_csv(data)
    group = get_group(db, name) or create_group(db, name)
    before = len(group.members)
    add_members(db, group.id, members)
    group = get_group(db, name)  # type: ignore[assignment]
    return ImportResult(group=group, added=len(group.members) - before, skipped=skipped)
