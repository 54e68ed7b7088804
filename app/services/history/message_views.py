"""Read-only views over sent messages for the table, the details panel and CSV export.

One row per (message, recipient). Sorting and filtering run over ``ViewIndex``, an
in-memory copy of each row's sort and search keys kept current incrementally: ``view_ids``
returns only the ordered recipient ids of the filtered view (a few MB at 100k rows); the
table then asks ``fetch_rows`` for the pages it actually paints.
No Qt here: the CLI, the GUI and the benchmark all use these functions.
"""

from __future__ import annotations

import bisect
import csv
import sqlite3
import threading
import unicodedata
import weakref
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

from app.services.history.message_status import (
    SEVERITY_RANK,
    STATUS_SEVERITY,
    reason_label,
    status_label,
)
from app.services.storage import Database
from app.services.translation import N_, gettext

_ROW_SELECT = """
SELECT r.id AS recipient_id, m.id AS message_id, m.created_at, m.sent_at, m.scheduled_at,
       r.status, m.subject, m.account_email AS account, r.address AS recipient, r.kind,
       r.reason, r.detail,
       r.updated_at, m.resend_of, m.from_addr, m.message_id AS header_message_id, m.state,
       m.is_test, m.sent_by
FROM recipients r JOIN messages m ON m.id = r.message_id
"""


@dataclass(frozen=True)
class ViewFilter:
    """What the user narrowed the table to. Dates are aware datetimes (any zone)."""

    statuses: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    date_from: datetime | None = None
    date_to: datetime | None = None
    text: str = ""
    senders: tuple[str, ...] = ()  # "sent by" (team mode): who wrote it


@dataclass
class MessageRow:
    recipient_id: int
    message_id: int
    created_at: str
    sent_at: str | None
    scheduled_at: str | None
    status: str
    subject: str
    account: str
    recipient: str
    kind: str
    reason: str | None
    detail: str | None
    updated_at: str
    resend_of: int | None
    from_addr: str = ""
    header_message_id: str = ""  # the Message-ID header, for support and scripts
    state: str = ""  # the message's outbox state (queued, sent, failed…)
    is_test: int = 0
    sent_by: str = ""  # who sent it: OS login or chosen display name (team mode)

    @property
    def date(self) -> str:
        """The date shown: when it left, else when it was written."""
        return self.sent_at or self.created_at


@dataclass
class Event:
    id: int
    at: str
    status: str
    source: str
    reason: str | None
    detail: str | None
    applied: bool = True  # False: a weaker signal that came after a final status


@dataclass
class RecipientInfo:
    id: int
    address: str
    kind: str
    status: str
    reason: str | None
    detail: str | None
    events: list[Event] = field(default_factory=list)


@dataclass
class MessageDetails:
    message_id: int
    header_message_id: str
    account: str
    from_addr: str
    subject: str
    body_text: str
    body_html: str | None
    created_at: str
    sent_at: str | None
    scheduled_at: str | None
    state: str
    smtp_reply: str | None
    headers: list[tuple[str, str]]
    recipients: list[RecipientInfo]
    selected: RecipientInfo
    resend_of: int | None  # recipients.id this message was a resend of
    resent_as: list[tuple[int, str, str]]  # (message id, address, status) of later resends


def _utc_iso(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.astimezone()  # naive means local time, as the user typed it
    return value.astimezone(UTC).isoformat(timespec="seconds")


# Columns the view sorts on. Ties are always newest first (then the newest row id), so equal
# subjects, statuses or recipients read as a history whichever way the column is sorted.
SORT_COLUMNS: tuple[str, ...] = ("date", "status", "subject", "account", "recipient",
                                 "sent_by")

# Letters that NFKD does not take apart but that a French user types without: "oeuvre" must
# find "Œuvre"; typographic apostrophes match the keyboard's.
_FOLD_EXTRA = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "ı": "i",
                             "’": "'", "‘": "'", "ʼ": "'"})


def _slow_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD_EXTRA))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Folding through NFKD costs ~8 µs a string; the Latin letters French (and most European
# languages) use are folded by one translate() instead, ~20x faster (100k rows in ~0.1 s).
_LATIN_END = "\u0250"
_FOLD_TABLE = {c: _slow_fold(chr(c)) for c in range(0x41, 0x250)
               if _slow_fold(chr(c)) != chr(c)}


def fold(text: str) -> str:
    """Case and accents folded for search and sorting: 'Échéancier' → 'echeancier',
    'BÛCHE' → 'buche', 'Œuf' → 'oeuf', 'Straße' → 'strasse'."""
    if text.isascii():
        return text.lower()
    out = text.translate(_FOLD_TABLE)
    if out.isascii() or max(out) < _LATIN_END:
        return out
    return _slow_fold(out)


class StatusCounts(dict):
    """{status: rows} within a filter, plus ``messages``: how many distinct messages those
    rows belong to (a message to three recipients is three rows)."""

    messages: int = 0


class ViewIndex:
    """Every row's sort and search keys, in memory, kept current incrementally.

    Why not SQL: at 100 000 rows each sort over the messages ⋈ recipients join costs
    0.2-0.4 s in SQLite (an index walk plus a look-up per row), and SQLite cannot fold
    accents without a Python function called per row (slower still). Here a sort is one
    ``list.sort`` over precomputed keys (tens of ms, cached until the data changes) and a
    search is a substring test over folded text. Rows are only ever appended and their
    status changes through an event, so a refresh reads new recipients (id > last) and the
    recipients of new events; anything else (rows removed) rebuilds the index.
    Thread-safe: the GUI's workers and the CLI share it through ``index_for``."""

    def __init__(self, db: Database) -> None:
        # Weak: the index lives as long as its Database (index_for's map is weak-keyed).
        self._db = weakref.ref(db)
        self._lock = threading.Lock()
        self._clear()

    def _clear(self) -> None:
        # Parallel lists indexed by position; positions follow recipient id ascending.
        self.rid: list[int] = []
        self.mid: list[int] = []  # message id: the counters say how many messages too
        self.created: list[str] = []
        self.status: list[str] = []
        self.rank: list[int] = []
        self.account: list[str] = []
        self.sent_by: list[str] = []
        self.sent_by_key: list[str] = []
        self.account_key: list[str] = []
        self.subject_key: list[str] = []
        self.recipient_key: list[str] = []
        self.text: list[str] = []  # folded subject, recipient, account and sender
        self._same: dict[str, str] = {}
        self.max_event = 0
        self._orders: dict[tuple[str, bool], list[int]] = {}
        self._id_orders: dict[tuple[str, bool], list[int]] = {}
        self._all_counts: StatusCounts | None = None
        self._ranks: dict[str, list[float]] = {}
        self._places: dict[str, dict[str, float]] = {}
        self._distinct: dict[str, list[str]] = {}
        self._interned: dict[str, str] = {}

    @property
    def loaded(self) -> bool:
        return bool(self.rid) or self.max_event > 0

    # -- keeping current -------------------------------------------------------------
    def refresh(self) -> None:
        with self._lock:
            self._refresh()

    def _refresh(self) -> None:
        db = self._db()
        if db is None:
            return
        with db.reading() as conn:
            conn.execute("BEGIN")  # one snapshot: no event slips between the two reads
            try:
                count, max_rid, max_event = conn.execute(
                    "SELECT (SELECT COUNT(*) FROM recipients), "
                    "(SELECT COALESCE(MAX(id), 0) FROM recipients), "
                    "(SELECT COALESCE(MAX(id), 0) FROM events)").fetchone()
                last_rid = self.rid[-1] if self.rid else 0
                if max_rid < last_rid or count < len(self.rid):
                    self._clear()  # rows went away: start again
                    last_rid = 0
                if max_event > self.max_event and self.rid:
                    self._update_statuses(conn, self.max_event)
                if max_rid > last_rid:
                    self._append(conn, last_rid)
                self.max_event = max_event
                if len(self.rid) != count:  # a row removed and another added: rebuild
                    self._clear()
                    self._append(conn, 0)
                    self.max_event = max_event
            finally:
                conn.execute("COMMIT")

    def _append(self, conn: sqlite3.Connection, after: int) -> None:
        rows = conn.execute(
            "SELECT r.id, r.message_id, r.status, r.address, m.created_at, m.subject, "
            "m.account_email, m.from_addr, m.sent_by FROM recipients r JOIN messages m "
            "ON m.id = r.message_id WHERE r.id > ? ORDER BY r.id", (after,)).fetchall()
        if not rows:
            return
        columns = zip(*rows, strict=True)
        rids, mids, statuses, addresses, created, subjects, accounts, senders, people = columns
        interned = self._interned

        def few(value: str) -> str:  # accounts and senders: a handful, folded once each
            found = interned.get(value)
            if found is None:
                found = interned[value] = fold(value)
            return found

        same = self._same  # one string object per distinct status/account: ~10 MB at 100k

        def shared(value: str) -> str:
            return same.setdefault(value, value)

        start = len(self.rid)
        self.rid.extend(rids)
        self.mid.extend(mids)
        self.created.extend(created)
        self.status.extend(map(shared, statuses))
        worst = len(STATUS_SEVERITY)
        self.rank.extend(SEVERITY_RANK.get(s, worst) for s in statuses)
        self.account.extend(map(shared, accounts))
        self.sent_by.extend(map(shared, people))
        people_keys = list(map(few, people))
        self.sent_by_key.extend(people_keys)
        account_keys = list(map(few, accounts))
        subject_keys = [fold(s or "") for s in subjects]
        recipient_keys = list(map(fold, addresses))
        self.account_key.extend(account_keys)
        self.subject_key.extend(subject_keys)
        self.recipient_key.extend(recipient_keys)
        self.text.extend(map("\n".join, zip(subject_keys, recipient_keys, account_keys,
                                             map(few, senders), people_keys, strict=True)))
        self._orders.clear()
        self._id_orders.clear()
        self._all_counts = None
        for column in list(self._ranks):
            self._extend_rank(column, start)

    def _update_statuses(self, conn: sqlite3.Connection, since_event: int) -> None:
        moved = False
        for rid, status in conn.execute(
                "SELECT id, status FROM recipients WHERE id IN "
                "(SELECT DISTINCT recipient_id FROM events WHERE id > ?)", (since_event,)):
            p = bisect.bisect_left(self.rid, rid)  # ids ascending: no id → position map
            if p < len(self.rid) and self.rid[p] == rid and self.status[p] != status:
                self.status[p] = self._same.setdefault(status, status)
                self.rank[p] = SEVERITY_RANK.get(status, len(STATUS_SEVERITY))
                moved = True
        if moved:
            self._all_counts = None
            for key in [k for k in self._orders if k[0] == "status"]:
                del self._orders[key]
                self._id_orders.pop(key, None)

    # -- views -----------------------------------------------------------------------------
    def _order(self, sort: str, descending: bool) -> list[int]:
        """Positions of every row in display order (cached until the data changes)."""
        key = (sort, descending)
        order = self._orders.get(key)
        if order is not None:
            return order
        if sort == "date":
            base = self._orders.get(("date", True))
            if base is None:
                # Positions follow ascending ids: start from the newest id, then a stable
                # sort by date keeps equal dates newest id first.
                base = list(range(len(self.rid) - 1, -1, -1))
                base.sort(key=self.created.__getitem__, reverse=True)
                self._orders[("date", True)] = base
            order = base if descending else base[::-1]
        else:
            keys = self.rank if sort == "status" else self._text_rank(sort)
            # Status descending = most severe first (rank 0 is the most severe), as date
            # descending = newest first.
            reverse = (not descending) if sort == "status" else descending
            order = list(self._order("date", True))
            # Stable, also with reverse=True: equal keys stay newest first.
            order.sort(key=keys.__getitem__, reverse=reverse)
        self._orders[key] = order
        return order

    def _keys(self, column: str) -> list[str]:
        return {"subject": self.subject_key, "account": self.account_key,
                "recipient": self.recipient_key, "sent_by": self.sent_by_key}[column]

    def _text_rank(self, column: str) -> list[float]:
        """Each row's place among the column's distinct folded values: sorting 100k numbers
        takes ~30 ms where comparing the strings themselves takes ~160 ms."""
        ranks = self._ranks.get(column)
        if ranks is None:
            keys = self._keys(column)
            distinct = sorted(set(keys))
            place: dict[str, float] = {k: float(i) for i, k in enumerate(distinct)}
            self._distinct[column], self._places[column] = distinct, place
            ranks = self._ranks[column] = list(map(place.__getitem__, keys))
        return ranks

    def _extend_rank(self, column: str, start: int) -> None:
        """New rows' places without re-sorting everything: a value not seen yet gets the
        midpoint between its neighbours (a live update appends a few rows at a time)."""
        keys, place, distinct = self._keys(column), self._places[column], self._distinct[column]
        for key in keys[start:]:
            if key in place:
                continue
            at = bisect.bisect_left(distinct, key)
            low = place[distinct[at - 1]] if at > 0 else -1.0
            high = place[distinct[at]] if at < len(distinct) else low + 2.0
            middle = (low + high) / 2
            if not low < middle < high or len(keys) - start > 5000:
                del self._ranks[column]  # out of room (or a bulk load): rebuild when needed
                return
            distinct.insert(at, key)
            place[key] = middle
        self._ranks[column].extend(map(place.__getitem__, keys[start:]))

    def warm(self) -> None:
        """Build everything a first sort would (in the background, right after start-up):
        the index and every column's order both ways (~1 MB per order at 100k rows)."""
        with self._lock:
            self._refresh()
            for column in SORT_COLUMNS:
                for descending in (True, False):
                    self._id_orders[(column, descending)] = list(
                        map(self.rid.__getitem__, self._order(column, descending)))

    def _narrow(self, positions: list[int], flt: ViewFilter) -> list[int]:
        """``positions`` kept by the filter's account, period and text parts (in order)."""
        out = positions
        if flt.accounts:
            wanted = set(flt.accounts)
            account = self.account
            out = [p for p in out if account[p] in wanted]
        if flt.senders:
            people = set(flt.senders)
            sent_by = self.sent_by
            out = [p for p in out if sent_by[p] in people]
        created = self.created
        if flt.date_from is not None:
            low = _utc_iso(flt.date_from)
            out = [p for p in out if created[p] >= low]
        if flt.date_to is not None:
            high = _utc_iso(flt.date_to)
            out = [p for p in out if created[p] < high]
        text = self.text
        for word in fold(flt.text).split():  # every word somewhere in the row
            out = [p for p in out if word in text[p]]
        return out

    def query(self, flt: ViewFilter, sort: str = "date", descending: bool = True,
              *, refresh: bool = True) -> tuple[list[int], StatusCounts]:
        """(recipient ids in display order, {status: count}) for the filter; the counts
        ignore the filter's status part (the counters show what else there is)."""
        if sort not in SORT_COLUMNS:
            raise ValueError(f"unknown sort column {sort!r}")
        with self._lock:
            if refresh:
                self._refresh()
            order = self._order(sort, descending)
            narrowed = self._narrow(order, flt)
            status = self.status
            # map() over bound methods runs in C: ~5x faster than a generator at 100k rows.
            if narrowed is not order:
                counts = StatusCounts(Counter(map(status.__getitem__, narrowed)))
                counts.messages = len(set(map(self.mid.__getitem__, narrowed)))
            else:
                if self._all_counts is None:
                    self._all_counts = StatusCounts(Counter(status))
                    self._all_counts.messages = len(set(self.mid))
                counts = StatusCounts(self._all_counts)
                counts.messages = self._all_counts.messages
            if flt.statuses:
                wanted = set(flt.statuses)
                narrowed = [p for p in narrowed if status[p] in wanted]
            if narrowed is order:  # no filter: the column's ids are cached, a copy is 1 ms
                ids = self._id_orders.get((sort, descending))
                if ids is None:
                    ids = self._id_orders[(sort, descending)] = list(
                        map(self.rid.__getitem__, order))
                return list(ids), counts
            return list(map(self.rid.__getitem__, narrowed)), counts


_INDEXES: weakref.WeakKeyDictionary[Database, ViewIndex] = weakref.WeakKeyDictionary()
_INDEXES_LOCK = threading.Lock()


def index_for(db: Database) -> ViewIndex:
    """The shared index of ``db`` (built on first use, then kept current)."""
    with _INDEXES_LOCK:
        index = _INDEXES.get(db)
        if index is None:
            index = _INDEXES[db] = ViewIndex(db)
        return index


def view_ids(db: Database, flt: ViewFilter = ViewFilter(), sort: str = "date",
             descending: bool = True) -> list[int]:
    """Recipient ids of the filtered view, in display order."""
    return index_for(db).query(flt, sort, descending)[0]


def view_and_counts(db: Database, flt: ViewFilter = ViewFilter(), sort: str = "date",
                    descending: bool = True) -> tuple[list[int], StatusCounts]:
    """``view_ids`` and ``status_counts`` from one consistent read."""
    return index_for(db).query(flt, sort, descending)


def first_screen_ids(db: Database, limit: int) -> list[int]:
    """The newest ``limit`` rows of the unfiltered view, straight from the date index (a few
    ms at any size): the table shows them while the index is being built. Same order as
    ``view_ids(db)``: created_at descending, then id descending."""
    with db.reading() as conn:
        return [row[0] for row in conn.execute(
            "SELECT r.id FROM messages m JOIN recipients r ON r.message_id = m.id "
            "ORDER BY m.created_at DESC, r.id DESC LIMIT ?", (limit,))]


def _to_row(row: sqlite3.Row) -> MessageRow:
    return MessageRow(**dict(zip(row.keys(), row, strict=True)))


def fetch_rows(db: Database, ids: Sequence[int]) -> dict[int, MessageRow]:
    """Row contents for these recipient ids (any order), keyed by recipient id."""
    out: dict[int, MessageRow] = {}
    with db.reading() as conn:
        for start in range(0, len(ids), 500):  # SQLite caps the number of parameters
            chunk = list(ids[start:start + 500])
            sql = _ROW_SELECT + f" WHERE r.id IN ({', '.join('?' for _ in chunk)})"
            for row in conn.execute(sql, chunk):
                out[row["recipient_id"]] = _to_row(row)
    return out


def fetch_events(db: Database, ids: Sequence[int]) -> dict[int, list[Event]]:
    """Each recipient's timeline (oldest first), keyed by recipient id."""
    out: dict[int, list[Event]] = {rid: [] for rid in ids}
    with db.reading() as conn:
        for start in range(0, len(ids), 500):
            chunk = list(ids[start:start + 500])
            for e in conn.execute(
                    "SELECT * FROM events WHERE recipient_id IN "
                    f"({', '.join('?' for _ in chunk)}) ORDER BY at, id", chunk):
                out[e["recipient_id"]].append(Event(e["id"], e["at"], e["status"], e["source"],
                                                    e["reason"], e["detail"],
                                                    bool(e["applied"])))
    return out


@dataclass
class ListedRow:
    """A row of the view with its timeline: what ``postier messages`` prints."""

    row: MessageRow
    events: list[Event]

    def to_dict(self) -> dict[str, Any]:
        """CLI.md's ``messages`` shape (its keys first, then extra keys for support)."""
        r = self.row
        return {
            "id": r.message_id, "date": r.date, "account": r.account, "from": r.from_addr,
            "to": r.recipient, "subject": r.subject, "status": r.status,
            "message_id": r.header_message_id,
            "events": [{"at": e.at, "status": e.status, "detail": e.detail or "",
                        "source": e.source, "reason": e.reason, "applied": e.applied}
                       for e in self.events],
            "recipient_id": r.recipient_id, "kind": r.kind, "reason": r.reason,
            "detail": r.detail, "state": r.state, "test": bool(r.is_test),
            "updated_at": r.updated_at, "sent_by": r.sent_by,
        }


def listing(db: Database, flt: ViewFilter = ViewFilter(), sort: str = "date",
            descending: bool = True, limit: int | None = None) -> list[ListedRow]:
    """The first ``limit`` rows of the view (all without a limit) with their timelines.

    The same index, filter and order as the window's table (``view_ids``), so the CLI
    lists exactly what the GUI shows for the same filter."""
    ids = view_ids(db, flt, sort, descending)
    if limit is not None:
        ids = ids[:max(limit, 0)]
    rows = fetch_rows(db, ids)
    events = fetch_events(db, ids)
    return [ListedRow(rows[rid], events[rid]) for rid in ids if rid in rows]


def status_counts(db: Database, flt: ViewFilter = ViewFilter()) -> dict[str, int]:
    """How many rows per status within the filter, ignoring its status part: the counters
    tell what there is to look at, including the statuses not selected right now."""
    return index_for(db).query(flt)[1]


def account_emails(db: Database) -> list[str]:
    """Accounts that appear in the table (configured ones and those since removed)."""
    # DISTINCT would read the whole account index (100k entries, ~40 ms on the GUI thread
    # at start-up); this walk seeks from one account to the next: a few look-ups.
    with db.reading() as conn:
        rows = conn.execute(
            "WITH RECURSIVE seen(email) AS ("
            " SELECT MIN(account_email) FROM messages"
            " UNION ALL SELECT (SELECT MIN(account_email) FROM messages"
            "                   WHERE account_email > seen.email)"
            " FROM seen WHERE seen.email IS NOT NULL) "
            "SELECT email FROM seen WHERE email IS NOT NULL "
            "UNION SELECT email FROM accounts ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def sender_names(db: Database) -> list[str]:
    """Everyone who sent something (the "sent by" filter's choices), by name."""
    # As account_emails: a walk from one name to the next along the index (a few look-ups
    # on the GUI thread), not DISTINCT over every message.
    with db.reading() as conn:
        rows = conn.execute(
            "WITH RECURSIVE seen(name) AS ("
            " SELECT MIN(sent_by) FROM messages WHERE sent_by > ''"
            " UNION ALL SELECT (SELECT MIN(sent_by) FROM messages WHERE sent_by > seen.name)"
            " FROM seen WHERE seen.name IS NOT NULL) "
            "SELECT name FROM seen WHERE name IS NOT NULL").fetchall()
    return [r[0] for r in rows]


def data_version(db: Database) -> tuple[int, int, int, int, str]:
    """A cheap fingerprint of what the window shows: it changes whenever a message, a
    recipient status, an event or an account's sync state is written. Index-only look-ups
    plus the (few) account rows: microseconds at 100k messages."""
    with db.reading() as conn:
        row = conn.execute(
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM events), "
            "(SELECT COALESCE(MAX(id), 0) FROM recipients), "
            "(SELECT COALESCE(MAX(id), 0) FROM messages), "
            "(SELECT COUNT(*) FROM recipients)").fetchone()
        accounts = conn.execute("SELECT email, sync_state, COALESCE(sync_error, ''), "
                                "needs_attention FROM accounts ORDER BY id").fetchall()
    states = ";".join(":".join(str(v) for v in account) for account in accounts)
    return (row[0], row[1], row[2], row[3], states)


def changed_recipients(db: Database, since_event_id: int) -> list[int]:
    """Recipients with events newer than ``since_event_id`` (rows to repaint)."""
    with db.reading() as conn:
        rows = conn.execute("SELECT DISTINCT recipient_id FROM events WHERE id > ?",
                            (since_event_id,)).fetchall()
    return [r[0] for r in rows]


# ---------------------------------------------------------------------------
# Details
# ---------------------------------------------------------------------------
_SHOWN_HEADERS = ("From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To",
                  "Disposition-Notification-To", "Return-Path", "X-Mailer")


def _headers(raw: bytes | None) -> list[tuple[str, str]]:
    if not raw:
        return []
    try:
        msg = BytesHeaderParser(policy=default_policy).parsebytes(bytes(raw))
    except Exception:  # noqa: BLE001 - a malformed stored message still shows the rest
        return []
    return [(name, str(msg[name])) for name in _SHOWN_HEADERS if msg[name] is not None]


def message_details(db: Database, recipient_id: int) -> MessageDetails | None:
    """Everything the details panel shows for the row of ``recipient_id``."""
    with db.reading() as conn:
        rec = conn.execute("SELECT message_id FROM recipients WHERE id = ?",
                           (recipient_id,)).fetchone()
        if rec is None:
            return None
        msg = conn.execute("SELECT * FROM messages WHERE id = ?", (rec[0],)).fetchone()
        recipients: list[RecipientInfo] = []
        for r in conn.execute("SELECT * FROM recipients WHERE message_id = ? ORDER BY id",
                              (msg["id"],)):
            info = RecipientInfo(r["id"], r["address"], r["kind"], r["status"], r["reason"],
                                 r["detail"])
            info.events = [Event(e["id"], e["at"], e["status"], e["source"], e["reason"],
                                 e["detail"], bool(e["applied"]))
                           for e in conn.execute("SELECT * FROM events WHERE recipient_id = ? "
                                                 "ORDER BY at, id", (r["id"],))]
            recipients.append(info)
        resent = conn.execute(
            "SELECT m.id, r.address, r.status FROM messages m "
            "JOIN recipients r ON r.message_id = m.id WHERE m.resend_of = ? ORDER BY m.id",
            (recipient_id,)).fetchall()
    selected = next(r for r in recipients if r.id == recipient_id)
    return MessageDetails(
        message_id=msg["id"], header_message_id=msg["message_id"],
        account=msg["account_email"], from_addr=msg["from_addr"], subject=msg["subject"],
        body_text=msg["body_text"], body_html=msg["body_html"], created_at=msg["created_at"],
        sent_at=msg["sent_at"], scheduled_at=msg["scheduled_at"], state=msg["state"],
        smtp_reply=msg["smtp_reply"], headers=_headers(msg["raw"]), recipients=recipients,
        selected=selected, resend_of=msg["resend_of"],
        resent_as=[(r[0], r[1], r[2]) for r in resent])


# ---------------------------------------------------------------------------
# CSV export
# ---------------------------------------------------------------------------
_CSV_HEADERS: tuple[str, ...] = (
    N_("Date"), N_("Status"), N_("Status code"), N_("Subject"), N_("Account"), N_("Recipient"),
    N_("Reason"), N_("Reason code"), N_("Server answer"), N_("Sent by"))

def iter_view(db: Database, flt: ViewFilter = ViewFilter(), sort: str = "date",
              descending: bool = True) -> Iterator[MessageRow]:
    """Every row of the view, in the table's order, streamed page by page (exports do not
    hold 100k rows)."""
    ids = view_ids(db, flt, sort, descending)
    for start in range(0, len(ids), 500):
        page = ids[start:start + 500]
        rows = fetch_rows(db, page)
        for rid in page:
            if rid in rows:
                yield rows[rid]


def export_csv(db: Database, path: Path, flt: ViewFilter = ViewFilter(), sort: str = "date",
               descending: bool = True, delimiter: str = ",",
               lang: str | None = None) -> int:
    """Write the filtered view to ``path`` as UTF-8 with a BOM (so Excel reads accents);
    ``delimiter=';'`` for French Excel. Returns the number of data rows."""
    if delimiter not in (",", ";", "\t"):
        raise ValueError("delimiter must be ',', ';' or a tab")
    count = 0
    tmp = Path(path).with_name(Path(path).name + ".part")
    with open(tmp, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL)
        writer.writerow([gettext(header, lang) for header in _CSV_HEADERS])
        for row in iter_view(db, flt, sort, descending):
            writer.writerow(_csv_cells(row, lang))
            count += 1
    tmp.replace(path)  # never leave half a file under the name the user chose
    return count


def _csv_cells(row: MessageRow, lang: str | None) -> list[str]:
    # Every cell is guarded, not a chosen few: subjects, addresses, account names and
    # servers' replies all come from outside (a recipient can be "=HYPERLINK(…)@x.fr").
    return [_csv_safe(cell) for cell in (
        _local_iso(row.date), status_label(row.status, lang), row.status, row.subject,
        row.account, row.recipient, reason_label(row.reason, lang), row.reason or "",
        row.detail or "", row.sent_by)]


def _csv_safe(value: str) -> str:
    """A cell a spreadsheet would run as a formula (CSV injection: it starts with = + - @,
    a tab or a carriage return) gets a leading apostrophe, which shows it as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _local_iso(value: str) -> str:
    try:
        return datetime.fromisoformat(value).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return value
