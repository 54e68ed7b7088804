"""What every sender-domain check shares: the run's ``Context`` and the text helpers.

Owns the ``Context`` of one run (domain, settings, the resolver whose answers are cached
for the run, the known provider, SMTP host and sending IPs, DKIM selectors to probe,
blocklist zones, and a second thread pool for look-ups) and the small helpers every
check module uses to build ``Check`` objects and show records as zone-file lines.
A check never raises for DNS trouble: "could not verify" is a warning that says why
(``cannot_check``). Look-ups fan out on ``ctx.map`` (a pool of its own, leaves only, so a
check waiting for its look-ups can never starve them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

from app.services.config import Settings
from app.services.dns_query import ERROR, Answer, DnsClient
from app.services.domain_health.model import WARN, Check, Text
from app.services.domain_health.providers_dns import COMMON_SELECTORS, MailProvider, find_provider

Item = TypeVar("Item")
Result = TypeVar("Result")

# Blocklist zones asked by default (``POSTIER_DNSBL_ZONES`` / ``POSTIER_DBL_ZONES`` in
# ``Settings.extra`` replace them; empty = skip those checks).
DEFAULT_DNSBL_ZONES = ("zen.spamhaus.org", "b.barracudacentral.org", "bl.spamcop.net")
DEFAULT_DOMAIN_ZONES = ("dbl.spamhaus.org",)


@dataclass
class Context:
    domain: str
    settings: Settings
    dns: DnsClient
    provider: MailProvider | None
    smtp_host: str | None
    given_ips: list[str]
    selectors: list[str]
    timeout: float
    pool: ThreadPoolExecutor
    ip_zones: list[str] = field(default_factory=list)
    domain_zones: list[str] = field(default_factory=list)
    _ips: list[str] | None = None

    @classmethod
    def create(cls, domain: str, settings: Settings, *, smtp_host: str | None,
               ips: list[str], provider: str | None, dkim_selectors: Sequence[str],
               timeout: float) -> Context:
        prov = find_provider(provider, smtp_host)
        selectors: list[str] = []
        for sel in [*dkim_selectors, *(prov.dkim_selectors if prov else ()), *COMMON_SELECTORS]:
            sel = sel.strip().strip(".").lower()
            if sel and sel not in selectors:
                selectors.append(sel)
        return cls(domain=domain, settings=settings, dns=DnsClient(settings, timeout),
                   provider=prov, smtp_host=(smtp_host or "").strip().rstrip(".") or None,
                   given_ips=list(ips), selectors=selectors, timeout=timeout,
                   pool=ThreadPoolExecutor(max_workers=24, thread_name_prefix="dns"),
                   ip_zones=_zones(settings, "POSTIER_DNSBL_ZONES", DEFAULT_DNSBL_ZONES),
                   domain_zones=_zones(settings, "POSTIER_DBL_ZONES", DEFAULT_DOMAIN_ZONES))

    def map(self, fn: Callable[[Item], Result], items: Iterable[Item]) -> list[Result]:
        return list(self.pool.map(fn, list(items)))

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)

    @property
    def knows_sender(self) -> bool:
        return bool(self.given_ips or self.smtp_host)

    def applicable(self) -> list[str]:
        ids = ["mx", "spf", "spf_all", "spf_lookups", "dkim", "dmarc", "mta_sts", "tls_rpt"]
        if self.provider or self.given_ips:
            ids.append("spf_provider")
        if self.knows_sender:
            ids.append("ptr")
            if self.ip_zones:
                ids.append("dnsbl_ip")
        if self.domain_zones:
            ids.append("dnsbl_domain")
        return ids

    def sending_ips(self) -> tuple[list[str], str]:
        """The IPs to test and, when they could not be found, why (plain English)."""
        if self.given_ips or not self.smtp_host:
            return self.given_ips, ""
        answer = self.dns.addresses(self.smtp_host)
        return [r.to_text() for r in answer.records], (answer.error or "no address")


def _zones(settings: Settings, key: str, default: Sequence[str]) -> list[str]:
    """Zones from ``Settings.extra[key]`` (comma/space separated; empty = none) or default."""
    raw = settings.extra.get(key)
    if raw is None:
        return list(default)
    return [z.strip().strip(".").lower() for z in re.split(r"[,\s]+", raw) if z.strip()]


def mk(cid: str, status: str, title: Text, detail: Text, how: Text | None = None,
       record: str | None = None, fix_record: str | None = None) -> Check:
    return Check(cid, status, title, detail, how, record, fix_record)


def cannot_check(cid: str, what: str, error: str) -> Check:
    """A check that the DNS did not let run; ``what`` names it (a ``Text`` if it has words)."""
    return mk(cid, WARN, Text("{what}: could not be checked",
                              what=what),
              Text("The DNS look-up failed ({error}).",
                   error=error),
              Text("Check the Internet connection and run the check again."))


def unexpected(cid: str, exc: BaseException) -> Check:
    return mk(cid, WARN, Text("{what}: could not be checked",
                              what=cid),
              Text("Internal error: {error}", error=repr(exc)))


def too_slow(cid: str) -> Check:
    return mk(cid, WARN, Text("{what}: no answer in time",
                              what=cid),
              Text("The DNS servers did not answer in time."),
              Text("Run the check again; if it persists, the DNS servers are slow or blocked."))


def txt_line(name: str, text: str) -> str:
    return f'{name}. TXT "{text}"'


def txt_lines(name: str, texts: list[str]) -> str | None:
    """The records as zone-file lines, as shown to the user; None when there are none."""
    return "\n".join(txt_line(name, t) for t in texts) or None


def versioned(ans: Answer, version: str) -> list[str]:
    """The TXT records that start with ``version`` (``v=DMARC1``…), in any case."""
    return [t for t in ans.texts() if t.strip().lower().startswith(version.lower())]


def published(ctx: Context, name: str, version: str) -> tuple[list[str], str | None, str | None]:
    """(records, zone-file lines, DNS error) for the TXT records at ``name`` that start with
    ``version``; the error is None when the look-up worked (found or not)."""
    ans = ctx.dns.query(name, "TXT")
    if ans.status == ERROR:
        return [], None, ans.error
    found = versioned(ans, version)
    return found, txt_lines(name, found), None



def parse_tags(text: str) -> dict[str, str]:
    """``k=v; k2=v2`` tag lists (DKIM, DMARC, MTA-STS, TLS-RPT); the first of a tag wins."""
    tags: dict[str, str] = {}
    for part in text.split(";"):
        key, eq, value = part.partition("=")
        if eq:
            tags.setdefault(key.strip().lower(), value.strip())
    return tags
