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

The sources are discovery_sources.py's, their network side discovery_network.py's; this
module runs them and picks the answer.

Test hooks (read from ``Settings.extra``, i.e. the environment):
``POSTIER_AUTOCONFIG_PORT`` port for autoconfig/well-known URLs (loopback tests),
``POSTIER_GUESS_PORTS`` ``IMAPS,IMAP,SMTPS,SUBMISSION`` ports for guessing
[993,143,465,587], ``POSTIER_DISCOVERY_SOURCE_TIMEOUT`` seconds per source.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from app.services.addresses import validate_email
from app.services.config import Settings
from app.services.errors import InputError, PostierError
from app.services.setup.clientconfig import (
    ServerConfig,
    auth_list,
    recommended_order,
)
from app.services.setup.discovery_network import Stop, describe_error
from app.services.setup.discovery_sources import (
    RANKS,
    Candidate,
    Job,
    Outcome,
    Tried,
    autoconfig_port,
    clientconfig_source,
    guess_outcome,
    ms_since,
    mx_outcome,
    preset_outcome,
    srv_outcome,
)
from app.services.setup.presets import Preset, preset_for_host

log = logging.getLogger(__name__)

__all__ = ["DiscoveryResult", "ServerConfig", "Tried", "discover", "format_text", "parse_email"]


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


def parse_email(email: str) -> tuple[str, str]:
    """Return (normalised address, ASCII domain) or raise InputError INVALID_EMAIL.

    The checks themselves live in addresses.validate_email (shared with the CLI, the
    wizard and sending)."""
    address = validate_email(email)
    return address.email, address.domain


def _jobs(email: str, domain: str, settings: Settings, source_timeout: float,
          stop: Stop) -> list[Job]:
    scheme = settings.autoconfig_scheme
    port = autoconfig_port(settings)
    autoconfig_url = (f"{scheme}://autoconfig.{domain}{port}/mail/config-v1.1.xml"
                      f"?emailaddress={quote(email, safe='@')}")
    wellknown_url = f"{scheme}://{domain}{port}/.well-known/autoconfig/mail/config-v1.1.xml"
    ispdb_url = settings.ispdb_url + quote(domain)

    def http_job(name: str, url: str) -> Callable[[float], Outcome]:
        def run(deadline: float) -> Outcome:
            cand, t = clientconfig_source(name, RANKS[name], url, email, settings, deadline,
                                           stop=stop)
            return Outcome(cand, [t])
        return run

    return [
        Job("autoconfig", autoconfig_url, RANKS["autoconfig"],
             http_job("autoconfig", autoconfig_url), source_timeout),
        Job("well-known", wellknown_url, RANKS["well-known"],
             http_job("well-known", wellknown_url), source_timeout),
        Job("ispdb", ispdb_url, RANKS["ispdb"], http_job("ispdb", ispdb_url), source_timeout),
        Job("mx", f"MX {domain}", RANKS["mx"],
             lambda d: mx_outcome(email, domain, settings, d, stop), source_timeout),
        Job("srv", f"SRV {domain}", RANKS["srv"],
             lambda d: srv_outcome(email, domain, settings, d, stop), source_timeout),
        Job("guess", domain, RANKS["guess"],
             lambda d: guess_outcome(email, domain, settings, d, stop), source_timeout),
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
    stop = Stop()
    try:
        return _discover(address, domain, settings, timeout, progress, cancel,
                         source_timeout, stop)
    finally:
        stop.set()  # nobody will read the sources still running: cut them off


def _discover(address: str, domain: str, settings: Settings, timeout: float,
              progress: Callable[[Tried], None] | None, cancel: threading.Event | None,
              source_timeout: float | None, stop: Stop) -> DiscoveryResult:
    start = time.monotonic()
    per_source = _source_timeout(settings, timeout, source_timeout)
    inbox: queue.Queue[tuple[Job, Outcome | BaseException]] = queue.Queue()

    def runner(job: Job) -> None:
        try:
            inbox.put((job, job.run(job.deadline)))
        except BaseException as exc:  # noqa: BLE001 - reported as this source's error
            inbox.put((job, exc))

    tried: list[Tried] = []
    best: Candidate | None = None
    pending: list[Job] = []
    # The built-in presets are local and rank first: when the domain is one of them
    # (gmail.com, orange.fr…) the answer is known at once and nothing goes on the network.
    try:
        local = preset_outcome(address, domain)
    except Exception as exc:  # noqa: BLE001 - a broken presets file must not stop discovery
        local = Outcome(None, [Tried("preset", domain, "error", 0, describe_error(exc))])
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
                        ms_since(job.started), describe_error(outcome))])
            continue
        note(outcome.tried)
        cand = outcome.candidate
        if cand is not None and (best is None or cand.rank < best.rank):
            best = cand

    elapsed = ms_since(start)
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
            preset = preset_for_host(server.host)
            if preset:
                return preset
    except Exception:
        log.warning("built-in presets unavailable", exc_info=True)
    return None


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
