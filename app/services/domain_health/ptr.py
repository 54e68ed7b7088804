"""Reverse DNS check of the sending server: forward-confirmed PTR names.

Owns the ``ptr`` check: each sending IP (given, or the SMTP host's addresses) must have
a PTR name that leads back to it; a name typical of a home line only warns.
"""

from __future__ import annotations

import ipaddress
import re

from app.services.dns_query import ERROR, reverse_name
from app.services.domain_health.context import Context, cannot_check, mk
from app.services.domain_health.model import FAIL, OK, WARN, Check, Text

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
                   Text("Sending server address unknown"),
                   Text("{host} could not be resolved ({error}), so its reverse DNS and "
                        "blocklists were not checked.", host=ctx.smtp_host, error=why))]
    results = ctx.map(lambda ip: _ptr_of(ctx, ip), ips)
    record = "\n".join(f"{reverse_name(ip)}. PTR {names[0]}." for ip, state, names in results
                       if state in ("ok", "generic", "mismatch")) or None
    missing = [ip for ip, state, _ in results if state == "missing"]
    mismatch = [(ip, names) for ip, state, names in results if state == "mismatch"]
    generic = [(ip, names[0]) for ip, state, names in results if state == "generic"]
    errors = [(ip, names[0]) for ip, state, names in results if state == "error"]
    if missing or mismatch:
        lines: list[Text] = []
        fixes: list[str] = []
        for ip in missing:
            lines.append(Text("{ip} has no reverse DNS name (PTR).", ip=ip))
            fixes += [f"{reverse_name(ip)}. PTR mail.{ctx.domain}.",
                      f"mail.{ctx.domain}. {'A' if '.' in ip else 'AAAA'} {ip}"]
        for ip, names in mismatch:
            lines.append(Text("{ip} is named {name}, but that name does not lead back to {ip}.",
                              ip=ip, name=names[0]))
            fixes.append(f"{names[0]}. {'A' if '.' in ip else 'AAAA'} {ip}")
        return [mk("ptr", FAIL,
                   Text("The sending server's reverse DNS is not right"),
                   Text("Receivers check that the sending IP has a name that points back to it "
                        "(forward-confirmed reverse DNS); many refuse mail otherwise.\n{lines}",
                        lines=Text.lines(lines)),
                   Text("The reverse name (PTR) is set by whoever owns the IP (your host or "
                        "Internet provider): ask them for it, and publish the matching address:"),
                   record=record, fix_record="\n".join(fixes))]
    if errors and not generic:
        return [cannot_check("ptr", Text("Reverse DNS"),
                             "; ".join(f"{ip}: {e}" for ip, e in errors))]
    if generic:
        weak = [Text("{ip} is named {name}, a name typical of a home or dynamic connection.",
                     ip=ip, name=host) for ip, host in generic]
        weak += [Text("{ip}: could not be checked ({error})", ip=ip, error=e) for ip, e in errors]
        return [mk("ptr", WARN,
                   Text("The sending server's reverse DNS looks weak"),
                   Text.lines(weak),
                   Text("Send through your provider's SMTP server or ask for a proper PTR name."),
                   record=record)]
    named = ", ".join(f"{ip} → {n[0]}" for ip, _, n in results)
    return [mk("ptr", OK,
               Text("The sending server's reverse DNS is right"),
               Text("Confirmed both ways: {names}.",
                    names=named), record=record)]
