"""Domain health checks against a real authoritative DNS server on loopback (dnslib).

One zone holds a domain per scenario (good, missing SPF, two SPF, 11 look-ups, +all, bad
DKIM key, DMARC p=none, MX→CNAME, listed IP…). Every check has a passing and a failing
test. The MTA-STS policy is served over real HTTPS (trustme certificate) on loopback.
"""

from __future__ import annotations

import base64
import ssl
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from app.services.config import Settings
from app.services.domain_health import spf
from app.services.domain_health.dkim import parse_dkim_key
from app.services.domain_health.model import (
    FAIL,
    OK,
    WARN,
    DomainReport,
    format_text,
    score,
)
from app.services.domain_health.runner import check_domain, normalize_domain
from app.services.errors import InputError
from tests.support.dns_server import LocalDNS, ZoneResolver, free_udp_tcp_port
from tests.support.http_server import LocalHTTP

BL, DBL = "bl.test", "dbl.test"


def txt(name: str, text: str) -> str:
    """A TXT line, split in 250-byte strings as DNS hosts do for long DKIM keys."""
    chunks = [text[i:i + 250] for i in range(0, len(text), 250)] or [""]
    return f"{name}. TXT " + " ".join(f'"{c}"' for c in chunks)


def rsa_p(bits: int) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits).public_key()
    der = key.public_bytes(serialization.Encoding.DER,
                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode()


def small_rsa_p() -> str:
    # cryptography refuses to generate < 1024-bit keys; a public key needs no factors.
    n = (1 << 511) | 0x1234567 | 1
    key = rsa.RSAPublicNumbers(65537, n).public_key()
    der = key.public_bytes(serialization.Encoding.DER,
                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode()


def ed_p() -> str:
    raw = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def base_records(d: str, *, spf_text: str | None = "v=spf1 include:spf.protection.outlook.com -all",
                 dmarc: str | None = "v=DMARC1; p=reject; rua=mailto:dmarc@{d}",
                 dkim: str | None = "GOOD", mx: bool = True, tls_rpt: bool = True) -> list[str]:
    lines = []
    if mx:
        lines += [f"{d}. MX 10 mx.{d}.", f"mx.{d}. A 192.0.2.25"]
    if spf_text:
        lines.append(txt(d, spf_text))
    if dmarc:
        lines.append(txt(f"_dmarc.{d}", dmarc.format(d=d)))
    if dkim:
        lines.append(txt(f"selector1._domainkey.{d}", f"v=DKIM1; k=rsa; p={GOOD_KEY}"
                         if dkim == "GOOD" else dkim))
    if tls_rpt:
        lines.append(txt(f"_smtp._tls.{d}", f"v=TLSRPTv1; rua=mailto:tls@{d}"))
    return lines


GOOD_KEY = rsa_p(2048)


def build_zone() -> str:
    z: list[str] = []
    # Providers' own SPF records (includes are followed recursively).
    z.append(txt("spf.protection.outlook.com",
                 "v=spf1 ip4:40.92.0.0/15 ip6:2a01:111:f400::/48 -all"))
    z.append(txt("_spf.google.com", "v=spf1 include:_netblocks.google.com ~all"))
    z.append(txt("_netblocks.google.com", "v=spf1 ip4:35.190.247.0/24 ~all"))
    # good.test: everything right, incl. MTA-STS served over HTTPS on loopback.
    z += base_records("good.test")
    z += [txt("_mta-sts.good.test", "v=STSv1; id=20261125"), "mta-sts.good.test. A 127.0.0.1",
          "10.2.0.192.in-addr.arpa. PTR out.good.test.", "out.good.test. A 192.0.2.10",
          "smtp.good.test. A 192.0.2.10"]
    # SPF scenarios.
    z += base_records("nospf.test", spf_text=None)
    z += base_records("twospf.test", spf_text="v=spf1 include:spf.protection.outlook.com -all")
    z.append(txt("twospf.test", "v=spf1 ip4:203.0.113.7 ~all"))
    z += base_records("badspf.test", spf_text="v=spf1 ip4:999.1.1.1 frobnicate -all")
    z += base_records("plusall.test", spf_text="v=spf1 include:spf.protection.outlook.com +all")
    z += base_records("qall.test", spf_text="v=spf1 include:spf.protection.outlook.com ?all")
    z += base_records("noinclude.test", spf_text="v=spf1 ip4:203.0.113.0/24 mx -all")
    z += base_records("redirect.test", spf_text="v=spf1 redirect=_spf.redirect.test")
    z.append(txt("_spf.redirect.test", "v=spf1 include:spf.protection.outlook.com -all"))
    z += base_records("brokeninclude.test",
                      spf_text="v=spf1 include:nothing.brokeninclude.test -all")
    # 11 look-ups: 4 at the top (include, a, mx, a:) + 7 reached through nested includes.
    z += base_records("lookups11.test",
                      spf_text="v=spf1 include:l1.lookups11.test a mx a:o.lookups11.test -all")
    z.append(txt("l1.lookups11.test", "v=spf1 include:l2.lookups11.test include:l3.lookups11.test "
                                      "include:spf.protection.outlook.com ~all"))
    z.append(txt("l2.lookups11.test", "v=spf1 a:x.lookups11.test mx:y.lookups11.test ~all"))
    z.append(txt("l3.lookups11.test", "v=spf1 exists:z.lookups11.test ptr ~all"))
    # Exactly 10: same without the last "a:".
    z += base_records("lookups10.test", spf_text="v=spf1 include:l1.lookups11.test a mx -all")
    # DKIM scenarios.
    z += base_records("dkimbad.test", dkim="v=DKIM1; k=rsa; p=SGVsbG8gd29ybGQ=")
    z += base_records("dkimb64.test", dkim="v=DKIM1; k=rsa; p=not*base64!")
    z += base_records("dkimrevoked.test", dkim="v=DKIM1; k=rsa; p=")
    z += base_records("dkimshort.test", dkim=f"v=DKIM1; k=rsa; p={rsa_p(1024)}")
    z += base_records("dkimtiny.test", dkim=f"v=DKIM1; k=rsa; p={small_rsa_p()}")
    z += base_records("dkimed.test", dkim=None)
    z.append(txt("s1._domainkey.dkimed.test", f"v=DKIM1; k=ed25519; p={ed_p()}"))
    z += base_records("nodkim.test", dkim=None)
    z += base_records("dkimalias.test", dkim=None)
    z.append("selector1._domainkey.dkimalias.test. CNAME "
             "selector1-dkimalias-test._domainkey.contoso.onmicrosoft.test.")
    z += base_records("customsel.test", dkim=None)
    z.append(txt("pm2026._domainkey.customsel.test", f"v=DKIM1; p={GOOD_KEY}"))
    # DMARC scenarios.
    z += base_records("dmarcnone.test", dmarc="v=DMARC1; p=none")
    z += base_records("nodmarc.test", dmarc=None)
    z += base_records("dmarcbad.test", dmarc="v=DMARC1; p=maybe; rua=mailto:x@dmarcbad.test")
    z += base_records("dmarctwo.test")
    z.append(txt("_dmarc.dmarctwo.test", "v=DMARC1; p=none"))
    z += base_records("parent.test")  # sub.parent.test inherits the parent's DMARC
    z += ["sub.parent.test. MX 10 mx.parent.test.",
          txt("sub.parent.test", "v=spf1 include:spf.protection.outlook.com -all")]
    # MX scenarios.
    z += base_records("mxcname.test", mx=False)
    z += ["mxcname.test. MX 10 alias.mxcname.test.",
          "alias.mxcname.test. CNAME real.mxcname.test.", "real.mxcname.test. A 192.0.2.26"]
    z += base_records("mxip.test", mx=False)
    z.append("mxip.test. MX 10 192.0.2.27.")
    z += base_records("nomx.test", mx=False)
    z += base_records("mxnoaddr.test", mx=False)
    z.append("mxnoaddr.test. MX 10 ghost.mxnoaddr.test.")
    # MTA-STS / TLS-RPT scenarios.
    z += base_records("notlsrpt.test", tls_rpt=False)
    z += base_records("badtlsrpt.test", tls_rpt=False)
    z.append(txt("_smtp._tls.badtlsrpt.test", "v=TLSRPTv1;"))
    z += base_records("badsts.test")
    z.append(txt("_mta-sts.badsts.test", "v=STSv1; id=not-valid-id!"))
    z += base_records("stsnomx.test")
    z += [txt("_mta-sts.stsnomx.test", "v=STSv1; id=1"), "mta-sts.stsnomx.test. A 127.0.0.1"]
    z += base_records("stsnohost.test")
    z.append(txt("_mta-sts.stsnohost.test", "v=STSv1; id=1"))
    # Reverse DNS: no PTR for .20; .30 is named wrong.test which points elsewhere.
    z += ["30.2.0.192.in-addr.arpa. PTR wrong.test.", "wrong.test. A 192.0.2.99",
          "40.2.0.192.in-addr.arpa. PTR dsl-40.dyn.isp.test.",
          "dsl-40.dyn.isp.test. A 192.0.2.40"]
    # Blocklists (local zones stand in for Spamhaus & co).
    z += [f"66.2.0.192.{BL}. A 127.0.0.2", txt(f"66.2.0.192.{BL}", "Listed for spam, see test"),
          f"77.2.0.192.{BL}. A 127.255.255.254",
          f"listed.test.{DBL}. A 127.0.1.2", txt(f"listed.test.{DBL}", "Spam domain")]
    z += base_records("listed.test")
    return "\n".join(z)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def sts_server(ca: trustme.CA) -> Iterator[LocalHTTP]:
    """https://mta-sts.<domain>/ on 127.0.0.1 (a free port) with a certificate from ``ca``."""
    http = LocalHTTP()
    cert = ca.issue_cert("mta-sts.good.test", "mta-sts.stsnomx.test")
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(ctx)
    http.httpd.socket = ctx.wrap_socket(http.httpd.socket, server_side=True)
    http.route("/.well-known/mta-sts.txt",
               "version: STSv1\nmode: enforce\nmx: mx.good.test\nmx: *.good.test\n"
               "max_age: 86400\n")
    http.start()
    yield http
    http.stop()


@pytest.fixture(scope="module")
def dns_server() -> Iterator[LocalDNS]:
    server = LocalDNS(build_zone()).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def settings(dns_server: LocalDNS, sts_server: LocalHTTP, ca: trustme.CA,
             tmp_path_factory: pytest.TempPathFactory) -> Settings:
    home = tmp_path_factory.mktemp("home")
    ca_file = home / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return Settings(home=home, dns_server=(dns_server.host, dns_server.port), ca_file=ca_file,
                    extra={"POSTIER_DNSBL_ZONES": BL, "POSTIER_DBL_ZONES": DBL,
                           "POSTIER_MTA_STS_PORT": str(sts_server.port)})


def run(settings: Settings, domain: str, **kw: object) -> DomainReport:
    kw.setdefault("provider", "office365")
    kw.setdefault("timeout", 3.0)
    return check_domain(domain, settings, **kw)  # type: ignore[arg-type]


def status(report: DomainReport, cid: str) -> str:
    check = report.get(cid)
    assert check is not None, f"no {cid} check in {[c.id for c in report.checks]}"
    return check.status


# ---------------------------------------------------------------------------
# The good domain: every check passes.
# ---------------------------------------------------------------------------
def test_good_domain_passes_every_check(settings: Settings) -> None:
    seen: list[str] = []
    report = run(settings, "Good.Test.", ips=["192.0.2.10"], progress=lambda c: seen.append(c.id))
    assert report.domain == "good.test"
    assert {c.id: c.status for c in report.checks} == {
        "mx": OK, "spf": OK, "spf_all": OK, "spf_lookups": OK, "spf_provider": OK, "dkim": OK,
        "dmarc": OK, "mta_sts": OK, "tls_rpt": OK, "ptr": OK, "dnsbl_ip": OK, "dnsbl_domain": OK}
    assert report.score == 100 and report.ok
    assert sorted(seen) == sorted(c.id for c in report.checks)
    assert "RSA 2048" in report.get("dkim").detail
    assert "enforce" in report.get("mta_sts").title


def test_to_dict_shape_and_french_text(settings: Settings) -> None:
    report = run(settings, "nospf.test")
    doc = report.to_dict()
    assert set(doc) == {"domain", "checks", "score"}
    for c in doc["checks"]:
        assert {"id", "status", "title", "detail", "fix", "record"} <= set(c)
        assert c["status"] in (OK, WARN, FAIL)
        assert c["title_fr"] and c["detail_fr"]
    spf_check = next(c for c in doc["checks"] if c["id"] == "spf")
    assert spf_check["fix"].endswith(
        'nospf.test. TXT "v=spf1 include:spf.protection.outlook.com -all"')
    assert spf_check["fix_record"] == ('nospf.test. TXT '
                                       '"v=spf1 include:spf.protection.outlook.com -all"')
    assert spf_check["title_fr"] == "Aucun enregistrement SPF"
    assert "Santé du domaine" in format_text(report, "fr")
    assert "[FAIL] No SPF record" in format_text(report)


def test_report_round_trips_through_dict(settings: Settings) -> None:
    report = run(settings, "dmarcnone.test", ips=["192.0.2.30"])
    again = DomainReport.from_dict(report.to_dict())
    assert again.to_dict() == report.to_dict()
    assert again.get("dmarc").how == report.get("dmarc").how


# ---------------------------------------------------------------------------
# MX
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("domain, words", [
    ("mxcname.test", "alias (CNAME) of real.mxcname.test"),
    ("mxip.test", "192.0.2.27 is an IP address"),
    ("mxnoaddr.test", "no IP address"),
])
def test_mx_pointing_at_cname_ip_or_nothing_fails(settings: Settings, domain: str,
                                                  words: str) -> None:
    check = run(settings, domain).get("mx")
    assert check.status == FAIL
    assert words in check.detail
    assert check.fix_record
    if domain == "mxcname.test":
        assert "mxcname.test. MX 10 real.mxcname.test." in check.fix_record


def test_missing_mx_and_missing_domain_fail(settings: Settings) -> None:
    check = run(settings, "nomx.test").get("mx")
    assert check.status == FAIL and "No MX" in check.title
    assert check.fix_record == "nomx.test. MX 10 nomx-test.mail.protection.outlook.com."
    gone = run(settings, "does-not-exist.test").get("mx")
    assert gone.status == FAIL and "does not exist" in gone.title


# ---------------------------------------------------------------------------
# SPF
# ---------------------------------------------------------------------------
def test_missing_spf_fails_and_scores_lower(settings: Settings) -> None:
    report = run(settings, "nospf.test")
    assert status(report, "spf") == FAIL
    assert report.get("spf_lookups") is None  # nothing to count
    good = run(settings, "good.test")
    assert report.score < good.score
    assert not report.ok


def test_two_spf_records_fail_with_merged_fix(settings: Settings) -> None:
    check = run(settings, "twospf.test").get("spf")
    assert check.status == FAIL and check.title.startswith("2 SPF records")
    assert check.fix_record == ('twospf.test. TXT "v=spf1 include:spf.protection.outlook.com '
                                'ip4:203.0.113.7 -all"')
    assert check.record.count("v=spf1") == 2


def test_spf_syntax_errors_are_listed(settings: Settings) -> None:
    check = run(settings, "badspf.test").get("spf")
    assert check.status == FAIL
    assert "999.1.1.1" in check.detail and "frobnicate" in check.detail


def test_eleven_lookups_fail_ten_pass(settings: Settings) -> None:
    eleven = run(settings, "lookups11.test").get("spf_lookups")
    assert eleven.status == FAIL and "11 DNS look-ups" in eleven.title
    ten = run(settings, "lookups10.test").get("spf_lookups")
    assert ten.status == OK and "10/10" in ten.title


def test_broken_include_fails(settings: Settings) -> None:
    check = run(settings, "brokeninclude.test").get("spf_lookups")
    assert check.status == FAIL and "nothing.brokeninclude.test" in check.detail


@pytest.mark.parametrize("domain, expected, fixed", [
    ("plusall.test", FAIL, "+all"), ("qall.test", WARN, "?all"), ("good.test", OK, None),
    ("redirect.test", OK, None),
])
def test_spf_all_qualifier(settings: Settings, domain: str, expected: str,
                           fixed: str | None) -> None:
    check = run(settings, domain).get("spf_all")
    assert check.status == expected
    if fixed:
        assert fixed in check.record
        assert check.fix_record.endswith('include:spf.protection.outlook.com -all"')


def test_missing_provider_include_fails_with_exact_fix(settings: Settings) -> None:
    check = run(settings, "noinclude.test").get("spf_provider")
    assert check.status == FAIL and "Microsoft 365" in check.title
    assert check.fix_record == ('noinclude.test. TXT "v=spf1 ip4:203.0.113.0/24 mx '
                                'include:spf.protection.outlook.com -all"')
    # Via the SMTP host name instead of the provider key: Gmail this time.
    gmail = run(settings, "good.test", provider=None,
                smtp_host="smtp.gmail.com").get("spf_provider")
    assert gmail.status == FAIL and "include:_spf.google.com" in gmail.fix_record
    # An include reached through redirect= counts.
    assert status(run(settings, "redirect.test"), "spf_provider") == OK


def test_sending_ip_covered_by_ip4_or_not(settings: Settings) -> None:
    covered = run(settings, "noinclude.test", provider=None, ips=["203.0.113.5"])
    assert status(covered, "spf_provider") == OK
    via_mx = run(settings, "noinclude.test", provider=None, ips=["192.0.2.25"])
    assert status(via_mx, "spf_provider") == OK  # the "mx" mechanism covers mx.noinclude.test
    outside = run(settings, "noinclude.test", provider=None, ips=["198.51.100.1"])
    check = outside.get("spf_provider")
    assert check.status == FAIL and "ip4:198.51.100.1" in check.fix_record


def test_no_provider_and_no_ip_means_no_provider_check(settings: Settings) -> None:
    report = run(settings, "good.test", provider=None)
    assert report.get("spf_provider") is None and report.get("ptr") is None
    assert report.score == 100


# ---------------------------------------------------------------------------
# DKIM
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("domain, expected, words", [
    ("dkimbad.test", FAIL, "not a valid RSA key"),
    ("dkimb64.test", FAIL, "not valid base64"),
    ("dkimrevoked.test", FAIL, "revoked"),
    ("dkimtiny.test", FAIL, "RSA 512 bits"),
    ("dkimshort.test", WARN, "RSA 1024 bits"),
    ("nodkim.test", FAIL, "selector1, selector2"),
    ("dkimed.test", OK, "s1 (Ed25519)"),
    ("good.test", OK, "selector1 (RSA 2048 bits)"),
])
def test_dkim(settings: Settings, domain: str, expected: str, words: str) -> None:
    check = run(settings, domain).get("dkim")
    assert check.status == expected, check
    assert words in check.title + check.detail
    if expected != OK:
        assert check.fix_record  # Microsoft 365: the two selector CNAMEs
        assert "selector1._domainkey." in check.fix_record


def test_dkim_alias_without_key_says_signing_is_off(settings: Settings) -> None:
    check = run(settings, "dkimalias.test").get("dkim")
    assert check.status == FAIL and "not switched on" in check.title
    assert "selector1-dkimalias-test._domainkey.contoso.onmicrosoft.test" in check.detail
    assert check.record.startswith("selector1._domainkey.dkimalias.test. CNAME ")


def test_dkim_custom_selector_is_probed(settings: Settings) -> None:
    assert status(run(settings, "customsel.test"), "dkim") == FAIL
    assert status(run(settings, "customsel.test", dkim_selectors=["pm2026"]), "dkim") == OK


def test_parse_dkim_key_pkcs1_and_unknown_type() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    pkcs1 = base64.b64encode(key.public_bytes(serialization.Encoding.DER,
                                              serialization.PublicFormat.PKCS1)).decode()
    assert parse_dkim_key("s", f"v=DKIM1; p={pkcs1}").bits == 2048
    assert parse_dkim_key("s", "v=DKIM1; k=dsa; p=AAAA").state == "broken"
    assert parse_dkim_key("s", "v=DKIM2; p=AAAA").state == "broken"


# ---------------------------------------------------------------------------
# DMARC
# ---------------------------------------------------------------------------
def test_dmarc_none_warns_with_stricter_fix(settings: Settings) -> None:
    check = run(settings, "dmarcnone.test").get("dmarc")
    assert check.status == WARN and "p=none" in check.title
    assert check.fix_record == ('_dmarc.dmarcnone.test. TXT "v=DMARC1; p=quarantine; '
                                'rua=mailto:postmaster@dmarcnone.test"')


@pytest.mark.parametrize("domain, words", [
    ("nodmarc.test", "No DMARC record"), ("dmarcbad.test", "invalid"),
    ("dmarctwo.test", "Several DMARC"),
])
def test_dmarc_missing_invalid_or_double_fails(settings: Settings, domain: str,
                                               words: str) -> None:
    check = run(settings, domain).get("dmarc")
    assert check.status == FAIL and words in check.title
    assert check.fix_record.startswith(f"_dmarc.{domain}. TXT \"v=DMARC1; p=")


def test_dmarc_ok_and_inherited_from_parent(settings: Settings) -> None:
    assert status(run(settings, "good.test"), "dmarc") == OK
    sub = run(settings, "sub.parent.test").get("dmarc")
    assert sub.status == OK and "inherited from parent.test" in sub.title


# ---------------------------------------------------------------------------
# MTA-STS and TLS-RPT
# ---------------------------------------------------------------------------
def test_mta_sts_missing_warns_and_invalid_fails(settings: Settings) -> None:
    missing = run(settings, "nospf.test").get("mta_sts")
    assert missing.status == WARN and "_mta-sts.nospf.test. TXT" in missing.fix_record
    assert "mx: mx.nospf.test" in missing.fix_record
    assert status(run(settings, "badsts.test"), "mta_sts") == FAIL


def test_mta_sts_policy_must_cover_mx_and_be_reachable(settings: Settings) -> None:
    # The policy served (enforce, mx: *.good.test) does not cover mx.stsnomx.test.
    check = run(settings, "stsnomx.test").get("mta_sts")
    assert check.status == FAIL and "mx.stsnomx.test" in check.detail
    unreachable = run(settings, "stsnohost.test").get("mta_sts")
    assert unreachable.status == WARN and "mta-sts.stsnohost.test has no IP" in unreachable.detail


def test_mta_sts_bad_certificate_is_reported(settings: Settings, tmp_path: Path) -> None:
    other_ca = tmp_path / "other.pem"
    trustme.CA().cert_pem.write_to_path(str(other_ca))
    strict = Settings(home=settings.home, dns_server=settings.dns_server, ca_file=other_ca,
                      extra=settings.extra)
    check = run(strict, "good.test").get("mta_sts")
    assert check.status == WARN and "certificate" in check.detail


def test_tls_rpt(settings: Settings) -> None:
    assert status(run(settings, "good.test"), "tls_rpt") == OK
    missing = run(settings, "notlsrpt.test").get("tls_rpt")
    assert missing.status == WARN
    assert missing.fix_record == ('_smtp._tls.notlsrpt.test. TXT "v=TLSRPTv1; '
                                  'rua=mailto:postmaster@notlsrpt.test"')
    assert status(run(settings, "badtlsrpt.test"), "tls_rpt") == FAIL


# ---------------------------------------------------------------------------
# Reverse DNS
# ---------------------------------------------------------------------------
def test_ptr_ok_from_ip_or_from_smtp_host(settings: Settings) -> None:
    assert status(run(settings, "good.test", ips=["192.0.2.10"]), "ptr") == OK
    # No --ip: the SMTP host's addresses are the sending IPs.
    report = run(settings, "good.test", provider=None, smtp_host="smtp.good.test")
    assert status(report, "ptr") == OK and "192.0.2.10 → out.good.test" in report.get("ptr").detail


def test_ptr_missing_or_mismatched_fails(settings: Settings) -> None:
    missing = run(settings, "good.test", ips=["192.0.2.20"]).get("ptr")
    assert missing.status == FAIL and "192.0.2.20 has no reverse" in missing.detail
    assert "20.2.0.192.in-addr.arpa. PTR mail.good.test." in missing.fix_record
    mismatch = run(settings, "good.test", ips=["192.0.2.30"]).get("ptr")
    assert mismatch.status == FAIL and "wrong.test" in mismatch.detail
    assert mismatch.fix_record == "wrong.test. A 192.0.2.30"


def test_ptr_dynamic_looking_name_warns(settings: Settings) -> None:
    assert status(run(settings, "good.test", ips=["192.0.2.40"]), "ptr") == WARN


def test_smtp_host_without_address_warns(settings: Settings) -> None:
    check = run(settings, "good.test", smtp_host="nowhere.good.test").get("ptr")
    assert check.status == WARN and "nowhere.good.test" in check.detail


# ---------------------------------------------------------------------------
# Blocklists
# ---------------------------------------------------------------------------
def test_listed_ip_fails_with_reason(settings: Settings) -> None:
    report = run(settings, "good.test", ips=["192.0.2.66"])
    check = report.get("dnsbl_ip")
    assert check.status == FAIL and "Listed for spam, see test" in check.detail
    assert not report.ok
    assert status(run(settings, "good.test", ips=["192.0.2.10"]), "dnsbl_ip") == OK


def test_refused_blocklist_answer_is_not_a_listing(settings: Settings) -> None:
    check = run(settings, "good.test", ips=["192.0.2.77"]).get("dnsbl_ip")
    assert check.status == WARN and "refused" in check.detail


def test_listed_domain_fails(settings: Settings) -> None:
    check = run(settings, "listed.test").get("dnsbl_domain")
    assert check.status == FAIL and "Spam domain" in check.detail
    assert status(run(settings, "good.test"), "dnsbl_domain") == OK


def test_blocklist_zones_can_be_turned_off(settings: Settings) -> None:
    quiet = Settings(home=settings.home, dns_server=settings.dns_server,
                     extra={**settings.extra, "POSTIER_DNSBL_ZONES": "", "POSTIER_DBL_ZONES": ""})
    report = run(quiet, "listed.test", ips=["192.0.2.66"])
    assert report.get("dnsbl_ip") is None and report.get("dnsbl_domain") is None


# ---------------------------------------------------------------------------
# Robustness, concurrency, input
# ---------------------------------------------------------------------------
def test_dns_server_down_gives_warnings_not_crashes(tmp_path: Path) -> None:
    dead = Settings(home=tmp_path, dns_server=("127.0.0.1", free_udp_tcp_port()),
                    extra={"POSTIER_DNSBL_ZONES": BL, "POSTIER_DBL_ZONES": DBL})
    started = time.monotonic()
    report = check_domain("good.test", dead, ips=["192.0.2.10"], timeout=1.0)
    assert time.monotonic() - started < 6
    assert {c.status for c in report.checks} == {WARN}
    assert all("could not be checked" in c.title or "in time" in c.title for c in report.checks)


class _SlowResolver(ZoneResolver):
    """Every answer takes 100 ms: sequential look-ups would add up, concurrent ones do not."""

    def resolve(self, request, handler):  # noqa: ANN001, ANN201 - dnslib's API
        time.sleep(0.1)
        return super().resolve(request, handler)


def test_lookups_run_concurrently(tmp_path: Path) -> None:
    server = LocalDNS()
    server.resolver.__class__ = _SlowResolver
    server.resolver.set_zone(build_zone())
    server.start()
    try:
        slow = Settings(home=tmp_path, dns_server=(server.host, server.port),
                        extra={"POSTIER_DNSBL_ZONES": BL, "POSTIER_DBL_ZONES": DBL})
        started = time.monotonic()
        report = check_domain("good.test", slow, provider="office365", ips=["192.0.2.10"],
                              timeout=5.0)
        elapsed = time.monotonic() - started
    finally:
        server.stop()
    # Over 35 look-ups at 100 ms each: > 3.5 s one after the other.
    assert elapsed < 2.0, elapsed
    assert status(report, "dkim") == OK


@pytest.mark.parametrize("bad", ["", "exemple", "exe mple.fr", "-bad.fr", "http://x.fr/",
                                 "a..b.fr", "1.2.3.4", "x" * 64 + ".fr"])
def test_bad_domain_is_input_error(bad: str) -> None:
    with pytest.raises(InputError):
        normalize_domain(bad)


def test_domain_normalisation() -> None:
    assert normalize_domain("Jean@Exemple.FR.") == "exemple.fr"
    assert normalize_domain("café.fr") == "xn--caf-dma.fr"


def test_bad_ip_is_input_error(settings: Settings) -> None:
    with pytest.raises(InputError):
        check_domain("good.test", settings, ips=["300.1.1.1"])


def test_score_weights() -> None:
    from app.services.domain_health.model import Check

    checks = [Check("spf", OK, "", ""), Check("dkim", WARN, "", ""), Check("dmarc", FAIL, "", "")]
    assert score(checks) == round(100 * (20 + 10) / (20 + 20 + 15))
    assert score(checks, ["spf", "dkim", "dmarc", "mx"]) == round(100 * 30 / 70)


# ---------------------------------------------------------------------------
# SPF parser (pure)
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("text, ok", [
    ("v=spf1 -all", True), ("v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a/24 mx:x.fr//64 ~all",
                             True),
    ("v=spf1 include:%{d}._spf.x.fr exists:%{i}.x.fr -all", True),
    ("v=spf1 include: -all", False), ("v=spf1 ip4:2001:db8::1 -all", False),
    ("v=spf1 all:x", False), ("v=spf1 redirect=a.fr redirect=b.fr", False),
    ("v=spf10 -all", False), ("v=spf1 a:b..c -all", False),
])
def test_spf_parse(text: str, ok: bool) -> None:
    assert (not spf.parse(text).errors) is ok


def test_spf_helpers() -> None:
    assert spf.with_mechanism("v=spf1 mx ~all", "include:x") == "v=spf1 mx include:x ~all"
    assert spf.with_mechanism(None, "ip4:1.2.3.4") == "v=spf1 ip4:1.2.3.4 -all"
    assert spf.with_all("v=spf1 mx +all") == "v=spf1 mx -all"
    assert spf.merge(["v=spf1 mx -all", "v=spf1 MX a ~all"]) == "v=spf1 mx a -all"
    assert spf.is_spf("V=SPF1 -all") and not spf.is_spf("v=spf10")


def test_spf_walk_counts_and_tells_unreachable_from_broken() -> None:
    records = {"a.fr": "v=spf1 include:b.fr include:c.fr include:a.fr -all",
               "b.fr": "v=spf1 mx a ~all", "c.fr": None, "d.fr": ""}

    def fetch(name: str) -> list[str] | None:
        text = records.get(name, "")
        return None if text is None else ([text] if text else [])

    walked = spf.walk("x.fr", spf.parse("v=spf1 include:a.fr include:d.fr -all"), fetch)
    # x: 2, a: 3 (a.fr itself again is counted but not followed), b: 2
    assert walked.lookups == 7
    assert walked.unresolved == ["c.fr"]
    assert walked.problems == ["d.fr: no SPF record there (permerror)"]
    assert walked.includes == {"a.fr", "b.fr", "c.fr", "d.fr"}


def test_dnsbl_names_ipv4_and_ipv6() -> None:
    from app.services.dns_query import dnsbl_name

    assert dnsbl_name("192.0.2.66", "zen.spamhaus.org") == "66.2.0.192.zen.spamhaus.org"
    name = dnsbl_name("2001:db8::1", "zen.spamhaus.org")
    assert name.startswith("1.0.0.0.") and name.endswith(".8.b.d.0.1.0.0.2.zen.spamhaus.org")
    assert len(name.split(".")) == 32 + 3
