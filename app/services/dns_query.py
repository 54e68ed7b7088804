"""The one DNS client: thread-safe, over dnspython, honouring ``settings.dns_server``.

Used by discovery (MX/SRV), host resolution (mail/failures.resolve_host: the connection
check, discovery, sending, the tracker) and the domain health check (every record type,
cached per run). Answers are plain values (status + records) so that checks can say
precisely "no record", "domain does not exist" or "the DNS server did not answer";
:func:`records` raises instead (NameNotFound / DnsTimeout / DnsFailure), and each caller
maps those to its own terms.
The resolver is the system's, or ``settings.dns_server`` (``POSTIER_DNS``) when set.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from dataclasses import dataclass, field
from typing import Any

import dns.exception
import dns.name
import dns.resolver
import dns.reversename

from app.services.config import Settings

OK, NXDOMAIN, NODATA, ERROR = "ok", "nxdomain", "nodata", "error"


class NameNotFound(LookupError):
    """The name does not exist, or has no address (a definite answer, not a failure)."""


class DnsTimeout(TimeoutError):
    """The DNS server did not answer in time."""


class DnsFailure(OSError):
    """The DNS server answered with an error (SERVFAIL, refused…) or could not be asked."""


@dataclass(frozen=True)
class Answer:
    status: str
    records: list[Any] = field(default_factory=list)  # dnspython rdata objects
    error: str = ""
    timeout: bool = False  # ERROR because the server stayed silent

    @property
    def ok(self) -> bool:
        return self.status == OK

    @property
    def missing(self) -> bool:
        """The name or the record type definitely does not exist (not a failure to ask)."""
        return self.status in (NXDOMAIN, NODATA)

    def texts(self) -> list[str]:
        """TXT records with their 255-byte strings joined, as receivers read them."""
        return [b"".join(r.strings).decode("utf-8", "replace") for r in self.records]

    def names(self) -> list[str]:
        return [r.to_text().rstrip(".").lower() for r in self.records]

    def raise_error(self, name: str) -> None:
        """Raise DnsTimeout/DnsFailure for an ERROR answer (nothing otherwise)."""
        if self.status == ERROR:
            raise (DnsTimeout if self.timeout else DnsFailure)(f"{name}: {self.error}")


def make_resolver(settings: Settings, timeout: float) -> dns.resolver.Resolver:
    if settings.dns_server:
        host, port = settings.dns_server
        try:
            ipaddress.ip_address(host)
        except ValueError:
            host = str(socket.getaddrinfo(host, port)[0][4][0])
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [host]
        resolver.port = port
    else:
        resolver = dns.resolver.Resolver()
    resolver.timeout = max(0.2, min(timeout, 3.0))  # per try; the lifetime bounds retries
    resolver.lifetime = max(0.2, timeout)
    return resolver


def ask(resolver: dns.resolver.Resolver, name: str, rdtype: str, lifetime: float) -> Answer:
    """One question, every dnspython outcome mapped to an Answer (the only such mapping)."""
    try:
        qname = dns.name.from_text(name)
        result = resolver.resolve(qname, rdtype, search=False, lifetime=lifetime)
    except dns.resolver.NXDOMAIN:
        return Answer(NXDOMAIN)
    except dns.resolver.NoAnswer:
        return Answer(NODATA)
    except dns.exception.Timeout:
        return Answer(ERROR, error="the DNS server did not answer in time", timeout=True)
    except dns.resolver.NoNameservers:
        return Answer(ERROR, error="the DNS server failed to answer (SERVFAIL)")
    except (dns.exception.DNSException, OSError, ValueError) as exc:
        return Answer(ERROR, error=f"DNS error: {exc}")
    return Answer(OK, list(result))


def records(name: str, rdtype: str, settings: Settings, timeout: float) -> list[Any]:
    """Records of ``rdtype`` for ``name``, uncached; [] when the name has none.
    Raises NameNotFound (NXDOMAIN), DnsTimeout, DnsFailure."""
    answer = ask(make_resolver(settings, timeout), name, rdtype, timeout)
    if answer.status == NXDOMAIN:
        raise NameNotFound(f"{name}: no such domain")
    answer.raise_error(name)
    return answer.records


class DnsClient:
    """Caches answers for one run: several checks ask for the same MX / A records."""

    def __init__(self, settings: Settings, timeout: float) -> None:
        self.resolver = make_resolver(settings, timeout)
        self.timeout = timeout
        self._cache: dict[tuple[str, str], Answer] = {}
        self._lock = threading.Lock()

    def query(self, name: str, rdtype: str, timeout: float | None = None) -> Answer:
        key = (name.lower().rstrip("."), rdtype)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        answer = ask(self.resolver, key[0], rdtype, timeout or self.timeout)
        if answer.status != ERROR:  # a timeout may be retried by another check
            with self._lock:
                self._cache[key] = answer
        return answer

    def addresses(self, name: str) -> Answer:
        """A and AAAA together (missing only when neither exists)."""
        a, aaaa = self.query(name, "A"), self.query(name, "AAAA")
        if a.records or aaaa.records:
            return Answer(OK, a.records + aaaa.records)
        failed = a if a.status == ERROR else aaaa
        if failed.status == ERROR:
            return Answer(ERROR, error=failed.error, timeout=failed.timeout)
        return Answer(NXDOMAIN if a.status == NXDOMAIN else NODATA)


def reverse_name(ip: str) -> str:
    return dns.reversename.from_address(ip).to_text().rstrip(".")


def dnsbl_name(ip: str, zone: str) -> str:
    """``2.0.0.127.zen.spamhaus.org``: the reversed octets (nibbles for IPv6) under a zone."""
    rev = reverse_name(ip)
    stem = rev.rsplit(".in-addr.arpa", 1)[0] if ipaddress.ip_address(ip).version == 4 \
        else rev.rsplit(".ip6.arpa", 1)[0]
    return f"{stem}.{zone.strip('.')}"
