"""Crash recovery: settle what a dead sender left in ``sending``/``data``/``transmitting``.

What a kill leaves, what the next start does, why nothing goes out twice (the states are
queue.py's). ``recover_interrupted`` runs at the start of ``postier send``, of every
``process_queue`` pass (``postier outbox``, the long-running ``postier track``, the GUI's
timer). It only
touches a claim whose owner is dead: same host and its PID gone, on the team database a
sender mark the server has released (another laptop killed or cut off: team/claims.py), or
a claim older than ``STALE_AFTER``; a live sender is never overtaken, and a sender whose
claim was settled anyway stops before the final dot (submission._mark_transmitting).

====================  =========================  =============================================
killed while          what the server holds      next start
====================  =========================  =============================================
recording             nothing                    nothing to do: no row, no id given, nothing
                                                 sent (the insert is one transaction)
queued                nothing                    sent when due by the outbox (``claim`` is
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
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from datetime import datetime
from typing import Any

from app.services.config import Settings
from app.services.credentials import CredentialStore
from app.services.errors import PostierError
from app.services.mail import imap_session, sent_folder
from app.services.outbox.queue import account_for, now_utc, open_db, settle
from app.services.outbox.submission import open_mailbox
from app.services.storage import Account
from app.services.team import claims

log = logging.getLogger(__name__)

STALE_AFTER = 600  # a claim older than this belongs to a process that died


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
    db = open_db(settings)
    now = now_utc()
    with db.reading() as conn:
        rows = conn.execute("SELECT * FROM messages WHERE state IN ('sending', 'data',"
                            " 'transmitting')").fetchall()
    recovered = []
    for row in rows:
        # Team database: a claim whose sender's mark is free is dead now, not in 10 minutes.
        if not _stale(row, now, stale_after) and not claims.sender_gone(db, row["id"]):
            continue
        found: bool | None = None
        if row["state"] == "transmitting":
            found = _look_in_sent(settings, row, credentials, check_sent)
        with db.transaction() as conn:
            # locked (PostgreSQL): two laptops never settle the same dead claim twice
            current = claims.locked_state(conn, row["id"])
            if current is None or current["state"] != row["state"] \
                    or current["claimed_by"] != row["claimed_by"]:
                continue  # changed under us (settled, or claimed again by someone else)
            settle(conn, row, found, now, transmitted=row["state"] == "transmitting")
        recovered.append(row["id"])
    return recovered


def _look_in_sent(settings: Settings, row: Any, credentials: CredentialStore | None,
                  check_sent: Callable[[Account, str], bool | None] | None) -> bool | None:
    try:
        account = account_for(settings, row["account_email"])
        if check_sent is not None:
            return check_sent(account, row["message_id"])
        client = open_mailbox(settings, account, credentials)
        try:
            return sent_folder.find_in_sent(client, row["message_id"])
        finally:
            imap_session.close(client)
    except PostierError as exc:
        log.info("cannot look for message %s in Sent: %s", row["id"], exc.code)
        return None
