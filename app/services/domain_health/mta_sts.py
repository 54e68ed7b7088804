"""MTA-STS and TLS-RPT checks: what the domain asks of servers delivering to it.

Owns the ``mta_sts`` check (the TXT record, then the policy file fetched over HTTPS from
``mta-sts.<domain>``, certificate checked, address from the run's resolver; every MX
host must be covered) and the ``tls_rpt`` check (the report address record).
"""

from __future__ import annotations

import http.client
import re
import socket
import ssl

from app.services.dns_query import ERROR
from app.services.domain_health.context import (
    Context,
    cannot_check,
    mk,
    parse_tags,
    txt_line,
    txt_lines,
    versioned,
)
from app.services.domain_health.model import FAIL, OK, WARN, Check
from app.services.mail.tls import client_context


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
    return (txt_line(f"_mta-sts.{ctx.domain}", "v=STSv1; id=20250101000000") + "\n"
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
        return [cannot_check("mta_sts", "MTA-STS", "MTA-STS", ans.error)]
    found = versioned(ans, "v=STSv1")
    record = txt_lines(name, found)
    if not found:
        return [mk("mta_sts", WARN,
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
    tags = parse_tags(found[0])
    sts_id = tags.get("id", "")
    if len(found) > 1 or not re.fullmatch(r"[A-Za-z0-9]{1,32}", sts_id):
        why = ("several MTA-STS records" if len(found) > 1
               else "the id= value must be 1 to 32 letters or digits")
        why_fr = ("plusieurs enregistrements MTA-STS" if len(found) > 1
                  else "la valeur id= doit faire 1 à 32 lettres ou chiffres")
        return [mk("mta_sts", FAIL,
                   ("The MTA-STS record is invalid", f"Senders ignore it: {why}.",
                    "Publish a single record such as:"),
                   ("L'enregistrement MTA-STS est invalide",
                    f"Les expéditeurs l'ignorent : {why_fr}.",
                    "Publiez un seul enregistrement, par exemple :"),
                   record=record, fix_record=_mta_sts_fix(ctx))]
    policy, problem = fetch_mta_sts_policy(ctx)
    if policy is None:
        return [mk("mta_sts", WARN,
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
        return [mk("mta_sts", OK,
                   (f"MTA-STS in {mode} mode", "Servers delivering to you must use a verified "
                    f"encrypted connection to: {', '.join(patterns)}.", None),
                   (f"MTA-STS en mode {mode}", "Les serveurs qui vous livrent doivent utiliser "
                    f"une connexion chiffrée vérifiée vers : {', '.join(patterns)}.", None),
                   record=record)]
    return [mk("mta_sts", status, (*en, "Correct the policy file:"),
               (*fr, "Corrigez le fichier de politique :"), record=record,
               fix_record=_mta_sts_fix(ctx))]


def check_tls_rpt(ctx: Context) -> list[Check]:
    d = ctx.domain
    name = f"_smtp._tls.{d}"
    ans = ctx.dns.query(name, "TXT")
    if ans.status == ERROR:
        return [cannot_check("tls_rpt", "TLS-RPT", "TLS-RPT", ans.error)]
    found = versioned(ans, "v=TLSRPTv1")
    record = txt_lines(name, found)
    good = txt_line(name, f"v=TLSRPTv1; rua=mailto:postmaster@{d}")
    if not found:
        return [mk("tls_rpt", WARN,
                   ("TLS-RPT is not set up (optional)",
                    "TLS-RPT asks other servers to report when they cannot deliver to you "
                    "securely. Recommended with MTA-STS.", "Add this TXT record:"),
                   ("TLS-RPT n'est pas en place (facultatif)",
                    "TLS-RPT demande aux autres serveurs de vous signaler quand ils ne "
                    "peuvent pas vous livrer de façon sécurisée. Recommandé avec MTA-STS.",
                    "Ajoutez cet enregistrement TXT :"), fix_record=good)]
    rua = [u.strip() for u in parse_tags(found[0]).get("rua", "").split(",") if u.strip()]
    if len(found) > 1 or not rua or not all(u.lower().startswith(("mailto:", "https:"))
                                           for u in rua):
        return [mk("tls_rpt", FAIL,
                   ("The TLS-RPT record is invalid",
                    "It must be a single record with rua=mailto:… or rua=https://….",
                    "Replace it with:"),
                   ("L'enregistrement TLS-RPT est invalide",
                    "Il doit être unique, avec rua=mailto:… ou rua=https://….",
                    "Remplacez-le par :"), record=record, fix_record=good)]
    return [mk("tls_rpt", OK, ("TLS-RPT reports are set up", f"Reports go to {', '.join(rua)}.",
                               None),
               ("Les rapports TLS-RPT sont en place",
                f"Les rapports vont à {', '.join(rua)}.", None), record=record)]

