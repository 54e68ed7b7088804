"""Outbox: record → send, per-recipient refusals classified at once, retries with backoff,
give-up, claims, crash recovery. Against a real SMTP server (aiosmtpd with STARTTLS + AUTH
on loopback, scripted replies) and, for the end-to-end paths, the Postfix/Dovecot rig."""

from __future__ import annotations

import email
import getpass
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from app.services.config import Settings
from app.services.history.message_store import MessageStore
from app.services.mail.auth import Credential
from app.services.outbox import queue, sending
from app.services.outbox.sending import OutgoingMessage
from app.services.setup import accounts
from app.services.setup.endpoint import Endpoint
from app.services.storage import Database
from tests.support.rig import free_port
from tests.support.sent_messages import listed


@dataclass
class Script:
    """What the scripted server answers; what it received."""
    rcpt: dict[str, str] = field(default_factory=dict)  # address → reply
    data: str | None = None  # reply to the end of DATA
    mail: str | None = None  # reply to MAIL FROM
    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler:
    def __init__(self, script: Script) -> None:
        self.s = script

    async def handle_MAIL(self, server, session, envelope, address, options):  # noqa: N802,ANN001,ANN201
        if self.s.mail:
            return self.s.mail
        envelope.mail_from = address
        return "250 2.1.0 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802,ANN001,ANN201
        reply = self.s.rcpt.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802,ANN001,ANN201
        if self.s.data:
            return self.s.data
        with self.s.lock:
            self.s.received.append((envelope.mail_from, list(envelope.rcpt_tos),
                                    bytes(envelope.original_content)))
        return f"250 2.0.0 Ok: queued as Q{len(self.s.received)}"


def _auth(server, session, envelope, mechanism, auth_data) -> AuthResult:  # noqa: ANN001
    ok = auth_data.login == b"alice@x.test" and auth_data.password == b"secret"
    return AuthResult(success=ok, handled=False)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def smtp_server(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    cert = ca.issue_cert("127.0.0.1", "localhost")
    ctx = cert.configure_cert  # noqa: F841 - keep trustme's API visible
    import ssl

    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_ctx)
    script = Script()
    port = free_port()
    controller = Controller(_Handler(script), hostname="127.0.0.1", port=port,
                            tls_context=server_ctx, require_starttls=True,
                            authenticator=_auth, auth_require_tls=True)
    controller.start()
    ca_file = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    yield port, script, ca_file
    controller.stop()


@pytest.fixture()
def env(smtp_server, postier_env: Path):  # noqa: ANN001,ANN201
    port, script, ca_file = smtp_server
    script.rcpt.clear()
    script.data = script.mail = None
    script.received.clear()
    settings = Settings(home=postier_env, ca_file=ca_file)
    accounts.save_account(settings, email="alice@x.test",
                          credential=Credential("alice@x.test", "secret"),
                          imap=Endpoint("127.0.0.1", 1, "ssl"),
                          smtp=Endpoint("127.0.0.1", port, "starttls"),
                          display_name="Alice Martin", signature_text="Alice\nACME",
                          signature_html="<b>Alice</b> — ACME")
    return settings, script


def _msg(**kw: Any) -> OutgoingMessage:
    base = dict(account_email="alice@x.test", to=["bob@y.test"], subject="Devis n°12",
                text="Bonjour,\nvoici le devis.")
    base.update(kw)
    return OutgoingMessage(**base)


def _send(settings: Settings, **kw: Any) -> sending.SendResult:
    return sending.send_message(settings, _msg(**kw), save_to_sent=False, timeout=10)


def test_send_records_then_sends_with_signature_and_unique_ids(env) -> None:  # noqa: ANN001
    settings, script = env
    first = _send(settings, read_receipt=True)
    second = _send(settings)
    assert first.status == "sent" and first.reply.startswith("250 2.0.0 Ok: queued as")
    assert first.recipients[0]["address"] == "bob@y.test"
    assert first.recipients[0]["status"] == "sent"
    assert first.message_id != second.message_id and first.id != second.id
    sender, rcpts, raw = script.received[0]
    assert sender == "alice@x.test" and rcpts == ["bob@y.test"]
    mail = email.message_from_bytes(raw, policy=email.policy.default)
    assert mail["Message-ID"] == first.message_id
    assert mail["Disposition-Notification-To"] == "alice@x.test"
    assert "Alice Martin" in mail["From"]
    assert mail["Subject"] == "Devis n°12"
    assert mail.get_content_type() == "multipart/alternative"
    plain = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = mail.get_body(("html",)).get_content()
    assert "voici le devis" in plain and "\n-- \nAlice\nACME" in plain
    assert "<b>Alice</b> — ACME" in html
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    raw.decode("ascii")  # 7-bit clean: any server takes it
    events = listed(Database(settings.db_path))[0]["events"]
    assert [e["status"] for e in events][-2:] == ["queued", "sent"]


def test_rcpt_refusals_are_classified_per_recipient(env) -> None:  # noqa: ANN001
    settings, script = env
    script.rcpt = {
        "nobody@y.test": "550 5.1.1 <nobody@y.test>: Recipient address rejected: User unknown",
        "full@y.test": "452 4.2.2 Mailbox full, try again later",
        "spam@y.test": "554 5.7.1 Message rejected as spam",
    }
    result = _send(settings, to=["bob@y.test", "nobody@y.test", "full@y.test", "spam@y.test"])
    by = {r["address"]: r for r in result.recipients}
    assert result.status == "sent"
    assert by["bob@y.test"]["status"] == "sent"
    assert (by["nobody@y.test"]["status"], by["nobody@y.test"]["reason"]) == \
        ("hard_bounce", "user_unknown")
    assert by["nobody@y.test"]["detail"].startswith("550 5.1.1")
    assert by["full@y.test"]["status"] == "deferred"
    assert by["spam@y.test"]["status"] == "spam"
    assert script.received[0][1] == ["bob@y.test"]


def test_all_refused_is_failed(env) -> None:  # noqa: ANN001
    settings, script = env
    script.rcpt = {"nobody@y.test": "550 5.1.1 User unknown"}
    result = _send(settings, to=["nobody@y.test"])
    assert result.status == "failed"
    assert result.recipients[0]["status"] == "hard_bounce"
    assert script.received == []


def test_data_refusal_classified(env) -> None:  # noqa: ANN001
    settings, script = env
    script.data = "554 5.7.1 Message rejected as spam by content filter"
    result = _send(settings, to=["a@y.test", "b@y.test"])
    assert result.status == "failed"
    assert {r["status"] for r in result.recipients} == {"spam"}


def test_temporary_refusal_is_retried_with_backoff_then_sent(env) -> None:  # noqa: ANN001
    settings, script = env
    script.rcpt = {"full@y.test": "452 4.2.2 Mailbox full"}
    result = _send(settings, to=["full@y.test"])
    assert result.status == "queued"
    db = Database(settings.db_path)
    with db.reading() as conn:
        row = conn.execute("SELECT * FROM messages WHERE id = ?", (result.id,)).fetchone()
    assert row["state"] == "queued" and row["attempts"] == 1
    next_at = datetime.fromisoformat(row["next_attempt_at"])
    assert next_at > datetime.now(UTC)
    assert sending.process_queue(settings) == []  # not due yet: nothing sent twice
    script.rcpt.clear()
    done = sending.process_queue(settings, now=next_at + timedelta(seconds=1))
    assert [d.id for d in done] == [result.id]
    assert done[0].status == "sent" and done[0].recipients[0]["status"] == "sent"
    assert len(script.received) == 1
    events = listed(db)[0]["events"]
    assert [e["status"] for e in events] == ["queued", "deferred", "sent"]


def test_gives_up_after_configured_time(env) -> None:  # noqa: ANN001
    settings, script = env
    Database(settings.db_path).set_setting("send.give_up_after", "60")
    script.rcpt = {"full@y.test": "452 4.2.2 Mailbox full"}
    result = _send(settings, to=["full@y.test"])
    later = datetime.now(UTC) + timedelta(hours=2)
    done = sending.process_queue(settings, now=later)
    assert done[0].status == "failed"
    assert (done[0].recipients[0]["status"], done[0].recipients[0]["reason"]) == \
        ("soft_bounce", "expired")
    assert "452 4.2.2" in done[0].recipients[0]["detail"]
    assert sending.process_queue(settings, now=later + timedelta(days=1)) == []
    assert result.id == done[0].id


def test_scheduled_message_waits(env) -> None:  # noqa: ANN001
    settings, script = env
    when = datetime.now(UTC) + timedelta(hours=1)
    mid = sending.queue_message(settings, _msg(scheduled_at=when))
    assert sending.process_queue(settings) == []
    assert script.received == []
    done = sending.process_queue(settings, now=when + timedelta(seconds=1))
    assert [d.id for d in done] == [mid] and done[0].status == "sent"
    mail = email.message_from_bytes(script.received[0][2])
    sent_date = email.utils.parsedate_to_datetime(mail["Date"])
    assert abs((sent_date - when).total_seconds()) < 5  # dated when it left


def test_wrong_password_fails_without_retry(env) -> None:  # noqa: ANN001
    settings, script = env
    from app.services.credentials import CredentialStore

    CredentialStore().set("alice@x.test", "wrong")
    result = _send(settings)
    assert result.status == "failed"
    assert result.error["code"] == "AUTH_FAILED"
    assert result.recipients[0]["status"] == "error"
    assert sending.process_queue(settings, now=datetime.now(UTC)
                                 + timedelta(days=1)) == []


def test_server_down_is_deferred(env) -> None:  # noqa: ANN001
    settings, _ = env
    from app.services.storage import AccountStore

    AccountStore(Database(settings.db_path)).update_fields("alice@x.test",
                                                           smtp_port=free_port())
    result = _send(settings)
    assert result.status == "queued"
    assert result.error["code"] == "CONNECT_REFUSED"
    assert result.recipients[0]["status"] == "deferred"


def test_bad_address_is_input_error_and_nothing_recorded(env) -> None:  # noqa: ANN001
    settings, _ = env
    from app.services.errors import InputError

    with pytest.raises(InputError):
        _send(settings, to=["not an address"])
    assert listed(Database(settings.db_path)) == []


# Two processes race for the same queued message: each waits until both are ready, then
# claims and sends it at once. Prints whether its claim won and what it got back.
_RACER = """
import json, sys, time
from datetime import datetime, timezone
from pathlib import Path
from app.services.outbox import queue, sending
from app.services.config import Settings
from app.services.storage import Database

home, ca_file, mid, ready, go = sys.argv[1:]
settings = Settings(home=Path(home), ca_file=Path(ca_file))
db = Database(settings.db_path)
real_claim, won = queue.claim, []

def claim(*args):
    row = real_claim(*args)
    won.append(row is not None)
    return row

queue.claim = claim
Path(ready).touch()
deadline = time.monotonic() + 30
while not Path(go).exists():
    assert time.monotonic() < deadline, "never told to go"
    time.sleep(0.001)
result = sending._send_claimed(settings, db, int(mid), datetime.now(timezone.utc), None, 10,
                               False)
print(json.dumps({"won": won[0], "status": result.status}))
"""


def test_a_claimed_message_is_not_sent_twice(env, tmp_path: Path) -> None:  # noqa: ANN001
    """Two processes claim the same message at the same moment: one wins and sends it, the
    other backs off; the server gets it once."""
    import json
    import subprocess
    import sys
    import time

    settings, script = env
    mid = sending.queue_message(settings, _msg())
    go = tmp_path / "go"
    racers = [subprocess.Popen(
        [sys.executable, "-c", _RACER, str(settings.home), str(settings.ca_file), str(mid),
         str(tmp_path / f"ready{i}"), str(go)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for i in range(2)]
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready{i}").exists() for i in range(2)):
        assert time.monotonic() < deadline and all(p.poll() is None for p in racers), \
            [p.communicate() for p in racers if p.poll() is not None]
        time.sleep(0.01)
    go.touch()
    outcomes = []
    for proc in racers:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.decode()
        outcomes.append(json.loads(out))
    assert sorted(o["won"] for o in outcomes) == [False, True], outcomes
    assert [o["status"] for o in outcomes if o["won"]] == ["sent"]
    assert len(script.received) == 1
    assert sending.process_queue(settings) == []  # nothing left to send either
    assert len(script.received) == 1


def test_recovery_requeues_what_never_reached_data(env) -> None:  # noqa: ANN001
    settings, script = env
    mid = sending.queue_message(settings, _msg())
    db = Database(settings.db_path)
    queue.claim(db, mid, datetime.now(UTC))
    with db.transaction() as conn:  # as if another, now dead, process had claimed it
        conn.execute("UPDATE messages SET claimed_by = 'elsewhere:1' WHERE id = ?", (mid,))
    assert sending.recover_interrupted(settings, stale_after=3600) == []  # maybe still alive
    assert sending.recover_interrupted(settings, stale_after=0) == [mid]
    done = sending.process_queue(settings)
    assert [d.status for d in done] == ["sent"] and len(script.received) == 1


def test_recovery_of_ambiguous_transmission_does_not_resend(env) -> None:  # noqa: ANN001
    settings, script = env
    mid = sending.queue_message(settings, _msg(to=["a@y.test", "b@y.test"]))
    db = Database(settings.db_path)
    with db.transaction() as conn:
        conn.execute("UPDATE messages SET state = 'transmitting', claimed_by = 'gone:1',"
                     " claimed_at = '2020-01-01T00:00:00+00:00' WHERE id = ?", (mid,))
        conn.execute("UPDATE recipients SET to_send = 2 WHERE message_id = ?", (mid,))
    looked: list[str] = []

    def not_in_sent(account, message_id):  # noqa: ANN001,ANN202
        looked.append(message_id)
        return False

    assert sending.recover_interrupted(settings, check_sent=not_in_sent) == [mid]
    assert len(looked) == 1
    msg = MessageStore(db).message(mid)
    assert msg["state"] == "unknown"
    assert {r["status"] for r in msg["recipients"]} == {"error"}
    assert sending.process_queue(settings, now=datetime.now(UTC)
                                 + timedelta(days=3)) == []
    assert script.received == []


def test_recovery_finds_message_in_sent(env) -> None:  # noqa: ANN001
    settings, _ = env
    mid = sending.queue_message(settings, _msg())
    db = Database(settings.db_path)
    with db.transaction() as conn:
        conn.execute("UPDATE messages SET state = 'transmitting', claimed_by = 'gone:1',"
                     " claimed_at = '2020-01-01T00:00:00+00:00' WHERE id = ?", (mid,))
        conn.execute("UPDATE recipients SET to_send = 2 WHERE message_id = ?", (mid,))
    sending.recover_interrupted(settings, check_sent=lambda a, m: True)
    msg = MessageStore(db).message(mid)
    assert msg["state"] == "sent" and msg["recipients"][0]["status"] == "sent"


def test_international_address_goes_with_smtputf8(env) -> None:  # noqa: ANN001
    settings, script = env  # aiosmtpd offers SMTPUTF8
    result = _send(settings, to=["élodie@exemple.test"])
    assert result.status == "sent"
    assert script.received[0][1] == ["élodie@exemple.test"]
    assert "To: élodie@exemple.test".encode() in script.received[0][2]


def test_international_address_refused_without_smtputf8(env, smtp_server, ca) -> None:  # noqa: ANN001
    import ssl

    settings, script = env
    cert = ca.issue_cert("127.0.0.1")
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_ctx)
    port = free_port()
    plain = Controller(_Handler(script), hostname="127.0.0.1", port=port, tls_context=server_ctx,
                       require_starttls=True, authenticator=_auth, enable_SMTPUTF8=False)
    plain.start()
    try:
        from app.services.storage import AccountStore

        AccountStore(Database(settings.db_path)).update_fields("alice@x.test", smtp_port=port)
        result = _send(settings, to=["élodie@exemple.test"])
    finally:
        plain.stop()
    assert result.status == "failed"
    # Refused for good, before anything left (not retried): the server's 5.6.7, blocked.
    assert (result.recipients[0]["status"], result.recipients[0]["reason"]) == (
        "blocked", "content_error")
    assert "international" in result.recipients[0]["detail"]
    assert script.received == []


def test_display_names_go_in_headers_bare_addresses_in_envelope(env) -> None:  # noqa: ANN001
    settings, script = env
    result = _send(settings, to=["Élodie Durand <elodie@y.test>"], cc=["bob@y.test"],
                   bcc=["Archive <archive@y.test>"])
    assert [r["address"] for r in result.recipients] == ["elodie@y.test", "bob@y.test",
                                                         "archive@y.test"]
    assert sorted(script.received[0][1]) == ["archive@y.test", "bob@y.test", "elodie@y.test"]
    mail = email.message_from_bytes(script.received[0][2], policy=email.policy.default)
    assert mail["To"] == "Élodie Durand <elodie@y.test>"
    assert mail["Cc"] == "bob@y.test"
    assert mail["Bcc"] is None and b"archive" not in script.received[0][2]


@pytest.mark.parametrize("bad", ["not an address", "a@b", "Bob <bob@y.test", "<>", "a@@b.test"])
def test_bad_addresses_are_refused(env, bad: str) -> None:  # noqa: ANN001
    from app.services.errors import InputError

    with pytest.raises(InputError) as info:
        _send(env[0], to=[bad])
    assert info.value.code == "INVALID_EMAIL"


@pytest.mark.parametrize("endpoint", ["submission", "smtps"])
def test_rig_non_ascii_password_sends(rig, postier_env: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
                                      endpoint: str) -> None:
    # smtplib's login() encodes AUTH PLAIN/LOGIN as ASCII: "mot-de-passe-été" crashed it.
    zoe = "zoe@example.test"
    assert not rig.users[zoe].isascii()
    monkeypatch.setenv("POSTIER_CA_FILE", str(rig.ca_file))
    settings = Settings.from_env()
    accounts.save_account(settings, email=zoe, credential=Credential(zoe, rig.users[zoe]),
                          imap=rig.imaps, smtp=getattr(rig, endpoint), display_name="Zoé")
    before = len(rig.maildir_messages("bob@example.test"))
    msg = OutgoingMessage(account_email=zoe, to=["bob@example.test"], subject="Été",
                          text="Bonjour !")
    result = sending.send_message(settings, msg, timeout=15)
    assert result.status == "sent", result.error
    assert result.reply.startswith("250")
    assert result.sent_copy == "saved"  # the IMAP side (APPEND to Sent) logged in too
    received = rig.wait_for_mail("bob@example.test", before + 1)
    assert any(result.message_id.encode() in p.read_bytes() for p in received)


def test_sent_by_is_the_display_name_option_else_the_login(env) -> None:  # noqa: ANN001
    """The 'sent by' column takes POSTIER_DISPLAY_NAME as config reads it at start-up (the
    one place settings are read), else this computer's login."""
    settings, _script = env
    base = {"POSTIER_HOME": str(settings.home), "POSTIER_CA_FILE": str(settings.ca_file)}
    later = datetime.now(UTC) + timedelta(days=1)
    named = sending.queue_message(
        Settings.from_env({**base, "POSTIER_DISPLAY_NAME": " Julie (compta) "}),
        _msg(scheduled_at=later))
    plain = sending.queue_message(Settings.from_env(base), _msg(scheduled_at=later))
    with Database(settings.db_path).reading() as conn:
        who = dict(conn.execute("SELECT id, sent_by FROM messages").fetchall())
    assert who == {named: "Julie (compta)", plain: getpass.getuser()}
