"""Where discovery looks, one function per source (see discovery.py for the ranks and how
the best answer wins): the built-in presets, clientconfig XML from autoconfig, well-known and
ISPDB URLs, the MX host's provider (its pattern, or the ISPDB of its registrable domain),
RFC 6186 SRV records, and guessed host names probed on the usual ports. Each returns an
``Outcome``: the candidate it found, if any, and what it tried (``Tried``), timed.
"""

from __future__ import annotations

import http.client
import logging
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import quote

from publicsuffixlist import PublicSuffixList

from app.services.config import Settings
from app.services.mail.greeting import greet
from app.services.mail.tls import client_context
from app.services.setup import presets as presets_mod
from app.services.setup.clientconfig import (
    ClientConfig,
    ClientConfigError,
    ServerConfig,
    recommended_order,
)
from app.services.setup.clientconfig import parse as parse_clientconfig
from app.services.setup.discovery_network import (
    NotThere,
    Stop,
    describe_error,
    dns_records,
    host_addresses,
    http_get,
    open_socket,
)
from app.services.setup.presets import Preset

log = logging.getLogger(__name__)

RANKS = {"preset": 0, "autoconfig": 1, "well-known": 2, "ispdb": 3, "mx": 4, "mx-ispdb": 5,
         "srv": 6, "guess": 7}


DEFAULT_GUESS_PORTS = (993, 143, 465, 587)


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
class Candidate:
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
class Outcome:
    candidate: Candidate | None
    tried: list[Tried]


def ms_since(start: float) -> int:
    return int((time.monotonic() - start) * 1000)


def failed_try(source: str, target: str, start: float, exc: BaseException) -> Tried:
    """What a source that raised tried: NotThere is a not_found, anything else an error."""
    if isinstance(exc, NotThere):
        return Tried(source, target, "not_found", ms_since(start), str(exc))
    return Tried(source, target, "error", ms_since(start), describe_error(exc))


def too_late(source: str, target: str, deadline: float) -> Tried:
    """A parallel task still running at the deadline."""
    return Tried(source, target, "error", int(max(0.0, deadline - time.monotonic()) * 1000),
                 "timeout")


def clientconfig_source(source: str, rank: int, url: str, email: str, settings: Settings,
                         deadline: float, tried_source: str | None = None,
                         stop: Stop | None = None) -> tuple[Candidate | None, Tried]:
    start = time.monotonic()
    name = tried_source or source

    def tried(result: str, detail: str = "") -> Tried:
        return Tried(name, url, result, ms_since(start), detail)

    try:
        config: ClientConfig = parse_clientconfig(http_get(url, settings, deadline, stop), email)
    except NotThere as exc:
        return None, tried("not_found", str(exc))
    except ClientConfigError as exc:
        return None, tried("error", f"invalid configuration file: {exc}")
    except (OSError, ValueError, ssl.SSLError, http.client.HTTPException) as exc:
        return None, tried("error", describe_error(exc))
    if not config.outgoing or not any(s.protocol == "imap" for s in config.incoming):
        # Postier reads the mailbox over IMAP (tracking, checks): POP-only is no answer.
        return None, tried("not_found", "no IMAP or no SMTP server in the file")
    cand = Candidate(rank, source, list(config.incoming), list(config.outgoing),
                      list(config.auth), config.display_name, config.doc_url,
                      enable_url=config.enable_url, instructions=dict(config.instructions))
    return cand, tried("found")


@dataclass
class Job:
    name: str
    target: str
    rank: int  # the best rank this job can produce
    run: Callable[[float], Outcome]  # takes its deadline
    timeout: float
    started: float = 0.0

    @property
    def deadline(self) -> float:
        return self.started + self.timeout


def autoconfig_port(settings: Settings) -> str:
    port = settings.extra.get("POSTIER_AUTOCONFIG_PORT", "").strip()
    return f":{int(port)}" if port.isdigit() else ""


def preset_outcome(email: str, domain: str) -> Outcome:
    start = time.monotonic()
    preset = presets_mod.preset_for_domain(domain)
    ms = int((time.monotonic() - start) * 1000)
    if preset is None:
        return Outcome(None, [Tried("preset", domain, "not_found", ms)])
    incoming, outgoing = preset.servers_for(email)
    cand = Candidate(RANKS["preset"], "preset", incoming, outgoing, list(preset.auth),
                      preset.name, preset.doc_url, preset)
    return Outcome(cand, [Tried("preset", domain, "found", ms, preset.id)])


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


def mx_outcome(email: str, domain: str, settings: Settings, deadline: float,
                stop: Stop | None = None) -> Outcome:
    start = time.monotonic()
    target = f"MX {domain}"
    try:
        records = dns_records(domain, "MX", settings, deadline, stop)
    except Exception as exc:  # noqa: BLE001 - any resolver failure is this source's error
        return Outcome(None, [failed_try("mx", target, start, exc)])
    hosts = [str(r.exchange).rstrip(".").lower()
             for r in sorted(records, key=lambda r: r.preference)]
    hosts = [h for h in hosts if h]  # "0 ." is a null MX (RFC 7505): no mail
    ms = ms_since(start)
    if not hosts:
        return Outcome(None, [Tried("mx", target, "not_found", ms, "no MX record")])
    for host in hosts:
        preset = presets_mod.preset_for_mx(host)
        if preset:
            incoming, outgoing = preset.servers_for(email)
            cand = Candidate(RANKS["mx"], "mx", incoming, outgoing, list(preset.auth),
                              preset.name, preset.doc_url, preset)
            return Outcome(cand, [Tried("mx", target, "found", ms, f"{host} → {preset.id}")])
    tried = [Tried("mx", target, "not_found", ms, f"{', '.join(hosts[:3])}: no known provider")]
    seen: set[str] = {domain}
    for host in hosts[:2]:
        for mx_domain in _mx_domains(host):
            if mx_domain in seen:
                continue
            seen.add(mx_domain)
            found, t = clientconfig_source("mx", RANKS["mx-ispdb"],
                                            settings.ispdb_url + quote(mx_domain), email,
                                            settings, deadline, stop=stop)
            tried.append(t)
            if found:
                return Outcome(found, tried)
    return Outcome(None, tried)


_SRV_NAMES = (("_imaps._tcp", "imap", "ssl", True), ("_imap._tcp", "imap", "starttls", True),
              ("_submissions._tcp", "smtp", "ssl", False),
              ("_submission._tcp", "smtp", "starttls", False))


def srv_outcome(email: str, domain: str, settings: Settings, deadline: float,
                 stop: Stop | None = None) -> Outcome:
    def one(name: str) -> tuple[list[tuple[int, int, str, int]], Tried]:
        start = time.monotonic()
        qname = f"{name}.{domain}"
        try:
            records = dns_records(qname, "SRV", settings, deadline, stop)
        except NotThere:
            # the usual answer: no detail
            return [], Tried("srv", qname, "not_found", ms_since(start))
        except Exception as exc:  # noqa: BLE001
            return [], failed_try("srv", qname, start, exc)
        # Target "." means "service decidedly not available here" (RFC 2782/6186).
        found = [(r.priority, -r.weight, str(r.target).rstrip("."), r.port) for r in records
                 if str(r.target).rstrip(".") and r.port]
        return sorted(found), Tried("srv", qname, "found" if found else "not_found",
                                    ms_since(start))

    results = parallel([partial(one, n) for n, *_ in _SRV_NAMES], deadline, stop,
                        "discover-srv")
    incoming: list[ServerConfig] = []
    outgoing: list[ServerConfig] = []
    tried: list[Tried] = []
    for (name, protocol, security, is_in), res in zip(_SRV_NAMES, results, strict=True):
        if res is None:
            tried.append(too_late("srv", f"{name}.{domain}", deadline))
            continue
        records, t = res
        tried.append(t)
        for _, _, host, port in records:
            server = ServerConfig(protocol, host.lower(), port, security, email)
            (incoming if is_in else outgoing).append(server)
    if incoming and outgoing:
        return Outcome(Candidate(RANKS["srv"], "srv", recommended_order(incoming),
                                   recommended_order(outgoing), ["password"]), tried)
    return Outcome(None, tried)


def parallel(fns: list[Callable[[], Any]], deadline: float, stop: Stop | None = None,
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


@dataclass(frozen=True)
class _Probe:
    status: str  # "ok" | "cert" (TLS works but certificate not trusted) | "plain" | "fail"
    detail: str


def _probe(protocol: str, host: str, port: int, security: str, settings: Settings,
           deadline: float, stop: Stop | None = None) -> _Probe:
    sock = raw = open_socket(host, port, settings, deadline, stop)
    try:
        if security == "ssl":
            try:
                sock = client_context(settings).wrap_socket(sock, server_hostname=host)
            except ssl.SSLCertVerificationError as exc:
                return _Probe("cert", describe_error(exc))
        greeting = greet(sock, protocol, deadline, starttls=security == "starttls")
        if greeting.status != "ok":
            return _Probe(greeting.status, greeting.detail)
        if security == "starttls":
            try:
                sock = client_context(settings).wrap_socket(sock, server_hostname=host)
            except ssl.SSLCertVerificationError as exc:
                return _Probe("cert", describe_error(exc))
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


def guess_outcome(email: str, domain: str, settings: Settings, deadline: float,
                   stop: Stop | None = None) -> Outcome:
    imaps, imap, smtps, submission = guess_ports(settings)
    in_hosts = [f"imap.{domain}", f"mail.{domain}", domain]
    out_hosts = [f"smtp.{domain}", f"mail.{domain}", domain]
    all_hosts = list(dict.fromkeys(in_hosts + out_hosts))
    tried: list[Tried] = []

    def resolves(host: str) -> tuple[bool, Tried]:
        start = time.monotonic()
        try:
            host_addresses(host, settings, deadline, stop)
            return True, Tried("guess", host, "found", ms_since(start))
        except Exception as exc:  # noqa: BLE001
            return False, failed_try("guess", host, start, exc)

    resolved = parallel([partial(resolves, h) for h in all_hosts], deadline, stop,
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
            return None, failed_try("guess", target, start, exc)
        ms = ms_since(start)
        if result.status == "fail":
            return None, Tried("guess", target, "not_found", ms, result.detail)
        detail = {"ok": "", "cert": "TLS works but ", "plain": "plain only: "}[result.status]
        return result, Tried("guess", target, "found", ms, detail + result.detail)

    probed = parallel([partial(probe, i) for i in plan], deadline, stop,
                       "discover-guess-probe")
    order = {"ok": 0, "cert": 1, "plain": 2}
    found: list[tuple[int, int, ServerConfig]] = []
    for index, (item, res) in enumerate(zip(plan, probed, strict=True)):
        protocol, host, port, security = item
        if res is None:
            tried.append(too_late("guess", f"{protocol} {host}:{port} {security}", deadline))
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
        return Outcome(Candidate(RANKS["guess"], "guess", incoming, outgoing, ["password"]),
                        tried)
    return Outcome(None, tried)
