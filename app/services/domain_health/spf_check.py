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
    bullets,
    cannot_check,
    mk,
    txt_line,
    txt_lines,
)
from app.services.domain_health.model import FAIL, OK, WARN, Check


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
        return [cannot_check("spf", "SPF", "SPF", ans.error)]
    records = [t for t in ans.texts() if spf.is_spf(t)]
    wanted = _wanted_mechanism(ctx, [] if ctx.provider else ctx.given_ips)
    record = txt_lines(d, records)
    if not records:
        return [mk("spf", FAIL,
                   ("No SPF record",
                    "SPF lists the servers allowed to send mail for your domain. Without it, "
                    "Gmail, Outlook and others are likely to put your messages in spam.",
                    "Add this TXT record at your DNS host:"),
                   ("Aucun enregistrement SPF",
                    "SPF liste les serveurs autorisés à envoyer du courrier pour votre domaine. "
                    "Sans lui, Gmail, Outlook et les autres risquent de classer vos messages "
                    "en spam.", "Ajoutez cet enregistrement TXT chez votre hébergeur DNS :"),
                   fix_record=txt_line(d, f"v=spf1 {wanted} -all"))]
    if len(records) > 1:
        return [mk("spf", FAIL,
                   (f"{len(records)} SPF records instead of one",
                    "A domain must have exactly one SPF record; with several, receivers treat "
                    "SPF as broken (permerror) and your mail fails the check.",
                    "Delete them all and publish this single merged record:"),
                   (f"{len(records)} enregistrements SPF au lieu d'un seul",
                    "Un domaine doit avoir un seul enregistrement SPF ; avec plusieurs, les "
                    "destinataires considèrent SPF comme cassé (permerror) et vos messages "
                    "échouent.", "Supprimez-les tous et publiez cet unique enregistrement "
                    "fusionné :"),
                   record=record, fix_record=txt_line(d, _with_sender(ctx,
                                                                      spf.merge(records))))]
    parsed = spf.parse(records[0])
    if parsed.errors:
        return [mk("spf", FAIL,
                   ("The SPF record has a syntax error",
                    "Receivers ignore an SPF record they cannot read (permerror):\n"
                    + bullets(parsed.errors),
                    "Correct the record; a valid example for your case:"),
                   ("L'enregistrement SPF contient une erreur de syntaxe",
                    "Les destinataires ignorent un SPF illisible (permerror) :\n"
                    + bullets(parsed.errors),
                    "Corrigez l'enregistrement ; un exemple valide pour votre cas :"),
                   record=record, fix_record=txt_line(d, f"v=spf1 {wanted} -all"))]
    out = [mk("spf", OK, ("One valid SPF record", "The domain publishes a single, readable "
                          "SPF record.", None),
              ("Un enregistrement SPF valide", "Le domaine publie un seul enregistrement SPF, "
               "lisible.", None), record=record)]
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
                  (f"SPF needs {n} DNS look-ups (the limit is 10)",
                   "Past 10 look-ups (include, a, mx, ptr, exists, redirect, counted through "
                   "every include), receivers stop and treat SPF as broken: your mail fails "
                   "SPF everywhere.",
                   "Remove the include: entries of services you no longer use, or replace "
                   "some with their ip4:/ip6: ranges, to get back to 10 or fewer."),
                  (f"SPF demande {n} requêtes DNS (la limite est 10)",
                   "Au-delà de 10 requêtes (include, a, mx, ptr, exists, redirect, comptées "
                   "dans chaque include), les destinataires abandonnent et considèrent SPF "
                   "comme cassé : vos messages échouent partout.",
                   "Retirez les include: des services que vous n'utilisez plus, ou remplacez-en "
                   "par leurs plages ip4:/ip6:, pour revenir à 10 ou moins."), record=record)
    if walked.problems:
        return mk("spf_lookups", FAIL,
                  ("An SPF include is broken",
                   "Receivers stop at the first broken include (permerror):\n"
                   + bullets(walked.problems),
                   "Remove or correct the include: entries listed above."),
                  ("Un include SPF est cassé",
                   "Les destinataires s'arrêtent au premier include cassé (permerror) :\n"
                   + bullets(walked.problems),
                   "Retirez ou corrigez les include: indiqués ci-dessus."), record=record)
    if walked.unresolved:
        names = ", ".join(walked.unresolved)
        return mk("spf_lookups", WARN,
                  (f"SPF look-ups: {names} could not be checked",
                   f"{n} look-up(s) counted so far; the DNS did not answer for {names}.",
                   "Run the check again later."),
                  (f"Requêtes SPF : {names} n'a pas pu être vérifié",
                   f"{n} requête(s) comptée(s) ; le DNS n'a pas répondu pour {names}.",
                   "Relancez la vérification plus tard."), record=record)
    return mk("spf_lookups", OK,
              (f"SPF stays within the look-up limit ({n}/10)",
               f"Checking your SPF costs receivers {n} DNS look-up(s), within the limit of 10.",
               None),
              (f"SPF reste sous la limite de requêtes ({n}/10)",
               f"Vérifier votre SPF coûte {n} requête(s) DNS, sous la limite de 10.", None),
              record=record)


def _spf_all(ctx: Context, parsed: spf.SpfRecord, walked: spf.SpfWalk,
             record: str | None) -> Check:
    q = walked.effective_all
    fixed = txt_line(ctx.domain, spf.with_all(parsed.text, "-"))
    if q in ("-", "~"):
        word = "-all (reject)" if q == "-" else "~all (mark as suspicious)"
        word_fr = "-all (rejeter)" if q == "-" else "~all (marquer comme suspect)"
        return mk("spf_all", OK,
                  (f"SPF ends with {word}", "Servers not listed are not allowed to send for "
                   "your domain.", None),
                  (f"SPF se termine par {word_fr}", "Les serveurs non listés ne peuvent pas "
                   "envoyer pour votre domaine.", None), record=record)
    if q == "+":
        return mk("spf_all", FAIL,
                  ("SPF allows the whole Internet (+all)",
                   "With +all anyone can send mail as your domain and pass SPF; receivers "
                   "distrust such a domain.", "Replace +all with -all:"),
                  ("SPF autorise tout Internet (+all)",
                   "Avec +all n'importe qui peut envoyer au nom de votre domaine et réussir "
                   "SPF ; les destinataires se méfient d'un tel domaine.",
                   "Remplacez +all par -all :"), record=record, fix_record=fixed)
    if q == "?":
        return mk("spf_all", WARN,
                  ("SPF ends with ?all (neutral)",
                   "?all says nothing about other servers, so SPF does not protect your "
                   "domain from forgery.", "Replace ?all with -all (or ~all):"),
                  ("SPF se termine par ?all (neutre)",
                   "?all ne dit rien des autres serveurs : SPF ne protège pas votre domaine "
                   "contre l'usurpation.", "Remplacez ?all par -all (ou ~all) :"),
                  record=record, fix_record=fixed)
    return mk("spf_all", WARN,
              ("SPF does not end with -all or ~all",
               "Without a final “all”, other servers are neither allowed nor refused.",
               "End the record with -all:"),
              ("SPF ne se termine pas par -all ou ~all",
               "Sans « all » final, les autres serveurs ne sont ni autorisés ni refusés.",
               "Terminez l'enregistrement par -all :"), record=record, fix_record=fixed)


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
                      (f"SPF authorises {p.name}", f"Your SPF includes {p.name}'s servers, "
                       "which send your mail.", None),
                      (f"SPF autorise {p.name}", f"Votre SPF inclut les serveurs de {p.name}, "
                       "qui envoient votre courrier.", None), record=record)
        mech = f"include:{p.spf_includes[0]}"
        return mk("spf_provider", FAIL,
                  (f"SPF does not authorise {p.name}",
                   f"Your mail is sent by {p.name}, but your SPF does not list its servers "
                   f"({mech}): your messages fail SPF.",
                   f"Add {mech} to your SPF record:"),
                  (f"SPF n'autorise pas {p.name}",
                   f"Votre courrier est envoyé par {p.name}, mais votre SPF ne liste pas ses "
                   f"serveurs ({mech}) : vos messages échouent à SPF.",
                   f"Ajoutez {mech} à votre enregistrement SPF :"),
                  record=record, fix_record=txt_line(d, spf.with_mechanism(parsed.text, mech)))
    if not ctx.given_ips:
        return None
    missing = [ip for ip in ctx.given_ips if not _ip_covered(ctx, ip, walked)]
    if not missing:
        ips = ", ".join(ctx.given_ips)
        return mk("spf_provider", OK,
                  ("SPF authorises your sending server", f"{ips} is allowed by your SPF.",
                   None),
                  ("SPF autorise votre serveur d'envoi", f"{ips} est autorisé par votre SPF.",
                   None), record=record)
    mech = " ".join(f"ip{ipaddress.ip_address(i).version}:{i}" for i in missing)
    ips = ", ".join(missing)
    return mk("spf_provider", FAIL,
              ("SPF does not authorise your sending server",
               f"Mail sent from {ips} fails SPF: this address is not in your SPF record.",
               f"Add {mech} to your SPF record:"),
              ("SPF n'autorise pas votre serveur d'envoi",
               f"Le courrier envoyé depuis {ips} échoue à SPF : cette adresse n'est pas dans "
               "votre SPF.", f"Ajoutez {mech} à votre enregistrement SPF :"),
              record=record, fix_record=txt_line(d, spf.with_mechanism(parsed.text, mech)))

