"""Outbox and tracker figures on the real rig (needs root: Dovecot + Postfix on loopback).

    .venv/bin/python benchmarks/bench_tracking.py [MAILBOX_SIZE] [SENT]

- send: messages/second through Postfix submission (STARTTLS + AUTH, one session each,
  recorded before sending, as the app does), plus the copy into Sent;
- first tracking pass over a mailbox of MAILBOX_SIZE ordinary messages plus the DSNs of
  SENT messages (headers first, whole message only for reports);
- the next pass (nothing new: UIDVALIDITY + last UID remembered);
- ingest(): reports/second classified, matched and recorded, without IMAP.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from email.utils import format_datetime, make_msgid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["PYTHON_KEYRING_BACKEND"] = "tests.support.file_keyring.FileKeyring"

from app.services.config import Settings  # noqa: E402
from app.services.mail.auth import Credential  # noqa: E402
from app.services.outbox import sending
from app.services.setup import accounts
from app.services.storage import AccountStore, Database  # noqa: E402
from app.services.tracking import watcher as tracking  # noqa: E402
from tests.support.rig import Rig  # noqa: E402

SENDER = "carol@example.test"


def ordinary(n: int) -> bytes:
    return (f"From: someone{n}@example.org\r\nTo: {SENDER}\r\nSubject: Newsletter {n}\r\n"
            f"Date: {format_datetime(datetime.now(UTC))}\r\n"
            f"Message-ID: {make_msgid()}\r\n\r\n" + "Lorem ipsum dolor sit amet.\r\n" * 40
            ).encode()


def main() -> None:
    mailbox = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    sent_count = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    work = Path(tempfile.mkdtemp(prefix="postier-bench-"))
    os.environ["POSTIER_TEST_KEYRING_FILE"] = str(work / "keyring.json")
    import keyring

    from tests.support.file_keyring import FileKeyring

    keyring.set_keyring(FileKeyring())
    rig = Rig.start()
    try:
        settings = Settings(home=work / "home", ca_file=rig.ca_file)
        accounts.save_account(settings, email=SENDER, credential=Credential(SENDER, "secret"),
                              imap=rig.imaps, smtp=rig.submission)
        account = AccountStore(Database(settings.db_path)).require(SENDER)
        client = tracking.imap_connect(account, settings, Credential(SENDER, "secret"))
        t0 = time.perf_counter()
        for i in range(mailbox):
            client.append("INBOX", ordinary(i))
        client.logout()
        print(f"mailbox filled: {mailbox} ordinary messages in {time.perf_counter() - t0:.1f} s")

        t0 = time.perf_counter()
        for i in range(sent_count):
            sending.send_message(settings, sending.OutgoingMessage(
                account_email=SENDER, to=["bob@example.test", f"nobody{i % 2}@remote.test"],
                subject=f"bench {i}", text="x"), save_to_sent=False)
        elapsed = time.perf_counter() - t0
        print(f"send: {sent_count} messages (2 recipients) in {elapsed:.2f} s = "
              f"{sent_count / elapsed:.1f} msg/s ({1000 * elapsed / sent_count:.0f} ms each)")
        t0 = time.perf_counter()
        for i in range(10):
            sending.send_message(settings, sending.OutgoingMessage(
                account_email=SENDER, to=["bob@example.test"], subject=f"copy {i}", text="x"))
        print(f"send + copy into Sent: {100 * (time.perf_counter() - t0):.0f} ms each")

        expected = 2 * sent_count + 10  # success DSN (bob) + bounce (nobody) per message
        deadline = time.monotonic() + 60
        while len(rig.maildir_messages(SENDER)) < mailbox + expected and \
                time.monotonic() < deadline:
            time.sleep(0.2)
        total = len(rig.maildir_messages(SENDER))
        t0 = time.perf_counter()
        first = tracking.track(settings, SENDER, once=True)
        elapsed = time.perf_counter() - t0
        print(f"first track pass: {first.scanned} messages scanned, {first.matched} matched, "
              f"{len(first.updated)} status changes in {elapsed:.2f} s "
              f"({first.scanned / elapsed:.0f} messages/s; mailbox holds {total})")
        t0 = time.perf_counter()
        again = tracking.track(settings, SENDER, once=True)
        print(f"next pass (nothing new): {again.scanned} scanned in "
              f"{1000 * (time.perf_counter() - t0):.0f} ms")

        raws = [p.read_bytes() for p in rig.maildir_messages(SENDER)
                if b"multipart/report" in p.read_bytes()[:4000]]
        db = Database(work / "ingest.sqlite3")
        store = AccountStore(db)
        bench_account = store.add(account.__class__(**{**account.to_dict(), "id": None}))
        t0 = time.perf_counter()
        for uid, raw in enumerate(raws * 4, 1):
            tracking.ingest(db, bench_account, "INBOX", 1, uid, raw)
        elapsed = time.perf_counter() - t0
        print(f"ingest(): {len(raws) * 4} reports in {elapsed:.2f} s = "
              f"{len(raws) * 4 / elapsed:.0f} reports/s (parse + match + one transaction each)")
        db2 = Database(work / "batch.sqlite3")
        batch_account = AccountStore(db2).add(account.__class__(
            **{**account.to_dict(), "id": None}))
        items = list(enumerate(raws * 4, 1))
        t0 = time.perf_counter()
        for start in range(0, len(items), tracking.FETCH_BATCH):
            found = [(uid, tracking.analyse(raw)) for uid, raw in
                     items[start:start + tracking.FETCH_BATCH]]
            with db2.transaction() as conn:
                for uid, item in found:
                    tracking.record(conn, batch_account, "INBOX", 1, uid, item)
        elapsed = time.perf_counter() - t0
        print(f"scanner path (batches of {tracking.FETCH_BATCH}, one transaction each): "
              f"{len(items) / elapsed:.0f} reports/s")
    finally:
        rig.stop()


if __name__ == "__main__":
    main()
