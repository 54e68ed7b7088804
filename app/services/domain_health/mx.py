"""MX check: does the domain receive mail, and do its MX hosts exist as real names?

Owns the ``mx`` check: no MX, null MX, an MX that is an IP address or an alias (CNAME),
an MX host with no address; the fix is the provider's MX records when it is known.
"""

from __future__ import annotations

import ipaddress

from app.services.dns_query import ERROR, NXDOMAIN
from app.services.domain_health.context import Context, cannot_check, mk
from app.services.domain_health.model import FAIL, OK, WARN, Check, Text


def _suggested_mx(ctx: Context) -> str:
    d = ctx.domain
    if ctx.provider and ctx.provider.mx_hosts:
        hosts = [h.format(domain_dashed=d.replace(".", "-")) for h in ctx.provider.mx_hosts]
        return "\n".join(f"{d}. MX {10 * (i + 1)} {h}." for i, h in enumerate(hosts))
    return f"{d}. MX 10 mail.{d}."


def check_mx(ctx: Context) -> list[Check]:
    d = ctx.domain
    ans = ctx.dns.query(d, "MX")
    if ans.status == ERROR:
        return [cannot_check("mx", "MX", ans.error)]
    if ans.status == NXDOMAIN:
        return [mk("mx", FAIL,
                   Text("The domain {domain} does not exist in the DNS", domain=d),
                   Text("No DNS server knows this domain: no one can receive or verify mail "
                        "from it."),
                   Text("Check the spelling, or renew the domain at your registrar."))]
    mxs = sorted((r.preference, r.exchange.to_text().rstrip(".").lower()) for r in ans.records)
    record = "\n".join(f"{d}. MX {p} {h or '.'}." if h else f"{d}. MX {p} ." for p, h in mxs)
    if not mxs:
        return [mk("mx", FAIL,
                   Text("No MX record: the domain cannot receive mail"),
                   Text("Replies and bounce messages to your address would be lost, and many "
                        "receivers refuse mail from a domain that cannot receive any."),
                   Text("Add the MX records given by your mail provider:"),
                   fix_record=_suggested_mx(ctx))]
    if len(mxs) == 1 and mxs[0][1] in ("", "."):
        return [mk("mx", FAIL,
                   Text("The domain says it accepts no mail (null MX)"),
                   Text("Its MX record is “.”: replies and bounces cannot come back and receivers "
                        "reject mail sent from such a domain."),
                   Text("Replace the null MX with the MX records of your mail provider:"),
                   record=record, fix_record=_suggested_mx(ctx))]

    def inspect(host: str) -> tuple[str, str, str]:  # (host, problem kind, detail)
        try:
            ipaddress.ip_address(host)
            return host, "ip", ""
        except ValueError:
            pass
        cname = ctx.dns.query(host, "CNAME")
        if cname.ok and cname.records:
            return host, "cname", cname.names()[0]
        addrs = ctx.dns.addresses(host)
        if addrs.status == ERROR:
            return host, "error", addrs.error
        if not addrs.ok:
            return host, "noaddr", ""
        return host, "", ""

    results = ctx.map(inspect, [h for _, h in mxs])
    lines: list[Text] = []
    fixes: list[str] = []
    for host, kind, extra in results:
        if kind == "ip":
            lines.append(Text("{host} is an IP address, but an MX must name a host "
                              "(RFC 5321): many servers will not deliver to it.", host=host))
            fixes.append(f"mail.{ctx.domain}. A {host}")
        elif kind == "cname":
            lines.append(Text("{host} is an alias (CNAME) of {target}: an MX must point at the "
                              "real host name (RFC 2181).", host=host, target=extra))
        elif kind == "noaddr":
            lines.append(Text("{host} has no IP address (no A/AAAA record).",
                              host=host))
        elif kind == "error":
            lines.append(Text("{host}: could not be checked ({error}).",
                              host=host, error=extra))
    bad = [(h, k, e) for h, k, e in results if k in ("ip", "cname", "noaddr")]
    if bad:
        fixed = []
        for p, h in mxs:
            kind, extra = next(((k, e) for hh, k, e in results if hh == h), ("", ""))
            target = f"mail.{d}" if kind == "ip" else (extra if kind == "cname" else h)
            fixed.append(f"{d}. MX {p} {target}.")
        fix_record = "\n".join(fixed + fixes)
        return [mk("mx", FAIL,
                   Text("The MX record points at an IP address or an alias")
                   if any(k in ("ip", "cname") for _, k, _ in bad)
                   else Text("The mail server named in the MX does not exist"),
                   Text.lines(lines),
                   Text("Publish MX records that name real host names:"),
                   record=record, fix_record=fix_record)]
    hosts = ", ".join(h for _, h in mxs)
    if lines:  # only look-up errors
        return [mk("mx", WARN, Text("MX found, but its host could not be verified"),
                   Text.lines(lines), record=record)]
    return [mk("mx", OK, Text("The domain receives mail (MX)"),
               Text("Mail is received by {hosts}.",
                    hosts=hosts), record=record)]
