"""Tracking: reports and replies matched to sent messages.

First part: ``tracking.ingest`` fed raw messages (RFC 3464 DSN, free-text bounce, MDN,
auto-reply, reply) against a database holding sent messages. Second part: end to end on the
real rig (Postfix submission → Postfix DSNs/bounces → Dovecot → IMAP → tracker).
"""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest

from app.services.config import Settings
from app.services.history import message_store as ms
from app.services.mail.auth import Credential
from app.services.outbox import sending
from app.services.setup import accounts
from app.services.storage import Account, AccountStore, Database
from app.services.tracking import watcher as tracking
from tests.support.sent_messages import listed
from tests.support.track import track_until

SENDER = "carol@example.test"  # the rig user these tests send from (others use alice)


# ---------------------------------------------------------------------------
# Raw message builders (formats as Postfix, Exchange and mail clients write them)
# ---------------------------------------------------------------------------
def dsn(rcpt: str, action: str, status: str, diagnostic: str, *, envid: str | None = None,
        message_id: str | None = None, date: datetime | None = None) -> bytes:
    when = format_datetime(date or datetime.now(UTC))
    envid_line = f"Original-Envelope-Id: {envid}\r\n" if envid else ""
    returned = (f"Message-ID: {message_id}\r\nFrom: {SENDER}\r\nSubject: hello\r\n"
                if message_id else "From: someone\r\n")
    return (f"From: MAILER-DAEMON@example.test (Mail Delivery System)\r\n"
            f"To: {SENDER}\r\nSubject: Undelivered Mail Returned to Sender\r\nDate: {when}\r\n"
            f"Message-ID: {make_msgid()}\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
            f"--B\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you...\r\n\r\n"
            f"--B\r\nContent-Type: message/delivery-status\r\n\r\n"
            f"Reporting-MTA: dns; mail.example.test\r\n{envid_line}\r\n"
            f"Final-Recipient: rfc822; {rcpt}\r\nOriginal-Recipient: rfc822;{rcpt}\r\n"
            f"Action: {action}\r\nStatus: {status}\r\nRemote-MTA: dns; mx.remote.test\r\n"
            f"Diagnostic-Code: smtp; {diagnostic}\r\n\r\n"
            f"--B\r\nContent-Type: text/rfc822-headers\r\n\r\n{returned}\r\n--B--\r\n"
            ).encode()


def mdn(reader: str, original_id: str) -> bytes:
    return (f"From: {reader}\r\nTo: {SENDER}\r\nSubject: Read: hello\r\n"
            f"Date: {format_datetime(datetime.now(UTC))}\r\n"
            f"Message-ID: {make_msgid()}\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/report; report-type=disposition-notification; "
            "boundary=\"M\"\r\n\r\n--M\r\nContent-Type: text/plain\r\n\r\nYour message was "
            "displayed.\r\n\r\n--M\r\nContent-Type: message/disposition-notification\r\n\r\n"
            f"Reporting-UA: client.example; Thunderbird\r\nFinal-Recipient: rfc822;{reader}\r\n"
            f"Original-Message-ID: {original_id}\r\n"
            "Disposition: manual-action/MDN-sent-manually; displayed\r\n\r\n--M--\r\n").encode()


def reply(sender: str, original_id: str, *, auto: bool = False, subject: str = "Re: hello",
          refs: bool = True) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = SENDER
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid()
    if refs:
        msg["In-Reply-To"] = original_id
        msg["References"] = original_id
    if auto:
        msg["Auto-Submitted"] = "auto-replied"
        msg.set_content("Je suis absent jusqu'au 3 janvier.")
    else:
        msg.set_content("Merci, c'est parfait.")
    return bytes(msg)


# ---------------------------------------------------------------------------
# ingest() against a database of sent messages
# ---------------------------------------------------------------------------
@pytest.fixture()
def db_account(postier_env: Path) -> tuple[Database, Account]:
    db = Database(postier_env / "postier.sqlite3")
    account = AccountStore(db).add(Account(
        email=SENDER, username=SENDER, imap_host="127.0.0.1", imap_port=993,
        imap_security="ssl", smtp_host="127.0.0.1", smtp_port=465, smtp_security="ssl"))
    return db, account


def _sent(db: Database, rcpts: list[str], n: int, minutes_ago: int = 5,
          sender: str = SENDER) -> tuple[int, str, str]:
    message_id, envid = f"<msg{n}.{time.time_ns()}@example.test>", f"env{n}x{time.time_ns()}"
    when = (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat(
        timespec="seconds")
    with db.transaction() as conn:
        mid = ms.insert_message(conn, account_id=None, account_email=sender,
                                message_id=message_id, envid=envid, from_addr=sender,
                                subject="hello", body_text="x", body_html=None, raw=b"",
                                recipients=[ms.NewRecipient(a) for a in rcpts])
        conn.execute("UPDATE messages SET sent_at = ?, created_at = ?, state = 'sent'"
                     " WHERE id = ?", (when, when, mid))
        for r in conn.execute("SELECT id FROM recipients WHERE message_id = ?", (mid,)):
            ms.apply_status(conn, r["id"], "sent", "smtp", None, "250 ok", when)
    return mid, message_id, envid


def _status(db: Database, mid: int, address: str) -> str:
    return ms.MessageStore(db).recipient_status(mid, address)


_uid = iter(range(1, 10_000))


def _ingest(db: Database, account: Account, raw: bytes, folder: str = "INBOX"):  # noqa: ANN202
    return tracking.ingest(db, account, folder, 1, next(_uid), raw)


def test_dsn_matched_by_envid(db_account) -> None:  # noqa: ANN001
    db, account = db_account
    mid, _, envid = _sent(db, ["x@remote.test", "y@remote.test"], 1)
    out = _ingest(db, account, dsn("x@remote.test", "failed", "5.1.1",
                                   "550 5.1.1 <x@remote.test>: User unknown", envid=envid))
    assert out.kind == "dsn" and out.matched
    assert out.updates == [{"id": mid, "recipient": "x@remote.test", "status": "hard_bounce"}]
    assert _status(db, mid, "y@remote.test") == "sent"
    row = [r for r in listed(db) if r["to"] == "x@remote.test"][0]
    last = row["events"][-1]
    assert (last["status"], last["source"], last["reason"]) == ("hard_bounce", "dsn",
                                                                "user_unknown")
    assert "550 5.1.1" in last["detail"]


def test_bounce_matched_by_returned_message_id(db_account) -> None:  # noqa: ANN001
    db, account = db_account
    mid, message_id, _ = _sent(db, ["x@remote.test"], 2)
    out = _ingest(db, account, dsn("x@remote.test", "failed", "5.2.2",
                                   "552 5.2.2 Mailbox full", message_id=message_id))
    assert out.matched and _status(db, mid, "x@remote.test") == "soft_bounce"


def test_fallback_recipient_and_time_window(db_account) -> None:  # noqa: ANN001
    db, account = db_account
    _sent(db, ["x@remote.test"], 3, minutes_ago=60 * 24 * 30)  # too old to be the one
    mid, _, _ = _sent(db, ["x@remote.test"], 4, minutes_ago=10)
    out = _ingest(db, account, dsn("x@remote.test", "failed", "5.7.1",
                                   "554 5.7.1 Service unavailable; client host blocked "
                                   "using zen.spamhaus.org"))
    assert out.matched
    assert out.updates[0]["id"] == mid
    assert _status(db, mid, "x@remote.test") == "blocked"


def test_report_about_a_message_sent_elsewhere_is_not_guessed(db_account) -> None:  # noqa: ANN001
    db, account = db_account
    mid, _, _ = _sent(db, ["x@remote.test"], 10)
    out = _ingest(db, account, dsn("x@remote.test", "failed", "5.1.1", "550 5.1.1 unknown",
                                   message_id="<sent-from-outlook@example.test>"))
    assert not out.matched
    assert _status(db, mid, "x@remote.test") == "sent"


def test_dsn_naming_another_original_recipient_falls_back_to_final(db_account) -> None:  # noqa: ANN001,E501
    db, account = db_account
    mid, _, envid = _sent(db, ["a@remote.test", "b@remote.test"], 11)
    raw = dsn("b@remote.test", "failed", "5.2.2", "552 5.2.2 full", envid=envid).replace(
        b"Original-Recipient: rfc822;b@remote.test", b"Original-Recipient: rfc822;team@remote.test")
    assert _ingest(db, account, raw).matched
    assert (_status(db, mid, "a@remote.test"), _status(db, mid, "b@remote.test")) == \
        ("sent", "soft_bounce")


def test_bounce_about_unknown_message_is_kept_unmatched(db_account) -> None:  # noqa: ANN001
    db, account = db_account
    _sent(db, ["x@remote.test"], 5)
    out = _ingest(db, account, dsn("stranger@remote.test", "failed", "5.1.1", "550 5.1.1 no"))
    assert out is not None and not out.matched
    kept = ms.MessageStore(db).unmatched_inbound()
    assert len(kept) == 1 and kept[0]["kind"] == "dsn"
    assert "stranger@remote.test" in kept[0]["summary"]


def test_late_delay_dsn_does_not_undo_delivery_and_duplicates_count_once(db_account) -> None:  # noqa: ANN001,E501
    db, account = db_account
    mid, _, envid = _sent(db, ["x@remote.test"], 6)
    delivered = dsn("x@remote.test", "delivered", "2.0.0", "250 2.0.0 Ok", envid=envid)
    assert _ingest(db, account, delivered).updates[0]["status"] == "delivered"
    assert _ingest(db, account, delivered) is not None  # same Message-ID again (Junk copy)
    delayed = dsn("x@remote.test", "delayed", "4.4.1", "451 4.4.1 try later", envid=envid)
    assert _ingest(db, account, delayed).updates == []
    assert _status(db, mid, "x@remote.test") == "delivered"
    rid = listed(db)[0]["recipient_id"]
    statuses = [(e["status"], e["applied"]) for e in ms.MessageStore(db).events(rid)]
    assert len(statuses) == 4  # the duplicate copy added nothing
    assert statuses[-2:] == [("delivered", True), ("deferred", False)]


def test_same_copy_is_ingested_once(db_account) -> None:  # noqa: ANN001
    db, account = db_account
    mid, _, envid = _sent(db, ["x@remote.test"], 7)
    raw = dsn("x@remote.test", "failed", "5.1.1", "550 5.1.1 unknown", envid=envid)
    assert tracking.ingest(db, account, "INBOX", 9, 42, raw) is not None
    assert tracking.ingest(db, account, "INBOX", 9, 42, raw) is None
    rid = listed(db)[0]["recipient_id"]
    assert len(ms.MessageStore(db).events(rid)) == 3


def test_mdn_reply_auto_reply(db_account) -> None:  # noqa: ANN001
    db, account = db_account
    mid, message_id, _ = _sent(db, ["bob@remote.test", "eve@remote.test", "dan@remote.test"], 8)
    assert _ingest(db, account, mdn("bob@remote.test", message_id)).matched
    assert _status(db, mid, "bob@remote.test") == "opened"
    assert _ingest(db, account, reply("Bob <bob@remote.test>", message_id)).matched
    assert _status(db, mid, "bob@remote.test") == "replied"
    # an auto-reply without references: matched on the sender + recent message to it
    out = _ingest(db, account, reply("eve@remote.test", message_id, auto=True,
                                     subject="Absence du bureau", refs=False))
    assert out.kind == "auto_reply" and out.matched
    assert _status(db, mid, "eve@remote.test") == "auto_reply"
    assert _status(db, mid, "dan@remote.test") == "sent"


def test_ordinary_mail_is_ignored(db_account) -> None:  # noqa: ANN001
    db, account = db_account
    _sent(db, ["bob@remote.test"], 9)
    assert _ingest(db, account, reply("bob@remote.test", "<other@x>", subject="Lunch?")) is None
    assert ms.MessageStore(db).unmatched_inbound() == []


def test_header_prefilter() -> None:
    from email.parser import BytesHeaderParser

    def looks(raw: bytes, ours: bool = False) -> bool:
        return tracking.looks_interesting(BytesHeaderParser().parsebytes(raw), ours)

    assert looks(dsn("x@y.test", "failed", "5.1.1", "550"))
    assert looks(b"From: Mail Delivery Subsystem <MAILER-DAEMON@y.test>\r\nSubject: x\r\n\r\n")
    assert looks(b"From: a@y.test\r\nSubject: R\xc3\xa9ponse automatique\r\n\r\n")
    assert looks(b"From: a@y.test\r\nSubject: hi\r\n\r\n", ours=True)
    assert not looks(b"From: a@y.test\r\nSubject: Lunch tomorrow?\r\n\r\n")


# ---------------------------------------------------------------------------
# End to end on the rig
# ---------------------------------------------------------------------------
@pytest.fixture()
def rig_settings(rig, postier_env: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:  # noqa: ANN001
    monkeypatch.setenv("POSTIER_CA_FILE", str(rig.ca_file))
    settings = Settings.from_env()
    accounts.save_account(settings, email=SENDER, credential=Credential(SENDER, "secret"),
                          imap=rig.imaps, smtp=rig.submission, display_name="Carol")
    return settings


def _send(settings: Settings, to: list[str], **kw) -> sending.SendResult:  # noqa: ANN003
    msg = sending.OutgoingMessage(account_email=SENDER, to=to, subject=kw.pop("subject", "hello"),
                                  text="Bonjour !", **kw)
    return sending.send_message(settings, msg, timeout=15)


def _inject(rig, raw: bytes, rcpt: str = SENDER) -> None:  # noqa: ANN001
    host, port = rig.smtp_inject
    with smtplib.SMTP(host, port, timeout=10) as s:
        s.sendmail("", [rcpt], raw)


def test_rig_send_then_success_dsn_gives_delivered(rig_settings: Settings, rig) -> None:  # noqa: ANN001
    result = _send(rig_settings, ["bob@example.test"])
    assert result.status == "sent" and result.dsn_requested
    assert result.reply.startswith("250")
    assert result.sent_copy == "saved"
    updates = track_until(rig_settings, SENDER,
                          lambda u: any(x["status"] == "delivered" for x in u))
    assert {"id": result.id, "recipient": "bob@example.test", "status": "delivered"} in updates
    row = listed(Database(rig_settings.db_path))[0]
    assert [e["status"] for e in row["events"]] == ["queued", "sent", "delivered"]
    assert [e["source"] for e in row["events"]][-1] == "dsn"
    with Database(rig_settings.db_path).reading() as conn:  # our ENVID came back in the DSN
        envid = conn.execute("SELECT envid FROM messages WHERE id = ?", (result.id,)).fetchone()[0]
        raw = conn.execute("SELECT raw FROM inbound WHERE matched = 1").fetchone()[0]
    assert f"Original-Envelope-Id: {envid}".encode() in raw
    # a second pass finds nothing new (UIDVALIDITY + last UID remembered)
    again = tracking.track(rig_settings, SENDER, once=True)
    assert again.updated == [] and again.scanned == 0
    # UIDVALIDITY changed (mailbox rebuilt on the server): rescanned, nothing counted twice
    with Database(rig_settings.db_path).transaction() as conn:
        conn.execute("UPDATE scan_state SET uidvalidity = 1, last_uid = 0")
        conn.execute("UPDATE inbound SET uidvalidity = 1")  # the old UIDs mean nothing now
    rebuilt = tracking.track(rig_settings, SENDER, once=True)
    assert rebuilt.scanned > 0 and rebuilt.updated == []
    rid = row["recipient_id"]
    assert len(ms.MessageStore(Database(rig_settings.db_path)).events(rid)) == 3


def test_rig_remote_unknown_user_hard_bounce(rig_settings: Settings, rig) -> None:  # noqa: ANN001
    result = _send(rig_settings, ["nobody@remote.test", "ok@remote.test"])
    assert result.status == "sent"
    updates = track_until(rig_settings, SENDER,
                          lambda u: any(x["recipient"] == "nobody@remote.test"
                                        for x in u))
    assert {"id": result.id, "recipient": "nobody@remote.test", "status": "hard_bounce"} in updates
    rows = {r["to"]: r for r in listed(Database(rig_settings.db_path))}
    assert rows["nobody@remote.test"]["reason"] == "user_unknown"
    assert "550 5.1.1" in rows["nobody@remote.test"]["detail"]
    assert rows["ok@remote.test"]["status"] in ("sent", "delivered")


def test_rig_spam_refused_at_data(rig_settings: Settings, rig) -> None:  # noqa: ANN001
    result = _send(rig_settings, ["spam@remote.test"])
    updates = track_until(rig_settings, SENDER, lambda u: bool(u))
    assert {"id": result.id, "recipient": "spam@remote.test", "status": "spam"} in updates


def test_rig_reply_mdn_and_auto_reply(rig_settings: Settings, rig) -> None:  # noqa: ANN001
    result = _send(rig_settings, ["bob@example.test", "alice@example.test"], read_receipt=True)
    _inject(rig, mdn("bob@example.test", result.message_id))
    _inject(rig, reply("alice@example.test", result.message_id, auto=True,
                       subject="Out of office"))
    track_until(rig_settings, SENDER, lambda u: {(x["recipient"], x["status"]) for x in u} >= {
        ("bob@example.test", "opened"), ("alice@example.test", "auto_reply")})
    _inject(rig, reply("Bob <bob@example.test>", result.message_id))
    track_until(rig_settings, SENDER, lambda u: ("bob@example.test", "replied") in {
        (x["recipient"], x["status"]) for x in u})
    store = ms.MessageStore(Database(rig_settings.db_path))
    assert store.recipient_status(result.id, "bob@example.test") == "replied"
    assert store.recipient_status(result.id, "alice@example.test") == "auto_reply"


def test_rig_bounce_in_junk_folder_is_found(rig_settings: Settings, rig) -> None:  # noqa: ANN001
    result = _send(rig_settings, ["x@elsewhere.test"], subject="junk test")
    tracking.track(rig_settings, SENDER, once=True)  # folders known, nothing yet
    account = AccountStore(Database(rig_settings.db_path)).require(SENDER)
    client = tracking.imap_connect(account, rig_settings, Credential(SENDER, "secret"))
    try:
        if not client.folder_exists("Junk"):
            client.create_folder("Junk")
        client.append("Junk", dsn("x@elsewhere.test", "failed", "5.1.2",
                                  "550 5.1.2 Host unknown", message_id=result.message_id))
    finally:
        client.logout()
    updates = track_until(rig_settings, SENDER, lambda u: bool(u))
    assert updates == [{"id": result.id, "recipient": "x@elsewhere.test",
                        "status": "hard_bounce"}]


def test_rig_wrong_password_marks_account(rig_settings: Settings) -> None:
    from app.services.credentials import CredentialStore

    CredentialStore().set(SENDER, "wrong")
    result = tracking.track(rig_settings, SENDER, once=True)
    assert result.errors and result.errors[0]["code"] == "AUTH_FAILED"
    account = AccountStore(Database(rig_settings.db_path)).require(SENDER)
    assert (account.sync_state, account.sync_error, account.needs_attention) == \
        ("error", "AUTH_FAILED", 1)


def test_rig_watch_mode_uses_idle_and_stops(rig_settings: Settings, rig) -> None:  # noqa: ANN001
    import threading

    result = _send(rig_settings, ["bob@example.test"])
    seen: list[dict] = []
    stop = threading.Event()

    def on_update(updates: list[dict]) -> None:
        seen.extend(updates)
        if any(u["status"] == "delivered" for u in seen):
            stop.set()

    started = time.monotonic()
    out = tracking.track(rig_settings, SENDER, once=False, timeout=20, stop=stop,
                         on_update=on_update)
    assert time.monotonic() - started < 15
    assert {"id": result.id, "recipient": "bob@example.test", "status": "delivered"} in out.updated


def _copies(rig, email: str, message_id: str) -> int:  # noqa: ANN001
    return sum(1 for p in rig.maildir_messages(email) if message_id.encode() in p.read_bytes())


_CRASHER = textwrap.dedent("""
    import os, signal, sys
    from app.services.outbox import queue, sending
    from app.services.config import Settings

    def hook(phase):
        if phase == sys.argv[1]:
            print(phase, flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

    queue.phase_hook = hook
    msg = sending.OutgoingMessage(account_email=sys.argv[2], to=[sys.argv[3]],
                                  subject="crash " + sys.argv[1], text="x")
    sending.send_message(Settings.from_env(), msg, timeout=15)
""")


@pytest.mark.parametrize("phase", ["recorded", "claimed", "data_done"])
def test_rig_kill_during_send_loses_nothing_and_sends_once(rig_settings: Settings, rig,  # noqa: ANN001
                                                           phase: str) -> None:
    proc = subprocess.run([sys.executable, "-c", _CRASHER, phase, SENDER, "bob@example.test"],
                          env={**os.environ}, capture_output=True, text=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    db = Database(rig_settings.db_path)
    rows = listed(db)
    assert len(rows) == 1  # recorded before anything else happened: not lost
    mid, message_id = rows[0]["id"], rows[0]["message_id"]
    sending.recover_interrupted(rig_settings)
    sending.process_queue(rig_settings)
    sending.recover_interrupted(rig_settings)
    sending.process_queue(rig_settings)  # twice: still exactly one copy
    rig.wait_for_mail("bob@example.test", 1, timeout=5)
    deadline = time.monotonic() + 5
    while _copies(rig, "bob@example.test", message_id) < 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _copies(rig, "bob@example.test", message_id) == 1
    status = ms.MessageStore(db).recipient_status(mid, "bob@example.test")
    if phase == "data_done":  # the server took it but we never heard: not resent, flagged
        assert status == "error"
        assert ms.MessageStore(db).message(mid)["state"] == "unknown"
    else:
        assert status == "sent"
    # whatever happened, the success DSN settles it
    track_until(rig_settings, SENDER,
                lambda u: any(x["id"] == mid and x["status"] == "delivered"
                              for x in u))
    assert ms.MessageStore(db).recipient_status(mid, "bob@example.test") == "delivered"


def test_rig_mailbox_full_deferred_then_soft_bounce(rig_settings: Settings, rig) -> None:  # noqa: ANN001
    # Postfix retries the 452 every ~1 s; with a 1 s delay warning it sends a "delayed" DSN,
    # and after a (shortened) queue lifetime the final "failed" one.
    before = subprocess.run(["postconf", "-c", str(rig.postfix_dir), "-h",
                             "maximal_queue_lifetime"], capture_output=True, text=True,
                            check=True).stdout.strip()
    rig.set_postfix(delay_warning_time="1s", maximal_queue_lifetime="4s")
    try:
        result = _send(rig_settings, ["full@remote.test"])
        assert result.status == "sent"
        updates = track_until(rig_settings, SENDER,
                              lambda u: any(x["status"] == "deferred"
                                            for x in u), timeout=15)
        assert {"id": result.id, "recipient": "full@remote.test", "status": "deferred"} in updates
        updates = track_until(rig_settings, SENDER,
                              lambda u: any(x["status"] == "soft_bounce"
                                            for x in u), timeout=25)
    finally:
        rig.set_postfix(delay_warning_time="0", maximal_queue_lifetime=before)
    assert {"id": result.id, "recipient": "full@remote.test", "status": "soft_bounce"} in updates
    row = listed(Database(rig_settings.db_path))[0]
    assert [e["status"] for e in row["events"]] == ["queued", "sent", "deferred", "soft_bounce"]
    assert "452 4.2.2" in row["detail"]


def test_rig_watch_reconnects_after_a_drop(rig_settings: Settings, rig,  # noqa: ANN001
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    db = Database(rig_settings.db_path)
    seen: list[dict] = []
    stop = threading.Event()
    out: dict = {}
    idling = threading.Event()
    real_connect = tracking._connect

    def connect_and_tell_when_idling(*args, **kwargs):  # noqa: ANN002,ANN003,ANN202
        # The real connection; only told apart: when the server has accepted IDLE.
        client = real_connect(*args, **kwargs)
        real_idle = client.idle

        def idle():  # noqa: ANN202
            answer = real_idle()
            idling.set()
            return answer

        client.idle = idle
        return client

    monkeypatch.setattr(tracking, "_connect", connect_and_tell_when_idling)

    def on_update(updates: list[dict]) -> None:
        seen.extend(updates)
        if any(u["status"] == "delivered" for u in seen):
            stop.set()

    watcher = threading.Thread(target=lambda: out.update(result=tracking.track(
        rig_settings, SENDER, once=False, timeout=30, stop=stop, on_update=on_update)))
    watcher.start()
    try:
        deadline = time.monotonic() + 10
        while AccountStore(db).require(SENDER).sync_state != "watching":
            assert time.monotonic() < deadline, "watcher never connected"
            time.sleep(0.1)
        assert idling.wait(10), "the watcher never went into IDLE"
        subprocess.run(["doveadm", "-c", str(rig.dovecot_conf), "kick", SENDER], check=True,
                       capture_output=True, timeout=10)
        result = _send(rig_settings, ["bob@example.test"])
        watcher.join(25)
    finally:
        stop.set()
        watcher.join(5)
    assert not watcher.is_alive()
    assert {"id": result.id, "recipient": "bob@example.test", "status": "delivered"} in seen, \
        out["result"].to_dict()
    assert out["result"].errors, "the drop should be recorded"
    assert AccountStore(db).require(SENDER).sync_state in ("watching", "ok")


def test_rig_watch_polls_when_server_has_no_idle(rig_settings: Settings, rig,  # noqa: ANN001
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    real_connect = tracking._connect

    def connect_without_idle(*args, **kwargs):  # noqa: ANN002,ANN003,ANN202
        client = real_connect(*args, **kwargs)
        real_has = client.has_capability
        client.has_capability = lambda cap: False if cap.upper() == "IDLE" else real_has(cap)
        return client

    monkeypatch.setattr(tracking, "_connect", connect_without_idle)
    monkeypatch.setattr(tracking, "POLL_INTERVAL", 0.5)
    result = _send(rig_settings, ["bob@example.test"])
    stop = threading.Event()
    seen: list[dict] = []

    def on_update(updates: list[dict]) -> None:
        seen.extend(updates)
        if any(u["status"] == "delivered" for u in seen):
            stop.set()

    started = time.monotonic()
    tracking.track(rig_settings, SENDER, once=False, timeout=20, stop=stop, on_update=on_update)
    assert time.monotonic() - started < 15
    assert {"id": result.id, "recipient": "bob@example.test", "status": "delivered"} in seen


def test_rig_kill_at_random_moments_never_duplicates(rig_settings: Settings, rig) -> None:  # noqa: ANN001
    """`postier send` left to finish once, then killed (SIGKILL) at moments spread from
    start-up to after the server's answer: whatever was recorded ends up delivered
    exactly once, or flagged for the user when the server may have taken it; never twice;
    nothing delivered that was not recorded first."""
    import re as _re

    def copies() -> dict[str, int]:
        found: dict[str, int] = {}
        for path in rig.maildir_messages("bob@example.test"):
            subject = _re.search(rb"Subject: (stress-\d+-end)", path.read_bytes())
            if subject:
                found[subject.group(1).decode()] = found.get(subject.group(1).decode(), 0) + 1
        return found

    def start(i: int) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "app.cli", "send", "--from", SENDER,
                                 "--to", "bob@example.test", "--subject", f"stress-{i}-end",
                                 "--body", "x", "--json"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)

    # The control, not killed: the checks below have something to see, and its duration
    # places the kills from "still importing" to "long done" whatever the machine's speed.
    started = time.monotonic()
    assert start(0).wait(60) == 0
    whole = time.monotonic() - started
    runs = 8
    for i in range(1, runs + 1):
        proc = start(i)
        time.sleep(whole * (0.1 + 1.1 * (i - 1) / (runs - 1)))  # 10 % .. 120 % of a send
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    sending.recover_interrupted(rig_settings)
    sending.process_queue(rig_settings)
    db = Database(rig_settings.db_path)
    recorded = {r["subject"]: r for r in listed(db)}
    sent = {subject for subject, row in recorded.items() if row["status"] == "sent"}
    # Postfix delivers what it took in its own time: wait for every sent one, with a deadline.
    deadline = time.monotonic() + 30
    while not sent <= set(copies()) and time.monotonic() < deadline:
        time.sleep(0.1)
    delivered = copies()
    assert "stress-0-end" in sent and delivered.get("stress-0-end") == 1
    # Some kill struck after the message was recorded, else the loop below checks nothing.
    assert len(recorded) > 1, "every kill came before anything was recorded"
    assert all(n == 1 for n in delivered.values()), delivered  # never twice
    assert set(delivered) <= set(recorded), "something left without being recorded first"
    for subject, row in recorded.items():
        if row["status"] == "error":  # the ambiguous window: flagged, not resent
            assert row["state"] == "unknown" and delivered.get(subject, 0) <= 1
        else:
            assert row["status"] == "sent" and row["state"] == "sent", (subject, row)
            assert delivered.get(subject) == 1, (subject, row)
            assert [e["status"] for e in row["events"]][-1] == "sent"
    print(f"random kills (a send takes {whole:.2f} s): {len(recorded) - 1} of {runs} killed "
          f"runs recorded, {len(sent) - 1} sent, {len(delivered) - 1} delivered, "
          f"{sum(r['status'] == 'error' for r in recorded.values())} flagged")


@pytest.mark.parametrize("endpoint", ["imaps", "imap_strict"])
def test_rig_non_ascii_password_tracks(rig, postier_env: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
                                       endpoint: str) -> None:
    # zoe's password has an accent: IMAP LOGIN cannot carry it (imaplib quotes as ASCII),
    # AUTHENTICATE PLAIN in UTF-8 can. 127.0.0.2 (imap_strict) also advertises
    # LOGINDISABLED before STARTTLS.
    zoe = "zoe@example.test"
    assert not rig.users[zoe].isascii()
    monkeypatch.setenv("POSTIER_CA_FILE", str(rig.ca_file))
    settings = Settings.from_env()
    accounts.save_account(settings, email=zoe, credential=Credential(zoe, rig.users[zoe]),
                          imap=getattr(rig, endpoint), smtp=rig.submission)
    db = Database(settings.db_path)
    mid, message_id, _ = _sent(db, ["bob@example.test"], 90, sender=zoe)
    before = len(rig.maildir_messages(zoe))
    _inject(rig, reply("Bob <bob@example.test>", message_id), rcpt=zoe)
    rig.wait_for_mail(zoe, before + 1)
    result = tracking.track(settings, zoe, once=True)
    assert result.errors == []
    assert {"id": mid, "recipient": "bob@example.test", "status": "replied"} in result.updated
    account = AccountStore(db).require(zoe)
    assert account.needs_attention == 0 and account.sync_error is None
