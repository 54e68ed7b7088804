"""Tracking and the copy to the Sent folder reach IMAP through the same resolver as the
account check and sending (POSTIER_DNS when set): an account whose server name only that
DNS server knows is checked, sends, keeps its copy in Sent and is tracked. Real Dovecot and
Postfix (the rig) and a real DNS server (dnslib) on loopback; TLS still checks the
certificate against the name (the rig's certificate names mail.example.test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.config import Settings
from app.services.mail import imap_session, sent_folder
from app.services.mail.auth import Credential
from app.services.mail.failures import resolve_host
from app.services.outbox import sending
from app.services.setup import accounts
from app.services.setup.endpoint import Endpoint
from app.services.tracking import watcher as tracking
from tests.support.dns_server import local_dns
from tests.support.track import track_until

SENDER = "carol@example.test"
HOST = "mail.example.test"  # in the rig's certificate; unknown to the system resolver


@pytest.fixture()
def named_settings(rig, postier_env: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN001,ANN201
    with local_dns(f"{HOST}. 300 IN A 127.0.0.1") as dns:
        monkeypatch.setenv("POSTIER_CA_FILE", str(rig.ca_file))
        monkeypatch.setenv("POSTIER_DNS", dns.address)
        settings = Settings.from_env()
        accounts.save_account(settings, email=SENDER, credential=Credential(SENDER, "secret"),
                              imap=Endpoint(HOST, rig.imaps.port, rig.imaps.security),
                              smtp=Endpoint(HOST, rig.submission.port,
                                            rig.submission.security))
        yield settings


def test_tracking_and_sent_copy_use_postier_dns(named_settings: Settings) -> None:
    assert resolve_host(HOST, named_settings, 5) == ["127.0.0.1"]
    result = sending.send_message(named_settings, sending.OutgoingMessage(
        account_email=SENDER, to=["bob@example.test"], subject="Résolveur", text="Bonjour"),
        timeout=15)
    assert result.status == "sent", result.to_dict()
    # The copy in Sent went through IMAP by the name only POSTIER_DNS knows.
    assert result.sent_copy == "saved", result.to_dict()
    account = accounts.require_account(named_settings, SENDER)
    client = imap_session.open_imap(account, named_settings, Credential(SENDER, "secret"))
    try:
        assert sent_folder.find_in_sent(client, result.message_id) is True
    finally:
        imap_session.close(client)
    updates = track_until(named_settings, SENDER,
                          lambda u: any(x["status"] == "delivered" for x in u))
    assert {"id": result.id, "recipient": "bob@example.test", "status": "delivered"} in updates


def test_without_postier_dns_the_name_is_not_found(named_settings: Settings,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The same account through the system resolver: the name is unknown (the test above
    can fail), said with the DNS code, not as a crash."""
    monkeypatch.delenv("POSTIER_DNS")
    result = tracking.track(Settings.from_env(), SENDER, once=True, timeout=10)
    assert [e["code"] for e in result.errors] == ["DNS_NOT_FOUND"], result.errors
