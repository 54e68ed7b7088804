"""What arrives in the mailbox, read for news of our messages: reports, bounces, read
receipts, auto-replies and real replies turned into status events.

- Headers first: ``looks_interesting`` decides from them alone whether a message could be
  about our mail (a big mailbox costs a header fetch); the whole message is read only then.
- Matching: our envelope id (DSN Original-Envelope-Id), then our Message-ID (returned
  headers, Original-Message-ID, In-Reply-To/References), then recipient + time window.
- Everything recognised is kept in ``inbound``; what matched nothing stays visible there
  (``matched = 0``) rather than being dropped. Idempotent per copy and per Message-ID.

The mailbox side (IMAP, folders, IDLE) is watcher.py's.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.header import Header, decode_header
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import parseaddr, parsedate_to_datetime
from typing import Any

from app.services import bounce
from app.services.history import message_store as ms
from app.services.history.message_status import STATUSES
from app.services.storage import Account, Database

log = logging.getLogger(__name__)

MATCH_WINDOW = timedelta(days=14)
MAX_RAW_KEPT = 256_000  # inbound.raw is for re-matching and support, not an archive
_BOUNCE_SENDERS = {"mailer-daemon", "postmaster", "mail-daemon", "mailer",
                   "mail-delivery-system", "maildelivery", "mail.delivery",
                   "microsoftexchange329e71ec88ae4615bbc36ab6ce41109e",
                   "bounce", "bounces", "nobody", "noreply-dmarc-support"}
_SUBJECT_HINT = re.compile(
    r"undeliver|undelivered|delivery (status|fail|notif|report|delay)|returned mail|"
    r"failure notice|mail delivery|non remis|non distribu|impossible de remettre|"
    r"could not be delivered|rejected|auto(matic)?[ -]?(reply|response|antwort)|"
    r"out of (the )?office|"
    r"absen|r[ée]ponse automatique|vacation|cong[ée]s|^\s*(read|lu)\s*:|read receipt|"
    r"accus[ée] de (lecture|r[ée]ception)|return receipt|disposition notification|"
    r"abuse report|complaint|delayed mail|warning: could not", re.I)
_MSGID_RE = re.compile(r"<[^<>\s]+>")
_SOURCE_BY_KIND = {"dsn": "dsn", "bounce": "bounce", "feedback": "bounce", "mdn": "mdn",
                   "auto_reply": "reply", "reply": "reply"}


def headers_of(raw: bytes) -> Message:
    return BytesHeaderParser(policy=compat32).parsebytes(raw)


def _decoded(value: Any) -> str:
    """A header as text: RFC 2047 words decoded, raw 8-bit read as UTF-8."""
    if value is None:
        return ""
    try:
        pieces = decode_header(value if isinstance(value, Header) else str(value))
    except (ValueError, LookupError, UnicodeError):
        return str(value)
    out = []
    for chunk, charset in pieces:
        if isinstance(chunk, str):
            out.append(chunk)
            continue
        for codec in ([charset] if charset and charset != "unknown-8bit" else []) + [
                "utf-8", "latin-1"]:
            try:
                out.append(chunk.decode(codec))
                break
            except (LookupError, UnicodeDecodeError):
                continue
    return "".join(out)


def references(headers: Message) -> list[str]:
    found: list[str] = []
    for name in ("In-Reply-To", "References"):
        for value in headers.get_all(name) or []:
            found += _MSGID_RE.findall(str(value))
    return found


def our_messages(conn: Any, ids: list[str]) -> list[Any]:
    if not ids:
        return []
    marks = ",".join("?" for _ in ids)
    return conn.execute(f"SELECT * FROM messages WHERE message_id IN ({marks})"
                        " ORDER BY id DESC", ids).fetchall()


def looks_interesting(headers: Message, refers_to_ours: bool) -> bool:
    """Could this message be a report, bounce, receipt or reply about our mail?"""
    if refers_to_ours:
        return True
    ctype = (headers.get_content_type() or "").lower()
    if ctype == "multipart/report" or "report-type" in str(headers.get("Content-Type", "")):
        return True
    sender = parseaddr(str(headers.get("From", "")))[1].lower()
    if sender.partition("@")[0] in _BOUNCE_SENDERS:
        return True
    if str(headers.get("Return-Path", "")).strip() == "<>":
        return True
    auto = str(headers.get("Auto-Submitted", "")).strip().lower()
    if auto and auto != "no":
        return True
    if any(headers.get(h) for h in ("X-Failed-Recipients", "X-Autoreply", "X-Autorespond",
                                    "X-Auto-Response-Suppress", "Feedback-Type")):
        return True
    return bool(_SUBJECT_HINT.search(_decoded(headers.get("Subject"))))


def _when(headers: Message, fallback: datetime) -> datetime:
    try:
        value = parsedate_to_datetime(str(headers.get("Date")))
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    except (TypeError, ValueError, IndexError):
        return fallback


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="seconds")


def _find_message(conn: Any, account: Account, report: Any, rs: Any, refs: list[str],
                  address: str | None, at: datetime) -> Any:
    envid = getattr(report, "original_envid", None)
    if envid:
        row = ms.find_by_envid(conn, envid)
        if row is not None:
            return row
    ids = [i for i in [getattr(rs, "original_message_id", None) if rs is not None else None,
                       getattr(report, "original_message_id", None), *reversed(refs)] if i]
    for mid in ids:
        row = ms.find_by_message_id(conn, mid)
        if row is not None:
            return row
    if envid or ids:
        # The report names its message and it is none of ours (sent from another mail
        # client): guessing by recipient would pin someone else's bounce on our mail.
        return None
    if address:  # fallback: the last message to that address shortly before
        return ms.find_recent_to(conn, address, _iso(at), MATCH_WINDOW, account.email)
    return None


def _addr(value: Any) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    text = text.split(";", 1)[1] if ";" in text and "@" in text.split(";", 1)[1] else text
    found = parseaddr(text)[1] or text.strip("<>")
    return found.lower() if "@" in found else None


def _recipient_updates(report: Any, kind: str, sender: str | None) -> list[tuple[Any, str | None,
                                                                                str, str | None,
                                                                                str | None]]:
    """(recipient status object, address, status, reason, detail) per signal in a report."""
    out = []
    if kind in ("dsn", "bounce", "feedback"):
        for rs in getattr(report, "recipients", []) or []:
            category = getattr(rs, "category", None) or ("complaint" if kind == "feedback"
                                                         else "error")
            detail = getattr(rs, "diagnostic", None) or getattr(rs, "status", None)
            out.append((rs, _addr(getattr(rs, "address", None)), category,
                        getattr(rs, "reason", None), detail))
        if not out and kind == "feedback":
            out.append((None, None, "complaint", "feedback", "abuse report (ARF)"))
    elif kind == "mdn":
        recipients = getattr(report, "recipients", []) or []
        rs = recipients[0] if recipients else None
        address = _addr(getattr(rs, "address", None)) if rs is not None else None
        category = getattr(rs, "category", None) if rs is not None else None
        out.append((rs, address or sender, category if category in STATUSES else "opened",
                    getattr(rs, "reason", None) if rs is not None else "opened",
                    getattr(rs, "diagnostic", None) if rs is not None else None))
    elif kind == "auto_reply":
        out.append((None, sender, "auto_reply", "vacation", None))
    elif kind == "reply":
        out.append((None, sender, "replied", None, None))
    return out


@dataclass
class Ingested:
    inbound_id: int | None
    kind: str
    matched: bool
    updates: list[dict[str, Any]]


@dataclass
class _Analysis:
    """What a fetched message says, worked out without touching the database."""

    report: Any
    kind: str
    refs: list[str]
    sender: str | None
    header_mid: str | None
    subject: str
    at: datetime
    received: datetime
    raw: bytes


def analyse(raw: bytes, received_at: datetime | None = None) -> _Analysis | None:
    received = received_at or datetime.now(UTC)
    headers = headers_of(raw)
    try:
        report = bounce.parse(raw)
    except Exception:  # noqa: BLE001 - the parser must not crash; if it does, skip the message
        log.exception("bounce parser failed")
        return None
    return _Analysis(report=report, kind=getattr(report, "kind", "other") or "other",
                     refs=references(headers), sender=_addr(headers.get("From")),
                     header_mid=(_MSGID_RE.findall(str(headers.get("Message-ID", "")))
                                 or [None])[0],
                     subject=_decoded(headers.get("Subject")), at=_when(headers, received),
                     received=received, raw=raw)


def ingest(db: Database, account: Account, folder: str, uidvalidity: int, uid: int,
           raw: bytes, received_at: datetime | None = None) -> Ingested | None:
    """Classify one fetched message and record what it says (one transaction). Idempotent
    per (account, folder, UIDVALIDITY, UID) and per Message-ID (a copy in Junk and INBOX,
    or a UIDVALIDITY reset, is not counted twice). None when it is nothing for us."""
    found = analyse(raw, received_at)
    if found is None:
        return None
    with db.transaction() as conn:
        return record(conn, account, folder, uidvalidity, uid, found)


def record(conn: Any, account: Account, folder: str, uidvalidity: int, uid: int,
           found: _Analysis) -> Ingested | None:
    """The database half of ``ingest``, inside the caller's transaction."""
    kind = found.kind
    if kind == "other":
        if not our_messages(conn, found.refs):
            return None
        kind = "reply"
    row = conn.execute(
        "INSERT INTO inbound (account_id, folder, uidvalidity, uid, kind,"
        " header_message_id, subject, from_addr, received_at, matched, raw)"
        " VALUES (?,?,?,?,?,?,?,?,?,0,?) ON CONFLICT DO NOTHING RETURNING id",
        (account.id, folder, uidvalidity, uid, kind, found.header_mid, found.subject[:500],
         found.sender, _iso(found.received),
         found.raw[:MAX_RAW_KEPT] if kind != "reply" else None)).fetchone()
    if row is None:
        return None  # this very copy was ingested before
    inbound_id = int(row[0])
    if found.header_mid and conn.execute(
            "SELECT 1 FROM inbound WHERE account_id = ? AND header_message_id = ? AND id != ?",
            (account.id, found.header_mid, inbound_id)).fetchone():
        conn.execute("UPDATE inbound SET matched = 1, summary = 'duplicate copy' WHERE id = ?",
                     (inbound_id,))
        return Ingested(inbound_id, kind, False, [])
    updates, matched, summary = [], False, []
    source = _SOURCE_BY_KIND.get(kind, "bounce")
    for rs, address, status, reason, detail in _recipient_updates(found.report, kind,
                                                                  found.sender):
        summary.append(f"{address or '?'}: {status}" + (f" {reason}" if reason else ""))
        if status not in STATUSES:
            continue
        message = _find_message(conn, account, found.report, rs, found.refs, address, found.at)
        if message is None:
            continue
        rcpt = ms.recipient_row(conn, message["id"], address)
        for other in ("original_recipient", "final_recipient"):
            # the address as sent, or the one an alias expanded to downstream
            alias = _addr(getattr(rs, other, None)) if rs is not None else None
            if rcpt is None and alias:
                rcpt = ms.recipient_row(conn, message["id"], alias)
        if rcpt is None:
            continue
        if kind == "reply":
            detail = f"reply from {found.sender}: {found.subject}"
        elif kind == "auto_reply":
            detail = f"automatic reply from {found.sender}: {found.subject}"
        matched = True
        if ms.apply_status(conn, rcpt["id"], status, source, reason, detail, found.at,
                           inbound_id):
            updates.append({"id": message["id"], "recipient": rcpt["address"],
                            "status": status})
    conn.execute("UPDATE inbound SET matched = ?, summary = ? WHERE id = ?",
                 (int(matched), "; ".join(summary)[:1000] or kind, inbound_id))
    return Ingested(inbound_id, kind, matched, updates)
