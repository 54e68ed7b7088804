"""Tracking: watch the account's mailbox and hand what arrives to inbound.py, which turns
DSNs, bounces, read receipts, auto-replies and real replies into status events on the
messages we sent.

- IMAP IDLE when the server has it and we are not asked for one pass; polling otherwise;
  reconnect with backoff after a drop.
- What was scanned is remembered per folder (UIDVALIDITY + last UID in ``scan_state``), for
  INBOX and the Junk/Spam folder (bounces and replies land there too).
- Headers first, whole message only for what looks like a report, a bounce, an
  auto-reply or a reply to one of ours (inbound.looks_interesting): a big mailbox costs a
  header fetch. Matching and recording are inbound.py's.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from imapclient.exceptions import IMAPClientError

from app.services.config import Settings
from app.services.credentials import CredentialStore
from app.services.errors import PostierError
from app.services.history import message_store as ms
from app.services.mail import imap_session
from app.services.mail.auth import Credential
from app.services.mail.failures import network_error
from app.services.mail.imap_session import open_imap, special_folder
from app.services.outbox.sending import run_outbox
from app.services.setup.accounts import connect_with_credential, database
from app.services.storage import Account, AccountStore, Database, StorageError
from app.services.team.leases import run_as_sole_watcher, single_pass_lease
from app.services.tracking.inbound import (
    Ingested,
    analyse,
    headers_of,
    ingest,
    looks_interesting,
    our_messages,
    record,
    references,
)

log = logging.getLogger(__name__)

__all__ = ["Ingested", "TrackResult", "analyse", "imap_connect", "ingest", "looks_interesting",
           "record", "scan_folder", "track", "unmatched"]

DEFAULT_TIMEOUT = 30.0
FETCH_BATCH = 50
MAX_FULL_FETCH = 2_000_000  # bytes; bigger messages are judged on their headers
# Re-issue IDLE well before RFC 2177's 29 minutes; each renewal also rescans the Junk
# folder, which IDLE on INBOX does not watch.
IDLE_RENEW = 5 * 60
POLL_INTERVAL = 30.0
# Reconnection attempts back off 1, 2, 4 … s up to this: a server back after a restart or
# an outage is reconnected (and caught up from the last UID seen) within ~20 s.
MAX_BACKOFF = 20.0
_JUNK_NAMES = {"junk", "spam", "junk e-mail", "junk email", "bulk mail", "courrier indésirable",
               "courrier indesirable", "indésirables", "pourriel", "[gmail]/spam"}


@dataclass
class TrackResult:
    scanned: int = 0
    matched: int = 0
    updated: list[dict[str, Any]] = field(default_factory=list)
    unmatched: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    outbox: dict[str, Any] | None = None  # what the watcher sent meanwhile (outbox=True)
    # Team database: accounts a colleague's Postier is watching (it records their reports)
    watched_elsewhere: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = {"scanned": self.scanned, "matched": self.matched, "updated": self.updated,
                "unmatched": self.unmatched, "errors": self.errors, "accounts": self.accounts}
        if self.outbox is not None:
            data["outbox"] = self.outbox
        if self.watched_elsewhere:
            data["watched_elsewhere"] = self.watched_elsewhere
        return data

    def text(self) -> str:
        lines = [f"scanned {self.scanned}, matched {self.matched}, updated {len(self.updated)}"]
        lines += [f"  message {u['id']} {u['recipient']}: {u['status']}" for u in self.updated]
        if self.unmatched:
            lines.append(f"unmatched reports kept: {len(self.unmatched)}")
            lines += [f"  [{u['kind']}] {u.get('from_addr') or ''} {u.get('subject') or ''}"
                      for u in self.unmatched]
        lines += [f"error {e['account']}: {e['code']}: {e['message']}" for e in self.errors]
        lines += [f"{email}: watched by a colleague's Postier (it records the reports)"
                  for email in self.watched_elsewhere]
        return "\n".join(lines)


def _network_error(exc: BaseException) -> PostierError:
    return network_error(exc, "IMAP", server="imap")


def imap_connect(account: Account, settings: Settings, credential: Credential,
                 timeout: float = DEFAULT_TIMEOUT) -> Any:
    """The account's mailbox, logged in with ``credential`` (imap_session.open_imap)."""
    return open_imap(account, settings, credential, timeout=timeout)


def _connect(settings: Settings, account: Account, credentials: CredentialStore | None,
             timeout: float) -> Any:
    # an OAuth2 token refused early is refreshed once (accounts.connect_with_credential)
    return connect_with_credential(settings, account, credentials,
                                   lambda cred: imap_connect(account, settings, cred, timeout))


def _scan_folders(client: Any) -> list[str]:
    folders = ["INBOX"]
    junk = special_folder(client, b"\\Junk", _JUNK_NAMES)
    if junk and junk.upper() != "INBOX":
        folders.append(junk)
    return folders


def _since(db: Database, account: Account) -> datetime | None:
    with db.reading() as conn:
        row = conn.execute("SELECT MIN(created_at) FROM messages WHERE account_email = ?",
                           (account.email,)).fetchone()
    if not row or not row[0]:
        return None
    return datetime.fromisoformat(row[0]) - timedelta(days=1)


def scan_folder(client: Any, db: Database, account: Account, folder: str,
                result: TrackResult) -> None:
    info = client.select_folder(folder, readonly=True)
    uidvalidity = int(info.get(b"UIDVALIDITY", 0))
    with db.reading() as conn:
        state = conn.execute("SELECT * FROM scan_state WHERE account_id = ? AND folder = ?",
                             (account.id, folder)).fetchone()
    if state is not None and state["uidvalidity"] == uidvalidity:
        last = baseline = state["last_uid"]
        uids = [u for u in client.search(["UID", f"{last + 1}:*"]) if u > last]
    else:
        # First look at this folder (or its UIDs were reset): only mail since our oldest
        # message can be about it; everything older is skipped for good (baseline).
        last = 0
        since = _since(db, account)
        uids = client.search(["SINCE", since.date()]) if since else []
        uidnext = info.get(b"UIDNEXT")
        baseline = int(uidnext) - 1 if uidnext else max(client.search(["ALL"]) or [0])
    uids = sorted(uids)
    for start in range(0, len(uids), FETCH_BATCH):
        batch = uids[start:start + FETCH_BATCH]
        _scan_batch(client, db, account, folder, uidvalidity, batch, result)
        last = max(last, batch[-1])  # saved with the batch: progress survives a crash
    _save_state(db, account, folder, uidvalidity, max(last, baseline))


def _save_state(db: Database, account: Account, folder: str, uidvalidity: int,
                last: int) -> None:
    with db.transaction() as conn:
        _save_state_in(conn, account, folder, uidvalidity, last)


def _save_state_in(conn: Any, account: Account, folder: str, uidvalidity: int,
                   last: int) -> None:
    conn.execute("INSERT INTO scan_state (account_id, folder, uidvalidity, last_uid)"
                 " VALUES (?,?,?,?) ON CONFLICT(account_id, folder) DO UPDATE SET"
                 " uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid",
                 (account.id, folder, uidvalidity, last))


def _scan_batch(client: Any, db: Database, account: Account, folder: str, uidvalidity: int,
                uids: list[int], result: TrackResult) -> None:
    heads = client.fetch(uids, ["BODY.PEEK[HEADER]", "RFC822.SIZE", "INTERNALDATE"])
    wanted: dict[int, tuple[bool, datetime]] = {}
    with db.reading() as conn:
        for uid, data in heads.items():
            result.scanned += 1
            header_bytes = data.get(b"BODY[HEADER]") or b""
            headers = headers_of(header_bytes)
            if looks_interesting(headers, bool(our_messages(conn, references(headers)))):
                received = data.get(b"INTERNALDATE")
                if isinstance(received, datetime) and received.tzinfo is None:
                    received = received.astimezone()  # imapclient gives local naive times
                wanted[uid] = (int(data.get(b"RFC822.SIZE", 0)) <= MAX_FULL_FETCH,
                               (received or datetime.now(UTC)).astimezone(UTC))
    full_uids = [u for u, (full, _) in wanted.items() if full]
    bodies = client.fetch(full_uids, ["BODY.PEEK[]"]) if full_uids else {}
    analysed = []
    for uid, (full, received) in sorted(wanted.items()):  # parsing outside the write lock
        raw = (bodies.get(uid, {}).get(b"BODY[]") if full else None) or \
            heads[uid].get(b"BODY[HEADER]") or b""
        found = analyse(raw, received)
        if found is not None:
            analysed.append((uid, found))
    # One transaction per batch: what it says and how far we got commit together.
    with db.transaction() as conn:
        for uid, found in analysed:
            outcome = record(conn, account, folder, uidvalidity, uid, found)
            if outcome is None:
                continue
            if outcome.matched:
                result.matched += 1
            result.updated += outcome.updates
        _save_state_in(conn, account, folder, uidvalidity, max(uids))


def _accounts(settings: Settings, account_email: str | None) -> list[Account]:
    try:
        store = AccountStore(database(settings))
        return [store.require(account_email)] if account_email else store.list()
    except StorageError as exc:
        raise PostierError(exc.code, exc.message) from exc


def _mark(settings: Settings, account: Account, state: str, error: str | None) -> None:
    try:
        AccountStore(database(settings)).update_fields(
            account.email, sync_state=state, sync_error=error,
            needs_attention=int(error is not None and state == "error"))
    except StorageError:
        log.warning("could not record sync state of %s", account.email)


def _scan_account(settings: Settings, account: Account, client: Any,
                  result: TrackResult) -> None:
    db = database(settings)
    for folder in _scan_folders(client):
        scan_folder(client, db, account, folder, result)


def track(settings: Settings, account_email: str | None = None, *, once: bool = True,
          timeout: float | None = 60, stop: threading.Event | None = None,
          on_update: Callable[[list[dict]], None] | None = None,
          credentials: CredentialStore | None = None, outbox: bool = False) -> TrackResult:
    """One pass over each account (``once``), or watch them until ``timeout`` seconds have
    passed (None: until stopped) or ``stop`` is set (IDLE where offered, polling elsewhere).
    While watching with ``outbox``, the watched accounts' queued messages are also sent as
    they fall due (``sending.run_outbox``): the headless ``postier track`` is a whole mail
    client. The GUI keeps its own queue timer and leaves ``outbox`` off."""
    accounts = _accounts(settings, account_email)
    result = TrackResult(accounts=[a.email for a in accounts])
    lock = threading.Lock()
    if once:
        for account in accounts:
            # Team mode: a mailbox a colleague's Postier watches is left to it (leases.py).
            with single_pass_lease(settings, account.email, credentials) as ours:
                if ours:
                    _one_pass(settings, account, result, lock, credentials,
                              min(timeout or DEFAULT_TIMEOUT, DEFAULT_TIMEOUT), on_update)
                else:
                    result.watched_elsewhere.append(account.email)
    else:
        stop = stop or threading.Event()
        deadline = math.inf if timeout is None else time.monotonic() + timeout
        threads = [threading.Thread(target=_watch, name=f"track-{a.email}", daemon=True,
                                    args=(settings, a, result, lock, credentials, deadline,
                                          stop, on_update)) for a in accounts]
        if outbox and accounts:
            threads.append(threading.Thread(
                target=_send_due, name="track-outbox", daemon=True,
                args=(settings, [a.email for a in accounts], result, credentials, deadline,
                      stop)))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    result.unmatched = ms.MessageStore(database(settings)).unmatched_inbound(account_email)
    return result


def _send_due(settings: Settings, emails: list[str], result: TrackResult,
              credentials: CredentialStore | None, deadline: float,
              stop: threading.Event) -> None:
    """The outbox beside the mailbox watchers, until the same deadline or stop."""
    try:
        report = run_outbox(settings, accounts=emails, once=False, stop=stop,
                            timeout=None if deadline == math.inf
                            else max(0.0, deadline - time.monotonic()),
                            credentials=credentials)
        result.outbox = report.to_dict()
    except Exception as exc:  # noqa: BLE001 - the watchers go on; the failure is reported
        log.warning("outbox stopped: %s", exc)
        result.outbox = {"sent": [], "failed": [], "held": 0, "remaining": 0,
                         "errors": [{"code": getattr(exc, "code", "INTERNAL_ERROR"),
                                     "message": str(exc)}]}


def _one_pass(settings: Settings, account: Account, result: TrackResult, lock: threading.Lock,
              credentials: CredentialStore | None, timeout: float,
              on_update: Callable[[list[dict]], None] | None) -> None:
    try:
        client = _connect(settings, account, credentials, timeout)
    except PostierError as exc:
        _failed(settings, account, result, lock, exc)
        return
    try:
        _pass_on(settings, account, client, result, lock, on_update)
    except PostierError as exc:
        _failed(settings, account, result, lock, exc)
    finally:
        imap_session.close(client)


def _pass_on(settings: Settings, account: Account, client: Any, result: TrackResult,
             lock: threading.Lock, on_update: Callable[[list[dict]], None] | None,
             state: str = "ok") -> None:
    local = TrackResult()
    try:
        _scan_account(settings, account, client, local)
    except (IMAPClientError, OSError) as exc:
        raise _network_error(exc) from exc
    with lock:
        result.scanned += local.scanned
        result.matched += local.matched
        result.updated += local.updated
    _mark(settings, account, state, None)
    if local.updated and on_update is not None:
        on_update(local.updated)


def _failed(settings: Settings, account: Account, result: TrackResult, lock: threading.Lock,
            exc: PostierError) -> None:
    log.info("tracking %s failed: %s", account.email, exc.code)
    _mark(settings, account, "error", exc.code)
    with lock:
        result.errors.append({"account": account.email, **exc.to_dict()})


def _watch(settings: Settings, account: Account, result: TrackResult, lock: threading.Lock,
           credentials: CredentialStore | None, deadline: float, stop: threading.Event,
           on_update: Callable[[list[dict]], None] | None) -> None:
    # Team mode: one laptop at a time watches a shared mailbox, so each report is read and
    # recorded once; the lease moves when its holder quits or dies (team/leases.py).
    run_as_sole_watcher(settings, account.email,
                        lambda held: _watch_mailbox(settings, account, result, lock, credentials,
                                                    deadline, held, on_update),
                        stop, deadline, credentials)


def _watch_mailbox(settings: Settings, account: Account, result: TrackResult,
                   lock: threading.Lock, credentials: CredentialStore | None, deadline: float,
                   stop: threading.Event, on_update: Callable[[list[dict]], None] | None
                   ) -> None:
    backoff = 1.0
    while not stop.is_set() and time.monotonic() < deadline:
        try:
            client = _connect(settings, account, credentials, DEFAULT_TIMEOUT)
        except PostierError as exc:
            _failed(settings, account, result, lock, exc)
            if exc.code in ("AUTH_FAILED", "CERT_UNTRUSTED", "CERT_EXPIRED",
                            "CERT_HOSTNAME_MISMATCH", "PLAINTEXT_REFUSED", "OAUTH_EXPIRED"):
                return  # retrying cannot fix these; the account needs the user
            stop.wait(min(backoff, max(0.0, deadline - time.monotonic())))
            backoff = min(backoff * 2, MAX_BACKOFF)
            continue
        broken: PostierError | None = None
        try:
            while not stop.is_set() and time.monotonic() < deadline:
                _pass_on(settings, account, client, result, lock, on_update, "watching")
                backoff = 1.0
                _wait_for_news(client, database(settings), account, deadline, stop)
        except PostierError as exc:
            broken = exc
        except Exception as exc:  # noqa: BLE001 - a dropped connection: reconnect with backoff
            broken = _network_error(exc)
        if broken is None:
            imap_session.close(client)
            continue
        imap_session.drop(client)  # no LOGOUT round trip on a connection that is gone
        _failed(settings, account, result, lock, broken)
        stop.wait(min(backoff, max(0.0, deadline - time.monotonic())))
        backoff = min(backoff * 2, MAX_BACKOFF)


def _wait_for_news(client: Any, db: Database, account: Account, deadline: float,
                   stop: threading.Event) -> None:
    """Block until the INBOX changes, the time is up or we are told to stop."""
    if not client.has_capability("IDLE"):
        end = min(deadline, time.monotonic() + POLL_INTERVAL)
        while not stop.is_set() and time.monotonic() < end:
            stop.wait(min(1.0, max(0.0, end - time.monotonic())))
        return
    info = client.select_folder("INBOX", readonly=True)
    with db.reading() as conn:
        row = conn.execute("SELECT last_uid FROM scan_state WHERE account_id = ? AND"
                           " folder = 'INBOX'", (account.id,)).fetchone()
    if row is not None and int(info.get(b"UIDNEXT", 0)) - 1 > row["last_uid"]:
        return  # mail arrived between the scan and now: IDLE would not announce it
    client.idle()  # from here on the server pushes what arrives after this SELECT
    try:
        renew = time.monotonic() + IDLE_RENEW
        quick_empty = 0
        while not stop.is_set() and time.monotonic() < min(deadline, renew):
            # short checks so that ``stop`` is honoured within a second
            started = time.monotonic()
            responses = client.idle_check(timeout=1)
            if any(r and r[0] == b"BYE" for r in responses):
                raise PostierError("PROTOCOL_ERROR", "The mail server closed the connection.",
                                   reply=str(responses), server="imap")
            if any(r[1] in (b"EXISTS", b"RECENT") for r in responses if len(r) > 1):
                return
            # imapclient answers an EOF with an immediate empty list: a dead connection
            quick_empty = quick_empty + 1 if not responses and \
                time.monotonic() - started < 0.5 else 0
            if quick_empty >= 3:
                raise PostierError("PROTOCOL_ERROR", "The connection to the mail server "
                                   "was lost.", server="imap")
    finally:
        client.idle_done()


def unmatched(settings: Settings, account_email: str | None = None) -> list[dict[str, Any]]:
    return ms.MessageStore(database(settings)).unmatched_inbound(account_email)
