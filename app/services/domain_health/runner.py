"""Runs a sender-domain check: input, every check in its pool, the report.

``check_domain`` normalises the input (bad input raises ``InputError`` before any
look-up), builds the run's ``Context`` (its resolver caches DNS answers for the run),
runs every check family that applies at once in a thread pool, turns a check that
crashed or did not answer in time into a warning, and returns the ``DomainReport``
sorted in the reader's order with its score. Which checks run is decided here
(``jobs``); what each one checks is in its own module.

Check ids: mx, spf, spf_all, spf_lookups, spf_provider (when the provider or sending IP is
known), dkim, dmarc, mta_sts, tls_rpt, ptr, dnsbl_ip (when the sending IP or SMTP host is
known), dnsbl_domain. Blocklist zones: ``POSTIER_DNSBL_ZONES`` / ``POSTIER_DBL_ZONES``
(comma-separated, empty = skip) in ``Settings.extra``.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from app.services.config import Settings
from app.services.domain_health.blocklists import check_dnsbl_domain, check_dnsbl_ip
from app.services.domain_health.context import Context, too_slow, unexpected
from app.services.domain_health.dkim import check_dkim
from app.services.domain_health.dmarc import check_dmarc
from app.services.domain_health.model import ORDER, Check, DomainReport, score
from app.services.domain_health.mta_sts import check_mta_sts, check_tls_rpt
from app.services.domain_health.mx import check_mx
from app.services.domain_health.ptr import check_ptr
from app.services.domain_health.spf_check import check_spf
from app.services.errors import InputError

CheckFunction = Callable[[Context], list[Check]]


def normalize_domain(text: str) -> str:
    """``Exemple.FR.`` → ``exemple.fr``; an address gives its domain; IDN → punycode."""
    value = (text or "").strip()
    if "@" in value:
        value = value.rsplit("@", 1)[1]
    value = value.rstrip(".").lower()
    try:
        ascii_name = value.encode("idna").decode("ascii") if value else ""
    except UnicodeError:
        ascii_name = ""
    labels = ascii_name.split(".")
    valid = (
        0 < len(ascii_name) <= 253 and len(labels) >= 2
        and all(0 < len(lb) <= 63 and lb.replace("-", "").replace("_", "").isalnum()
                and lb.isascii() and not lb.startswith("-") and not lb.endswith("-")
                for lb in labels)
        and not labels[-1].isdigit()
    )
    if not valid:
        raise InputError(f"{text!r} is not a domain name (write it as exemple.fr)",
                         code="INVALID_DOMAIN")
    return ascii_name


def normalize_ips(ips: Sequence[str]) -> list[str]:
    out: list[str] = []
    for raw in ips:
        try:
            ip = str(ipaddress.ip_address(raw.strip()))
        except ValueError:
            raise InputError(f"{raw!r} is not an IP address") from None
        if ip not in out:
            out.append(ip)
    return out


def jobs(ctx: Context) -> list[tuple[tuple[str, ...], CheckFunction]]:
    """(ids the job reports, function) for every check that applies."""
    out: list[tuple[tuple[str, ...], CheckFunction]] = [
        (("mx",), check_mx),
        (("spf", "spf_all", "spf_lookups", "spf_provider"), check_spf),
        (("dkim",), check_dkim), (("dmarc",), check_dmarc),
        (("mta_sts",), check_mta_sts), (("tls_rpt",), check_tls_rpt),
    ]
    if ctx.knows_sender:
        out.append((("ptr",), check_ptr))
        if ctx.ip_zones:
            out.append((("dnsbl_ip",), check_dnsbl_ip))
    if ctx.domain_zones:
        out.append((("dnsbl_domain",), check_dnsbl_domain))
    return out


def check_domain(domain: str, settings: Settings, *, smtp_host: str | None = None,
                 ips: Sequence[str] = (), provider: str | None = None,
                 dkim_selectors: Sequence[str] = (), timeout: float = 10.0,
                 progress: Callable[[Check], None] | None = None) -> DomainReport:
    """Check ``domain`` as a sender domain. ``progress(check)`` is called (on the calling
    thread) as each check finishes. Bad input raises ``InputError``; DNS trouble never
    raises: it becomes a "warn" check saying what could not be verified."""
    name = normalize_domain(domain)
    sending_ips = normalize_ips(ips)
    timeout = max(0.5, float(timeout))
    ctx = Context.create(name, settings, smtp_host=smtp_host, ips=sending_ips,
                         provider=provider, dkim_selectors=dkim_selectors, timeout=timeout)
    todo = jobs(ctx)
    checks: list[Check] = []
    # Threads still blocked in a look-up at the deadline are left to their own DNS lifetime.
    pool = ThreadPoolExecutor(max_workers=len(todo), thread_name_prefix="domain-check")
    try:
        futures = {pool.submit(fn, ctx): ids for ids, fn in todo}
        deadline = time.monotonic() + timeout * 2.5 + 1.0
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=max(0.0, deadline - time.monotonic()),
                                 return_when=FIRST_COMPLETED)
            if not done:
                break
            for fut in done:
                try:
                    produced = fut.result()
                except Exception as exc:  # noqa: BLE001 - a bug in one check must not sink the report
                    produced = [unexpected(futures[fut][0], exc)]
                for check in produced:
                    checks.append(check)
                    if progress:
                        progress(check)
        for fut in pending:
            check = too_slow(futures[fut][0])
            checks.append(check)
            if progress:
                progress(check)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        ctx.close()
    checks.sort(key=lambda c: ORDER.index(c.id) if c.id in ORDER else len(ORDER))
    return DomainReport(name, checks, score(checks, ctx.applicable()))
