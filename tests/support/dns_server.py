"""A real authoritative DNS server on loopback for tests (dnslib), fed a zone in text.

Answers UDP and TCP on 127.0.0.1:<free port>; point Postier at it with POSTIER_DNS.
Names not in the zone get NXDOMAIN, so "domain does not exist" is testable too.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from dnslib import QTYPE, RCODE, RR, DNSRecord
from dnslib.server import BaseResolver, DNSServer


def free_port(host: str = "127.0.0.1", kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def free_udp_tcp_port(host: str = "127.0.0.1") -> int:
    for _ in range(50):
        port = free_port(host)
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.bind((host, port))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port")


class ZoneResolver(BaseResolver):
    """Serves records from zone text; can be changed while running (``set_zone``)."""

    def __init__(self, zone: str = "") -> None:
        self.records: list[RR] = []
        self.set_zone(zone)

    def set_zone(self, zone: str) -> None:
        self.records = RR.fromZone(zone) if zone.strip() else []

    def add(self, zone: str) -> None:
        self.records.extend(RR.fromZone(zone))

    def resolve(self, request: DNSRecord, handler: object) -> DNSRecord:
        reply = request.reply()
        qname = request.q.qname
        qtype = QTYPE[request.q.qtype]
        name_known = False
        for rr in self.records:
            if rr.rname != qname:
                continue
            name_known = True
            rtype = QTYPE[rr.rtype]
            if qtype in (rtype, "ANY") or rtype == "CNAME":
                reply.add_answer(rr)
        if not name_known:
            reply.header.rcode = RCODE.NXDOMAIN
        return reply


class LocalDNS:
    def __init__(self, zone: str = "", host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = free_udp_tcp_port(host)
        self.resolver = ZoneResolver(zone)
        self._udp = DNSServer(self.resolver, address=host, port=self.port)
        self._tcp = DNSServer(self.resolver, address=host, port=self.port, tcp=True)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self) -> LocalDNS:
        self._udp.start_thread()
        self._tcp.start_thread()
        return self

    def stop(self) -> None:
        self._udp.stop()
        self._tcp.stop()
        self._udp.server.server_close()
        self._tcp.server.server_close()


@contextmanager
def local_dns(zone: str = "") -> Iterator[LocalDNS]:
    server = LocalDNS(zone).start()
    try:
        yield server
    finally:
        server.stop()
