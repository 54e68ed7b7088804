"""mail/imap_session.py and mail/sent_folder.py against the rig's real Dovecot: implicit TLS
and STARTTLS, the login rule (LOGIN for ASCII, AUTHENTICATE PLAIN for a UTF-8 password),
refusals read from the server's own line with the secret scrubbed out, the TLS policy and
the pin, and the Sent folder (copy, look-up)."""

from __future__ import annotations

import smtplib
import socket
import ssl
from pathlib import Path
from typing import Any

import pytest

from app.services.config import Settings
from app.services.errors import PostierError
from app.services.mail import imap_session, sent_folder
from app.services.mail.auth import Credential
from app.services.mail.imap_session import ImapSession, open_imap
from app.services.mail.tls import certificate_sha256, client_context
from app.services.setup import accounts
from app.services.setup.endpoint import Endpoint
from app.services.storage import Account

ALICE = "alice@example.test"
ZOE = "zoe@example.test"  # the rig gives her the password "mot-de-passe-été"


def _account(settings: Settings, email: str, imap: Endpoint, smtp: Endpoint,
             **fields: Any) -> Account:
    accounts.save_account(settings, email=email, credential=Credential(email, "unused"),
                          imap=imap, smtp=smtp)
    account = accounts.require_account(settings, email)
    return Account(**{**account.__dict__, **fields}) if fields else account


def test_open_imap_over_implicit_tls_logs_in_and_selects(rig_settings: Settings,
                                                         rig) -> None:  # noqa: ANN001
    account = _account(rig_settings, ALICE, rig.imaps, rig.submission)
    client = open_imap(account, rig_settings, Credential(ALICE, "secret"), timeout=10)
    try:
        assert client.socket().version() in ("TLSv1.2", "TLSv1.3")
        assert b"EXISTS" in client.select_folder("INBOX", readonly=True)
    finally:
        imap_session.close(client)


def test_open_imap_through_starttls_with_a_utf8_password(rig_settings: Settings,
                                                         rig) -> None:  # noqa: ANN001
    account = _account(rig_settings, ZOE, rig.imap_starttls, rig.submission)
    held = len(rig.maildir_messages(ZOE))
    with smtplib.SMTP(*rig.smtp_inject, timeout=10) as smtp:  # one more than before for Zoé
        smtp.sendmail("alice@example.test", [ZOE], b"Subject: pour Zoe\r\n\r\nBonjour\r\n")
    assert len(rig.wait_for_mail(ZOE, held + 1)) == held + 1
    client = open_imap(account, rig_settings, Credential(ZOE, "mot-de-passe-été"), timeout=10)
    try:
        assert isinstance(client.socket(), ssl.SSLSocket)  # upgraded before the password
        assert client.socket().version() in ("TLSv1.2", "TLSv1.3")
        # Signed in as Zoé (the UTF-8 password accepted): her INBOX, with the new message.
        assert client.select_folder("INBOX", readonly=True)[b"EXISTS"] == held + 1
    finally:
        imap_session.close(client)


def test_a_refused_password_is_auth_failed_with_the_servers_line_and_no_secret(
        rig_settings: Settings, rig) -> None:  # noqa: ANN001
    account = _account(rig_settings, ALICE, rig.imaps, rig.submission)
    with pytest.raises(PostierError) as err:
        open_imap(account, rig_settings, Credential(ALICE, "wrong-Secret-42"), timeout=10)
    assert err.value.code == "AUTH_FAILED" and err.value.server == "imap"
    assert "AUTHENTICATIONFAILED" in (err.value.reply or "")
    assert "wrong-Secret-42" not in str(err.value.to_dict())


def test_plaintext_is_refused_before_connecting(rig_settings: Settings,
                                                rig) -> None:  # noqa: ANN001
    account = _account(rig_settings, ALICE, rig.imap_plaintext, rig.submission)
    with pytest.raises(PostierError) as err:
        open_imap(account, rig_settings, Credential(ALICE, "secret"), timeout=10)
    assert err.value.code == "PLAINTEXT_REFUSED"


def test_a_pin_trusts_exactly_one_certificate(rig_settings: Settings, rig,  # noqa: ANN001
                                              tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the rig's CA, the pinned certificate is accepted and any other refused."""
    ctx = ssl.create_default_context()
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    with socket.create_connection((rig.imaps.host, rig.imaps.port), timeout=10) as raw, \
            ctx.wrap_socket(raw) as tls:
        pin = certificate_sha256(tls.getpeercert(binary_form=True) or b"")
    monkeypatch.delenv("POSTIER_CA_FILE")
    settings = Settings.from_env()
    account = _account(settings, ALICE, rig.imaps, rig.submission)
    with pytest.raises(PostierError) as err:
        open_imap(account, settings, Credential(ALICE, "secret"), timeout=10)
    assert err.value.code == "CERT_UNTRUSTED"
    pinned = Account(**{**account.__dict__, "imap_pin": pin})
    imap_session.close(open_imap(pinned, settings, Credential(ALICE, "secret"), timeout=10))
    wrong = Account(**{**account.__dict__, "imap_pin": "0" * 64})
    with pytest.raises(PostierError) as err:
        open_imap(wrong, settings, Credential(ALICE, "secret"), timeout=10)
    assert err.value.code == "CERT_UNTRUSTED" and pin in (err.value.reply or "")


def test_the_session_steps_one_by_one(rig_settings: Settings, rig) -> None:  # noqa: ANN001
    """What the connection check drives: greeting, STARTTLS, TLS by the caller, login."""
    host, port = rig.imap_starttls.host, rig.imap_starttls.port
    sock = socket.create_connection((host, port), timeout=10)
    session = ImapSession.greet(sock, host, port)
    try:
        assert session.welcome.startswith("* OK")
        assert session.offers_starttls()
        session.starttls()
        session.secured(client_context(rig_settings).wrap_socket(session.sock,
                                                                  server_hostname=host))
        assert "STARTTLS" not in session.capabilities  # asked again after TLS
        assert session.login(Credential(ALICE, "secret")) == "LOGIN"
        assert session.select_inbox().isdigit()
    finally:
        session.logout()


def test_a_server_that_is_not_imap_is_a_protocol_error(bad_servers) -> None:  # noqa: ANN001
    junk = bad_servers.junk("imap")
    sock = socket.create_connection((junk.host, junk.port), timeout=5)
    with pytest.raises(PostierError) as err:
        ImapSession.greet(sock, junk.host, junk.port)
    assert err.value.code == "PROTOCOL_ERROR"
    assert sock.fileno() < 0  # closed by the session


def test_sent_folder_copy_then_find(rig_settings: Settings, rig) -> None:  # noqa: ANN001
    account = _account(rig_settings, ALICE, rig.imaps, rig.submission)
    message_id = "<sent-folder-test-1@example.test>"
    raw = (f"From: {ALICE}\r\nTo: bob@example.test\r\nSubject: copie\r\n"
           f"Message-ID: {message_id}\r\n\r\nBonjour\r\n").encode()
    client = open_imap(account, rig_settings, Credential(ALICE, "secret"), timeout=10)
    try:
        assert sent_folder.find_in_sent(client, message_id) in (None, False)
        assert sent_folder.append_to_sent(client, raw) is True
        assert sent_folder.find_in_sent(client, message_id) is True
        assert sent_folder.find_in_sent(client, "<never-sent@example.test>") is False
    finally:
        imap_session.close(client)
