"""The domain-report cache of each account (domain_health.cache): checked against a real
authoritative DNS server on loopback, stored in a real SQLite database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.services.config import Settings
from app.services.domain_health import cache
from app.services.domain_health.model import OK, Check, DomainReport, Text
from app.services.errors import InputError
from app.services.storage import Account, Database, open_database
from tests.support.dns_server import LocalDNS

ZONE = """
acme.test. MX 10 mx.acme.test.
mx.acme.test. A 192.0.2.25
acme.test. TXT "v=spf1 ip4:192.0.2.10 -all"
_dmarc.acme.test. TXT "v=DMARC1; p=reject; rua=mailto:dmarc@acme.test"
smtp.acme.test. A 192.0.2.10
10.2.0.192.in-addr.arpa. PTR smtp.acme.test.
"""


@pytest.fixture(scope="module")
def dns() -> Iterator[LocalDNS]:
    server = LocalDNS(ZONE).start()
    yield server
    server.stop()


@pytest.fixture()
def settings(dns: LocalDNS, postier_env: Path) -> Settings:
    return Settings(home=postier_env, dns_server=(dns.host, dns.port),
                    extra={"POSTIER_DNSBL_ZONES": "bl.test", "POSTIER_DBL_ZONES": "dbl.test"})


@pytest.fixture()
def db(settings: Settings) -> Database:
    return open_database(settings.db_path)


def account(email: str = "Contact@Acme.test", smtp_host: str = "smtp.acme.test") -> Account:
    return Account(email=email, username=email, imap_host="imap.acme.test", imap_port=993,
                   imap_security="ssl", smtp_host=smtp_host, smtp_port=587,
                   smtp_security="starttls")


def test_check_account_stores_the_report_for_the_next_opening(settings: Settings,
                                                              db: Database) -> None:
    assert cache.load(db, "contact@acme.test") is None  # nothing checked yet
    before = datetime.now(UTC)
    stored = cache.check_account(settings, db, account(), timeout=3.0)
    assert stored.report.domain == "acme.test"
    # The SMTP host of the account gave the reverse-DNS and blocklist rows.
    assert stored.report.get("ptr").status == OK
    assert stored.report.get("dnsbl_ip").status == OK
    assert stored.checked_at >= before.replace(microsecond=0)
    again = cache.load(db, "CONTACT@acme.test")  # the key ignores case
    assert again is not None
    assert again.report.to_dict() == stored.report.to_dict()
    assert again.checked_at == stored.checked_at.replace(microsecond=0)
    # Stored as the CLI's JSON, with its date.
    raw = json.loads(db.get_setting(cache.setting_key("contact@acme.test")))
    assert raw["report"] == stored.report.to_dict()
    assert datetime.fromisoformat(raw["checked_at"]) == again.checked_at


def test_a_domain_that_is_no_domain_stores_nothing(settings: Settings, db: Database) -> None:
    with pytest.raises(InputError):
        cache.check_account(settings, db, account("admin@localhost", "localhost"))
    assert db.get_setting(cache.setting_key("admin@localhost")) is None
    assert cache.load(db, "admin@localhost") is None


@pytest.mark.parametrize("raw", ["{not json", "[]", '{"report": {}}', '{"checked_at": "x"}',
                                 '{"checked_at": "2026-01-01T10:00:00+00:00", "report": 3}'])
def test_a_damaged_entry_is_no_report(db: Database, raw: str) -> None:
    db.set_setting(cache.setting_key("contact@acme.test"), raw)
    assert cache.load(db, "contact@acme.test") is None


def test_save_then_load_keeps_both_languages(db: Database) -> None:
    check = Check("mx", OK, Text("The domain receives mail (MX)"),
                  Text("Mail is received by {hosts}.", hosts="mx.acme.test"))
    report = DomainReport("acme.test", [check], 100)
    when = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
    cache.save(db, "contact@acme.test", report, when)
    stored = cache.load(db, "contact@acme.test")
    assert stored == cache.StoredReport(stored.report, when)
    assert stored.report.to_dict() == report.to_dict()
    french = ("Le domaine reçoit le courrier (MX)", "Le courrier est reçu par mx.acme.test.", None)
    assert check.text("fr") == french  # from the catalogue
    assert stored.report.checks[0].text("fr") == french  # as it was stored
    assert stored.report.checks[0].text("en") == check.text("en")
