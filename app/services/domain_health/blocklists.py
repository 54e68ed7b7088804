"""Blocklist checks: the sending IPs and the domain on DNS blocklists.

Owns the ``dnsbl_ip`` and ``dnsbl_domain`` checks: one DNS question per item and zone,
a refusal or a rewritten answer read as "could not check" (not as a listing), the
listing reason from the zone's TXT record, and where to ask for removal.
"""

from __future__ import annotations

import ipaddress

from app.services.dns_query import ERROR, dnsbl_name
from app.services.domain_health.context import Context, cannot_check, mk
from app.services.domain_health.model import FAIL, OK, WARN, Check, Text

DELIST_URLS = {"spamhaus.org": "https://check.spamhaus.org/",
               "barracudacentral.org": "https://www.barracudacentral.org/rbl/removal-request",
               "spamcop.net": "https://www.spamcop.net/bl.shtml"}
DNSBL_TIMEOUT = 4.0  # per look-up: a slow blocklist must not hold the whole report


def _listing(ctx: Context, qname: str) -> tuple[str, str]:
    """("listed", reason) / ("clean", "") / ("unknown", why) for one DNSBL question."""
    timeout = min(ctx.timeout, DNSBL_TIMEOUT)
    ans = ctx.dns.query(qname, "A", timeout=timeout)
    if ans.missing:
        return "clean", ""
    if ans.status == ERROR:
        return "unknown", ans.error
    codes = [ipaddress.ip_address(r.to_text()) for r in ans.records]
    refused = ipaddress.ip_network("127.255.255.0/24")
    # Spamhaus answers 127.255.255.x (and URIBL 127.0.0.1) when it refuses the question,
    # typically because it came through a big public resolver: that is no listing.
    if any(c in refused or str(c) in ("127.0.0.1", "127.0.1.255") for c in codes):
        return "unknown", "the blocklist refused to answer through this DNS resolver"
    if not any(c in ipaddress.ip_network("127.0.0.0/8") for c in codes):
        return "unknown", "unexpected answer (the DNS resolver may rewrite answers)"
    txt = ctx.dns.query(qname, "TXT", timeout=timeout)
    return "listed", "; ".join(txt.texts()) or ", ".join(map(str, codes))


def _delist_url(zone: str) -> str:
    for suffix, url in DELIST_URLS.items():
        if zone == suffix or zone.endswith("." + suffix):
            return url
    return f"the {zone} web site"


def _blocklist_check(ctx: Context, cid: str, questions: list[tuple[str, str, str]],
                     what: Text) -> Check:
    """questions: (item tested, zone, DNS name); ``what`` names what is tested."""
    answers = ctx.map(lambda q: _listing(ctx, q[2]), questions)
    listed = [(item, zone, reason) for (item, zone, _), (state, reason)
              in zip(questions, answers, strict=False) if state == "listed"]
    unknown = [(item, zone, reason) for (item, zone, _), (state, reason)
               in zip(questions, answers, strict=False) if state == "unknown"]
    zones = ", ".join(dict.fromkeys(z for _, z, _ in questions))
    if listed:
        urls = ", ".join(dict.fromkeys(_delist_url(z) for _, z, _ in listed))
        return mk(cid, FAIL,
                  Text("{what} is on a blocklist",
                       what=what),
                  Text("Receivers that use this list refuse or bin your mail:\n{listings}",
                       listings=Text.bullets(Text("{item} is listed on {zone}: {reason}",
                                                  item=item, zone=zone, reason=reason)
                                             for item, zone, reason in listed)),
                  Text("Find and stop the cause (infected computer, open relay, bought address "
                       "list…), then ask for removal: {urls}.", urls=urls))
    if unknown:
        return mk(cid, WARN,
                  Text("{what}: some blocklists could not be checked", what=what),
                  Text.bullets(Text("{zone}: {reason}", zone=zone,
                                    reason=reason) for _, zone, reason in dict.fromkeys(unknown)),
                  Text("Run the check again later, or from a network that does not use a public "
                       "DNS resolver."))
    return mk(cid, OK,
              Text("{what} is on no blocklist",
                   what=what),
              Text("Checked: {zones}.", zones=zones))


def check_dnsbl_ip(ctx: Context) -> list[Check]:
    ips, why = ctx.sending_ips()
    if not ips:
        return [cannot_check("dnsbl_ip", Text("Blocklists"), why)]
    questions = [(ip, zone, dnsbl_name(ip, zone)) for ip in ips for zone in ctx.ip_zones]
    return [_blocklist_check(ctx, "dnsbl_ip", questions,
                             Text("The sending IP {ips}", ips=", ".join(ips)))]


def check_dnsbl_domain(ctx: Context) -> list[Check]:
    d = ctx.domain
    questions = [(d, zone, f"{d}.{zone}") for zone in ctx.domain_zones]
    return [_blocklist_check(ctx, "dnsbl_domain", questions,
                             Text("The domain {domain}", domain=d))]
