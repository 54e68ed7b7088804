"""The one DNS client (dns_query) and the one host resolution (mail/failures.resolve_host)
against a real dnslib server on loopback, and how discovery reads its failures."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services import dns_query
from app.services.config import Settings
from app.services.errors import PostierError
from app.services.mail.failures import resolve_host
from app.services.setup import discovery_network
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
    assert resolve_host("127.0.0.9", silent, 2.0) == ["127.0.0.9"]
    assert resolve_host("::1", silent, 2.0) == ["::1"]
    assert time.monotonic() - start < 0.5


def test_a_first_aaaa_only_without_a(settings: Settings) -> None:
    assert resolve_host("both.test", settings, 2.0) == ["127.0.0.7"]
    assert resolve_host("six.test", settings, 2.0) == ["::1"]


def test_missing_names_and_addresses(settings: Settings) -> None:
    with pytest.raises(PostierError) as err:
        resolve_host("nowhere.test", settings, 2.0)
    assert err.value.code == "DNS_NOT_FOUND"
    assert err.value.reply == "nowhere.test: no such domain"
    assert isinstance(err.value.__cause__, dns_query.NameNotFound)
    with pytest.raises(PostierError) as err:
        resolve_host("mailonly.test", settings, 2.0)
    assert err.value.code == "DNS_NOT_FOUND" and err.value.reply == "mailonly.test: no address"
    assert dns_query.records("both.test", "MX", settings, 2.0) == []
    [mx] = dns_query.records("mailonly.test", "MX", settings, 2.0)
    assert mx.exchange.to_text() == "mx.mailonly.test."


def test_system_resolver_when_no_dns_server(tmp_path: Path) -> None:
    plain = Settings(home=tmp_path)
    # /etc/hosts answers: no network needed.
    assert "127.0.0.1" in resolve_host("localhost", plain, 2.0)


def test_silent_server_times_out_within_the_timeout(silent: Settings) -> None:
    start = time.monotonic()
    with pytest.raises(PostierError) as err:
        resolve_host("both.test", silent, 0.4)
    assert time.monotonic() - start < 1.5
    assert err.value.code == "TIMEOUT"
    assert err.value.reply == "DNS lookup of both.test timed out"
    assert isinstance(err.value.__cause__, dns_query.DnsTimeout)
    answer = dns_query.DnsClient(silent, 0.3).addresses("both.test")
    assert answer.status == dns_query.ERROR and answer.timeout


@pytest.mark.parametrize("stoppable", [False, True])
def test_discovery_reads_the_same_resolution_in_its_own_terms(settings: Settings,
                                                              silent: Settings,
                                                              stoppable: bool) -> None:
    """Not there is a not_found for discovery; a silent server stays a timeout; with a
    stop switch the questions go through discovery's stoppable resolver, same answers."""
    stop = discovery_network.Stop() if stoppable else None
    assert discovery_network.host_addresses("both.test", settings, time.monotonic() + 2.0,
                                            stop) == ["127.0.0.7"]
    with pytest.raises(discovery_network.NotThere, match="nowhere.test: no such domain"):
        discovery_network.host_addresses("nowhere.test", settings, time.monotonic() + 2.0, stop)
    with pytest.raises(TimeoutError):
        discovery_network.host_addresses("both.test", silent, time.monotonic() + 0.3, stop)
