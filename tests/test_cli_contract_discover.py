"""`postier discover --json` against the loopback DNS/HTTP/IMAP/SMTP setup of the discovery
tests, one run per source: every key, type and value ../shared/CLI.md lists (shapes in
tests/support/cli_contract.py), and the recommendation rule (IMAP first, never plain)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.services.setup.test_discovery import (  # noqa: F401  (fixtures are used by name)
    SOURCE_CASES,
    MailGreeter,
    NetRig,
    apply_setup,
    ca,
    dns_server,
    greeter,
    http_server,
    net,
)
from tests.support import cli_contract as c


@pytest.mark.parametrize("case", SOURCE_CASES, ids=[case[0] for case in SOURCE_CASES])
def test_discover_contract_each_source(net: NetRig, greeter: MailGreeter,  # noqa: F811
                                       case: tuple[str, ...]) -> None:
    name, email, source, *_ = case
    apply_setup(name, net, greeter)
    out = subprocess.run([sys.executable, "-m", "app.cli", "discover", email, "--json",
                          "--timeout", "10"], env={**os.environ, **net.env()},
                         capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 0 and out.stderr == "", out.stderr
    doc = json.loads(out.stdout)
    c.check(doc, c.DISCOVER)
    assert doc["source"] == source
    assert doc["incoming"] and doc["outgoing"]
    assert all(s["protocol"] in ("imap", "pop3") for s in doc["incoming"])
    assert all(s["protocol"] == "smtp" for s in doc["outgoing"])
    protocols = [s["protocol"] for s in doc["incoming"]]
    if "imap" in protocols:
        assert protocols[0] == "imap"  # IMAP before POP3
    assert doc["incoming"][0]["security"] != "plain"
    assert doc["outgoing"][0]["security"] != "plain"
    for server in doc["incoming"] + doc["outgoing"]:
        assert "%" not in server["username"] + server["host"]  # placeholders substituted
    assert any(t["result"] == "found" for t in doc["tried"])
