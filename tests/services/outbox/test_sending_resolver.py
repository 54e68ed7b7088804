"""Sending resolves the SMTP host through the same resolver as the account check
(POSTIER_DNS when set): a name only that DNS server knows is reached, over STARTTLS and
SSL/TLS, and the certificate is still checked against the host name (not the address).
Real SMTP servers (aiosmtpd, TLS + AUTH) and a real DNS server (dnslib) on loopback."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from app.services.config import Settings
from app.services.mail.auth import Credential
from app.services.mail.failures import resolve_host
from app.services.outbox import sending
from app.services.outbox.sending import OutgoingMessage
from app.services.setup import accounts
from app.services.setup.endpoint import Endpoint
from tests.support.dns_server import LocalDNS
from tests.support.rig import free_port

HOST = "smtp.dupont-postier.test"  # exists only in the loopback DNS server


class _Sink:
    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(bytes(envelope.original_content))
        return "250 2.0.0 Ok: queued as SINK1"


def _auth(server, session, envelope, mechanism, auth_data) -> AuthResult:
    return AuthResult(success=auth_data.password == b"secret", handled=False)


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    ca = trustme.CA()
    cert = ca.issue_cert(HOST)  # only the name: reaching it "by IP" would fail the check
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(ctx)
    sink = _Sink()
    starttls_port, ssl_port = free_port(), free_port()
    plain = Controller(sink, hostname="127.0.0.1", port=starttls_port, tls_context=ctx,
                       require_starttls=True, authenticator=_auth, auth_require_tls=True)
    implicit = Controller(sink, hostname="127.0.0.1", port=ssl_port, ssl_context=ctx,
                          authenticator=_auth, auth_require_tls=False)
    plain.start()
    implicit.start()
    ca_file = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    dns = LocalDNS(f"{HOST}. 300 IN A 127.0.0.1").start()
    try:
        yield {"starttls": starttls_port, "ssl": ssl_port, "ca_file": ca_file, "dns": dns,
               "sink": sink}
    finally:
        dns.stop()
        plain.stop()
        implicit.stop()


def _settings(home: Path, servers: dict, security: str) -> Settings:
    dns = servers["dns"]
    settings = Settings(home=home, ca_file=servers["ca_file"], dns_server=(dns.host, dns.port))
    accounts.save_account(settings, email="marie@dupont-postier.test",
                          credential=Credential("marie@dupont-postier.test", "secret"),
                          imap=Endpoint(HOST, 1, "ssl"),
                          smtp=Endpoint(HOST, servers[security], security))
    return settings


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_sending_reaches_a_host_known_only_to_postier_dns(servers: dict, postier_env: Path,
                                                          security: str) -> None:
    settings = _settings(postier_env, servers, security)
    # The account check resolves it this way…
    assert resolve_host(HOST, settings, 5) == ["127.0.0.1"]
    before = len(servers["sink"].received)
    result = sending.send_message(
        settings, OutgoingMessage(account_email="marie@dupont-postier.test",
                                  to=["client@exemple.fr"], subject="Devis", text="Bonjour"),
        save_to_sent=False, timeout=10)
    # …and so does sending (the system resolver does not know the name: it was queued
    # with "Name or service not known").
    assert result.status == "sent", result.to_dict()
    assert "SINK1" in (result.reply or "")
    assert len(servers["sink"].received) == before + 1


def test_an_unknown_name_is_dns_not_found_through_the_same_resolver(servers: dict,
                                                                    postier_env: Path) -> None:
    settings = _settings(postier_env, servers, "starttls")
    from app.services.storage import AccountStore, Database

    AccountStore(Database(settings.db_path)).update_fields(
        "marie@dupont-postier.test", smtp_host="nowhere.dupont-postier.test")
    result = sending.send_message(
        settings, OutgoingMessage(account_email="marie@dupont-postier.test",
                                  to=["client@exemple.fr"], subject="Devis", text="Bonjour"),
        save_to_sent=False, timeout=10)
    assert result.status == "queued"  # DNS_NOT_FOUND is retried later
    assert result.error["code"] == "DNS_NOT_FOUND"
    assert "nowhere.dupont-postier.test" in (result.error.get("reply") or "")
