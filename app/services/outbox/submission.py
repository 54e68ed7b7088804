"""One SMTP submission of a claimed message, and what the server said per recipient.

Owns the SMTP transaction (MAIL with DSN options, RCPT per recipient, DATA split so that
the ambiguous moment around the final dot is committed first), the reading of each refusal
(status + reason, a 4xx always retried), what a failed connection means for the message
(retry later or fail), and the copy in the Sent folder once the server took it. Connecting
and logging in are mail/smtp_session.py's; every state change goes through queue.py.
"""

from __future__ import annotations

import logging
import re
import smtplib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from app.services.bounce.reasons import classify_reply
from app.services.config import Settings
from app.services.credentials import CredentialStore
from app.services.errors import PostierError
from app.services.history import event_notes
from app.services.history import message_store as ms
from app.services.mail import imap_session, sent_folder
from app.services.mail.failures import network_error
from app.services.mail.smtp_session import open_smtp
from app.services.outbox.queue import (
    SendResult,
    account_for,
    finish,
    iso,
    open_db,
    pending_recipients,
    phase,
    result_of,
    retry_base,
    settle,
)
from app.services.setup.accounts import connect_with_credential
from app.services.storage import Account, Database

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0
# Temporary by nature: worth trying again later rather than failing the message.
# OAUTH_EXPIRED too: the message waits in the outbox until the user signs in again.
_RETRYABLE = {"TIMEOUT", "CONNECT_REFUSED", "NETWORK_UNREACHABLE", "DNS_NOT_FOUND",
              "PROTOCOL_ERROR", "SMTP_TEMPORARY", "OAUTH_EXPIRED", "KEYRING_LOCKED"}
_DEFERRED_REASON = {"SMTP_TEMPORARY": "system_error", "OAUTH_EXPIRED": "delayed",
                    "KEYRING_LOCKED": "delayed", "PROTOCOL_ERROR": "system_error"}


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


def attempt(settings: Settings, db: Database, row: Any, now: datetime,
            credentials: CredentialStore | None, timeout: float,
            save_to_sent: bool | None) -> SendResult:
    """One attempt at a message this process claimed: log in, the SMTP transaction, then
    the copy in Sent. Refusals and lost connections are settled here (queue.finish)."""
    mid = row["id"]
    base = retry_base(settings, db)
    pending = pending_recipients(db, mid)
    try:
        account = account_for(settings, row["account_email"])
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
    except _ClaimLost:
        # Someone settled our claim meanwhile (a recovery that took it for dead): the
        # final dot never went out, so the server drops this DATA; the row is theirs now.
        log.warning("message %s: claim lost before the final dot; not sent by us", mid)
        smtp.close()
        return result_of(db, mid)
    except _AmbiguousData as exc:
        with db.transaction() as conn:
            settle(conn, row, None, now, str(exc), transmitted=True)
        return result_of(db, mid, PostierError("TIMEOUT", str(exc), server="smtp"))
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
    return result_of(db, mid, sent_copy=sent_copy)


class _AmbiguousData(Exception):
    """The whole message went out but the server's answer never came back."""


class _ClaimLost(Exception):
    """The row is no longer ours (``data`` under our claim) when the final dot is due."""


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
    phase("body_sent")
    before_end()
    smtp.send(b".\r\n")
    try:
        return smtp.getreply()
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        raise _AmbiguousData(event_notes.english("no_answer", error=str(exc))) from exc


def _mark_transmitting(db: Database, mid: int, owner: str | None) -> None:
    """data → transmitting, committed before the final dot is written, and only while the
    claim is still ours: a recovery elsewhere (another laptop, a claim taken for stale) may
    have settled the row meanwhile, and then the dot must not go out (_ClaimLost), or the
    message would leave twice."""
    with db.transaction() as conn:
        mine = " AND claimed_by = ?" if owner else ""  # a claim always names its owner
        cur = conn.execute("UPDATE messages SET state = 'transmitting' WHERE id = ? AND"
                           " state = 'data'" + mine, (mid, owner) if owner else (mid,))
        if cur.rowcount != 1:
            raise _ClaimLost(mid)


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
                finish(conn, mid, now, last, base)
            return False
        dcode, dresp = _data(smtp, row["raw"],
                             lambda: _mark_transmitting(db, mid, row["claimed_by"]))
        phase("data_done")
        reply = _reply_text(dcode, dresp)
        with db.transaction() as conn:
            if dcode == 250:
                for r in accepted:
                    ms.apply_status(conn, r["id"], "sent", "smtp", None, reply, now)
                conn.execute("UPDATE messages SET sent_at = COALESCE(sent_at, ?) WHERE id = ?",
                             (iso(now), mid))
                conn.execute("UPDATE recipients SET to_send = 0 WHERE message_id = ?"
                             " AND to_send = 2", (mid,))
            else:
                _record_refusals(conn, {r["id"]: (dcode, reply) for r in accepted}, now)
            finish(conn, mid, now, reply, base)
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
        finish(conn, mid, now, exc.reply, base, exc)
    return result_of(db, mid, exc)


def open_mailbox(settings: Settings, account: Account,
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
        with open_db(settings).reading() as conn:
            raw = conn.execute("SELECT raw FROM messages WHERE id = ?", (row["id"],)).fetchone()[0]
        client = open_mailbox(settings, account, credentials)
        try:
            return "saved" if sent_folder.append_to_sent(client, raw) else "skipped"
        finally:
            imap_session.close(client)
    except PostierError as exc:
        log.info("no copy in Sent for message %s: %s", row["id"], exc.code)
        return f"failed: {exc.code}"
