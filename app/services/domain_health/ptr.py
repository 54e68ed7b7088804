"""Reverse DNS check of the sending server: forward-confirmed PTR names.

Owns the ``ptr`` check: each sending IP (given, or the SMTP host's addresses) must have
a PTR name that leads back to it; a name typical of a home line only warns.
"""

from __future__ import annotations

import ipaddress
import re

from app.services.dns_query import ERROR, reverse_name
from app.services.domain_health.context import Context, cannot_check, mk
from app.services.domain_health.model import FAIL, OK, WARN, Check

_HOME_LINE = re.compile(r"(dyn|dsl|dhcp|pool|cable|ppp|dial|broadband|customer|client)",
                        re.IGNORECASE)


def _ptr_of(ctx: Context, ip: str) -> tuple[str, str, list[str]]:
    """(ip, state, names): state ok / missing / mismatch / error / generic."""
    ans = ctx.dns.query(reverse_name(ip), "PTR")
    if ans.status == ERROR:
        return ip, "error", [ans.error]
    names = ans.names()
    if not names:
        return ip, "missing", []
    for host in names:
        back = ctx.dns.addresses(host)
        if any(ipaddress.ip_address(r.to_text()) == ipaddress.ip_address(ip)
               for r in back.records):
            return ip, ("generic" if _HOME_LINE.search(host) else "ok"), [host]
    return ip, "mismatch", names


def check_ptr(ctx: Context) -> list[Check]:
    ips, why = ctx.sending_ips()
    if not ips:
        return [mk("ptr", WARN,
                   ("Sending server address unknown",
                    f"{ctx.smtp_host} could not be resolved ({why}), so its reverse DNS and "
                    "blocklists were not checked.", None),
                   ("Adresse du serveur d'envoi inconnue",
                    f"{ctx.smtp_host} n'a pas pu être résolu ({why}) : son DNS inverse et les "
                    "listes de blocage n'ont pas été vérifiés.", None))]
    results = ctx.map(lambda ip: _ptr_of(ctx, ip), ips)
    record = "\n".join(f"{reverse_name(ip)}. PTR {names[0]}." for ip, state, names in results
                       if state in ("ok", "generic", "mismatch")) or None
    missing = [ip for ip, state, _ in results if state == "missing"]
    mismatch = [(ip, names) for ip, state, names in results if state == "mismatch"]
    generic = [(ip, names[0]) for ip, state, names in results if state == "generic"]
    errors = [(ip, names[0]) for ip, state, names in results if state == "error"]
    if missing or mismatch:
        en, fr, fixes = [], [], []
        for ip in missing:
            en.append(f"{ip} has no reverse DNS name (PTR).")
            fr.append(f"{ip} n'a pas de nom DNS inverse (PTR).")
            fixes += [f"{reverse_name(ip)}. PTR mail.{ctx.domain}.",
                      f"mail.{ctx.domain}. {'A' if '.' in ip else 'AAAA'} {ip}"]
        for ip, names in mismatch:
            en.append(f"{ip} is named {names[0]}, but that name does not lead back to {ip}.")
            fr.append(f"{ip} s'appelle {names[0]}, mais ce nom ne renvoie pas vers {ip}.")
            fixes.append(f"{names[0]}. {'A' if '.' in ip else 'AAAA'} {ip}")
        return [mk("ptr", FAIL,
                   ("The sending server's reverse DNS is not right",
                    "Receivers check that the sending IP has a name that points back to it "
                    "(forward-confirmed reverse DNS); many refuse mail otherwise.\n"
                    + "\n".join(en),
                    "The reverse name (PTR) is set by whoever owns the IP (your host or "
                    "Internet provider): ask them for it, and publish the matching address:"),
                   ("Le DNS inverse du serveur d'envoi n'est pas correct",
                    "Les destinataires vérifient que l'IP d'envoi a un nom qui renvoie vers "
                    "elle (DNS inverse confirmé) ; beaucoup refusent le courrier sinon.\n"
                    + "\n".join(fr),
                    "Le nom inverse (PTR) est fixé par le propriétaire de l'IP (votre hébergeur "
                    "ou fournisseur d'accès) : demandez-le-lui, et publiez l'adresse "
                    "correspondante :"),
                   record=record, fix_record="\n".join(fixes))]
    if errors and not generic:
        return [cannot_check("ptr", "Reverse DNS", "DNS inverse",
                             "; ".join(f"{ip}: {e}" for ip, e in errors))]
    if generic:
        en = [f"{ip} is named {host}, a name typical of a home or dynamic connection."
              for ip, host in generic] + [f"{ip}: could not be checked ({e})" for ip, e in errors]
        fr = [f"{ip} s'appelle {host}, un nom typique d'une connexion domestique ou dynamique."
              for ip, host in generic] + [f"{ip} : vérification impossible ({e})"
                                         for ip, e in errors]
        return [mk("ptr", WARN,
                   ("The sending server's reverse DNS looks weak", "\n".join(en),
                    "Send through your provider's SMTP server or ask for a proper PTR name."
                    if generic else None),
                   ("Le DNS inverse du serveur d'envoi est fragile", "\n".join(fr),
                    "Envoyez via le serveur SMTP de votre fournisseur ou demandez un vrai nom "
                    "PTR." if generic else None), record=record)]
    named = ", ".join(f"{ip} → {n[0]}" for ip, _, n in results)
    return [mk("ptr", OK,
               ("The sending server's reverse DNS is right", f"Confirmed both ways: {named}.",
                None),
               ("Le DNS inverse du serveur d'envoi est correct",
                f"Confirmé dans les deux sens : {named}.", None), record=record)]

