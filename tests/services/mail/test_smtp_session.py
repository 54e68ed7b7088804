"""mail/smtp_session.py against the rig's real Postfix (submission with STARTTLS, SMTPS) and
scripted servers for what Postfix cannot be made to say (an OAuth2 error challenge, a 421
greeting): AUTH by hand in UTF-8, one mechanism only, refusals with their numeric code."""

from __future__ import annotations

import socket
import ssl
from pathlib import Path

import pytest

from app.services.config import Settings
from app.services.errors import PostierError
from app.services.mail.auth import Credential
from app.services.mail.smtp_session import SmtpRefusal, SmtpSession, open_smtp
from app.services.setup import accounts
from app.services.setup.endpoint import Endpoint
from app.services.storage import Account

ALICE = "alice@example.test"
ZOE = "zoe@example.test"  # the rig gives her the password "mot-de-passe-été"


def _account(settings: Settings, email: str, smtp: Endpoint, imap: Endpoint) -> Account:
    accounts.save_account(settings, email=email, credential=Credential(email, "unused"),
                          imap=imap, smtp=smtp)
    return accounts.require_account(settings, email)


@pytest.mark.parametrize("endpoint", ["submission", "smtps"])
def test_open_smtp_secures_then_logs_in_with_a_utf8_password(rig_settings: Settings, rig,  # noqa: ANN001
                                                             endpoint: str) -> None:
    account = _account(rig_settings, ZOE, getattr(rig, endpoint), rig.imaps)
    smtp = open_smtp(account, rig_settings, Credential(ZOE, "mot-de-passe-été"), timeout=10)
    try:
        assert isinstance(smtp.sock, ssl.SSLSocket)
        assert smtp.mail(ZOE)[0] == 250  # logged in: Postfix lets her send as herself
        smtp.rset()
    finally:
        smtp.quit()


def test_a_refused_password_keeps_its_code_and_loses_the_secret(rig_settings: Settings,
                                                                rig) -> None:  # noqa: ANN001
    account = _account(rig_settings, ALICE, rig.submission, rig.imaps)
    with pytest.raises(SmtpRefusal) as err:
        open_smtp(account, rig_settings, Credential(ALICE, "wrong-Secret-42"), timeout=10)
    assert err.value.code == "AUTH_FAILED" and err.value.smtp_code == 535
    assert (err.value.reply or "").startswith("535")
    assert "wrong-Secret-42" not in str(err.value.to_dict())


def test_plaintext_is_refused(rig_settings: Settings, rig) -> None:  # noqa: ANN001
    account = _account(rig_settings, ALICE, Endpoint(rig.submission.host, rig.submission.port,
                                                     "plain"), rig.imaps)
    with pytest.raises(PostierError) as err:
        open_smtp(account, rig_settings, Credential(ALICE, "secret"), timeout=10)
    assert err.value.code == "PLAINTEXT_REFUSED"


def test_oauth2_error_challenge_is_answered_and_the_refusal_read(bad_servers) -> None:  # noqa: ANN001
    """XOAUTH2 with a token the server refuses: its JSON error comes as a 334 challenge,
    which must get an empty line (else the server waits: a timeout, not a 535)."""
    server = bad_servers.oauth_only_smtp()
    ctx = ssl.create_default_context(cafile=str(bad_servers.ca_file))
    sock = ctx.wrap_socket(socket.create_connection((server.host, server.port), timeout=5),
                           server_hostname=server.host)
    session, said = SmtpSession.greet(sock, server.host, server.port)
    try:
        assert said.startswith("220")
        with pytest.raises(SmtpRefusal) as err:
            session.login(Credential(ALICE, "expired-token", "oauth2"))
    finally:
        session.close()
    assert err.value.smtp_code == 535 and err.value.code == "AUTH_FAILED"
    assert "refused the sign-in" in err.value.message  # a token, not a password problem
    assert [c for c in server.commands if c.startswith("AUTH ")] == [
        c for c in server.commands if c.startswith("AUTH XOAUTH2 ")]  # one mechanism only


def test_a_busy_greeting_is_temporary_for_the_outbox(bad_servers, tmp_path: Path) -> None:  # noqa: ANN001
    server = bad_servers.smtps(greeting="421 4.3.2 Service not available, try later")
    settings = Settings(home=tmp_path, ca_file=bad_servers.ca_file)
    account = _account(settings, ALICE, server.endpoint, Endpoint("127.0.0.1", 1, "ssl"))
    with pytest.raises(PostierError) as err:
        open_smtp(account, settings, Credential(ALICE, "secret"), timeout=5)
    assert err.value.code == "SMTP_TEMPORARY" and (err.value.reply or "").startswith("421")


@pytest.mark.parametrize(("reply", "outbox_code"), [
    ("454 4.7.0 TLS not available due to temporary reason", "SMTP_TEMPORARY"),
    ("502 5.5.1 STARTTLS not implemented", "PROTOCOL_ERROR")])
def test_a_refused_starttls_is_retried_by_the_outbox_only_when_temporary(
        bad_servers, tmp_path: Path, reply: str, outbox_code: str) -> None:  # noqa: ANN001
    """STARTTLS offered, then refused: never a password in clear. The outbox tries a 454
    again later; the connection check names it STARTTLS_UNSUPPORTED either way."""
    server = bad_servers.start("smtp", starttls=bad_servers.good_ctx, starttls_reply=reply)
    settings = Settings(home=tmp_path, ca_file=bad_servers.ca_file)
    account = _account(settings, ALICE, server.endpoint, Endpoint("127.0.0.1", 1, "ssl"))
    with pytest.raises(PostierError) as err:
        open_smtp(account, settings, Credential(ALICE, "secret"), timeout=5)
    assert err.value.code == outbox_code and err.value.reply == reply
    assert not any(c.startswith("AUTH") for c in server.commands)
    sock = socket.create_connection((server.host, server.port), timeout=5)
    session, _ = SmtpSession.greet(sock, server.host, server.port)
    try:
        assert session.offers_starttls()[0]
        with pytest.raises(SmtpRefusal) as refused:
            session.starttls()
    finally:
        session.close()
    assert refused.value.code == "STARTTLS_UNSUPPORTED"
    assert refused.value.smtp_code == int(reply[:3])
