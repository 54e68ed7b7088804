"""`postier discover --json` as a subprocess against the loopback DNS/HTTP/IMAP/SMTP net:
one run per source type, NOT_FOUND (exit 1), bad address (exit 2), text output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from tests.services.setup.test_discovery import (  # noqa: F401  (fixtures are used by name)
    AUTOCONFIG_PATH,
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

CONTRACT_KEYS = {"email", "domain", "provider", "source", "auth", "incoming", "outgoing",
                 "tried", "elapsed_ms"}
SERVER_KEYS = {"protocol", "host", "port", "security", "username"}


def postier(setup: NetRig, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **setup.env()}
    return subprocess.run([sys.executable, "-m", "app.cli", *args], env=env, check=False,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("case", SOURCE_CASES, ids=[c[0] for c in SOURCE_CASES])
def test_discover_json_each_source(net: NetRig, greeter: MailGreeter,  # noqa: F811
                                   case: tuple[str, ...]) -> None:
    name, email, source, imap_host, smtp_host = case
    apply_setup(name, net, greeter)
    out = postier(net, "discover", email, "--json", "--timeout", "10")
    assert out.returncode == 0, out.stderr + out.stdout
    doc = json.loads(out.stdout)
    assert set(doc) >= CONTRACT_KEYS
    assert doc["source"] == source
    assert doc["email"] == email and doc["domain"] == email.split("@")[1]
    assert doc["incoming"][0]["host"] == imap_host
    assert doc["outgoing"][0]["host"] == smtp_host
    assert all(set(s) >= SERVER_KEYS for s in doc["incoming"] + doc["outgoing"])
    assert doc["incoming"][0]["security"] in ("ssl", "starttls")
    assert doc["auth"] and set(doc["auth"]) <= {"oauth2", "password"}
    assert doc["provider"] in ("office365", "gmail", None)
    assert all(set(t) >= {"source", "target", "result", "ms"} for t in doc["tried"])
    assert isinstance(doc["elapsed_ms"], int)
    assert out.stderr == ""


def test_discover_mx_microsoft_provider(net: NetRig, greeter: MailGreeter) -> None:  # noqa: F811
    apply_setup("mx_provider", net, greeter)
    doc = json.loads(postier(net, "discover", "jean@m365.test", "--json").stdout)
    assert doc["provider"] == "office365" and doc["auth"] == ["oauth2", "password"]


def test_discover_best_source_wins_via_cli(net: NetRig) -> None:  # noqa: F811
    from tests.services.setup.test_discovery import clientconfig_xml

    net.zone("both.test. 60 IN A 127.0.0.1\nautoconfig.both.test. 60 IN A 127.0.0.1")
    net.http.route("/ispdb/both.test", clientconfig_xml("imap.from-ispdb.test", "smtp.x.test"))
    net.http.route(AUTOCONFIG_PATH, clientconfig_xml("imap.from-autoconfig.test",
                                                     "smtp.y.test"), delay=0.5)
    doc = json.loads(postier(net, "discover", "jean@both.test", "--json").stdout)
    assert doc["source"] == "autoconfig"
    assert doc["incoming"][0]["host"] == "imap.from-autoconfig.test"


def test_discover_not_found_exit_1(net: NetRig) -> None:  # noqa: F811
    out = postier(net, "discover", "jean@nowhere.test", "--json")
    assert out.returncode == 1
    doc = json.loads(out.stdout)
    assert doc["error"]["code"] == "NOT_FOUND" and doc["error"]["message"]
    assert {t["source"] for t in doc["tried"]} >= {"autoconfig", "well-known", "ispdb", "mx",
                                                   "srv", "guess"}
    assert "Traceback" not in out.stderr


def test_discover_garbage_everywhere_exit_1(net: NetRig) -> None:  # noqa: F811
    net.zone("junk.test. 60 IN A 127.0.0.1\nautoconfig.junk.test. 60 IN A 127.0.0.1")
    net.http.route(AUTOCONFIG_PATH, b"\x00\x01garbage<<<")
    net.http.route("/.well-known/autoconfig/mail/config-v1.1.xml", "<html>", status=500)
    net.http.route("/ispdb/junk.test", "<clientConfig><oops></clientConfig>")
    out = postier(net, "discover", "jean@junk.test", "--json")
    assert out.returncode == 1, out.stdout
    doc = json.loads(out.stdout)
    assert doc["error"]["code"] == "NOT_FOUND"
    results = {t["source"]: t["result"] for t in doc["tried"]}
    assert results["autoconfig"] == results["well-known"] == results["ispdb"] == "error"
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("email", ["not-an-address", "jean@", "a@b@c.fr", "jean@exemple"])
def test_discover_bad_email_exit_2(net: NetRig, email: str) -> None:  # noqa: F811
    out = postier(net, "discover", email, "--json")
    assert out.returncode == 2
    assert json.loads(out.stdout)["error"]["code"] == "INVALID_EMAIL"
    assert "Traceback" not in out.stderr


def test_discover_text_output(net: NetRig, greeter: MailGreeter) -> None:  # noqa: F811
    out = postier(net, "discover", "jean@orange.fr")
    assert out.returncode == 0
    assert "imap.orange.fr:993" in out.stdout and "smtp.orange.fr:465" in out.stdout
    assert "assistance.orange.fr" in out.stdout


def test_cli_exits_at_once_while_a_dead_source_still_hangs(net: NetRig) -> None:  # noqa: F811
    from tests.services.setup.test_discovery import setup_autoconfig

    setup_autoconfig(net)
    net.http.route("/ispdb/auto.test", "never", delay=30)  # worse source, never answers
    net.source_timeout = 20
    start = time.monotonic()
    out = postier(net, "discover", "jean@auto.test", "--json", "--timeout", "25")
    assert out.returncode == 0 and json.loads(out.stdout)["source"] == "autoconfig"
    assert time.monotonic() - start < 5  # the abandoned thread does not hold the exit
