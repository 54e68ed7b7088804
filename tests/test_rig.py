"""Smoke test of the real-server rig and the misbehaving servers other tests rely on."""

from __future__ import annotations

import email
import imaplib
import smtplib
import socket
import ssl
import time
from email.message import EmailMessage

import pytest


def _ctx(ca_file) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(ca_file))


def _message(sender: str, to: str, subject: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg.set_content("hello from the rig test\n")
    return msg


def test_imap_endpoints_answer(rig) -> None:
    ctx = _ctx(rig.ca_file)
    with imaplib.IMAP4_SSL(rig.imaps.host, rig.imaps.port, ssl_context=ctx, timeout=10) as m:
        assert m.sock.version() in ("TLSv1.2", "TLSv1.3")
        assert m.login("alice@example.test", rig.users["alice@example.test"])[0] == "OK"
        assert m.select("INBOX")[0] == "OK"
    with imaplib.IMAP4(rig.imap_starttls.host, rig.imap_starttls.port, timeout=10) as m:
        assert "STARTTLS" in m.capabilities
        m.starttls(ssl_context=ctx)
        assert m.login("bob@example.test", "secret")[0] == "OK"
    with imaplib.IMAP4(rig.imap_strict.host, rig.imap_strict.port, timeout=10) as m:
        assert "LOGINDISABLED" in m.capabilities
        with pytest.raises(imaplib.IMAP4.error, match="PRIVACYREQUIRED|disallowed"):
            m.login("alice@example.test", "secret")
    with imaplib.IMAP4(rig.imap_plaintext.host, rig.imap_plaintext.port, timeout=10) as m:
        assert "STARTTLS" not in m.capabilities
    with imaplib.IMAP4_SSL(rig.imaps.host, rig.imaps.port, ssl_context=ctx, timeout=10) as m:
        started = time.monotonic()
        with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
            m.login("alice@example.test", "wrong")
        assert time.monotonic() - started < 1.5  # auth_failure_delay = 0


def test_submission_delivers_locally_and_bounces_remote_failures(rig) -> None:
    ctx = _ctx(rig.ca_file)
    before_bob = len(rig.maildir_messages("bob@example.test"))
    before_alice = len(rig.maildir_messages("alice@example.test"))
    with smtplib.SMTP(rig.submission.host, rig.submission.port, timeout=10) as s:
        s.ehlo()
        assert not s.has_extn("auth")  # no AUTH before TLS
        s.starttls(context=ctx)
        s.ehlo()
        assert s.has_extn("dsn")
        s.login("alice@example.test", "secret")
        s.send_message(_message("alice@example.test", "bob@example.test", "rig local"))
        s.send_message(_message("alice@example.test", "nobody@remote.test", "rig bounce"))
        with pytest.raises(smtplib.SMTPSenderRefused):  # alice may not send as bob
            s.send_message(_message("bob@example.test", "ok@remote.test", "spoof"))
    bob = rig.wait_for_mail("bob@example.test", before_bob + 1)
    assert b"rig local" in bob[-1].read_bytes()
    alice = rig.wait_for_mail("alice@example.test", before_alice + 1)
    bounce = email.message_from_bytes(alice[-1].read_bytes())
    assert bounce.get_content_type() == "multipart/report"
    assert "5.1.1" in alice[-1].read_text(errors="replace")


def test_smtps_and_relay_to_fake_mx(rig) -> None:
    before = len(rig.fake_mx.messages)
    with smtplib.SMTP_SSL(rig.smtps.host, rig.smtps.port, context=_ctx(rig.ca_file),
                          timeout=10) as s:
        with pytest.raises(smtplib.SMTPAuthenticationError):
            s.login("bob@example.test", "wrong")
        s.login("bob@example.test", "secret")
        s.send_message(_message("bob@example.test", "someone@remote.test", "to the MX"))
    got = rig.fake_mx.wait_for(before + 1)
    assert got[-1].rcpt_tos == ["someone@remote.test"]
    assert b"to the MX" in got[-1].content


def test_inject_port_needs_no_auth(rig) -> None:
    before = len(rig.maildir_messages("carol@example.test"))
    with smtplib.SMTP(*rig.smtp_inject, timeout=10) as s:
        s.sendmail("someone@remote.test", ["carol@example.test"],
                   b"Subject: injected\r\n\r\nhi\r\n")
    assert len(rig.wait_for_mail("carol@example.test", before + 1)) == before + 1
    assert "carol@example.test" in rig.postfix_log()
    assert rig.env() == {"POSTIER_CA_FILE": str(rig.ca_file)}


def test_bad_servers_misbehave_as_advertised(bad_servers) -> None:
    trusting = _ctx(bad_servers.ca_file)
    tls10 = bad_servers.tls10()
    with pytest.raises(ssl.SSLError):
        imaplib.IMAP4_SSL(tls10.host, tls10.port, ssl_context=trusting, timeout=5)
    for server, reason in ((bad_servers.self_signed(), "self-signed"),
                           (bad_servers.expired(), "expired"),
                           (bad_servers.wrong_host(), "mismatch")):
        with pytest.raises(ssl.SSLCertVerificationError, match=reason):
            imaplib.IMAP4_SSL(server.host, server.port, ssl_context=trusting, timeout=5)
    silent = bad_servers.silent()
    with socket.create_connection((silent.host, silent.port), timeout=0.3) as sock, \
            pytest.raises(TimeoutError):
        sock.recv(1)
    ok = bad_servers.imaps()
    with imaplib.IMAP4_SSL(ok.host, ok.port, ssl_context=trusting, timeout=5) as m:
        assert m.login("x@example.test", "pw")[0] == "OK"
    oauth = bad_servers.oauth_only_imap()
    with imaplib.IMAP4_SSL(oauth.host, oauth.port, ssl_context=trusting, timeout=5) as m:
        assert "LOGINDISABLED" in m.capabilities
        token = b"user=x@example.test\x01auth=Bearer good-token\x01\x01"
        assert m.authenticate("XOAUTH2", lambda _: token)[0] == "OK"


def test_fake_mx_failures_become_dsns_and_queue_helpers_work(rig) -> None:
    before = len(rig.maildir_messages("alice@example.test"))
    with smtplib.SMTP(*rig.smtp_inject, timeout=10) as s:
        s.sendmail("alice@example.test", ["spam@remote.test"],
                   b"Subject: buy now\r\n\r\nspam\r\n")
        s.sendmail("alice@example.test", ["full@remote.test"],
                   b"Subject: to a full box\r\n\r\nhello\r\n")
    alice = rig.wait_for_mail("alice@example.test", before + 1)
    assert "5.7.1" in alice[-1].read_text(errors="replace")  # spam refused at DATA → DSN
    deadline = time.monotonic() + 5
    while "full@remote.test" not in rig.queue() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "452 4.2.2" in rig.queue()  # deferred, with the MX's reply
    rig.flush_queue()
    assert rig.queue_ids("full@remote.test")
    rig.clear_queue("full@remote.test")
    assert "full@remote.test" not in rig.queue()
