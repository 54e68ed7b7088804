"""Outbox: record, then send, and know per recipient what the submission server said.

Life of a message (``messages.state``). Every arrow is one SQLite transaction, so whatever
instant a ``kill -9`` strikes, the row is in exactly one of these states. Per recipient,
``recipients.to_send`` says what the outbox still owes: 1 = to send, 2 = inside the SMTP
transaction under way, 0 = settled (accepted, or refused for good).

::

              record()            _claim()            RCPT accepted (to_send 1 → 2)
   (nothing) ─────────▶ queued ───────────▶ sending ────────────────────────▶ data
                          ▲                  │   │                               │
                          │ 4xx or network:  │   │ every RCPT refused            │ body written;
                          │ retry time set   │   ▼                               │ commit, THEN
                          └──────────────────┘  failed                           ▼ the final "."
                                                              sent ◀── 250 ── transmitting
                                                            failed ◀── 5xx ──┘
                                          (a 4xx after the dot: back to queued for a retry)

Crash recovery: what a kill leaves, what the next start does, why nothing goes out twice.
``recover_interrupted`` runs at the start of ``postier send``, of every ``process_queue``
pass (``postier outbox``, the long-running ``postier track``, the GUI's timer). It only
touches a claim whose owner is dead: same host and its PID gone, or a claim older than
``STALE_AFTER`` (another host); a live sender is never overtaken.

====================  =========================  =============================================
killed while          what the server holds      next start
====================  =========================  =============================================
recording             nothing                    nothing to do: no row, no id given, nothing
                                                 sent (the insert is one transaction)
queued                nothing                    sent when due by the outbox (``_claim`` is
                                                 ``UPDATE … WHERE state = 'queued'``: exactly
                                                 one process wins it)
sending (connecting,  a transaction without      → queued, sent again: the server dropped it.
MAIL, RCPT)           DATA: dropped at EOF       Recipients refused for good keep to_send 0
data (body being      DATA without its final     to_send 2 → 1, → queued, sent again: RFC 5321
written, no "." yet)  dot: discarded at EOF      servers discard an unfinished DATA
transmitting (the     maybe accepted, maybe not  NOT resent. The Sent folder is searched for
"." may be out)                                  the Message-ID: found → sent; otherwise the
                                                 recipients become ``error`` ("may or may not
                                                 have left") and the message ``unknown``; the
                                                 success DSN we asked for (NOTIFY=SUCCESS) or
                                                 a reply later proves delivery
sent / failed         the final answer           nothing: the state is final (a kill before
                                                 the Sent copy only leaves no copy in Sent)
====================  =========================  =============================================

Why never twice: a message is sent again only from ``queued``, reached after a kill only
from ``sending``/``data``, i.e. before the final dot was written; ``transmitting`` is
committed *before* the dot goes out, so a message that may have reached the server is
never in those states. Why never lost: every state but ``transmitting`` leads back to
``queued`` and on to the server; ``transmitting`` lasts from that commit to the server's
answer (milliseconds), and a kill there is settled by the DSN. The one moment that can
lose a message is a kill between that commit and the kernel taking the 3 bytes ".\r\n"
(microseconds, unless the process is descheduled right there; no order of "commit" and
"send" closes it, the other order would risk a duplicate instead): it shows as ``unknown``
(never as sent), no DSN ever proves it, and the user can resend it.
The same holds for a connection lost instead of a kill: before the dot → queued again;
after it → ``unknown`` (``_AmbiguousData``); and for an unexpected exception inside an
attempt, settled at once by the process itself (``_settle_failed_attempt``), since a live
long-running outbox's claim never goes stale.
"""

from __future__ import annotations

import html as html_lib
import logging
import os
import re
import smtplib
import socket
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Any

from app.services.addresses import validate_recipient
from app.services.bounce.reasons import classify_reply
from app.services.config import Settings
from app.services.credentials import CredentialStore
from app.services.errors import InputError, PostierError
from app.services.mail import imap_session, sent_folder
from app.services.mail.failures import network_error
from app.services.mail.smtp_session import open_smtp
from app.services.outbox.signature import (
    InlineImage,
    cid_references,
    extract_data_images,
    html_to_text,
)
from app.services.setup.accounts import connect_with_credential, database
from app.services.setup.accounts import signature_images as stored_signature_images
from app.services.storage import Account, AccountStore, Database, StorageError
from app.services.team import claims
from app.services.tracking import event_notes
from app.services.tracking import message_store as ms

log = logging.getLogger(__name__)

# 7bit: non-ASCII bodies go quoted-printable/base64, so any server takes them.
_POLICY = SMTP_POLICY.clone(cte_type="7bit")
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRY_BASE = 300  # seconds before the first retry after a temporary refusal
MAX_RETRY_DELAY = 3600
DEFAULT_GIVE_UP_AFTER = 2 * 24 * 3600
STALE_AFTER = 600  # a claim older than this belongs to a process that died
# Temporary by nature: worth trying again later rather than failing the message.
# OAUTH_EXPIRED too: the message waits in the outbox until the user signs in again.
_RETRYABLE = {"TIMEOUT", "CONNECT_REFUSED", "NETWORK_UNREACHABLE", "DNS_NOT_FOUND",
              "PROTOCOL_ERROR", "SMTP_TEMPORARY", "OAUTH_EXPIRED", "KEYRING_LOCKED"}
_DEFERRED_REASON = {"SMTP_TEMPORARY": "system_error", "OAUTH_EXPIRED": "delayed",
                    "KEYRING_LOCKED": "delayed", "PROTOCOL_ERROR": "system_error"}

# Test seam: called with the phase name ("recorded", "claimed", "body_sent", "data_done")
# so a test can kill the process at the worst moments. None in production.
phase_hook: Callable[[str], None] | None = None


def _phase(name: str) -> None:
    if phase_hook is not None:
        phase_hook(name)


@dataclass
class OutgoingMessage:
    account_email: str
    to: list[str]
    subject: str
    text: str
    cc: list[str] = field(default_factory=list)
    bcc: list[str] = field(default_factory=list)
    html: str | None = None
    read_receipt: bool = False
    test: bool = False
    resend_of: int | None = None  # recipients.id of the delivery this one repeats
    scheduled_at: datetime | None = None


@dataclass
class SendResult:
    id: int
    message_id: str
    status: str  # sent | failed | queued
    reply: str | None
    recipients: list[dict[str, Any]]
    error: dict[str, Any] | None = None
    dsn_requested: bool = False
    sent_copy: str | None = None  # saved | skipped | failed: … (IMAP Sent folder)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "message_id": self.message_id,
                                "status": self.status, "reply": self.reply,
                                "recipients": self.recipients,
                                "dsn_requested": self.dsn_requested}
        if self.error is not None:
            data["error"] = self.error
        if self.sent_copy is not None:
            data["sent_copy"] = self.sent_copy
        return data

    def text(self) -> str:
        lines = [f"message {self.id} {self.message_id}: {self.status}"]
        if self.reply:
            lines.append(f"  server: {self.reply}")
        for r in self.recipients:
            extra = f" ({r['reason']})" if r.get("reason") else ""
            lines.append(f"  {r['address']}: {r['status']}{extra}"
                         + (f" — {r['detail']}" if r.get("detail") else ""))
        if self.error:
            lines.append(f"  error: {self.error.get('code')}: {self.error.get('message')}")
        return "\n".join(lines)


# ---------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------
def _number(settings: Settings, db: Database, key: str, default: float) -> float:
    """Env (POSTIER_…) overrides the database setting, which overrides the default."""
    env_key = "POSTIER_" + key.upper().replace(".", "_")
    raw = settings.extra.get(env_key) or db.get_setting(key)
    try:
        return float(raw) if raw not in (None, "") else default
    except ValueError:
        return default


def retry_base(settings: Settings, db: Database) -> float:
    return _number(settings, db, "send.retry_base", DEFAULT_RETRY_BASE)


def give_up_after(settings: Settings, db: Database) -> float:
    return _number(settings, db, "send.give_up_after", DEFAULT_GIVE_UP_AFTER)


def _db(settings: Settings) -> Database:
    return database(settings)


def _now(now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="seconds")


# ---------------------------------------------------------------------------
# Building the message
# ---------------------------------------------------------------------------
def _check_addresses(addresses: list[str]) -> list[str]:
    """Validated recipients, each "addr" or "Name <addr>" (the name goes in the header)."""
    return [validate_recipient(given) for given in addresses if given and given.strip()]


def _bare(address: str) -> str:
    return parseaddr(address)[1] or address


def _html_with_signature(body_html: str, signature_html: str) -> str:
    if not signature_html:
        return body_html
    block = f'<div class="postier-signature">-- <br>{signature_html}</div>'
    lowered = body_html.lower()
    at = lowered.rfind("</body>")
    return body_html[:at] + block + body_html[at:] if at >= 0 else body_html + block


def _signature_text(account: Account) -> str:
    if account.signature_text:
        return account.signature_text
    if account.signature_html:
        return html_to_text(account.signature_html)
    return ""


def _html_document(html: str) -> str:
    """A whole HTML document: a bare fragment is what spam filters flag (no <html> tag)."""
    if re.search(r"(?i)<html[\s>]", html):
        return html
    return ('<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type"'
            ' content="text/html; charset=utf-8"></head>\n<body>' + html + "</body></html>\n")


def _add_inline_images(mail: EmailMessage, html: str, domain: str,
                       images: Sequence[InlineImage]) -> None:
    """Add the HTML alternative; the images it shows travel beside it as inline parts.

    Structure (RFC 2046 + RFC 2387, as Thunderbird and Apple Mail send it)::

        multipart/alternative
        ├── text/plain                  (no image: nothing to refer to)
        └── multipart/related; type="text/html"
            ├── text/html               (<img src="cid:…">)
            └── image/png               (Content-ID, Content-Disposition: inline)

    A data: image left in the HTML (a signature saved before inline images, an image
    pasted into the message) is moved out too: Gmail and Outlook show no data: image."""
    html, extracted = extract_data_images(html, domain)
    available = {image.cid: image for image in [*images, *extracted]}
    shown = [available[cid] for cid in cid_references(html) if cid in available]
    mail.add_alternative(html, subtype="html")
    if not shown:
        return
    html_part = mail.get_payload()[-1]  # type: ignore[index]  # a multipart: a list
    if not isinstance(html_part, EmailMessage):  # add_alternative just made it one
        return
    for image in shown:
        maintype, _, subtype = image.content_type.partition("/")
        html_part.add_related(image.data, maintype=maintype, subtype=subtype,
                              cid=f"<{image.cid}>", disposition="inline",
                              filename=f"logo.{'jpg' if subtype == 'jpeg' else subtype}")
    html_part.set_param("type", "text/html")  # RFC 2387: the root part's type
    for part in html_part.walk():
        del part["MIME-Version"]  # the email package repeats it on parts: top level only


def build_mime(account: Account, msg: OutgoingMessage, message_id: str,
               date: datetime | None = None,
               signature_images: Sequence[InlineImage] = ()) -> bytes:
    """RFC 5322 bytes (CRLF): text/plain, plus text/html when there is HTML to show
    (the message's own or the account's HTML signature), with the images it shows as
    inline parts (``signature_images``: the account's logo, stored once for it)."""
    addresses = [account.email, *(_bare(a) for a in [*msg.to, *msg.cc])]
    # Non-ASCII addresses need RFC 6532 UTF-8 headers (sent with SMTPUTF8).
    policy = _POLICY if all(a.isascii() for a in addresses) else _POLICY.clone(utf8=True)
    mail = EmailMessage(policy=policy)
    local, _, domain = account.email.partition("@")
    mail["From"] = Address(account.display_name or "", local, domain)
    mail["To"] = ", ".join(msg.to)
    if msg.cc:
        mail["Cc"] = ", ".join(msg.cc)
    mail["Subject"] = msg.subject
    mail["Date"] = format_datetime(_now(date))
    mail["Message-ID"] = message_id
    if msg.read_receipt:
        mail["Disposition-Notification-To"] = account.email
    if msg.test:
        mail["X-Postier-Test"] = "yes"
    text = msg.text.rstrip("\n") + "\n"
    sig_text = _signature_text(account)
    if sig_text:
        text += "\n-- \n" + sig_text.rstrip("\n") + "\n"  # "-- " lets clients fold it away
    mail.set_content(text)
    if msg.html is not None or account.signature_html:
        body_html = msg.html if msg.html is not None else (
            "<div>" + html_lib.escape(msg.text).replace("\n", "<br>\n") + "</div>")
        _add_inline_images(mail, _html_document(
            _html_with_signature(body_html, account.signature_html)), domain, signature_images)
    return mail.as_bytes()


def _redate(raw: bytes, when: datetime) -> bytes:
    """A scheduled message carries the time it actually leaves, not when it was written."""
    mail = BytesParser(policy=_POLICY).parsebytes(raw)
    del mail["Date"]
    mail["Date"] = format_datetime(when)
    return mail.as_bytes()


# ---------------------------------------------------------------------------
# Recording
# ---------------------------------------------------------------------------
def _account(settings: Settings, email: str) -> Account:
    try:
        return AccountStore(_db(settings)).require(email)
    except StorageError as exc:
        raise PostierError(exc.code, exc.message) from exc


def record(settings: Settings, msg: OutgoingMessage) -> int:
    """Store the message as ``queued`` (one transaction) and return its id."""
    to, cc, bcc = (_check_addresses(msg.to), _check_addresses(msg.cc),
                   _check_addresses(msg.bcc))
    if not (to or cc or bcc):
        raise InputError("at least one recipient is needed")
    if "\r" in msg.subject or "\n" in msg.subject:  # else a ValueError deep in email
        raise InputError("the subject must be one line")
    msg.to, msg.cc, msg.bcc = to, cc, bcc
    account = _account(settings, msg.account_email)
    db = _db(settings)
    domain = account.email.partition("@")[2] or "localhost"
    message_id = make_msgid(idstring=uuid.uuid4().hex[:12], domain=domain)
    envid = uuid.uuid4().hex  # xtext-safe, short: the DSN's Original-Envelope-Id
    raw = build_mime(account, msg, message_id,
                     signature_images=stored_signature_images(settings, account))
    created = _now()
    start = msg.scheduled_at if msg.scheduled_at and _now(msg.scheduled_at) > created else created
    give_up = _iso(_now(start) + timedelta(seconds=give_up_after(settings, db)))
    recipients = ([ms.NewRecipient(_bare(a), "to") for a in to]
                  + [ms.NewRecipient(_bare(a), "cc") for a in cc]
                  + [ms.NewRecipient(_bare(a), "bcc") for a in bcc])
    with db.transaction() as conn:
        # Two colleagues resending the same failed delivery: the second is refused
        # (ALREADY_RESENT), in this transaction, so one message only is ever queued.
        claims.guard_resend(conn, msg.resend_of)
        mid = ms.insert_message(
            conn, account_id=account.id, account_email=account.email, message_id=message_id,
            envid=envid, from_addr=account.email, subject=msg.subject, body_text=msg.text,
            body_html=msg.html, raw=raw, recipients=recipients,
            scheduled_at=_iso(_now(msg.scheduled_at)) if msg.scheduled_at else None,
            give_up_at=give_up, mdn_requested=msg.read_receipt, is_test=msg.test,
            resend_of=msg.resend_of,
            sent_by=ms.sender_name(settings.option("database.display_name")))
    _phase("recorded")
    return mid


def queue_message(settings: Settings, msg: OutgoingMessage) -> int:
    """Record without sending (scheduled or quiet hours): ``process_queue`` sends it when due."""
    return record(settings, msg)


# ---------------------------------------------------------------------------
# SMTP
# ---------------------------------------------------------------------------
def _network_error(exc: BaseException) -> PostierError:
    return network_error(exc, "SMTP", server="smtp")


def _reply_text(code: int, resp: bytes | str) -> str:
    text = resp.decode("utf-8", "replace") if isinstance(resp, bytes) else str(resp)
    return f"{code} {' '.join(text.split())}".strip()


def _xtext(value: str) -> str:
    """RFC 3461 xtext for ORCPT."""
    return "".join(c if 33 <= ord(c) <= 126 and c not in "+=" else f"+{ord(c):02X}"
                   for c in value)


def _classify(code: int, text: str) -> tuple[str, str]:
    """Status + reason for a refusal at MAIL/RCPT/DATA. A 4xx is always retried."""
    m = re.search(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b", text)
    category, reason = classify_reply(code, text, m.group(0) if m else None)
    if 400 <= code < 500:
        return "deferred", reason or "delayed"
    if category in ("deferred", "delivered", "auto_reply", "", None):
        return "error", reason or "undefined"
    return category, reason


# ---------------------------------------------------------------------------
# Claiming, attempting
# ---------------------------------------------------------------------------
def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _claim(db: Database, mid: int, now: datetime) -> Any:
    """queued → sending, atomically: two processes never send the same message."""
    with db.transaction() as conn:
        cur = conn.execute("UPDATE messages SET state = 'sending', claimed_at = ?, claimed_by = ?"
                           " WHERE id = ? AND state = 'queued'", (_iso(now), _owner(), mid))
        if cur.rowcount != 1:
            return None
        row = conn.execute("SELECT * FROM messages WHERE id = ?", (mid,)).fetchone()
        if row["scheduled_at"]:
            conn.execute("UPDATE messages SET raw = ? WHERE id = ?",
                         (_redate(row["raw"], now), mid))
            row = conn.execute("SELECT * FROM messages WHERE id = ?", (mid,)).fetchone()
    return row


def _pending(db: Database, mid: int) -> list[Any]:
    with db.reading() as conn:
        return conn.execute("SELECT * FROM recipients WHERE message_id = ? AND to_send = 1"
                            " ORDER BY id", (mid,)).fetchall()


def _result(db: Database, mid: int, error: PostierError | None = None,
            sent_copy: str | None = None) -> SendResult:
    with db.reading() as conn:
        m = conn.execute("SELECT * FROM messages WHERE id = ?", (mid,)).fetchone()
        rcpts = conn.execute("SELECT * FROM recipients WHERE message_id = ? ORDER BY id",
                             (mid,)).fetchall()
        accepted = _accepted(conn, mid)
    state = m["state"]
    if accepted:
        status = "sent"  # some recipients may still be retried: their rows say so
    else:
        status = {"queued": "queued", "sending": "queued", "data": "queued",
                  "transmitting": "queued"}.get(state, "failed")
    err = error.to_dict() if error else None
    return SendResult(
        id=mid, message_id=m["message_id"], status=status, reply=m["smtp_reply"],
        recipients=[{"address": r["address"], "status": r["status"], "reason": r["reason"],
                     "detail": r["detail"], "kind": r["kind"]} for r in rcpts],
        error=err, dsn_requested=bool(m["dsn_requested"]), sent_copy=sent_copy)


def _accepted(conn: Any, mid: int) -> int:
    """How many recipients the submission server took (now or in an earlier attempt)."""
    return conn.execute("SELECT COUNT(DISTINCT r.id) FROM events e JOIN recipients r"
                        " ON r.id = e.recipient_id WHERE r.message_id = ? AND"
                        " e.status = 'sent' AND e.source IN ('smtp', 'local')",
                        (mid,)).fetchone()[0]


def _finish(conn: Any, mid: int, now: datetime, reply: str | None, base: float,
            error: PostierError | None = None) -> None:
    """Settle the message state after an attempt; schedule a retry or give up."""
    m = conn.execute("SELECT * FROM messages WHERE id = ?", (mid,)).fetchone()
    left = conn.execute("SELECT * FROM recipients WHERE message_id = ? AND to_send = 1",
                        (mid,)).fetchall()
    if left and m["give_up_at"] and _iso(now) >= m["give_up_at"]:
        for r in left:
            ms.apply_status(conn, r["id"], "soft_bounce", "smtp", "expired",
                            event_notes.english("gave_up",
                                                answer=r["detail"] or reply or "-"), now)
        conn.execute("UPDATE recipients SET to_send = 0 WHERE message_id = ? AND to_send = 1",
                     (mid,))
        left = []
    accepted = _accepted(conn, mid)
    attempts = m["attempts"] + 1
    if left:
        delay = min(base * 2 ** (attempts - 1), max(MAX_RETRY_DELAY, base))
        state, next_at = "queued", _iso(now + timedelta(seconds=delay))
    else:
        state, next_at = ("sent" if accepted else "failed"), None
    conn.execute("UPDATE messages SET state = ?, attempts = ?, next_attempt_at = ?,"
                 " smtp_reply = COALESCE(?, smtp_reply), error = ?, claimed_at = NULL,"
                 " claimed_by = NULL WHERE id = ?",
                 (state, attempts, next_at, reply, error.code if error else None, mid))


def _attempt(settings: Settings, db: Database, row: Any, now: datetime,
             credentials: CredentialStore | None, timeout: float,
             save_to_sent: bool | None) -> SendResult:
    mid = row["id"]
    base = retry_base(settings, db)
    pending = _pending(db, mid)
    try:
        account = _account(settings, row["account_email"])
        # an OAuth2 token refused early is refreshed once (accounts.connect_with_credential)
        smtp = connect_with_credential(settings, account, credentials,
                                       lambda cred: open_smtp(account, settings, cred,
                                                              timeout=timeout))
    except PostierError as exc:
        return _connection_failed(db, mid, exc, now, base)
    try:
        accepted = _transaction(smtp, db, row, pending, now, base)
    except PostierError as exc:
        return _connection_failed(db, mid, exc, now, base)
    except _AmbiguousData as exc:
        with db.transaction() as conn:
            _recover_one(conn, row, None, now, str(exc), transmitted=True)
        return _result(db, mid, PostierError("TIMEOUT", str(exc), server="smtp"))
    except Exception:
        smtp.close()  # maybe inside DATA: a QUIT would become body text and hang there
        raise
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
    sent_copy = None
    if accepted:
        sent_copy = _save_copy(settings, account, row, credentials, save_to_sent)
    return _result(db, mid, sent_copy=sent_copy)


class _AmbiguousData(Exception):
    """The whole message went out but the server's answer never came back."""


def _data(smtp: smtplib.SMTP, raw: bytes, before_end: Callable[[], None]) -> tuple[int, bytes]:
    """smtplib's DATA, split so we know whether the connection broke before or after
    the final dot (after it, the server may have accepted the message). ``before_end``
    runs between the body and the dot: it records that the ambiguous moment begins, so a
    kill before it leaves a message that is safe to send again."""
    smtp.putcmd("data")
    code, resp = smtp.getreply()
    if code != 354:
        return code, resp
    body = re.sub(rb"(?m)^\.", b"..", raw)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    smtp.send(body)
    _phase("body_sent")
    before_end()
    smtp.send(b".\r\n")
    try:
        return smtp.getreply()
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        raise _AmbiguousData(event_notes.english("no_answer", error=str(exc))) from exc


def _mark_transmitting(db: Database, mid: int) -> None:
    """data → transmitting, committed before the final dot is written."""
    with db.transaction() as conn:
        conn.execute("UPDATE messages SET state = 'transmitting' WHERE id = ? AND state = 'data'",
                     (mid,))


def _transaction(smtp: smtplib.SMTP, db: Database, row: Any, pending: list[Any],
                 now: datetime, base: float) -> bool:
    """MAIL, RCPT per recipient, DATA. Refusals are classified at once per recipient."""
    mid = row["id"]
    dsn = smtp.has_extn("dsn")
    mail_opts = ["RET=HDRS", f"ENVID={row['envid']}"] if dsn else []
    if smtp.has_extn("8bitmime"):
        mail_opts.append("BODY=8BITMIME")
    international = not all(a.isascii() for a in [row["from_addr"]]
                             + [r["address"] for r in pending])
    try:
        refusals: dict[int, tuple[int, str]] = {}
        accepted: list[Any] = []
        if international and not smtp.has_extn("smtputf8"):
            # RFC 6531: without SMTPUTF8 the server cannot carry a non-ASCII address at all
            code, resp = 553, b"5.6.7 this server does not accept international addresses"
        else:
            if international:
                mail_opts.append("SMTPUTF8")
            code, resp = smtp.mail(row["from_addr"], mail_opts)
        if code != 250:
            refusals = {r["id"]: (code, _reply_text(code, resp)) for r in pending}
        else:
            for r in pending:
                opts = (["NOTIFY=SUCCESS,FAILURE,DELAY", f"ORCPT=rfc822;{_xtext(r['address'])}"]
                        if dsn else [])
                rcode, rresp = smtp.rcpt(r["address"], opts)
                if rcode in (250, 251, 252):
                    accepted.append(r)
                else:
                    refusals[r["id"]] = (rcode, _reply_text(rcode, rresp))
        with db.transaction() as conn:
            _record_refusals(conn, refusals, now)
            for r in accepted:
                conn.execute("UPDATE recipients SET to_send = 2 WHERE id = ?", (r["id"],))
            # "data", not yet "transmitting": until the final dot is written, a kill
            # leaves a transaction the server throws away (see the module docstring).
            conn.execute("UPDATE messages SET state = ?, dsn_requested = ? WHERE id = ?",
                         ("data" if accepted else "sending", int(dsn), mid))
        if not accepted:
            smtp.rset()
            last = next(iter(refusals.values()))[1] if refusals else None
            with db.transaction() as conn:
                _finish(conn, mid, now, last, base)
            return False
        dcode, dresp = _data(smtp, row["raw"], lambda: _mark_transmitting(db, mid))
        _phase("data_done")
        reply = _reply_text(dcode, dresp)
        with db.transaction() as conn:
            if dcode == 250:
                for r in accepted:
                    ms.apply_status(conn, r["id"], "sent", "smtp", None, reply, now)
                conn.execute("UPDATE messages SET sent_at = COALESCE(sent_at, ?) WHERE id = ?",
                             (_iso(now), mid))
                conn.execute("UPDATE recipients SET to_send = 0 WHERE message_id = ?"
                             " AND to_send = 2", (mid,))
            else:
                _record_refusals(conn, {r["id"]: (dcode, reply) for r in accepted}, now)
            _finish(conn, mid, now, reply, base)
        return dcode == 250
    except (smtplib.SMTPException, OSError) as exc:
        if isinstance(exc, smtplib.SMTPResponseException):
            raise PostierError("SMTP_TEMPORARY" if exc.smtp_code < 500 else "PROTOCOL_ERROR",
                               "The mail server ended the session.",
                               reply=_reply_text(exc.smtp_code, exc.smtp_error),
                               server="smtp") from exc
        raise _network_error(exc) from exc


def _record_refusals(conn: Any, refusals: dict[int, tuple[int, str]], now: datetime) -> None:
    for rid, (code, text) in refusals.items():
        status, reason = _classify(code, text)
        ms.apply_status(conn, rid, status, "smtp", reason, text, now)
        # 4xx: the outbox owes another try; 5xx: the server's answer is final.
        conn.execute("UPDATE recipients SET to_send = ? WHERE id = ?",
                     (1 if status == "deferred" else 0, rid))


def _connection_failed(db: Database, mid: int, exc: PostierError, now: datetime,
                       base: float) -> SendResult:
    """No SMTP transaction happened (or it broke before DATA finished)."""
    retry = exc.code in _RETRYABLE
    detail = event_notes.connection_failure(exc.code, exc.message, exc.reply)
    with db.transaction() as conn:
        # A break before the final dot: the server discarded the message, resend is safe.
        conn.execute("UPDATE recipients SET to_send = 1 WHERE message_id = ? AND to_send = 2",
                     (mid,))
        rows = conn.execute("SELECT id FROM recipients WHERE message_id = ? AND to_send = 1",
                            (mid,)).fetchall()
        reason = _DEFERRED_REASON.get(exc.code, "network_error")
        for r in rows:
            if retry:
                ms.apply_status(conn, r["id"], "deferred", "smtp", reason, detail, now)
            else:
                ms.apply_status(conn, r["id"], "error", "smtp", "mailer_error", detail, now)
        if not retry:
            conn.execute("UPDATE recipients SET to_send = 0 WHERE message_id = ? AND to_send = 1",
                         (mid,))
        _finish(conn, mid, now, exc.reply, base, exc)
    return _result(db, mid, exc)


def _open_imap(settings: Settings, account: Account,
               credentials: CredentialStore | None) -> Any:
    """The account's mailbox, for its Sent folder (an OAuth2 token refused early is
    refreshed once, as for SMTP)."""
    return connect_with_credential(settings, account, credentials,
                                   lambda cred: imap_session.open_imap(
                                       account, settings, cred, timeout=DEFAULT_TIMEOUT))


def _save_copy(settings: Settings, account: Account, row: Any,
               credentials: CredentialStore | None, wanted: bool | None) -> str:
    """Put a copy in the Sent folder, as a mail client would. Gmail and Microsoft 365 do
    it themselves on submission (a second copy would be a duplicate)."""
    if wanted is False or (wanted is None and account.provider in ("gmail", "office365")):
        return "skipped"
    try:
        with _db(settings).reading() as conn:
            raw = conn.execute("SELECT raw FROM messages WHERE id = ?", (row["id"],)).fetchone()[0]
        client = _open_imap(settings, account, credentials)
        try:
            return "saved" if sent_folder.append_to_sent(client, raw) else "skipped"
        finally:
            imap_session.close(client)
    except PostierError as exc:
        log.info("no copy in Sent for message %s: %s", row["id"], exc.code)
        return f"failed: {exc.code}"


# ---------------------------------------------------------------------------
# Public entry points
# ---------------------------------------------------------------------------
def send_message(settings: Settings, msg: OutgoingMessage, *,
                 credentials: CredentialStore | None = None, timeout: float = DEFAULT_TIMEOUT,
                 save_to_sent: bool | None = None) -> SendResult:
    """Record the message, then send it now (unless scheduled for later)."""
    mid = record(settings, msg)
    db = _db(settings)
    now = _now()
    if msg.scheduled_at and _now(msg.scheduled_at) > now:
        return _result(db, mid)
    return _send_claimed(settings, db, mid, now, credentials, timeout, save_to_sent)


def _send_claimed(settings: Settings, db: Database, mid: int, now: datetime,
                  credentials: CredentialStore | None, timeout: float,
                  save_to_sent: bool | None) -> SendResult:
    row = _claim(db, mid, now)
    if row is None:  # someone else is sending it
        return _result(db, mid)
    try:
        _phase("claimed")
        return _attempt(settings, db, row, now, credentials, timeout, save_to_sent)
    except Exception:
        # A bug, not a refusal: settle the message as if this process had died, or a
        # long-running outbox (alive, so never "stale") would hold its claim forever.
        _settle_failed_attempt(settings, db, mid, now)
        raise


def _settle_failed_attempt(settings: Settings, db: Database, mid: int, now: datetime) -> None:
    with db.transaction() as conn:
        row = conn.execute("SELECT * FROM messages WHERE id = ?", (mid,)).fetchone()
        if row is None or row["state"] not in ("sending", "data", "transmitting"):
            return
        _recover_one(conn, row, None, now, transmitted=row["state"] == "transmitting")
        # not at once again: the same bug would fire on every pass
        conn.execute("UPDATE messages SET next_attempt_at = ? WHERE id = ? AND state = 'queued'",
                     (_iso(now + timedelta(seconds=retry_base(settings, db))), mid))


def process_queue(settings: Settings, *, now: datetime | None = None,
                  credentials: CredentialStore | None = None,
                  timeout: float = DEFAULT_TIMEOUT,
                  accounts: list[str] | None = None) -> list[SendResult]:
    """Send every queued message that is due (scheduled time reached, retry time reached),
    of every account or only of ``accounts``. Messages a crashed process left half-sent
    are settled first (``recover_interrupted``). The one queue processor: the GUI's timer,
    ``postier outbox`` and the long-running ``postier track`` all call it."""
    recover_interrupted(settings, credentials=credentials)
    db = _db(settings)
    at = _now(now)
    stamp = _iso(at)
    mine, params = _account_clause(accounts)
    with db.reading() as conn:
        due = [r["id"] for r in conn.execute(
            "SELECT id FROM messages WHERE state = 'queued'"
            " AND (scheduled_at IS NULL OR scheduled_at <= ?)"
            " AND (next_attempt_at IS NULL OR next_attempt_at <= ?)" + mine + " ORDER BY id",
            (stamp, stamp, *params)).fetchall()]
    return [_send_claimed(settings, db, mid, at, credentials, timeout, None) for mid in due]


def _account_clause(accounts: list[str] | None) -> tuple[str, list[str]]:
    if accounts is None:
        return "", []
    return (" AND account_email IN (" + ",".join("?" for _ in accounts) + ")",
            list(accounts))


# ---------------------------------------------------------------------------
# The outbox as a service of its own (``postier outbox``, the long-running tracker)
# ---------------------------------------------------------------------------
OUTBOX_POLL = 5.0  # seconds between looks for messages queued by other processes
_OWED = ("queued", "sending", "data", "transmitting")


@dataclass
class OutboxReport:
    """What ``run_outbox`` did: CLI.md's ``postier outbox`` document."""

    sent: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    held: int = 0  # queued, not due yet: scheduled, quiet hours, waiting for a retry
    remaining: int = 0  # still owed after the run: held + in flight elsewhere
    next_due: str | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, result: SendResult) -> None:
        entry = {"id": result.id, "message_id": result.message_id, "status": result.status,
                 "recipients": result.recipients}
        if result.status == "sent":
            self.sent.append(entry)
        else:  # failed for good, or queued again for a retry (then counted in held too)
            self.failed.append({**entry, "error": result.error})

    def to_dict(self) -> dict[str, Any]:
        return {"sent": self.sent, "failed": self.failed, "held": self.held,
                "remaining": self.remaining, "next_due": self.next_due, "errors": self.errors}

    def text(self) -> str:
        lines = [f"sent {len(self.sent)}, failed {len(self.failed)}, held {self.held},"
                 f" remaining {self.remaining}"
                 + (f", next due {self.next_due}" if self.next_due else "")]
        lines += [f"  sent {e['id']} {e['message_id']}: "
                  + ", ".join(r["address"] for r in e["recipients"]) for e in self.sent]
        lines += [f"  {e['status']} {e['id']} {e['message_id']}: "
                  + (f"{e['error'].get('code')}: {e['error'].get('message')}"
                     if e.get("error") else "refused") for e in self.failed]
        lines += [f"  error: {e['code']}: {e['message']}" for e in self.errors]
        return "\n".join(lines)


def outbox_accounts(settings: Settings, account_email: str | None) -> list[str] | None:
    """The accounts an outbox run serves (None: all). An unknown address is bad input."""
    if account_email is None:
        return None
    try:
        return [AccountStore(_db(settings)).require(account_email).email]
    except StorageError as exc:
        if exc.code == "ACCOUNT_NOT_FOUND":
            raise InputError(exc.message, code="ACCOUNT_NOT_FOUND") from exc
        raise PostierError(exc.code, exc.message) from exc


def outbox_state(settings: Settings, accounts: list[str] | None = None,
                 now: datetime | None = None) -> tuple[int, int, datetime | None]:
    """(held, remaining, next due time) of the outbox, for ``accounts`` or all."""
    stamp = _iso(_now(now))
    mine, params = _account_clause(accounts)
    with _db(settings).reading() as conn:
        remaining = conn.execute(
            "SELECT COUNT(*) FROM messages WHERE state IN (" + ",".join("?" for _ in _OWED)
            + ")" + mine, (*_OWED, *params)).fetchone()[0]
        # The later of the two times (SQLite's MAX(a, b) is PostgreSQL's GREATEST: a CASE
        # says it in both).
        held, first = conn.execute(
            "SELECT COUNT(*), MIN(CASE WHEN COALESCE(scheduled_at, '') > COALESCE("
            "next_attempt_at, '') THEN scheduled_at ELSE COALESCE(next_attempt_at, '') END)"
            " FROM messages WHERE state = 'queued' AND (scheduled_at > ? OR next_attempt_at > ?)"
            + mine, (stamp, stamp, *params)).fetchone()
    return held, remaining, datetime.fromisoformat(first) if first else None


def run_outbox(settings: Settings, account_email: str | None = None, *,
               accounts: list[str] | None = None, once: bool = True,
               stop: threading.Event | None = None, timeout: float | None = None,
               credentials: CredentialStore | None = None,
               on_result: Callable[[SendResult], None] | None = None) -> OutboxReport:
    """Send what is due now (``once``), or keep sending each message when it falls due until
    ``stop`` is set or ``timeout`` seconds have passed. Between passes it sleeps until the
    next due time, looking every ``OUTBOX_POLL`` seconds (``POSTIER_OUTBOX_POLL``) for
    messages other processes queued (the GUI, a killed ``postier send``)."""
    wanted = outbox_accounts(settings, account_email) if accounts is None else accounts
    stop = stop or threading.Event()
    deadline = None if timeout is None else time.monotonic() + timeout
    poll = max(0.2, _number(settings, _db(settings), "outbox.poll", OUTBOX_POLL))
    report = OutboxReport()
    while True:
        try:
            for result in process_queue(settings, credentials=credentials, accounts=wanted):
                report.add(result)
                if on_result is not None:
                    on_result(result)
            report.held, report.remaining, due = outbox_state(settings, wanted)
        except Exception as exc:
            if once:
                raise
            # A locked or briefly unreadable database, or a bug with one message (settled
            # by _send_claimed): the daemon goes on, the next pass tries again.
            log.warning("outbox pass failed: %s", exc, exc_info=not isinstance(exc, PostierError))
            report.errors.append({"code": getattr(exc, "code", "INTERNAL_ERROR"),
                                  "message": getattr(exc, "message", None) or str(exc)})
            due = None
        report.next_due = _iso(due) if due else None
        left = None if deadline is None else deadline - time.monotonic()
        if once or stop.is_set() or (left is not None and left <= 0):
            return report
        wait = poll
        if due is not None:
            wait = min(wait, max(0.0, (due - _now()).total_seconds()) + 0.05)
        if left is not None:
            wait = min(wait, left)
        stop.wait(max(wait, 0.05))


def _stale(row: Any, now: datetime, stale_after: float) -> bool:
    owner = row["claimed_by"] or ""
    host, _, pid = owner.rpartition(":")
    if host == socket.gethostname() and pid.isdigit() and os.name == "posix":
        if int(pid) == os.getpid():
            return False
        try:
            os.kill(int(pid), 0)  # signal 0: only asks whether the process exists
        except ProcessLookupError:
            return True
        except PermissionError:
            pass
    claimed = row["claimed_at"]
    if not claimed:
        return True
    return (now - datetime.fromisoformat(claimed)).total_seconds() >= stale_after


def recover_interrupted(settings: Settings, *, stale_after: float = STALE_AFTER,
                        credentials: CredentialStore | None = None,
                        check_sent: Callable[[Account, str], bool | None] | None = None
                        ) -> list[int]:
    """Messages a dead process left in ``sending``/``transmitting``: checked, never blindly
    resent. Returns their ids."""
    db = _db(settings)
    now = _now()
    with db.reading() as conn:
        rows = conn.execute("SELECT * FROM messages WHERE state IN ('sending', 'data',"
                            " 'transmitting')").fetchall()
    recovered = []
    for row in rows:
        if not _stale(row, now, stale_after):
            continue
        found: bool | None = None
        if row["state"] == "transmitting":
            found = _look_in_sent(settings, row, credentials, check_sent)
        with db.transaction() as conn:
            # locked (PostgreSQL): two laptops never settle the same dead claim twice
            current = claims.locked_state(conn, row["id"])
            if current is None or current["state"] != row["state"]:
                continue  # changed under us
            _recover_one(conn, row, found, now, transmitted=row["state"] == "transmitting")
        recovered.append(row["id"])
    return recovered


def _look_in_sent(settings: Settings, row: Any, credentials: CredentialStore | None,
                  check_sent: Callable[[Account, str], bool | None] | None) -> bool | None:
    try:
        account = _account(settings, row["account_email"])
        if check_sent is not None:
            return check_sent(account, row["message_id"])
        client = _open_imap(settings, account, credentials)
        try:
            return sent_folder.find_in_sent(client, row["message_id"])
        finally:
            imap_session.close(client)
    except PostierError as exc:
        log.info("cannot look for message %s in Sent: %s", row["id"], exc.code)
        return None


# Written in English, said in the user's language when shown (event_notes.localize).
_INTERRUPTED = event_notes.english("interrupted")


def _recover_one(conn: Any, row: Any, found: bool | None, now: datetime,
                 why: str = _INTERRUPTED, *, transmitted: bool) -> None:
    """Settle a message whose sender died or lost the server mid-transaction.
    ``transmitted``: the final dot may have reached the server (state ``transmitting``)."""
    mid = row["id"]
    if not transmitted:
        # Stopped before the final dot: the server discarded that transaction, so the
        # recipients inside it are owed again (back to to_send = 1).
        conn.execute("UPDATE recipients SET to_send = 1 WHERE message_id = ? AND to_send = 2",
                     (mid,))
    inflight = conn.execute("SELECT id FROM recipients WHERE message_id = ? AND to_send = 2",
                            (mid,)).fetchall()
    if found:
        for r in inflight:
            ms.apply_status(conn, r["id"], "sent", "local", None,
                            event_notes.english("found_in_sent"), now)
        conn.execute("UPDATE messages SET sent_at = COALESCE(sent_at, ?) WHERE id = ?",
                     (_iso(now), mid))
    else:
        for r in inflight:
            ms.apply_status(conn, r["id"], "error", "local", "undefined", why, now)
    conn.execute("UPDATE recipients SET to_send = 0 WHERE message_id = ? AND to_send = 2",
                 (mid,))
    left = conn.execute("SELECT COUNT(*) FROM recipients WHERE message_id = ? AND to_send = 1",
                        (mid,)).fetchone()[0]
    if left:
        state = "queued"  # nothing of these was transmitted: safe to send
    elif found:
        state = "sent"
    else:
        state = "unknown" if inflight else "failed"
    conn.execute("UPDATE messages SET state = ?, claimed_at = NULL, claimed_by = NULL,"
                 " next_attempt_at = NULL WHERE id = ?", (state, mid))
