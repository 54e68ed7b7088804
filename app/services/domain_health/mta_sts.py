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

from app.services.domain_health.context import (
    Context,
    cannot_check,
    mk,
    parse_tags,
    published,
    txt_line,
)
from app.services.domain_health.model import FAIL, OK, WARN, Check, Text
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
    found, record, error = published(ctx, f"_mta-sts.{d}", "v=STSv1")
    if error is not None:
        return [cannot_check("mta_sts", "MTA-STS", error)]
    if not found:
        return [mk("mta_sts", WARN,
                   Text("MTA-STS is not set up (optional)"),
                   Text("MTA-STS makes other servers use an encrypted, verified connection when "
                        "they deliver mail to you. Recommended, not required."),
                   Text("Publish this TXT record and the policy file on "
                        "https://mta-sts.{domain}/.well-known/mta-sts.txt:", domain=d),
                   fix_record=_mta_sts_fix(ctx))]
    tags = parse_tags(found[0])
    sts_id = tags.get("id", "")
    if len(found) > 1 or not re.fullmatch(r"[A-Za-z0-9]{1,32}", sts_id):
        why = Text("several MTA-STS records") \
            if len(found) > 1 else Text("the id= value must be 1 to 32 letters or digits")
        return [mk("mta_sts", FAIL,
                   Text("The MTA-STS record is invalid"),
                   Text("Senders ignore it: {why}.", why=why),
                   Text("Publish a single record such as:"),
                   record=record, fix_record=_mta_sts_fix(ctx))]
    policy, problem = fetch_mta_sts_policy(ctx)
    if policy is None:
        return [mk("mta_sts", WARN,
                   Text("MTA-STS policy file unreachable"),
                   Text("The TXT record exists but {problem}; senders then ignore MTA-STS.",
                        problem=problem),
                   Text("Serve the policy on https://mta-sts.{domain}/.well-known/mta-sts.txt:",
                        domain=d),
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
        status = FAIL
        title = Text("The MTA-STS policy file is invalid")
        detail = Text("It needs version: STSv1, mode, mx and max_age lines.")
    elif uncovered:
        status = FAIL if mode == "enforce" else WARN
        title = Text("The MTA-STS policy does not list all your MX hosts")
        detail = Text("Not covered: {hosts}. In enforce mode senders refuse to deliver to them.",
                      hosts=", ".join(uncovered))
    elif mode == "none":
        status = WARN
        title = Text("MTA-STS is switched off (mode: none)")
        detail = Text("The policy exists but asks for nothing.")
    else:
        return [mk("mta_sts", OK, Text("MTA-STS in {mode} mode", mode=mode),
                   Text("Servers delivering to you must use a verified encrypted connection to: "
                        "{hosts}.", hosts=", ".join(patterns)),
                   record=record)]
    return [mk("mta_sts", status, title, detail,
               Text("Correct the policy file:"),
               record=record, fix_record=_mta_sts_fix(ctx))]


def check_tls_rpt(ctx: Context) -> list[Check]:
    d = ctx.domain
    name = f"_smtp._tls.{d}"
    found, record, error = published(ctx, name, "v=TLSRPTv1")
    if error is not None:
        return [cannot_check("tls_rpt", "TLS-RPT", error)]
    good = txt_line(name, f"v=TLSRPTv1; rua=mailto:postmaster@{d}")
    if not found:
        return [mk("tls_rpt", WARN,
                   Text("TLS-RPT is not set up (optional)"),
                   Text("TLS-RPT asks other servers to report when they cannot deliver to you "
                        "securely. Recommended with MTA-STS."),
                   Text("Add this TXT record:"),
                   fix_record=good)]
    rua = [u.strip() for u in parse_tags(found[0]).get("rua", "").split(",") if u.strip()]
    if len(found) > 1 or not rua or not all(u.lower().startswith(("mailto:", "https:"))
                                           for u in rua):
        return [mk("tls_rpt", FAIL,
                   Text("The TLS-RPT record is invalid"),
                   Text("It must be a single record with rua=mailto:… or rua=https://…."),
                   Text("Replace it with:"), record=record, fix_record=good)]
    return [mk("tls_rpt", OK,
               Text("TLS-RPT reports are set up"),
               Text("Reports go to {addresses}.",
                    addresses=", ".join(rua)), record=record)]
