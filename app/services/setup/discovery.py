"""Find the IMAP/SMTP settings of an address (``postier discover``, the setup wizard).

Sources, all started at once, each in its own daemon thread with its own deadline:

=========== ==================================================================  =====
source      what                                                                rank
=========== ==================================================================  =====
preset      built-in preset matching the domain (gmail.com, orange.fr…)           0
autoconfig  ``<scheme>://autoconfig.<domain>/mail/config-v1.1.xml?emailaddress=``  1
well-known  ``<scheme>://<domain>/.well-known/autoconfig/mail/config-v1.1.xml``    2
ispdb       ``settings.ispdb_url + domain`` (Thunderbird's ISPDB)                 3
mx          MX host → preset MX pattern (rank 4) or → ISPDB of the MX's domain    4-5
srv         RFC 6186 ``_imaps._tcp`` ``_imap._tcp`` ``_submissions._tcp`` …       6
guess       imap./mail./smtp./<domain> on the standard ports, probing TLS         7
=========== ==================================================================  =====

The best rank wins, not the first answer: we return as soon as a source has answered
and every source that could still beat it has finished (or hit its own deadline), so
a dead source delays the answer by at most its own timeout, and never when it could
only give a worse answer. Guessing therefore only counts when no configuration source
answers. Threads are daemons: an abandoned lookup never keeps the process alive.

Cancel is prompt: ``discover`` raises CANCELLED within ~0.1 s of ``cancel`` being set, and
whenever it returns (answer, cancel or timeout) it stops the sources still running: their
sockets are shut down (a blocked connect, TLS handshake or HTTP read returns at once) and
their DNS questions, asked through dnspython's asyncio resolver, are cancelled. So a user
typing several addresses in a row does not pile up lookups. Every thread is named
``discover-…``.

Test hooks (read from ``Settings.extra``, i.e. the environment):
``POSTIER_AUTOCONFIG_PORT`` port for autoconfig/well-known URLs (loopback tests),
``POSTIER_GUESS_PORTS`` ``IMAPS,IMAP,SMTPS,SUBMISSION`` ports for guessing
[993,143,465,587], ``POSTIER_DISCOVERY_SOURCE_TIMEOUT`` seconds per source.
"""

from __future__ import annotations

import asyncio
import http.client
import logging
import queue
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import dns.asyncresolver
import dns.resolver
from publicsuffixlist import PublicSuffixList

from app.services import dns_query
from app.services.addresses import validate_email
from app.services.config import Settings
from app.services.errors import InputError, PostierError
from app.services.mail import failures
from app.services.mail.greeting import greet, remaining
from app.services.mail.tls import classify_ssl_error, client_context
from app.services.setup import presets as presets_mod
from app.services.setup.clientconfig import (
    ClientConfig,
    ClientConfigError,
    ServerConfig,
    auth_list,
    recommended_order,
)
from app.services.setup.clientconfig import parse as parse_clientconfig
from app.services.setup.presets import Preset, preset_by_id, presets

log = logging.getLogger(__name__)

__all__ = ["DiscoveryResult", "Preset", "ServerConfig", "Tried", "discover", "format_text",
           "parse_email", "preset_by_id", "presets"]

RANKS = {"preset": 0, "autoconfig": 1, "well-known": 2, "ispdb": 3, "mx": 4, "mx-ispdb": 5,
         "srv": 6, "guess": 7}
DEFAULT_GUESS_PORTS = (993, 143, 465, 587)
MAX_HTTP_BYTES = 512 * 1024
MAX_REDIRECTS = 3


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Tried:
    source: str
    target: str
    result: str  # "found" | "not_found" | "error"
    ms: int
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": self.source, "target": self.target,
                               "result": self.result, "ms": self.ms}
        if self.detail:
            out["detail"] = self.detail
        return out


@dataclass
class DiscoveryResult:
    found: bool
    email: str
    domain: str
    provider: str | None = None
    source: str | None = None
    auth: list[str] = field(default_factory=list)
    incoming: list[ServerConfig] = field(default_factory=list)
    outgoing: list[ServerConfig] = field(default_factory=list)
    tried: list[Tried] = field(default_factory=list)
    elapsed_ms: int = 0
    preset: Preset | None = None
    display_name: str = ""
    doc_url: str | None = None
    # From the configuration file's <enable>: a step the user must do first (by language).
    enable_url: str | None = None
    instructions: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "email": self.email, "domain": self.domain, "provider": self.provider,
            "source": self.source, "auth": list(self.auth),
            "incoming": [s.to_dict() for s in self.incoming],
            "outgoing": [s.to_dict() for s in self.outgoing],
            "tried": [t.to_dict() for t in self.tried],
            "elapsed_ms": self.elapsed_ms,
            # Extras (CLI.md allows adding keys): what the wizard shows next to the result.
            "display_name": self.display_name,
            "doc_url": self.doc_url,
            "enable_url": self.enable_url,
            "instructions": dict(self.instructions),
            "preset": self.preset.to_dict() if self.preset else None,
        }


@dataclass
class _Candidate:
    rank: int
    source: str
    incoming: list[ServerConfig]
    outgoing: list[ServerConfig]
    auth: list[str]
    display_name: str = ""
    doc_url: str | None = None
    preset: Preset | None = None
    enable_url: str | None = None
    instructions: dict[str, str] = field(default_factory=dict)


@dataclass
class _Outcome:
    candidate: _Candidate | None
    tried: list[Tried]


class _NotThere(Exception):
    """The thing looked for does not exist (NXDOMAIN, 404, refused): result not_found."""


class _Stopped(Exception):
    """The lookup was stopped (cancel, or discover() already returned): give up at once."""


class _Stop:
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
            raise _Stopped("lookup stopped")

    def wait(self, timeout: float) -> bool:
        return self._event.wait(timeout)

    def watch(self, sock: socket.socket) -> None:
        """Register ``sock`` (as opened, before any TLS wrap) until :meth:`release`.
        Raises _Stopped (and closes ``sock``) when the lookup is already stopped."""
        with self._lock:
            if not self._event.is_set():
                self._socks[id(sock)] = (sock, sock.dup())
                return
        sock.close()
        raise _Stopped("lookup stopped")

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


# ---------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------
def parse_email(email: str) -> tuple[str, str]:
    """Return (normalised address, ASCII domain) or raise InputError INVALID_EMAIL.

    The checks themselves live in addresses.validate_email (shared with the CLI, the
    wizard and sending)."""
    address = validate_email(email)
    return address.email, address.domain


# ---------------------------------------------------------------------------
# Network helpers (DNS through Settings.dns_server when set)
# ---------------------------------------------------------------------------
class _StoppableResolver:
    """dnspython's resolver, asked through its asyncio twin so that a stopped lookup
    cancels the question (and closes its socket) instead of waiting out its lifetime.
    Has the one method dns_query.ask uses, so its mapping of outcomes stays the only one."""

    def __init__(self, resolver: dns.resolver.Resolver, stop: _Stop) -> None:
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
                    raise _Stopped("lookup stopped")

        stop.check()
        return asyncio.run(ask())


def _records(name: str, rdtype: str, settings: Settings, timeout: float,
             stop: _Stop | None) -> list[Any]:
    """dns_query.records, stoppable when ``stop`` is given."""
    if stop is None:
        return dns_query.records(name, rdtype, settings, timeout)
    resolver = _StoppableResolver(dns_query.make_resolver(settings, timeout), stop)
    answer = dns_query.ask(resolver, name, rdtype, timeout)  # type: ignore[arg-type]
    if answer.status == dns_query.NXDOMAIN:
        raise dns_query.NameNotFound(f"{name}: no such domain")
    answer.raise_error(name)
    return answer.records


def _dns_query(name: str, rdtype: str, settings: Settings, deadline: float,
               stop: _Stop | None = None) -> list[Any]:
    """Records of ``rdtype`` for ``name``; [] when none; _NotThere on NXDOMAIN."""
    try:
        return _records(name, rdtype, settings, remaining(deadline), stop)
    except dns_query.NameNotFound as exc:
        raise _NotThere(str(exc)) from None


def _addresses(host: str, settings: Settings, deadline: float,
               stop: _Stop | None = None) -> list[str]:
    """IP addresses of ``host`` by the one resolver (failures.resolve_host), in discovery's
    terms: _NotThere when it has none; a silent or failing DNS server as itself (DnsTimeout
    is a TimeoutError). With ``stop``, questions to ``settings.dns_server`` are stoppable;
    the system resolver (getaddrinfo) cannot be interrupted and stays bounded by its own
    timeouts."""
    lookup = None if stop is None else (
        lambda name, rdtype, timeout: _records(name, rdtype, settings, timeout, stop))
    try:
        return failures.resolve_host(host, settings, remaining(deadline), lookup=lookup)
    except PostierError as exc:
        cause = exc.__cause__
        if isinstance(cause, dns_query.NameNotFound):
            raise _NotThere(str(cause)) from None
        raise (cause or exc) from None


def _connect(host: str, port: int, settings: Settings, deadline: float,
             stop: _Stop | None = None) -> socket.socket:
    """A connected socket to ``host``; with ``stop``, the socket is watched from before its
    connect: the caller calls ``stop.release(sock)`` once done with it."""
    last: Exception | None = None
    for ip in _addresses(host, settings, deadline, stop)[:3]:
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
            last = _NotThere(f"{host}:{port} refused the connection")
            last.__cause__ = exc
        except OSError as exc:
            if stop is not None and stop.is_set():
                raise _Stopped("lookup stopped") from None
            last = exc
    raise last or _NotThere(f"{host}: no address")


# ---------------------------------------------------------------------------
# HTTP (autoconfig, well-known, ISPDB)
# ---------------------------------------------------------------------------
def _http_get(url: str, settings: Settings, deadline: float,
              stop: _Stop | None = None) -> bytes:
    """GET ``url`` (following a few redirects, never https → http); body of a 200.
    404/410 and unreachable hosts → _NotThere; other failures → OSError/ValueError.
    With ``stop``, its connections are watched: stopping the lookup cuts them."""
    opened: list[socket.socket] = []

    def create(addr: tuple[str, int], timeout: Any = None, source: Any = None
               ) -> socket.socket:
        sock = _connect(addr[0], addr[1], settings, deadline, stop)
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
                raise _NotThere(f"HTTP {resp.status}")
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


def _describe_error(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLError):
        err = classify_ssl_error(exc)
        return f"{err.code}: {err.reply or exc}"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "timeout"
    text = str(exc) or type(exc).__name__
    return text[:300]


def _ms(start: float) -> int:
    return int((time.monotonic() - start) * 1000)


def _failed(source: str, target: str, start: float, exc: BaseException) -> Tried:
    """What a source that raised tried: _NotThere is a not_found, anything else an error."""
    if isinstance(exc, _NotThere):
        return Tried(source, target, "not_found", _ms(start), str(exc))
    return Tried(source, target, "error", _ms(start), _describe_error(exc))


def _too_late(source: str, target: str, deadline: float) -> Tried:
    """A parallel task still running at the deadline."""
    return Tried(source, target, "error", int(max(0.0, deadline - time.monotonic()) * 1000),
                 "timeout")


def _clientconfig_source(source: str, rank: int, url: str, email: str, settings: Settings,
                         deadline: float, tried_source: str | None = None,
                         stop: _Stop | None = None) -> tuple[_Candidate | None, Tried]:
    start = time.monotonic()
    name = tried_source or source

    def tried(result: str, detail: str = "") -> Tried:
        return Tried(name, url, result, _ms(start), detail)

    try:
        config: ClientConfig = parse_clientconfig(_http_get(url, settings, deadline, stop), email)
    except _NotThere as exc:
        return None, tried("not_found", str(exc))
    except ClientConfigError as exc:
        return None, tried("error", f"invalid configuration file: {exc}")
    except (OSError, ValueError, ssl.SSLError, http.client.HTTPException) as exc:
        return None, tried("error", _describe_error(exc))
    if not config.outgoing or not any(s.protocol == "imap" for s in config.incoming):
        # Postier reads the mailbox over IMAP (tracking, checks): POP-only is no answer.
        return None, tried("not_found", "no IMAP or no SMTP server in the file")
    cand = _Candidate(rank, source, list(config.incoming), list(config.outgoing),
                      list(config.auth), config.display_name, config.doc_url,
                      enable_url=config.enable_url, instructions=dict(config.instructions))
    return cand, tried("found")


# ---------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------
@dataclass
class _Job:
    name: str
    target: str
    rank: int  # the best rank this job can produce
    run: Callable[[float], _Outcome]  # takes its deadline
    timeout: float
    started: float = 0.0

    @property
    def deadline(self) -> float:
        return self.started + self.timeout


def _autoconfig_port(settings: Settings) -> str:
    port = settings.extra.get("POSTIER_AUTOCONFIG_PORT", "").strip()
    return f":{int(port)}" if port.isdigit() else ""


def _preset_outcome(email: str, domain: str) -> _Outcome:
    start = time.monotonic()
    preset = presets_mod.preset_for_domain(domain)
    ms = int((time.monotonic() - start) * 1000)
    if preset is None:
        return _Outcome(None, [Tried("preset", domain, "not_found", ms)])
    incoming, outgoing = preset.servers_for(email)
    cand = _Candidate(RANKS["preset"], "preset", incoming, outgoing, list(preset.auth),
                      preset.name, preset.doc_url, preset)
    return _Outcome(cand, [Tried("preset", domain, "found", ms, preset.id)])


_PSL: PublicSuffixList | None = None
_PSL_LOCK = threading.Lock()


def _public_suffixes() -> PublicSuffixList:
    """The Public Suffix List bundled with ``publicsuffixlist``, parsed on first use (a few
    hundred ms: only a discovery that reaches the MX step pays it, never the start-up)."""
    global _PSL
    with _PSL_LOCK:
        if _PSL is None:
            _PSL = PublicSuffixList()
        return _PSL


def _mx_domains(mx_host: str) -> list[str]:
    """Domains to ask the ISPDB for an MX host, as Thunderbird does: the host without
    its first label, then its registrable domain by the Public Suffix List (so
    ``mx.exemple.co.uk`` gives ``exemple.co.uk`` and ``mx1.mail.ovh.net`` gives ``ovh.net``)."""
    host = mx_host.lower().rstrip(".")
    labels = host.split(".")
    out: list[str] = []
    if len(labels) > 2:
        out.append(".".join(labels[1:]))
    base = _public_suffixes().privatesuffix(host)
    if base and base not in out:
        out.append(base)
    return out


def _mx_outcome(email: str, domain: str, settings: Settings, deadline: float,
                stop: _Stop | None = None) -> _Outcome:
    start = time.monotonic()
    target = f"MX {domain}"
    try:
        records = _dns_query(domain, "MX", settings, deadline, stop)
    except Exception as exc:  # noqa: BLE001 - any resolver failure is this source's error
        return _Outcome(None, [_failed("mx", target, start, exc)])
    hosts = [str(r.exchange).rstrip(".").lower()
             for r in sorted(records, key=lambda r: r.preference)]
    hosts = [h for h in hosts if h]  # "0 ." is a null MX (RFC 7505): no mail
    ms = _ms(start)
    if not hosts:
        return _Outcome(None, [Tried("mx", target, "not_found", ms, "no MX record")])
    for host in hosts:
        preset = presets_mod.preset_for_mx(host)
        if preset:
            incoming, outgoing = preset.servers_for(email)
            cand = _Candidate(RANKS["mx"], "mx", incoming, outgoing, list(preset.auth),
                              preset.name, preset.doc_url, preset)
            return _Outcome(cand, [Tried("mx", target, "found", ms, f"{host} → {preset.id}")])
    tried = [Tried("mx", target, "not_found", ms, f"{', '.join(hosts[:3])}: no known provider")]
    seen: set[str] = {domain}
    for host in hosts[:2]:
        for mx_domain in _mx_domains(host):
            if mx_domain in seen:
                continue
            seen.add(mx_domain)
            found, t = _clientconfig_source("mx", RANKS["mx-ispdb"],
                                            settings.ispdb_url + quote(mx_domain), email,
                                            settings, deadline, stop=stop)
            tried.append(t)
            if found:
                return _Outcome(found, tried)
    return _Outcome(None, tried)


_SRV_NAMES = (("_imaps._tcp", "imap", "ssl", True), ("_imap._tcp", "imap", "starttls", True),
              ("_submissions._tcp", "smtp", "ssl", False),
              ("_submission._tcp", "smtp", "starttls", False))


def _srv_outcome(email: str, domain: str, settings: Settings, deadline: float,
                 stop: _Stop | None = None) -> _Outcome:
    def one(name: str) -> tuple[list[tuple[int, int, str, int]], Tried]:
        start = time.monotonic()
        qname = f"{name}.{domain}"
        try:
            records = _dns_query(qname, "SRV", settings, deadline, stop)
        except _NotThere:
            return [], Tried("srv", qname, "not_found", _ms(start))  # the usual answer: no detail
        except Exception as exc:  # noqa: BLE001
            return [], _failed("srv", qname, start, exc)
        # Target "." means "service decidedly not available here" (RFC 2782/6186).
        found = [(r.priority, -r.weight, str(r.target).rstrip("."), r.port) for r in records
                 if str(r.target).rstrip(".") and r.port]
        return sorted(found), Tried("srv", qname, "found" if found else "not_found", _ms(start))

    results = _parallel([partial(one, n) for n, *_ in _SRV_NAMES], deadline, stop,
                        "discover-srv")
    incoming: list[ServerConfig] = []
    outgoing: list[ServerConfig] = []
    tried: list[Tried] = []
    for (name, protocol, security, is_in), res in zip(_SRV_NAMES, results, strict=True):
        if res is None:
            tried.append(_too_late("srv", f"{name}.{domain}", deadline))
            continue
        records, t = res
        tried.append(t)
        for _, _, host, port in records:
            server = ServerConfig(protocol, host.lower(), port, security, email)
            (incoming if is_in else outgoing).append(server)
    if incoming and outgoing:
        return _Outcome(_Candidate(RANKS["srv"], "srv", recommended_order(incoming),
                                   recommended_order(outgoing), ["password"]), tried)
    return _Outcome(None, tried)


def _parallel(fns: list[Callable[[], Any]], deadline: float, stop: _Stop | None = None,
              name: str = "discover-task") -> list[Any]:
    """Run ``fns`` in daemon threads named ``name-<i>``; results in order, None for those
    past the deadline. Returns at once when ``stop`` is set."""
    results: list[Any] = [None] * len(fns)
    threads = []

    def runner(i: int, fn: Callable[[], Any]) -> None:
        try:
            results[i] = fn()
        except Exception:
            log.debug("parallel task failed", exc_info=True)

    for i, fn in enumerate(fns):
        t = threading.Thread(target=runner, args=(i, fn), name=f"{name}-{i}", daemon=True)
        t.start()
        threads.append(t)
    for t in threads:
        while t.is_alive() and time.monotonic() < deadline:
            if stop is not None:
                stop.check()
            t.join(min(0.05, max(0.0, deadline - time.monotonic())))
    return list(results)


# ---------------------------------------------------------------------------
# Guessing: probe greeting, CAPABILITY/EHLO and TLS/STARTTLS
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Probe:
    status: str  # "ok" | "cert" (TLS works but certificate not trusted) | "plain" | "fail"
    detail: str


def _probe(protocol: str, host: str, port: int, security: str, settings: Settings,
           deadline: float, stop: _Stop | None = None) -> _Probe:
    sock = raw = _connect(host, port, settings, deadline, stop)
    try:
        if security == "ssl":
            try:
                sock = client_context(settings).wrap_socket(sock, server_hostname=host)
            except ssl.SSLCertVerificationError as exc:
                return _Probe("cert", _describe_error(exc))
        greeting = greet(sock, protocol, deadline, starttls=security == "starttls")
        if greeting.status != "ok":
            return _Probe(greeting.status, greeting.detail)
        if security == "starttls":
            try:
                sock = client_context(settings).wrap_socket(sock, server_hostname=host)
            except ssl.SSLCertVerificationError as exc:
                return _Probe("cert", _describe_error(exc))
        try:  # polite goodbye; its answer does not matter
            sock.settimeout(0.5)
            sock.sendall(b"p9 LOGOUT\r\n" if protocol == "imap" else b"QUIT\r\n")
        except OSError:
            pass
        return _Probe("ok", greeting.detail)
    finally:
        sock.close()
        raw.close()  # a no-op after a TLS wrap
        if stop is not None:
            stop.release(raw)


def guess_ports(settings: Settings) -> tuple[int, int, int, int]:
    raw = settings.extra.get("POSTIER_GUESS_PORTS", "")
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if len(parts) == 4 and all(p.isdigit() for p in parts):
        return tuple(int(p) for p in parts)  # type: ignore[return-value]
    return DEFAULT_GUESS_PORTS


def _guess_outcome(email: str, domain: str, settings: Settings, deadline: float,
                   stop: _Stop | None = None) -> _Outcome:
    imaps, imap, smtps, submission = guess_ports(settings)
    in_hosts = [f"imap.{domain}", f"mail.{domain}", domain]
    out_hosts = [f"smtp.{domain}", f"mail.{domain}", domain]
    all_hosts = list(dict.fromkeys(in_hosts + out_hosts))
    tried: list[Tried] = []

    def resolves(host: str) -> tuple[bool, Tried]:
        start = time.monotonic()
        try:
            _addresses(host, settings, deadline, stop)
            return True, Tried("guess", host, "found", _ms(start))
        except Exception as exc:  # noqa: BLE001
            return False, _failed("guess", host, start, exc)

    resolved = _parallel([partial(resolves, h) for h in all_hosts], deadline, stop,
                         "discover-guess-dns")
    alive = set()
    for host, res in zip(all_hosts, resolved, strict=True):
        if res is None:
            continue
        ok, t = res
        if not ok:
            tried.append(t)  # resolving hosts appear through their probes below
        else:
            alive.add(host)
    plan = [("imap", h, imaps, "ssl") for h in in_hosts if h in alive]
    plan += [("imap", h, imap, "starttls") for h in in_hosts if h in alive]
    plan += [("smtp", h, smtps, "ssl") for h in out_hosts if h in alive]
    plan += [("smtp", h, submission, "starttls") for h in out_hosts if h in alive]

    def probe(item: tuple[str, str, int, str]) -> tuple[_Probe | None, Tried]:
        protocol, host, port, security = item
        start = time.monotonic()
        target = f"{protocol} {host}:{port} {security}"
        try:
            result = _probe(protocol, host, port, security, settings, deadline, stop)
        except Exception as exc:  # noqa: BLE001 - junk from a server is "not this port"
            return None, _failed("guess", target, start, exc)
        ms = _ms(start)
        if result.status == "fail":
            return None, Tried("guess", target, "not_found", ms, result.detail)
        detail = {"ok": "", "cert": "TLS works but ", "plain": "plain only: "}[result.status]
        return result, Tried("guess", target, "found", ms, detail + result.detail)

    probed = _parallel([partial(probe, i) for i in plan], deadline, stop,
                       "discover-guess-probe")
    order = {"ok": 0, "cert": 1, "plain": 2}
    found: list[tuple[int, int, ServerConfig]] = []
    for index, (item, res) in enumerate(zip(plan, probed, strict=True)):
        protocol, host, port, security = item
        if res is None:
            tried.append(_too_late("guess", f"{protocol} {host}:{port} {security}", deadline))
            continue
        result, t = res
        tried.append(t)
        if result is not None:
            # A port that only talks in clear is noted, never recommended first.
            sec = "plain" if result.status == "plain" else security
            found.append((order[result.status], index,
                          ServerConfig(protocol, host, port, sec, email)))
    found.sort(key=lambda x: (x[0], x[1]))
    incoming = [s for *_, s in found if s.protocol == "imap"]
    outgoing = [s for *_, s in found if s.protocol == "smtp"]
    if incoming and outgoing:
        return _Outcome(_Candidate(RANKS["guess"], "guess", incoming, outgoing, ["password"]),
                        tried)
    return _Outcome(None, tried)


# ---------------------------------------------------------------------------
# Orchestration
# ---------------------------------------------------------------------------
def _jobs(email: str, domain: str, settings: Settings, source_timeout: float,
          stop: _Stop) -> list[_Job]:
    scheme = settings.autoconfig_scheme
    port = _autoconfig_port(settings)
    autoconfig_url = (f"{scheme}://autoconfig.{domain}{port}/mail/config-v1.1.xml"
                      f"?emailaddress={quote(email, safe='@')}")
    wellknown_url = f"{scheme}://{domain}{port}/.well-known/autoconfig/mail/config-v1.1.xml"
    ispdb_url = settings.ispdb_url + quote(domain)

    def http_job(name: str, url: str) -> Callable[[float], _Outcome]:
        def run(deadline: float) -> _Outcome:
            cand, t = _clientconfig_source(name, RANKS[name], url, email, settings, deadline,
                                           stop=stop)
            return _Outcome(cand, [t])
        return run

    return [
        _Job("autoconfig", autoconfig_url, RANKS["autoconfig"],
             http_job("autoconfig", autoconfig_url), source_timeout),
        _Job("well-known", wellknown_url, RANKS["well-known"],
             http_job("well-known", wellknown_url), source_timeout),
        _Job("ispdb", ispdb_url, RANKS["ispdb"], http_job("ispdb", ispdb_url), source_timeout),
        _Job("mx", f"MX {domain}", RANKS["mx"],
             lambda d: _mx_outcome(email, domain, settings, d, stop), source_timeout),
        _Job("srv", f"SRV {domain}", RANKS["srv"],
             lambda d: _srv_outcome(email, domain, settings, d, stop), source_timeout),
        _Job("guess", domain, RANKS["guess"],
             lambda d: _guess_outcome(email, domain, settings, d, stop), source_timeout),
    ]


def _source_timeout(settings: Settings, timeout: float, override: float | None) -> float:
    if override is None:
        raw = settings.extra.get("POSTIER_DISCOVERY_SOURCE_TIMEOUT", "")
        try:
            override = float(raw) if raw else None
        except ValueError:
            override = None
    if override is None:
        # Half the overall budget, at least 3 s: a slow but alive autoconfig server
        # still answers, a dead one costs at most this much.
        override = max(3.0, timeout / 2)
    return max(0.1, min(override, timeout))


def discover(email: str, settings: Settings, *, timeout: float = 15.0,
             progress: Callable[[Tried], None] | None = None,
             cancel: threading.Event | None = None,
             source_timeout: float | None = None) -> DiscoveryResult:
    """Find the server settings for ``email``; see the module docstring.

    ``progress`` is called (in the calling thread) with each Tried as it completes.
    Raises InputError INVALID_EMAIL for a malformed address, PostierError CANCELLED
    (within ~0.1 s) when ``cancel`` is set. Nothing found → ``found=False`` with what was
    tried. Sources still running when it returns or raises are stopped.
    """
    address, domain = parse_email(email)
    if not timeout or timeout <= 0:
        raise InputError("timeout must be a positive number of seconds")
    stop = _Stop()
    try:
        return _discover(address, domain, settings, timeout, progress, cancel,
                         source_timeout, stop)
    finally:
        stop.set()  # nobody will read the sources still running: cut them off


def _discover(address: str, domain: str, settings: Settings, timeout: float,
              progress: Callable[[Tried], None] | None, cancel: threading.Event | None,
              source_timeout: float | None, stop: _Stop) -> DiscoveryResult:
    start = time.monotonic()
    per_source = _source_timeout(settings, timeout, source_timeout)
    inbox: queue.Queue[tuple[_Job, _Outcome | BaseException]] = queue.Queue()

    def runner(job: _Job) -> None:
        try:
            inbox.put((job, job.run(job.deadline)))
        except BaseException as exc:  # noqa: BLE001 - reported as this source's error
            inbox.put((job, exc))

    tried: list[Tried] = []
    best: _Candidate | None = None
    pending: list[_Job] = []
    # The built-in presets are local and rank first: when the domain is one of them
    # (gmail.com, orange.fr…) the answer is known at once and nothing goes on the network.
    try:
        local = _preset_outcome(address, domain)
    except Exception as exc:  # noqa: BLE001 - a broken presets file must not stop discovery
        local = _Outcome(None, [Tried("preset", domain, "error", 0, _describe_error(exc))])
    best = local.candidate
    if best is None:
        for job in _jobs(address, domain, settings, per_source, stop):
            job.started = time.monotonic()
            pending.append(job)
            threading.Thread(target=runner, args=(job,), name=f"discover-{job.name}",
                             daemon=True).start()

    def note(items: Iterable[Tried]) -> None:
        for t in items:
            tried.append(t)
            if progress:
                try:
                    progress(t)
                except Exception:
                    log.debug("progress callback failed", exc_info=True)

    note(local.tried)
    overall = start + timeout
    while pending:
        if best is not None and all(job.rank >= best.rank for job in pending):
            break  # nothing still running could beat what we have
        if cancel is not None and cancel.is_set():
            raise PostierError("CANCELLED")
        now = time.monotonic()
        for job in [j for j in pending if min(j.deadline, overall) <= now]:
            pending.remove(job)
            note([Tried(job.name, job.target, "error", int((now - job.started) * 1000),
                        "timeout")])
        if not pending:
            break
        wait = min(min(j.deadline for j in pending), overall) - now
        if cancel is not None:
            wait = min(wait, 0.05)  # look at cancel often: the answer must be prompt
        try:
            job, outcome = inbox.get(timeout=max(0.0, wait))
        except queue.Empty:
            continue
        if job not in pending:
            continue  # already given up on (past its deadline)
        pending.remove(job)
        if isinstance(outcome, BaseException):
            log.debug("source %s failed", job.name, exc_info=outcome)
            note([Tried(job.name, job.target, "error",
                        _ms(job.started), _describe_error(outcome))])
            continue
        note(outcome.tried)
        cand = outcome.candidate
        if cand is not None and (best is None or cand.rank < best.rank):
            best = cand

    elapsed = _ms(start)
    if best is None:
        return DiscoveryResult(False, address, domain, tried=tried, elapsed_ms=elapsed)
    preset = best.preset or _preset_for_servers(best.incoming + best.outgoing)
    return DiscoveryResult(
        found=True, email=address, domain=domain,
        provider=preset.provider if preset else None,
        source=best.source, auth=auth_list(set(best.auth)),
        incoming=recommended_order(best.incoming), outgoing=recommended_order(best.outgoing),
        tried=tried, elapsed_ms=elapsed, preset=preset,
        display_name=best.display_name or (preset.name if preset else ""),
        doc_url=best.doc_url or (preset.doc_url if preset else None),
        enable_url=best.enable_url, instructions=dict(best.instructions))


def _preset_for_servers(servers: list[ServerConfig]) -> Preset | None:
    try:
        for server in servers:
            preset = presets_mod.preset_for_host(server.host)
            if preset:
                return preset
    except Exception:
        log.warning("built-in presets unavailable", exc_info=True)
    return None


# ---------------------------------------------------------------------------
# Text output
# ---------------------------------------------------------------------------
def format_text(result: DiscoveryResult, language: str = "en") -> str:
    lines: list[str] = []
    if result.found:
        head = f"{result.email}: settings found ({result.source}"
        head += f", {result.display_name})" if result.display_name else ")"
        lines.append(head)
        for label, servers in (("incoming", result.incoming), ("outgoing", result.outgoing)):
            for i, s in enumerate(servers):
                mark = "*" if i == 0 else " "
                lines.append(f" {mark} {label:8} {s.protocol:4} {s.host}:{s.port} "
                             f"{s.security:8} user {s.username}")
        lines.append(f"   sign-in: {', '.join(result.auth)}")
        instruction = (result.instructions.get(language[:2]) or result.instructions.get("en")
                       or result.instructions.get("") or "")
        if instruction or result.enable_url:
            lines.append(f"   first: {instruction} {result.enable_url or ''}".rstrip())
        if result.preset:
            note = result.preset.note(language)
            if note:
                lines.append(f"   note: {note}")
        if result.doc_url:
            lines.append(f"   help: {result.doc_url}")
    else:
        err = PostierError("NOT_FOUND", language=language)
        lines.append(f"{result.email}: {err.message} {err.hint}")
    lines.append(f"   tried ({result.elapsed_ms} ms):")
    for t in result.tried:
        detail = f" ({t.detail})" if t.detail else ""
        lines.append(f"     {t.source:10} {t.result:9} {t.ms:5} ms  {t.target}{detail}")
    return "\n".join(lines)
