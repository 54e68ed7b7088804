"""MX check: does the domain receive mail, and do its MX hosts exist as real names?

Owns the ``mx`` check: no MX, null MX, an MX that is an IP address or an alias (CNAME),
an MX host with no address; the fix is the provider's MX records when it is known.
"""

from __future__ import annotations

import ipaddress

from app.services.dns_query import ERROR, NXDOMAIN
from app.services.domain_health.context import Context, cannot_check, mk
from app.services.domain_health.model import FAIL, OK, WARN, Check


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
        return [cannot_check("mx", "MX", "MX", ans.error)]
    if ans.status == NXDOMAIN:
        return [mk("mx", FAIL,
                   (f"The domain {d} does not exist in the DNS",
                    "No DNS server knows this domain: no one can receive or verify mail "
                    "from it.", "Check the spelling, or renew the domain at your registrar."),
                   (f"Le domaine {d} n'existe pas dans le DNS",
                    "Aucun serveur DNS ne connaît ce domaine : personne ne peut recevoir ni "
                    "vérifier de courrier venant de lui.",
                    "Vérifiez l'orthographe, ou renouvelez le domaine chez votre registraire."))]
    mxs = sorted((r.preference, r.exchange.to_text().rstrip(".").lower()) for r in ans.records)
    record = "\n".join(f"{d}. MX {p} {h or '.'}." if h else f"{d}. MX {p} ." for p, h in mxs)
    if not mxs:
        return [mk("mx", FAIL,
                   ("No MX record: the domain cannot receive mail",
                    "Replies and bounce messages to your address would be lost, and many "
                    "receivers refuse mail from a domain that cannot receive any.",
                    "Add the MX records given by your mail provider:"),
                   ("Aucun enregistrement MX : le domaine ne peut pas recevoir de courrier",
                    "Les réponses et les avis de non-remise seraient perdus, et beaucoup de "
                    "serveurs refusent le courrier d'un domaine qui ne peut pas en recevoir.",
                    "Ajoutez les enregistrements MX donnés par votre fournisseur de messagerie :"),
                   fix_record=_suggested_mx(ctx))]
    if len(mxs) == 1 and mxs[0][1] in ("", "."):
        return [mk("mx", FAIL,
                   ("The domain says it accepts no mail (null MX)",
                    "Its MX record is “.”: replies and bounces cannot come back and receivers "
                    "reject mail sent from such a domain.",
                    "Replace the null MX with the MX records of your mail provider:"),
                   ("Le domaine déclare n'accepter aucun courrier (MX nul)",
                    "Son enregistrement MX est « . » : réponses et retours ne peuvent pas "
                    "revenir et les destinataires refusent le courrier d'un tel domaine.",
                    "Remplacez le MX nul par les enregistrements MX de votre fournisseur :"),
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
    en_lines, fr_lines, fixes = [], [], []
    for host, kind, extra in results:
        if kind == "ip":
            en_lines.append(f"{host} is an IP address, but an MX must name a host "
                            "(RFC 5321): many servers will not deliver to it.")
            fr_lines.append(f"{host} est une adresse IP, or un MX doit désigner un nom d'hôte "
                            "(RFC 5321) : beaucoup de serveurs n'y livreront pas.")
            fixes.append(f"mail.{ctx.domain}. A {host}")
        elif kind == "cname":
            en_lines.append(f"{host} is an alias (CNAME) of {extra}: an MX must point at the "
                            "real host name (RFC 2181).")
            fr_lines.append(f"{host} est un alias (CNAME) de {extra} : un MX doit désigner le "
                            "vrai nom d'hôte (RFC 2181).")
        elif kind == "noaddr":
            en_lines.append(f"{host} has no IP address (no A/AAAA record).")
            fr_lines.append(f"{host} n'a pas d'adresse IP (aucun enregistrement A/AAAA).")
        elif kind == "error":
            en_lines.append(f"{host}: could not be checked ({extra}).")
            fr_lines.append(f"{host} : vérification impossible ({extra}).")
    bad = [(h, k, e) for h, k, e in results if k in ("ip", "cname", "noaddr")]
    if bad:
        fixed = []
        for p, h in mxs:
            kind, extra = next(((k, e) for hh, k, e in results if hh == h), ("", ""))
            target = f"mail.{d}" if kind == "ip" else (extra if kind == "cname" else h)
            fixed.append(f"{d}. MX {p} {target}.")
        fix_record = "\n".join(fixed + fixes)
        return [mk("mx", FAIL,
                   ("The MX record points at an IP address or an alias"
                    if any(k in ("ip", "cname") for _, k, _ in bad)
                    else "The mail server named in the MX does not exist",
                    "\n".join(en_lines), "Publish MX records that name real host names:"),
                   ("L'enregistrement MX pointe vers une adresse IP ou un alias"
                    if any(k in ("ip", "cname") for _, k, _ in bad)
                    else "Le serveur de courrier indiqué dans le MX n'existe pas",
                    "\n".join(fr_lines), "Publiez des MX qui désignent de vrais noms d'hôte :"),
                   record=record, fix_record=fix_record)]
    hosts = ", ".join(h for _, h in mxs)
    if en_lines:  # only look-up errors
        return [mk("mx", WARN, ("MX found, but its host could not be verified",
                                "\n".join(en_lines), None),
                   ("MX trouvé, mais son serveur n'a pas pu être vérifié",
                    "\n".join(fr_lines), None), record=record)]
    return [mk("mx", OK, ("The domain receives mail (MX)", f"Mail is received by {hosts}.",
                          None),
               ("Le domaine reçoit le courrier (MX)", f"Le courrier est reçu par {hosts}.",
                None), record=record)]

