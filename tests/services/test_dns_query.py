"""The one DNS client (dns_query) against a real dnslib server on loopback, and how the
connection check and discovery map its failures."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services import dns_query
from app.services.config import Settings
from app.services.errors import PostierError
from app.services.setup import connection_check, discovery
from tests.support.dns_server import LocalDNS, local_dns

ZONE = """
both.test.     60 IN A    127.0.0.7
both.test.     60 IN AAAA ::1
six.test.      60 IN AAAA ::1
mailonly.test. 60 IN MX   10 mx.mailonly.test.
"""


@pytest.fixture(scope="module")
def server() -> Iterator[LocalDNS]:
    with local_dns(ZONE) as s:
        yield s


@pytest.fixture()
def settings(server: LocalDNS, tmp_path: Path) -> Settings:
    return Settings(home=tmp_path, dns_server=(server.host, server.port))


@pytest.fixture()
def silent(tmp_path: Path) -> Iterator[Settings]:
    """A DNS 'server' that reads questions and never answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield Settings(home=tmp_path, dns_server=sock.getsockname())


def test_ip_literal_is_passed_through_without_asking(silent: Settings) -> None:
    start = time.monotonic()
    assert dns_query.resolve_host("127.0.0.9", silent, 2.0) == ["127.0.0.9"]
    assert dns_query.resolve_host("::1", silent, 2.0) == ["::1"]
    assert time.monotonic() - start < 0.5


def test_a_first_aaaa_only_without_a(settings: Settings) -> None:
    assert dns_query.resolve_host("both.test", settings, 2.0) == ["127.0.0.7"]
    assert dns_query.resolve_host("six.test", settings, 2.0) == ["::1"]


def test_missing_names_and_addresses(settings: Settings) -> None:
    with pytest.raises(dns_query.NameNotFound, match="nowhere.test: no such domain"):
        dns_query.resolve_host("nowhere.test", settings, 2.0)
    with pytest.raises(dns_query.NameNotFound, match="mailonly.test: no address"):
        dns_query.resolve_host("mailonly.test", settings, 2.0)
    assert dns_query.records("both.test", "MX", settings, 2.0) == []
    [mx] = dns_query.records("mailonly.test", "MX", settings, 2.0)
    assert mx.exchange.to_text() == "mx.mailonly.test."


def test_system_resolver_when_no_dns_server(tmp_path: Path) -> None:
    plain = Settings(home=tmp_path)
    # /etc/hosts answers: no network needed.
    assert "127.0.0.1" in dns_query.resolve_host("localhost", plain, 2.0)


def test_silent_server_times_out_within_the_timeout(silent: Settings) -> None:
    start = time.monotonic()
    with pytest.raises(dns_query.DnsTimeout):
        dns_query.resolve_host("both.test", silent, 0.4)
    assert time.monotonic() - start < 1.5
    answer = dns_query.DnsClient(silent, 0.3).addresses("both.test")
    assert answer.status == dns_query.ERROR and answer.timeout


def test_each_caller_maps_failures_to_its_own_terms(settings: Settings,
                                                    silent: Settings) -> None:
    with pytest.raises(PostierError) as err:
        connection_check.resolve_host("nowhere.test", settings, 2.0)
    assert err.value.code == "DNS_NOT_FOUND" and "nowhere.test" in (err.value.reply or "")
    with pytest.raises(PostierError) as err:
        connection_check.resolve_host("both.test", silent, 0.3)
    assert err.value.code == "TIMEOUT"
    assert err.value.reply == "DNS lookup of both.test timed out"

    deadline = time.monotonic() + 2.0
    with pytest.raises(discovery._NotThere):
        discovery.resolve_host("nowhere.test", settings, deadline)
    with pytest.raises(TimeoutError):
        discovery.resolve_host("both.test", silent, time.monotonic() + 0.3)
