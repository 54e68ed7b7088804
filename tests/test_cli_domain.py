"""`postier domain DOMAIN --json` as a subprocess against a local DNS server (POSTIER_DNS)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.support.dns_server import LocalDNS

ZONE = """
ok.test. MX 10 mx.ok.test.
mx.ok.test. A 192.0.2.25
ok.test. TXT "v=spf1 ip4:192.0.2.0/24 -all"
_dmarc.ok.test. TXT "v=DMARC1; p=reject; rua=mailto:d@ok.test"
_smtp._tls.ok.test. TXT "v=TLSRPTv1; rua=mailto:t@ok.test"
default._domainkey.ok.test. TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
10.2.0.192.in-addr.arpa. PTR out.ok.test.
out.ok.test. A 192.0.2.10
66.2.0.192.bl.test. A 127.0.0.2
66.2.0.192.bl.test. TXT "listed for the test"
bad.test. MX 10 192.0.2.1.
bad.test. TXT "v=spf1 +all"
bad.test. TXT "v=spf1 -all"
"""


@pytest.fixture(scope="module")
def dns() -> Iterator[LocalDNS]:
    server = LocalDNS(ZONE).start()
    yield server
    server.stop()


def postier(dns: LocalDNS, *args: str, lang: str = "C") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "POSTIER_DNS": dns.address, "POSTIER_DNSBL_ZONES": "bl.test",
           "POSTIER_DBL_ZONES": "dbl.test", "LANG": lang, "LC_ALL": ""}
    return subprocess.run([sys.executable, "-m", "app.cli", "domain", *args], env=env,
                          capture_output=True, text=True, timeout=60)


def test_healthy_domain_json_exit_0(dns: LocalDNS) -> None:
    out = postier(dns, "ok.test", "--ip", "192.0.2.10", "--timeout", "3", "--json")
    assert out.returncode == 0, out.stdout + out.stderr
    doc = json.loads(out.stdout)
    assert doc["domain"] == "ok.test"
    assert 0 <= doc["score"] <= 100
    ids = {c["id"]: c for c in doc["checks"]}
    assert {"mx", "spf", "spf_all", "spf_lookups", "spf_provider", "dkim", "dmarc", "mta_sts",
            "tls_rpt", "ptr", "dnsbl_ip", "dnsbl_domain"} == set(ids)
    for c in doc["checks"]:
        assert set(c) >= {"id", "status", "title", "detail", "fix", "record"}
        assert c["status"] in ("ok", "warn")
    assert ids["mta_sts"]["status"] == "warn"  # optional, so not a failure
    assert ids["spf"]["record"] == 'ok.test. TXT "v=spf1 ip4:192.0.2.0/24 -all"'


def test_broken_domain_json_exit_1(dns: LocalDNS) -> None:
    out = postier(dns, "bad.test", "--ip", "192.0.2.66", "--timeout", "3", "--json")
    assert out.returncode == 1
    doc = json.loads(out.stdout)
    status = {c["id"]: c["status"] for c in doc["checks"]}
    assert status["mx"] == "fail" and status["spf"] == "fail" and status["dnsbl_ip"] == "fail"
    assert status["dmarc"] == "fail" and status["ptr"] == "fail"
    assert doc["score"] < 30
    spf = next(c for c in doc["checks"] if c["id"] == "spf")
    assert spf["fix"].splitlines()[-1] == 'bad.test. TXT "v=spf1 ip4:192.0.2.66 -all"'
    assert "Traceback" not in out.stderr


def test_text_output_in_french(dns: LocalDNS) -> None:
    out = postier(dns, "bad.test", "--timeout", "3", lang="fr_FR.UTF-8")
    assert out.returncode == 1
    assert out.stdout.startswith("Santé du domaine d'envoi bad.test")
    assert "[FAIL] 2 enregistrements SPF au lieu d'un seul" in out.stdout
    assert "Comment corriger" in out.stdout


@pytest.mark.parametrize("args", [["not a domain"], ["exemple"], ["ok.test", "--ip", "1.2.3"],
                                  ["ok.test", "--timeout", "0"], []])
def test_bad_input_exit_2(dns: LocalDNS, args: list[str]) -> None:
    out = postier(dns, *args, "--json")
    assert out.returncode == 2, out
    doc = json.loads(out.stdout)
    assert doc["error"]["code"] and doc["error"]["message"]
    assert "Traceback" not in out.stderr
