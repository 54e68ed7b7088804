"""Blocklist checks: the sending IPs and the domain on DNS blocklists.

Owns the ``dnsbl_ip`` and ``dnsbl_domain`` checks: one DNS question per item and zone,
a refusal or a rewritten answer read as "could not check" (not as a listing), the
listing reason from the zone's TXT record, and where to ask for removal.
"""

from __future__ import annotations

import ipaddress

from app.services.dns_query import ERROR, dnsbl_name
from app.services.domain_health.context import Context, bullets, cannot_check, mk
from app.services.domain_health.model import FAIL, OK, WARN, Check

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
                     what_en: str, what_fr: str) -> Check:
    """questions: (item tested, zone, DNS name)."""
    answers = ctx.map(lambda q: _listing(ctx, q[2]), questions)
    listed = [(item, zone, reason) for (item, zone, _), (state, reason)
              in zip(questions, answers, strict=False) if state == "listed"]
    unknown = [(item, zone, reason) for (item, zone, _), (state, reason)
               in zip(questions, answers, strict=False) if state == "unknown"]
    zones = ", ".join(dict.fromkeys(z for _, z, _ in questions))
    if listed:
        en = [f"{item} is listed on {zone}: {reason}" for item, zone, reason in listed]
        fr = [f"{item} figure sur {zone} : {reason}" for item, zone, reason in listed]
        urls = ", ".join(dict.fromkeys(_delist_url(z) for _, z, _ in listed))
        return mk(cid, FAIL,
                  (f"{what_en} is on a blocklist",
                   "Receivers that use this list refuse or bin your mail:\n" + bullets(en),
                   f"Find and stop the cause (infected computer, open relay, bought address "
                   f"list…), then ask for removal: {urls}."),
                  (f"{what_fr} figure sur une liste de blocage",
                   "Les destinataires qui utilisent cette liste refusent ou jettent votre "
                   "courrier :\n" + bullets(fr),
                   f"Trouvez et supprimez la cause (ordinateur infecté, relais ouvert, fichier "
                   f"d'adresses acheté…), puis demandez le retrait : {urls}."))
    if unknown:
        en = [f"{zone}: {reason}" for _, zone, reason in dict.fromkeys(unknown)]
        fr = [f"{zone} : {reason}" for _, zone, reason in dict.fromkeys(unknown)]
        return mk(cid, WARN,
                  (f"{what_en}: some blocklists could not be checked", bullets(en),
                   "Run the check again later, or from a network that does not use a public "
                   "DNS resolver."),
                  (f"{what_fr} : certaines listes n'ont pas pu être vérifiées", bullets(fr),
                   "Relancez plus tard, ou depuis un réseau qui n'utilise pas un résolveur DNS "
                   "public."))
    return mk(cid, OK, (f"{what_en} is on no blocklist", f"Checked: {zones}.", None),
              (f"{what_fr} ne figure sur aucune liste de blocage", f"Vérifié : {zones}.", None))


def check_dnsbl_ip(ctx: Context) -> list[Check]:
    ips, why = ctx.sending_ips()
    if not ips:
        return [cannot_check("dnsbl_ip", "Blocklists", "Listes de blocage", why)]
    questions = [(ip, zone, dnsbl_name(ip, zone)) for ip in ips for zone in ctx.ip_zones]
    label = ", ".join(ips)
    return [_blocklist_check(ctx, "dnsbl_ip", questions, f"The sending IP {label}",
                             f"L'IP d'envoi {label}")]


def check_dnsbl_domain(ctx: Context) -> list[Check]:
    d = ctx.domain
    questions = [(d, zone, f"{d}.{zone}") for zone in ctx.domain_zones]
    return [_blocklist_check(ctx, "dnsbl_domain", questions, f"The domain {d}",
                             f"Le domaine {d}")]

