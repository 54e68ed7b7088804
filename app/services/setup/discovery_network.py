"""How discovery reaches the network: one lookup's stop switch (its sockets shut down and
its DNS questions cancelled at once), stoppable DNS through ``settings.dns_server``, host
addresses by the one resolver (mail/failures.resolve_host) in discovery's terms, connect,
and a bounded HTTP(S) GET that follows a few redirects. ``NotThere`` marks what does not
exist (NXDOMAIN, 404, refused): a source's not_found, not an error.
"""

from __future__ import annotations

import asyncio
import http.client
import logging
import socket
import ssl
import threading
from typing import Any
from urllib.parse import urljoin, urlsplit

import dns.asyncresolver
import dns.resolver

from app.services import dns_query
from app.services.config import Settings
from app.services.errors import PostierError
from app.services.mail import failures
from app.services.mail.greeting import remaining
from app.services.mail.tls import classify_ssl_error, client_context

log = logging.getLogger(__name__)

MAX_HTTP_BYTES = 512 * 1024


MAX_REDIRECTS = 3


class NotThere(Exception):
    """The thing looked for does not exist (NXDOMAIN, 404, refused): result not_found."""


class Stopped(Exception):
    """The lookup was stopped (cancel, or discover() already returned): give up at once."""


class Stop:
    """One lookup's off switch, shared by its source threads.

    Sources register each socket they open; ``set()`` shuts them all down so that a
    thread blocked in connect/recv (HTTP, TLS handshake, greeting) returns at once. A
    duplicate of each socket is kept, not the socket itself: a TLS wrap detaches the
    original object, the duplicate still reaches the same connection.
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        # id(socket as opened) -> (that socket, kept so the id stays unique; its duplicate)
        self._socks: dict[int, tuple[socket.socket, socket.socket]] = {}

    def is_set(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Stopped("lookup stopped")

    def wait(self, timeout: float) -> bool:
        return self._event.wait(timeout)

    def watch(self, sock: socket.socket) -> None:
        """Register ``sock`` (as opened, before any TLS wrap) until :meth:`release`.
        Raises Stopped (and closes ``sock``) when the lookup is already stopped."""
        with self._lock:
            if not self._event.is_set():
                self._socks[id(sock)] = (sock, sock.dup())
                return
        sock.close()
        raise Stopped("lookup stopped")

    def release(self, sock: socket.socket) -> None:
        """Forget ``sock`` (the object given to :meth:`watch`); call once it is closed,
        or its duplicate would keep the connection open."""
        with self._lock:
            entry = self._socks.pop(id(sock), None)
        if entry is not None:
            entry[1].close()

    def set(self) -> None:
        with self._lock:
            self._event.set()
            socks = list(self._socks.values())
            self._socks.clear()
        for _, dup in socks:
            try:
                dup.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # not connected yet, or already closed by its owner
            dup.close()


class _StoppableResolver:
    """dnspython's resolver, asked through its asyncio twin so that a stopped lookup
    cancels the question (and closes its socket) instead of waiting out its lifetime.
    Has the one method dns_query.ask uses, so its mapping of outcomes stays the only one."""

    def __init__(self, resolver: dns.resolver.Resolver, stop: Stop) -> None:
        self._resolver = dns.asyncresolver.Resolver(configure=False)
        # Same configuration (name servers and their ports, timeouts, search…): both
        # classes keep it in the same BaseResolver attributes.
        self._resolver.__dict__.update(vars(resolver))
        self._stop = stop

    def resolve(self, qname: Any, rdtype: str, search: bool = False,
                lifetime: float | None = None) -> Any:
        stop = self._stop

        async def ask() -> Any:
            task = asyncio.ensure_future(self._resolver.resolve(qname, rdtype, search=search,
                                                                lifetime=lifetime))
            while True:
                done, _ = await asyncio.wait({task}, timeout=0.05)
                if done:
                    return task.result()
                if stop.is_set():
                    task.cancel()
                    raise Stopped("lookup stopped")

        stop.check()
        return asyncio.run(ask())


def stoppable_records(name: str, rdtype: str, settings: Settings, timeout: float,
             stop: Stop | None) -> list[Any]:
    """dns_query.records, stoppable when ``stop`` is given."""
    if stop is None:
        return dns_query.records(name, rdtype, settings, timeout)
    resolver = _StoppableResolver(dns_query.make_resolver(settings, timeout), stop)
    answer = dns_query.ask(resolver, name, rdtype, timeout)  # type: ignore[arg-type]
    if answer.status == dns_query.NXDOMAIN:
        raise dns_query.NameNotFound(f"{name}: no such domain")
    answer.raise_error(name)
    return answer.records


def dns_records(name: str, rdtype: str, settings: Settings, deadline: float,
               stop: Stop | None = None) -> list[Any]:
    """Records of ``rdtype`` for ``name``; [] when none; NotThere on NXDOMAIN."""
    try:
        return stoppable_records(name, rdtype, settings, remaining(deadline), stop)
    except dns_query.NameNotFound as exc:
        raise NotThere(str(exc)) from None


def host_addresses(host: str, settings: Settings, deadline: float,
               stop: Stop | None = None) -> list[str]:
    """IP addresses of ``host`` by the one resolver (failures.resolve_host), in discovery's
    terms: NotThere when it has none; a silent or failing DNS server as itself (DnsTimeout
    is a TimeoutError). With ``stop``, questions to ``settings.dns_server`` are stoppable;
    the system resolver (getaddrinfo) cannot be interrupted and stays bounded by its own
    timeouts."""
    lookup = None if stop is None else (
        lambda name, rdtype, timeout: stoppable_records(name, rdtype, settings, timeout, stop))
    try:
        return failures.resolve_host(host, settings, remaining(deadline), lookup=lookup)
    except PostierError as exc:
        cause = exc.__cause__
        if isinstance(cause, dns_query.NameNotFound):
            raise NotThere(str(cause)) from None
        raise (cause or exc) from None


def open_socket(host: str, port: int, settings: Settings, deadline: float,
             stop: Stop | None = None) -> socket.socket:
    """A connected socket to ``host``; with ``stop``, the socket is watched from before its
    connect: the caller calls ``stop.release(sock)`` once done with it."""
    last: Exception | None = None
    for ip in host_addresses(host, settings, deadline, stop)[:3]:
        try:
            if stop is None:
                return socket.create_connection((ip, port), timeout=remaining(deadline))
            family = socket.AF_INET6 if ":" in ip else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_STREAM)
            stop.watch(sock)
            try:
                sock.settimeout(remaining(deadline))
                sock.connect((ip, port))
            except BaseException:
                sock.close()
                stop.release(sock)
                raise
            return sock
        except ConnectionRefusedError as exc:
            last = NotThere(f"{host}:{port} refused the connection")
            last.__cause__ = exc
        except OSError as exc:
            if stop is not None and stop.is_set():
                raise Stopped("lookup stopped") from None
            last = exc
    raise last or NotThere(f"{host}: no address")


def http_get(url: str, settings: Settings, deadline: float,
              stop: Stop | None = None) -> bytes:
    """GET ``url`` (following a few redirects, never https → http); body of a 200.
    404/410 and unreachable hosts → NotThere; other failures → OSError/ValueError.
    With ``stop``, its connections are watched: stopping the lookup cuts them."""
    opened: list[socket.socket] = []

    def create(addr: tuple[str, int], timeout: Any = None, source: Any = None
               ) -> socket.socket:
        sock = open_socket(addr[0], addr[1], settings, deadline, stop)
        opened.append(sock)
        return sock

    for _ in range(MAX_REDIRECTS + 1):
        if stop is not None:
            stop.check()
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"unsupported URL {url!r}")
        host = parts.hostname
        port = parts.port or (443 if parts.scheme == "https" else 80)
        timeout = remaining(deadline)
        conn: http.client.HTTPConnection
        if parts.scheme == "https":
            conn = http.client.HTTPSConnection(host, port, timeout=timeout,
                                               context=client_context(settings))
        else:
            conn = http.client.HTTPConnection(host, port, timeout=timeout)
        # Resolve through Postier's resolver (POSTIER_DNS), not the system's.
        conn._create_connection = create  # type: ignore[attr-defined]
        try:
            path = parts.path or "/"
            conn.request("GET", path + (f"?{parts.query}" if parts.query else ""),
                         headers={"User-Agent": "Postier", "Accept": "application/xml"})
            resp = conn.getresponse()
            if resp.status in (301, 302, 303, 307, 308):
                location = resp.getheader("Location") or ""
                new_url = urljoin(url, location)
                if parts.scheme == "https" and not new_url.startswith("https://"):
                    raise ValueError("redirect from https to plain http refused")
                url = new_url
                continue
            if resp.status in (404, 410):
                raise NotThere(f"HTTP {resp.status}")
            if resp.status != 200:
                raise OSError(f"HTTP {resp.status} {resp.reason}")
            body = resp.read(MAX_HTTP_BYTES + 1)
            if len(body) > MAX_HTTP_BYTES:
                raise ValueError("response too large")
            return body
        finally:
            conn.close()
            for sock in opened:
                sock.close()  # a no-op after a TLS wrap (the wrapper is closed above)
                if stop is not None:
                    stop.release(sock)
            opened.clear()
    raise OSError("too many redirects")


def describe_error(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLError):
        err = classify_ssl_error(exc)
        return f"{err.code}: {err.reply or exc}"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "timeout"
    text = str(exc) or type(exc).__name__
    return text[:300]
