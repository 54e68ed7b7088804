"""SPF checks: the record itself, its look-up count, its final "all", the sender.

Owns the ``spf``, ``spf_lookups``, ``spf_all`` and ``spf_provider`` checks. The parsing
and the include walk are ``spf`` (pure logic); this module asks the DNS through the
run's ``Context`` and explains each finding with the record to publish.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from app.services.dns_query import ERROR
from app.services.domain_health import spf
from app.services.domain_health.context import (
    Context,
    cannot_check,
    mk,
    txt_line,
    txt_lines,
)
from app.services.domain_health.model import FAIL, OK, WARN, Check, Text


def _wanted_mechanism(ctx: Context, ips: list[str]) -> str:
    if ctx.provider:
        return f"include:{ctx.provider.spf_includes[0]}"
    if ips:
        return " ".join(f"ip{ipaddress.ip_address(i).version}:{i}" for i in ips)
    return "mx"


def _with_sender(ctx: Context, text: str) -> str:
    """``text`` plus what authorises the known sender, when it is obviously missing."""
    low = text.lower()
    if ctx.provider:
        if not any(f"include:{inc}" in low for inc in ctx.provider.spf_includes):
            text = spf.with_mechanism(text, f"include:{ctx.provider.spf_includes[0]}")
        return text
    nets = [ipaddress.ip_network(t.value, strict=False) for t in spf.parse(text).mechanisms
            if t.name in ("ip4", "ip6") and t.value]
    for ip in ctx.given_ips:
        addr = ipaddress.ip_address(ip)
        if not any(addr.version == n.version and addr in n for n in nets):
            text = spf.with_mechanism(text, f"ip{addr.version}:{ip}")
    return text


def _spf_fetch(ctx: Context) -> Callable[[str], list[str] | None]:
    def fetch(name: str) -> list[str] | None:
        ans = ctx.dns.query(name, "TXT")
        if ans.status == ERROR:
            return None
        return [t for t in ans.texts() if spf.is_spf(t)]
    return fetch


def check_spf(ctx: Context) -> list[Check]:
    d = ctx.domain
    ans = ctx.dns.query(d, "TXT")
    if ans.status == ERROR:
        return [cannot_check("spf", "SPF", ans.error)]
    records = [t for t in ans.texts() if spf.is_spf(t)]
    wanted = _wanted_mechanism(ctx, [] if ctx.provider else ctx.given_ips)
    record = txt_lines(d, records)
    if not records:
        return [mk("spf", FAIL, Text("No SPF record"),
                   Text("SPF lists the servers allowed to send mail for your domain. Without it, "
                        "Gmail, Outlook and others are likely to put your messages in spam."),
                   Text("Add this TXT record at your DNS host:"),
                   fix_record=txt_line(d, f"v=spf1 {wanted} -all"))]
    if len(records) > 1:
        return [mk("spf", FAIL,
                   Text("{count} SPF records instead of one", count=len(records)),
                   Text("A domain must have exactly one SPF record; with several, receivers treat "
                        "SPF as broken (permerror) and your mail fails the check."),
                   Text("Delete them all and publish this single merged record:"),
                   record=record, fix_record=txt_line(d, _with_sender(ctx,
                                                                      spf.merge(records))))]
    parsed = spf.parse(records[0])
    if parsed.errors:
        return [mk("spf", FAIL,
                   Text("The SPF record has a syntax error"),
                   Text("Receivers ignore an SPF record they cannot read (permerror):\n{errors}",
                        errors=Text.bullets(parsed.errors)),
                   Text("Correct the record; a valid example for your case:"),
                   record=record, fix_record=txt_line(d, f"v=spf1 {wanted} -all"))]
    out = [mk("spf", OK, Text("One valid SPF record"),
              Text("The domain publishes a single, readable SPF record."), record=record)]
    walked = spf.walk(d, parsed, _spf_fetch(ctx), ctx.map)
    out.append(_spf_lookups(ctx, walked, record))
    out.append(_spf_all(ctx, parsed, walked, record))
    provider = _spf_provider(ctx, parsed, walked, record)
    if provider:
        out.append(provider)
    return out


def _spf_lookups(ctx: Context, walked: spf.SpfWalk, record: str | None) -> Check:
    n = walked.lookups
    if n > spf.MAX_LOOKUPS:
        return mk("spf_lookups", FAIL,
                  Text("SPF needs {count} DNS look-ups (the limit is 10)", count=n),
                  Text("Past 10 look-ups (include, a, mx, ptr, exists, redirect, counted through "
                       "every include), receivers stop and treat SPF as broken: your mail fails "
                       "SPF everywhere."),
                  Text("Remove the include: entries of services you no longer use, or replace "
                       "some with their ip4:/ip6: ranges, to get back to 10 or fewer."),
                  record=record)
    if walked.problems:
        return mk("spf_lookups", FAIL, Text("An SPF include is broken"),
                  Text("Receivers stop at the first broken include (permerror):\n{problems}",
                       problems=Text.bullets(walked.problems)),
                  Text("Remove or correct the include: entries listed above."), record=record)
    if walked.unresolved:
        names = ", ".join(walked.unresolved)
        return mk("spf_lookups", WARN,
                  Text("SPF look-ups: {names} could not be checked", names=names),
                  Text("{count} look-up(s) counted so far; the DNS did not answer for {names}.",
                       count=n, names=names),
                  Text("Run the check again later."),
                  record=record)
    return mk("spf_lookups", OK,
              Text("SPF stays within the look-up limit ({count}/10)", count=n),
              Text("Checking your SPF costs receivers {count} DNS look-up(s), within the limit "
                   "of 10.",
                   count=n), record=record)


def _spf_all(ctx: Context, parsed: spf.SpfRecord, walked: spf.SpfWalk,
             record: str | None) -> Check:
    q = walked.effective_all
    if q in ("-", "~"):
        word = Text("-all (reject)") if q == "-" \
            else Text("~all (mark as suspicious)")
        return mk("spf_all", OK,
                  Text("SPF ends with {qualifier}", qualifier=word),
                  Text("Servers not listed are not allowed to send for your domain."),
                  record=record)
    # Every other ending gets the same advice, said for what it lets through: end with -all.
    status, title, why, how = {
        "+": (FAIL, Text("SPF allows the whole Internet (+all)"),
              Text("With +all anyone can send mail as your domain and pass SPF; receivers "
                   "distrust such a domain."),
              Text("Replace +all with -all:")),
        "?": (WARN, Text("SPF ends with ?all (neutral)"),
              Text("?all says nothing about other servers, so SPF does not protect your "
                   "domain from forgery."),
              Text("Replace ?all with -all (or ~all):")),
    }.get(q or "") or (
        WARN, Text("SPF does not end with -all or ~all"),
        Text("Without a final “all”, other servers are neither allowed nor refused."),
        Text("End the record with -all:"))
    return mk("spf_all", status, title, why, how, record=record,
              fix_record=txt_line(ctx.domain, spf.with_all(parsed.text, "-")))


def _ip_covered(ctx: Context, ip: str, walked: spf.SpfWalk) -> bool:
    addr = ipaddress.ip_address(ip)
    if any(addr.version == n.version and addr in n for n in walked.networks):
        return True
    names = set(walked.a_names)
    for mx_domain in walked.mx_names:
        mx = ctx.dns.query(mx_domain, "MX")
        names.update(r.exchange.to_text().rstrip(".").lower() for r in mx.records)
    for answer in ctx.map(ctx.dns.addresses, sorted(names)):
        if any(ipaddress.ip_address(r.to_text()) == addr for r in answer.records):
            return True
    return False


def _spf_provider(ctx: Context, parsed: spf.SpfRecord, walked: spf.SpfWalk,
                  record: str | None) -> Check | None:
    d = ctx.domain
    if ctx.provider:
        p = ctx.provider
        if any(inc in walked.includes for inc in p.spf_includes):
            return mk("spf_provider", OK,
                      Text("SPF authorises {provider}", provider=p.name),
                      Text("Your SPF includes {provider}'s servers, which send your mail.",
                           provider=p.name), record=record)
        mech = f"include:{p.spf_includes[0]}"
        return mk("spf_provider", FAIL,
                  Text("SPF does not authorise {provider}",
                       provider=p.name),
                  Text("Your mail is sent by {provider}, but your SPF does not list its servers "
                       "({mechanism}): your messages fail SPF.",
                       provider=p.name, mechanism=mech),
                  Text("Add {mechanism} to your SPF record:", mechanism=mech),
                  record=record, fix_record=txt_line(d, spf.with_mechanism(parsed.text, mech)))
    if not ctx.given_ips:
        return None
    missing = [ip for ip in ctx.given_ips if not _ip_covered(ctx, ip, walked)]
    if not missing:
        ips = ", ".join(ctx.given_ips)
        return mk("spf_provider", OK,
                  Text("SPF authorises your sending server"),
                  Text("{ips} is allowed by your SPF.",
                       ips=ips), record=record)
    mech = " ".join(f"ip{ipaddress.ip_address(i).version}:{i}" for i in missing)
    ips = ", ".join(missing)
    return mk("spf_provider", FAIL,
              Text("SPF does not authorise your sending server"),
              Text("Mail sent from {ips} fails SPF: this address is not in your SPF record.",
                   ips=ips),
              Text("Add {mechanism} to your SPF record:", mechanism=mech),
              record=record, fix_record=txt_line(d, spf.with_mechanism(parsed.text, mech)))
