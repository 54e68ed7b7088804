"""The individual sender-domain checks run by ``domain_health.check_domain``.

Each check takes the shared ``Context`` and returns ``Check`` objects with English and
French text. A check never raises for DNS trouble: "could not verify" is a warning
that says why. Look-ups fan out on ``ctx.map`` (a second pool, leaves only, so a check
waiting for its look-ups can never starve them).
"""

from __future__ import annotations

import base64
import binascii
import http.client
import ipaddress
import re
import socket
import ssl
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from app.services.config import Settings
from app.services.dns_query import ERROR, NXDOMAIN, Answer, DnsClient, dnsbl_name, reverse_name
from app.services.domain_health import spf
from app.services.domain_health.providers_dns import COMMON_SELECTORS, MailProvider, find_provider
from app.services.domain_health.report import FAIL, OK, WARN, Check

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_DNSBL_ZONES = ("zen.spamhaus.org", "b.barracudacentral.org", "bl.spamcop.net")
DEFAULT_DOMAIN_ZONES = ("dbl.spamhaus.org",)
DELIST_URLS = {"spamhaus.org": "https://check.spamhaus.org/",
               "barracudacentral.org": "https://www.barracudacentral.org/rbl/removal-request",
               "spamcop.net": "https://www.spamcop.net/bl.shtml"}
DNSBL_TIMEOUT = 4.0  # per look-up: a slow blocklist must not hold the whole report


# ---------------------------------------------------------------------------
# Context
# ---------------------------------------------------------------------------
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

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
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


def jobs(ctx: Context) -> list[tuple[tuple[str, ...], Callable[[Context], list[Check]]]]:
    """(ids the job reports, function) for every check that applies."""
    out: list[tuple[tuple[str, ...], Callable[[Context], list[Check]]]] = [
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


def _mk(cid: str, status: str, en: tuple[str, str, str | None],
        fr: tuple[str, str, str | None], record: str | None = None,
        fix_record: str | None = None) -> Check:
    return Check(cid, status, en[0], en[1], en[2], record, fix_record, fr[0], fr[1], fr[2])


def _cannot_check(cid: str, what_en: str, what_fr: str, error: str) -> Check:
    return _mk(cid, WARN,
               (f"{what_en}: could not be checked", f"The DNS look-up failed ({error}).",
                "Check the Internet connection and run the check again."),
               (f"{what_fr} : vérification impossible",
                f"La requête DNS a échoué ({error}).",
                "Vérifiez la connexion Internet et relancez la vérification."))


def unexpected(cid: str, exc: BaseException) -> Check:
    return _mk(cid, WARN, (f"{cid}: could not be checked", f"Internal error: {exc!r}", None),
               (f"{cid} : vérification impossible", f"Erreur interne : {exc!r}", None))


def too_slow(cid: str) -> Check:
    return _mk(cid, WARN,
               (f"{cid}: no answer in time", "The DNS servers did not answer in time.",
                "Run the check again; if it persists, the DNS servers are slow or blocked."),
               (f"{cid} : pas de réponse à temps",
                "Les serveurs DNS n'ont pas répondu à temps.",
                "Relancez la vérification ; si cela persiste, les serveurs DNS sont lents "
                "ou bloqués."))


def _txt_line(name: str, text: str) -> str:
    return f'{name}. TXT "{text}"'


def _txt_lines(name: str, texts: list[str]) -> str | None:
    """The records as zone-file lines, as shown to the user; None when there are none."""
    return "\n".join(_txt_line(name, t) for t in texts) or None


def _versioned(ans: Answer, version: str) -> list[str]:
    """The TXT records that start with ``version`` (``v=DMARC1``…), in any case."""
    return [t for t in ans.texts() if t.strip().lower().startswith(version.lower())]


def _bullets(items: Iterable[str]) -> str:
    return "\n".join(f"• {i}" for i in items)


# ---------------------------------------------------------------------------
# MX
# ---------------------------------------------------------------------------
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
        return [_cannot_check("mx", "MX", "MX", ans.error)]
    if ans.status == NXDOMAIN:
        return [_mk("mx", FAIL,
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
        return [_mk("mx", FAIL,
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
        return [_mk("mx", FAIL,
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
        return [_mk("mx", FAIL,
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
        return [_mk("mx", WARN, ("MX found, but its host could not be verified",
                                 "\n".join(en_lines), None),
                    ("MX trouvé, mais son serveur n'a pas pu être vérifié",
                     "\n".join(fr_lines), None), record=record)]
    return [_mk("mx", OK, ("The domain receives mail (MX)", f"Mail is received by {hosts}.",
                           None),
                ("Le domaine reçoit le courrier (MX)", f"Le courrier est reçu par {hosts}.",
                 None), record=record)]


# ---------------------------------------------------------------------------
# SPF
# ---------------------------------------------------------------------------
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
        return [_cannot_check("spf", "SPF", "SPF", ans.error)]
    records = [t for t in ans.texts() if spf.is_spf(t)]
    wanted = _wanted_mechanism(ctx, [] if ctx.provider else ctx.given_ips)
    record = _txt_lines(d, records)
    if not records:
        return [_mk("spf", FAIL,
                    ("No SPF record",
                     "SPF lists the servers allowed to send mail for your domain. Without it, "
                     "Gmail, Outlook and others are likely to put your messages in spam.",
                     "Add this TXT record at your DNS host:"),
                    ("Aucun enregistrement SPF",
                     "SPF liste les serveurs autorisés à envoyer du courrier pour votre domaine. "
                     "Sans lui, Gmail, Outlook et les autres risquent de classer vos messages "
                     "en spam.", "Ajoutez cet enregistrement TXT chez votre hébergeur DNS :"),
                    fix_record=_txt_line(d, f"v=spf1 {wanted} -all"))]
    if len(records) > 1:
        return [_mk("spf", FAIL,
                    (f"{len(records)} SPF records instead of one",
                     "A domain must have exactly one SPF record; with several, receivers treat "
                     "SPF as broken (permerror) and your mail fails the check.",
                     "Delete them all and publish this single merged record:"),
                    (f"{len(records)} enregistrements SPF au lieu d'un seul",
                     "Un domaine doit avoir un seul enregistrement SPF ; avec plusieurs, les "
                     "destinataires considèrent SPF comme cassé (permerror) et vos messages "
                     "échouent.", "Supprimez-les tous et publiez cet unique enregistrement "
                     "fusionné :"),
                    record=record, fix_record=_txt_line(d, _with_sender(ctx,
                                                                        spf.merge(records))))]
    parsed = spf.parse(records[0])
    if parsed.errors:
        return [_mk("spf", FAIL,
                    ("The SPF record has a syntax error",
                     "Receivers ignore an SPF record they cannot read (permerror):\n"
                     + _bullets(parsed.errors),
                     "Correct the record; a valid example for your case:"),
                    ("L'enregistrement SPF contient une erreur de syntaxe",
                     "Les destinataires ignorent un SPF illisible (permerror) :\n"
                     + _bullets(parsed.errors),
                     "Corrigez l'enregistrement ; un exemple valide pour votre cas :"),
                    record=record, fix_record=_txt_line(d, f"v=spf1 {wanted} -all"))]
    out = [_mk("spf", OK, ("One valid SPF record", "The domain publishes a single, readable "
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
        return _mk("spf_lookups", FAIL,
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
        return _mk("spf_lookups", FAIL,
                   ("An SPF include is broken",
                    "Receivers stop at the first broken include (permerror):\n"
                    + _bullets(walked.problems),
                    "Remove or correct the include: entries listed above."),
                   ("Un include SPF est cassé",
                    "Les destinataires s'arrêtent au premier include cassé (permerror) :\n"
                    + _bullets(walked.problems),
                    "Retirez ou corrigez les include: indiqués ci-dessus."), record=record)
    if walked.unresolved:
        names = ", ".join(walked.unresolved)
        return _mk("spf_lookups", WARN,
                   (f"SPF look-ups: {names} could not be checked",
                    f"{n} look-up(s) counted so far; the DNS did not answer for {names}.",
                    "Run the check again later."),
                   (f"Requêtes SPF : {names} n'a pas pu être vérifié",
                    f"{n} requête(s) comptée(s) ; le DNS n'a pas répondu pour {names}.",
                    "Relancez la vérification plus tard."), record=record)
    return _mk("spf_lookups", OK,
               (f"SPF stays within the look-up limit ({n}/10)",
                f"Checking your SPF costs receivers {n} DNS look-up(s), within the limit of 10.",
                None),
               (f"SPF reste sous la limite de requêtes ({n}/10)",
                f"Vérifier votre SPF coûte {n} requête(s) DNS, sous la limite de 10.", None),
               record=record)


def _spf_all(ctx: Context, parsed: spf.SpfRecord, walked: spf.SpfWalk,
             record: str | None) -> Check:
    q = walked.effective_all
    fixed = _txt_line(ctx.domain, spf.with_all(parsed.text, "-"))
    if q in ("-", "~"):
        word = "-all (reject)" if q == "-" else "~all (mark as suspicious)"
        word_fr = "-all (rejeter)" if q == "-" else "~all (marquer comme suspect)"
        return _mk("spf_all", OK,
                   (f"SPF ends with {word}", "Servers not listed are not allowed to send for "
                    "your domain.", None),
                   (f"SPF se termine par {word_fr}", "Les serveurs non listés ne peuvent pas "
                    "envoyer pour votre domaine.", None), record=record)
    if q == "+":
        return _mk("spf_all", FAIL,
                   ("SPF allows the whole Internet (+all)",
                    "With +all anyone can send mail as your domain and pass SPF; receivers "
                    "distrust such a domain.", "Replace +all with -all:"),
                   ("SPF autorise tout Internet (+all)",
                    "Avec +all n'importe qui peut envoyer au nom de votre domaine et réussir "
                    "SPF ; les destinataires se méfient d'un tel domaine.",
                    "Remplacez +all par -all :"), record=record, fix_record=fixed)
    if q == "?":
        return _mk("spf_all", WARN,
                   ("SPF ends with ?all (neutral)",
                    "?all says nothing about other servers, so SPF does not protect your "
                    "domain from forgery.", "Replace ?all with -all (or ~all):"),
                   ("SPF se termine par ?all (neutre)",
                    "?all ne dit rien des autres serveurs : SPF ne protège pas votre domaine "
                    "contre l'usurpation.", "Remplacez ?all par -all (ou ~all) :"),
                   record=record, fix_record=fixed)
    return _mk("spf_all", WARN,
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
            return _mk("spf_provider", OK,
                       (f"SPF authorises {p.name}", f"Your SPF includes {p.name}'s servers, "
                        "which send your mail.", None),
                       (f"SPF autorise {p.name}", f"Votre SPF inclut les serveurs de {p.name}, "
                        "qui envoient votre courrier.", None), record=record)
        mech = f"include:{p.spf_includes[0]}"
        return _mk("spf_provider", FAIL,
                   (f"SPF does not authorise {p.name}",
                    f"Your mail is sent by {p.name}, but your SPF does not list its servers "
                    f"({mech}): your messages fail SPF.",
                    f"Add {mech} to your SPF record:"),
                   (f"SPF n'autorise pas {p.name}",
                    f"Votre courrier est envoyé par {p.name}, mais votre SPF ne liste pas ses "
                    f"serveurs ({mech}) : vos messages échouent à SPF.",
                    f"Ajoutez {mech} à votre enregistrement SPF :"),
                   record=record, fix_record=_txt_line(d, spf.with_mechanism(parsed.text, mech)))
    if not ctx.given_ips:
        return None
    missing = [ip for ip in ctx.given_ips if not _ip_covered(ctx, ip, walked)]
    if not missing:
        ips = ", ".join(ctx.given_ips)
        return _mk("spf_provider", OK,
                   ("SPF authorises your sending server", f"{ips} is allowed by your SPF.",
                    None),
                   ("SPF autorise votre serveur d'envoi", f"{ips} est autorisé par votre SPF.",
                    None), record=record)
    mech = " ".join(f"ip{ipaddress.ip_address(i).version}:{i}" for i in missing)
    ips = ", ".join(missing)
    return _mk("spf_provider", FAIL,
               ("SPF does not authorise your sending server",
                f"Mail sent from {ips} fails SPF: this address is not in your SPF record.",
                f"Add {mech} to your SPF record:"),
               ("SPF n'autorise pas votre serveur d'envoi",
                f"Le courrier envoyé depuis {ips} échoue à SPF : cette adresse n'est pas dans "
                "votre SPF.", f"Ajoutez {mech} à votre enregistrement SPF :"),
               record=record, fix_record=_txt_line(d, spf.with_mechanism(parsed.text, mech)))


# ---------------------------------------------------------------------------
# DKIM
# ---------------------------------------------------------------------------
def _tags(text: str) -> dict[str, str]:
    tags: dict[str, str] = {}
    for part in text.split(";"):
        key, eq, value = part.partition("=")
        if eq:
            tags.setdefault(key.strip().lower(), value.strip())
    return tags


@dataclass(frozen=True)
class DkimKey:
    selector: str
    state: str  # "valid", "revoked", "broken"
    kind: str = ""  # "rsa" / "ed25519"
    bits: int = 0
    problem: str = ""
    testing: bool = False


def parse_dkim_key(selector: str, text: str) -> DkimKey:
    """Validate a DKIM key record (RFC 6376 §3.6.1) with ``cryptography``."""
    tags = _tags(text)
    version = tags.get("v")
    if version is not None and version != "DKIM1":
        return DkimKey(selector, "broken", problem=f"unknown version v={version}")
    kind = (tags.get("k") or "rsa").lower()
    testing = "y" in (tags.get("t") or "").lower().split(":")
    if "p" not in tags:
        return DkimKey(selector, "broken", kind, problem="no public key (p=) in the record")
    b64 = re.sub(r"\s+", "", tags["p"])
    if not b64:
        return DkimKey(selector, "revoked", kind, testing=testing)
    try:
        raw = base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError):
        return DkimKey(selector, "broken", kind, problem="the key (p=) is not valid base64")
    if kind == "ed25519":
        try:
            ed25519.Ed25519PublicKey.from_public_bytes(raw)
        except ValueError:
            return DkimKey(selector, "broken", kind, problem="not a valid Ed25519 key")
        return DkimKey(selector, "valid", kind, 256, testing=testing)
    if kind != "rsa":
        return DkimKey(selector, "broken", kind, problem=f"unknown key type k={kind}")
    key: Any = None
    for load in (serialization.load_der_public_key, _load_pkcs1):
        try:
            key = load(raw)
            break
        except (ValueError, UnsupportedAlgorithm, TypeError):
            continue
    if not isinstance(key, rsa.RSAPublicKey):
        return DkimKey(selector, "broken", kind, problem="the key (p=) is not a valid RSA key")
    return DkimKey(selector, "valid", kind, key.key_size, testing=testing)


def _load_pkcs1(raw: bytes) -> Any:
    # Some DNS hosts' generators publish the bare PKCS#1 RSAPublicKey instead of SPKI.
    pem = b"-----BEGIN RSA PUBLIC KEY-----\n" + base64.encodebytes(raw) + \
        b"-----END RSA PUBLIC KEY-----\n"
    return serialization.load_pem_public_key(pem)


def _dkim_fix(ctx: Context) -> str:
    d = ctx.domain
    if ctx.provider and ctx.provider.key == "office365":
        dashed = d.replace(".", "-")
        return "\n".join(f"selector{i}._domainkey.{d}. CNAME selector{i}-{dashed}._domainkey."
                         "<your-tenant>.onmicrosoft.com." for i in (1, 2))
    sel = ctx.provider.dkim_selectors[0] if ctx.provider and ctx.provider.dkim_selectors \
        else "default"
    return _txt_line(f"{sel}._domainkey.{d}",
                     "v=DKIM1; k=rsa; p=<public key given by your mail provider>")


def _dangling_dkim_aliases(ctx: Context, names: list[str]) -> list[tuple[str, str]]:
    """Selectors that are CNAMEs to a name without a key: Microsoft 365 asks customers to
    publish selector1/selector2 CNAMEs first and to switch signing on afterwards."""
    answers = ctx.map(lambda n: ctx.dns.query(n, "CNAME"), names)
    return [(name, ans.names()[0]) for name, ans in zip(names, answers, strict=False)
            if ans.ok and ans.records]


def check_dkim(ctx: Context) -> list[Check]:
    d = ctx.domain
    names = [f"{s}._domainkey.{d}" for s in ctx.selectors]
    answers: list[Answer] = ctx.map(lambda n: ctx.dns.query(n, "TXT"), names)
    keys: list[DkimKey] = []
    lines: list[str] = []
    errors = 0
    for sel, name, ans in zip(ctx.selectors, names, answers, strict=False):
        errors += ans.status == ERROR
        for text in ans.texts():
            if text.strip().lower().startswith("v=dkim1") or "p=" in text.replace(" ", ""):
                keys.append(parse_dkim_key(sel, text))
                lines.append(_txt_line(name, text))
                break
    record = "\n".join(lines) or None
    valid = [k for k in keys if k.state == "valid"]
    broken = [k for k in keys if k.state == "broken"]
    revoked = [k for k in keys if k.state == "revoked"]
    how_provider = ("Turn on DKIM signing at your mail provider (Microsoft 365: Defender "
                    "portal → Email authentication → DKIM; Google: Admin console → Gmail → "
                    "Authenticate email), then publish the record it gives:")
    how_provider_fr = ("Activez la signature DKIM chez votre fournisseur (Microsoft 365 : "
                       "portail Defender → Authentification des e-mails → DKIM ; Google : "
                       "console d'administration → Gmail → Authentifier les e-mails), puis "
                       "publiez l'enregistrement qu'il donne :")
    if not keys:
        if errors == len(names):
            return [_cannot_check("dkim", "DKIM", "DKIM", answers[0].error)]
        dangling = _dangling_dkim_aliases(ctx, names)
        if dangling:
            en = _bullets(f"{n} → {t}" for n, t in dangling)
            return [_mk("dkim", FAIL,
                        ("DKIM is prepared but not switched on",
                         "These selectors are aliases (CNAME) to your provider, which publishes "
                         "no key there yet: signing is not enabled on the provider's side.\n"
                         + en, how_provider),
                        ("DKIM est préparé mais pas activé",
                         "Ces sélecteurs sont des alias (CNAME) vers votre fournisseur, qui n'y "
                         "publie encore aucune clé : la signature n'est pas activée de son "
                         "côté.\n" + en, how_provider_fr),
                        record="\n".join(f"{n}. CNAME {t}." for n, t in dangling))]
        probed = ", ".join(ctx.selectors)
        return [_mk("dkim", FAIL,
                    ("No DKIM key found",
                     "DKIM signs each message so receivers can prove it comes from your domain; "
                     "Gmail and Yahoo require it of bulk senders. None of the usual selectors "
                     f"has a key ({probed}). If you use another selector, enter it.",
                     how_provider),
                    ("Aucune clé DKIM trouvée",
                     "DKIM signe chaque message pour prouver qu'il vient de votre domaine ; "
                     "Gmail et Yahoo l'exigent des gros expéditeurs. Aucun des sélecteurs "
                     f"habituels n'a de clé ({probed}). Si vous en utilisez un autre, "
                     "indiquez-le.", how_provider_fr),
                    fix_record=_dkim_fix(ctx))]
    if broken:
        en = _bullets(f"{k.selector}: {k.problem}" for k in broken)
        return [_mk("dkim", FAIL,
                    ("A DKIM key is damaged",
                     "Messages signed with this key fail DKIM:\n" + en,
                     "Publish the key again exactly as your provider gives it (one line, no "
                     "character missing; long keys may be split in several quoted strings)."),
                    ("Une clé DKIM est abîmée",
                     "Les messages signés avec cette clé échouent à DKIM :\n" + en,
                     "Republiez la clé exactement comme votre fournisseur la donne (sur une "
                     "ligne, sans caractère manquant ; une longue clé peut être coupée en "
                     "plusieurs chaînes entre guillemets)."),
                    record=record, fix_record=_dkim_fix(ctx))]
    if not valid:
        sels = ", ".join(k.selector for k in revoked)
        return [_mk("dkim", FAIL,
                    ("The DKIM key is revoked",
                     f"The key of selector {sels} is empty (p=): it was withdrawn, so nothing "
                     "signed with it verifies.", how_provider),
                    ("La clé DKIM est révoquée",
                     f"La clé du sélecteur {sels} est vide (p=) : elle a été retirée, rien de "
                     "ce qu'elle signe ne se vérifie.", how_provider_fr),
                    record=record, fix_record=_dkim_fix(ctx))]
    desc = ", ".join(f"{k.selector} ({'Ed25519' if k.kind == 'ed25519' else f'RSA {k.bits} bits'})"
                     for k in valid)
    weak = [k for k in valid if k.kind == "rsa" and k.bits < 2048]
    if weak and len(weak) == len(valid):
        too_weak = all(k.bits < 1024 for k in weak)
        return [_mk("dkim", FAIL if too_weak else WARN,
                    ("The DKIM key is too short" if too_weak else "The DKIM key is short",
                     f"Keys found: {desc}. Receivers reject keys under 1024 bits and "
                     "2048 bits is today's standard.",
                     "Create a 2048-bit key at your mail provider and publish it:"),
                    ("La clé DKIM est trop courte" if too_weak else "La clé DKIM est courte",
                     f"Clés trouvées : {desc}. Les destinataires refusent les clés de moins de "
                     "1024 bits et 2048 bits est la norme actuelle.",
                     "Créez une clé de 2048 bits chez votre fournisseur et publiez-la :"),
                    record=record, fix_record=_dkim_fix(ctx))]
    note_en = " It is in test mode (t=y)." if all(k.testing for k in valid) else ""
    note_fr = " Elle est en mode test (t=y)." if note_en else ""
    return [_mk("dkim", OK, ("DKIM key published", f"Selector(s): {desc}.{note_en}", None),
                ("Clé DKIM publiée", f"Sélecteur(s) : {desc}.{note_fr}", None), record=record)]


# ---------------------------------------------------------------------------
# DMARC
# ---------------------------------------------------------------------------
def _find_dmarc(ctx: Context) -> tuple[str, Answer, list[str]]:
    """The DMARC record of the domain or, failing that, of a parent (organisational) domain."""
    labels = ctx.domain.split(".")
    first: tuple[str, Answer, list[str]] | None = None
    for i in range(len(labels) - 1):
        owner = ".".join(labels[i:])
        ans = ctx.dns.query(f"_dmarc.{owner}", "TXT")
        found = _versioned(ans, "v=DMARC1")
        if first is None:
            first = (owner, ans, found)
        if ans.status == ERROR or found:
            return owner, ans, found
    assert first is not None
    return first


def check_dmarc(ctx: Context) -> list[Check]:
    d = ctx.domain
    owner, ans, found = _find_dmarc(ctx)
    if ans.status == ERROR:
        return [_cannot_check("dmarc", "DMARC", "DMARC", ans.error)]
    name = f"_dmarc.{owner}"
    record = _txt_lines(name, found)
    good = f"v=DMARC1; p=quarantine; rua=mailto:postmaster@{d}"
    if not found:
        return [_mk("dmarc", FAIL,
                    ("No DMARC record",
                     "DMARC tells receivers what to do with mail that fails SPF and DKIM, and "
                     "sends you reports. Gmail and Yahoo require it of bulk senders.",
                     "Add this TXT record (if unsure, start with p=none for a few weeks, read "
                     "the reports, then move to p=quarantine):"),
                    ("Aucun enregistrement DMARC",
                     "DMARC dit aux destinataires quoi faire du courrier qui échoue à SPF et "
                     "DKIM, et vous envoie des rapports. Gmail et Yahoo l'exigent des gros "
                     "expéditeurs.",
                     "Ajoutez cet enregistrement TXT (en cas de doute, commencez par p=none "
                     "quelques semaines, lisez les rapports, puis passez à p=quarantine) :"),
                    fix_record=_txt_line(f"_dmarc.{d}", good))]
    if len(found) > 1:
        return [_mk("dmarc", FAIL,
                    ("Several DMARC records",
                     "With more than one DMARC record, receivers ignore DMARC altogether.",
                     "Keep a single record:"),
                    ("Plusieurs enregistrements DMARC",
                     "Avec plus d'un enregistrement DMARC, les destinataires ignorent DMARC.",
                     "Gardez un seul enregistrement :"),
                    record=record, fix_record=_txt_line(name, found[0]))]
    text = found[0]
    tags = _tags(text)
    first_tag = text.split(";", 1)[0].replace(" ", "")
    inherited = owner != d
    policy = ((tags.get("sp") if inherited and "sp" in tags else tags.get("p")) or "").lower()
    problems_en: list[str] = []
    problems_fr: list[str] = []
    if first_tag != "v=DMARC1":
        problems_en.append("the record must start exactly with v=DMARC1")
        problems_fr.append("l'enregistrement doit commencer exactement par v=DMARC1")
    if policy not in ("none", "quarantine", "reject"):
        problems_en.append(f"the policy p={policy or '(missing)'} must be none, quarantine "
                           "or reject")
        problems_fr.append(f"la politique p={policy or '(absente)'} doit être none, quarantine "
                           "ou reject")
    if problems_en:
        return [_mk("dmarc", FAIL,
                    ("The DMARC record is invalid",
                     "Receivers ignore it:\n" + _bullets(problems_en), "Replace it with:"),
                    ("L'enregistrement DMARC est invalide",
                     "Les destinataires l'ignorent :\n" + _bullets(problems_fr),
                     "Remplacez-le par :"),
                    record=record, fix_record=_txt_line(name, good))]
    rua = [u.strip() for u in tags.get("rua", "").split(",") if u.strip()]
    bad_rua = [u for u in rua if not u.lower().startswith("mailto:")]
    warn_en: list[str] = []
    warn_fr: list[str] = []
    fixed_tags = dict(tags)
    if policy == "none":
        warn_en.append("the policy is p=none: receivers deliver forged mail as usual, DMARC "
                       "only reports")
        warn_fr.append("la politique est p=none : le courrier usurpé est livré normalement, "
                       "DMARC ne fait que des rapports")
        fixed_tags["sp" if inherited else "p"] = "quarantine"
    if not rua or bad_rua:
        warn_en.append("no valid report address (rua=mailto:…): you never learn who sends "
                       "as your domain")
        warn_fr.append("aucune adresse de rapport valide (rua=mailto:…) : vous ne saurez pas "
                       "qui envoie au nom de votre domaine")
        fixed_tags["rua"] = f"mailto:postmaster@{owner}"
    pct = tags.get("pct", "100")
    extra_en = f" Applied to {pct}% of messages." if pct != "100" else ""
    extra_fr = f" Appliquée à {pct} % des messages." if pct != "100" else ""
    src_en = f" (inherited from {owner})" if inherited else ""
    src_fr = f" (héritée de {owner})" if inherited else ""
    if warn_en:
        fixed = "; ".join(f"{k}={v}" for k, v in fixed_tags.items())
        return [_mk("dmarc", WARN,
                    (f"DMARC is present but weak (p={policy}){src_en}",
                     _bullets(warn_en) + extra_en,
                     "Once SPF and DKIM pass for all your mail, publish:"),
                    (f"DMARC est présent mais faible (p={policy}){src_fr}",
                     _bullets(warn_fr) + extra_fr,
                     "Quand SPF et DKIM réussissent pour tout votre courrier, publiez :"),
                    record=record, fix_record=_txt_line(name, fixed))]
    return [_mk("dmarc", OK,
                (f"DMARC policy p={policy}{src_en}",
                 f"Forged mail is {'rejected' if policy == 'reject' else 'sent to spam'}; "
                 f"reports go to {', '.join(rua)}.{extra_en}", None),
                (f"Politique DMARC p={policy}{src_fr}",
                 f"Le courrier usurpé est {'rejeté' if policy == 'reject' else 'mis en spam'} ; "
                 f"les rapports vont à {', '.join(rua)}.{extra_fr}", None), record=record)]


# ---------------------------------------------------------------------------
# MTA-STS and TLS-RPT
# ---------------------------------------------------------------------------
class _HTTPSToAddress(http.client.HTTPSConnection):
    """HTTPS to an address found with our resolver, certificate checked for the host name."""

    def __init__(self, host: str, address: str, port: int, context: ssl.SSLContext,
                 timeout: float) -> None:
        super().__init__(host, port, context=context, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        context: ssl.SSLContext = self._context  # type: ignore[attr-defined]
        self.sock = context.wrap_socket(sock, server_hostname=self.host)


def fetch_mta_sts_policy(ctx: Context) -> tuple[str | None, str]:
    """(policy text, problem): GET https://mta-sts.<domain>/.well-known/mta-sts.txt."""
    from app.services.mail.tls import client_context

    host = f"mta-sts.{ctx.domain}"
    addrs = ctx.dns.addresses(host)
    if not addrs.ok:
        return None, f"{host} has no IP address" if addrs.missing else addrs.error
    port = int(ctx.settings.extra.get("POSTIER_MTA_STS_PORT", "443"))
    conn = _HTTPSToAddress(host, addrs.records[0].to_text(), port,
                           client_context(ctx.settings), min(ctx.timeout, 5.0))
    try:
        conn.request("GET", "/.well-known/mta-sts.txt", headers={"Host": host})
        resp = conn.getresponse()
        body = resp.read(65536)
    except ssl.SSLCertVerificationError as exc:
        return None, f"the certificate of {host} is not valid ({exc.verify_message})"
    except (OSError, http.client.HTTPException) as exc:
        return None, f"https://{host}/ could not be reached ({exc})"
    finally:
        conn.close()
    if resp.status != 200:
        return None, f"https://{host}/.well-known/mta-sts.txt answered HTTP {resp.status}"
    return body.decode("utf-8", "replace"), ""


def _mx_hosts(ctx: Context) -> list[str]:
    return sorted(r.exchange.to_text().rstrip(".").lower()
                  for r in ctx.dns.query(ctx.domain, "MX").records)


def _mta_sts_fix(ctx: Context) -> str:
    mxs = _mx_hosts(ctx) or [f"mail.{ctx.domain}"]
    policy = "\n".join(["version: STSv1", "mode: testing", *(f"mx: {m}" for m in mxs),
                        "max_age: 604800"])
    return (_txt_line(f"_mta-sts.{ctx.domain}", "v=STSv1; id=20250101000000") + "\n"
            f"mta-sts.{ctx.domain}. A <address of a web server with HTTPS>\n"
            f"# https://mta-sts.{ctx.domain}/.well-known/mta-sts.txt :\n" + policy)


def _mx_matches(pattern: str, host: str) -> bool:
    pattern = pattern.lower().rstrip(".")
    if pattern.startswith("*."):
        head, _, rest = host.partition(".")
        return bool(head) and rest == pattern[2:]
    return host == pattern


def check_mta_sts(ctx: Context) -> list[Check]:
    d = ctx.domain
    name = f"_mta-sts.{d}"
    ans = ctx.dns.query(name, "TXT")
    if ans.status == ERROR:
        return [_cannot_check("mta_sts", "MTA-STS", "MTA-STS", ans.error)]
    found = _versioned(ans, "v=STSv1")
    record = _txt_lines(name, found)
    if not found:
        return [_mk("mta_sts", WARN,
                    ("MTA-STS is not set up (optional)",
                     "MTA-STS makes other servers use an encrypted, verified connection when "
                     "they deliver mail to you. Recommended, not required.",
                     "Publish this TXT record and the policy file on https://mta-sts."
                     f"{d}/.well-known/mta-sts.txt:"),
                    ("MTA-STS n'est pas en place (facultatif)",
                     "MTA-STS impose aux autres serveurs une connexion chiffrée et vérifiée "
                     "pour vous livrer le courrier. Recommandé, pas obligatoire.",
                     "Publiez cet enregistrement TXT et le fichier de politique sur "
                     f"https://mta-sts.{d}/.well-known/mta-sts.txt :"),
                    fix_record=_mta_sts_fix(ctx))]
    tags = _tags(found[0])
    sts_id = tags.get("id", "")
    if len(found) > 1 or not re.fullmatch(r"[A-Za-z0-9]{1,32}", sts_id):
        why = ("several MTA-STS records" if len(found) > 1
               else "the id= value must be 1 to 32 letters or digits")
        why_fr = ("plusieurs enregistrements MTA-STS" if len(found) > 1
                  else "la valeur id= doit faire 1 à 32 lettres ou chiffres")
        return [_mk("mta_sts", FAIL,
                    ("The MTA-STS record is invalid", f"Senders ignore it: {why}.",
                     "Publish a single record such as:"),
                    ("L'enregistrement MTA-STS est invalide",
                     f"Les expéditeurs l'ignorent : {why_fr}.",
                     "Publiez un seul enregistrement, par exemple :"),
                    record=record, fix_record=_mta_sts_fix(ctx))]
    policy, problem = fetch_mta_sts_policy(ctx)
    if policy is None:
        return [_mk("mta_sts", WARN,
                    ("MTA-STS policy file unreachable",
                     f"The TXT record exists but {problem}; senders then ignore MTA-STS.",
                     f"Serve the policy on https://mta-sts.{d}/.well-known/mta-sts.txt:"),
                    ("Fichier de politique MTA-STS inaccessible",
                     f"L'enregistrement TXT existe mais {problem} ; les expéditeurs ignorent "
                     "alors MTA-STS.",
                     f"Servez la politique sur https://mta-sts.{d}/.well-known/mta-sts.txt :"),
                    record=record, fix_record=_mta_sts_fix(ctx))]
    fields: dict[str, list[str]] = {}
    for line in policy.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields.setdefault(key.strip().lower(), []).append(value.strip())
    mode = (fields.get("mode") or [""])[0].lower()
    patterns = fields.get("mx", [])
    uncovered = [h for h in _mx_hosts(ctx) if not any(_mx_matches(p, h) for p in patterns)]
    if (fields.get("version") or [""])[0] != "STSv1" or mode not in ("enforce", "testing",
                                                                      "none") \
            or not (fields.get("max_age") or [""])[0].isdigit():
        status, en, fr = FAIL, ("The MTA-STS policy file is invalid",
                                "It needs version: STSv1, mode, mx and max_age lines."), \
            ("Le fichier de politique MTA-STS est invalide",
             "Il lui faut les lignes version: STSv1, mode, mx et max_age.")
    elif uncovered:
        status = FAIL if mode == "enforce" else WARN
        hosts = ", ".join(uncovered)
        en = ("The MTA-STS policy does not list all your MX hosts",
              f"Not covered: {hosts}. In enforce mode senders refuse to deliver to them.")
        fr = ("La politique MTA-STS ne liste pas tous vos MX",
              f"Non couverts : {hosts}. En mode enforce les expéditeurs refusent de leur "
              "livrer.")
    elif mode == "none":
        status, en, fr = WARN, ("MTA-STS is switched off (mode: none)",
                                "The policy exists but asks for nothing."), \
            ("MTA-STS est désactivé (mode: none)", "La politique existe mais n'exige rien.")
    else:
        return [_mk("mta_sts", OK,
                    (f"MTA-STS in {mode} mode", "Servers delivering to you must use a verified "
                     f"encrypted connection to: {', '.join(patterns)}.", None),
                    (f"MTA-STS en mode {mode}", "Les serveurs qui vous livrent doivent utiliser "
                     f"une connexion chiffrée vérifiée vers : {', '.join(patterns)}.", None),
                    record=record)]
    return [_mk("mta_sts", status, (*en, "Correct the policy file:"),
                (*fr, "Corrigez le fichier de politique :"), record=record,
                fix_record=_mta_sts_fix(ctx))]


def check_tls_rpt(ctx: Context) -> list[Check]:
    d = ctx.domain
    name = f"_smtp._tls.{d}"
    ans = ctx.dns.query(name, "TXT")
    if ans.status == ERROR:
        return [_cannot_check("tls_rpt", "TLS-RPT", "TLS-RPT", ans.error)]
    found = _versioned(ans, "v=TLSRPTv1")
    record = _txt_lines(name, found)
    good = _txt_line(name, f"v=TLSRPTv1; rua=mailto:postmaster@{d}")
    if not found:
        return [_mk("tls_rpt", WARN,
                    ("TLS-RPT is not set up (optional)",
                     "TLS-RPT asks other servers to report when they cannot deliver to you "
                     "securely. Recommended with MTA-STS.", "Add this TXT record:"),
                    ("TLS-RPT n'est pas en place (facultatif)",
                     "TLS-RPT demande aux autres serveurs de vous signaler quand ils ne "
                     "peuvent pas vous livrer de façon sécurisée. Recommandé avec MTA-STS.",
                     "Ajoutez cet enregistrement TXT :"), fix_record=good)]
    rua = [u.strip() for u in _tags(found[0]).get("rua", "").split(",") if u.strip()]
    if len(found) > 1 or not rua or not all(u.lower().startswith(("mailto:", "https:"))
                                           for u in rua):
        return [_mk("tls_rpt", FAIL,
                    ("The TLS-RPT record is invalid",
                     "It must be a single record with rua=mailto:… or rua=https://….",
                     "Replace it with:"),
                    ("L'enregistrement TLS-RPT est invalide",
                     "Il doit être unique, avec rua=mailto:… ou rua=https://….",
                     "Remplacez-le par :"), record=record, fix_record=good)]
    return [_mk("tls_rpt", OK, ("TLS-RPT reports are set up", f"Reports go to {', '.join(rua)}.",
                                None),
                ("Les rapports TLS-RPT sont en place",
                 f"Les rapports vont à {', '.join(rua)}.", None), record=record)]


# ---------------------------------------------------------------------------
# Reverse DNS of the sending IPs
# ---------------------------------------------------------------------------
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
        return [_mk("ptr", WARN,
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
        return [_mk("ptr", FAIL,
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
        return [_cannot_check("ptr", "Reverse DNS", "DNS inverse",
                              "; ".join(f"{ip}: {e}" for ip, e in errors))]
    if generic:
        en = [f"{ip} is named {host}, a name typical of a home or dynamic connection."
              for ip, host in generic] + [f"{ip}: could not be checked ({e})" for ip, e in errors]
        fr = [f"{ip} s'appelle {host}, un nom typique d'une connexion domestique ou dynamique."
              for ip, host in generic] + [f"{ip} : vérification impossible ({e})"
                                         for ip, e in errors]
        return [_mk("ptr", WARN,
                    ("The sending server's reverse DNS looks weak", "\n".join(en),
                     "Send through your provider's SMTP server or ask for a proper PTR name."
                     if generic else None),
                    ("Le DNS inverse du serveur d'envoi est fragile", "\n".join(fr),
                     "Envoyez via le serveur SMTP de votre fournisseur ou demandez un vrai nom "
                     "PTR." if generic else None), record=record)]
    named = ", ".join(f"{ip} → {n[0]}" for ip, _, n in results)
    return [_mk("ptr", OK,
                ("The sending server's reverse DNS is right", f"Confirmed both ways: {named}.",
                 None),
                ("Le DNS inverse du serveur d'envoi est correct",
                 f"Confirmé dans les deux sens : {named}.", None), record=record)]


# ---------------------------------------------------------------------------
# Blocklists
# ---------------------------------------------------------------------------
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
        return _mk(cid, FAIL,
                   (f"{what_en} is on a blocklist",
                    "Receivers that use this list refuse or bin your mail:\n" + _bullets(en),
                    f"Find and stop the cause (infected computer, open relay, bought address "
                    f"list…), then ask for removal: {urls}."),
                   (f"{what_fr} figure sur une liste de blocage",
                    "Les destinataires qui utilisent cette liste refusent ou jettent votre "
                    "courrier :\n" + _bullets(fr),
                    f"Trouvez et supprimez la cause (ordinateur infecté, relais ouvert, fichier "
                    f"d'adresses acheté…), puis demandez le retrait : {urls}."))
    if unknown:
        en = [f"{zone}: {reason}" for _, zone, reason in dict.fromkeys(unknown)]
        fr = [f"{zone} : {reason}" for _, zone, reason in dict.fromkeys(unknown)]
        return _mk(cid, WARN,
                   (f"{what_en}: some blocklists could not be checked", _bullets(en),
                    "Run the check again later, or from a network that does not use a public "
                    "DNS resolver."),
                   (f"{what_fr} : certaines listes n'ont pas pu être vérifiées", _bullets(fr),
                    "Relancez plus tard, ou depuis un réseau qui n'utilise pas un résolveur DNS "
                    "public."))
    return _mk(cid, OK, (f"{what_en} is on no blocklist", f"Checked: {zones}.", None),
               (f"{what_fr} ne figure sur aucune liste de blocage", f"Vérifié : {zones}.", None))


def check_dnsbl_ip(ctx: Context) -> list[Check]:
    ips, why = ctx.sending_ips()
    if not ips:
        return [_cannot_check("dnsbl_ip", "Blocklists", "Listes de blocage", why)]
    questions = [(ip, zone, dnsbl_name(ip, zone)) for ip in ips for zone in ctx.ip_zones]
    label = ", ".join(ips)
    return [_blocklist_check(ctx, "dnsbl_ip", questions, f"The sending IP {label}",
                             f"L'IP d'envoi {label}")]


def check_dnsbl_domain(ctx: Context) -> list[Check]:
    d = ctx.domain
    questions = [(d, zone, f"{d}.{zone}") for zone in ctx.domain_zones]
    return [_blocklist_check(ctx, "dnsbl_domain", questions, f"The domain {d}",
                             f"Le domaine {d}")]
