"""Hostile addresses and unknown accounts (issue 15, items 4 and the ACCOUNT_NOT_FOUND part):
refused with exit 2 and one JSON error, never a traceback, before any network work and
without changing a byte of the data files.

"Before any network" is proved, not assumed: every network source the commands could use
(DNS, the ISPDB/autoconfig HTTP mirror, the IMAP/SMTP endpoints) points at loopback
sockets of this test, and none of them may have received anything.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services.addresses import is_valid_email, validate_email, validate_recipient
from app.services.errors import InputError

ROOT = Path(__file__).resolve().parents[1]

HOSTILE = {
    "rtl-override-local": "jean\u202e@exemple.fr",
    "rtl-override-domain": "jean@exem\u202eple.fr",
    "zero-width-space": "jean\u200b@exemple.fr",
    "bidi-isolate": "jean\u2066@exemple.fr",
    "bad-punycode": "jean@xn--a.fr",
    "label-64": "jean@" + "a" * 64 + ".fr",
    "local-65": "a" * 65 + "@exemple.fr",
    "domain-254": "jean@" + ".".join(["a" * 62] * 4) + ".fr",
    "no-dot": "jean@exemple",
    "ip-tld": "jean@1.2.3.4",
    "two-ats": "a@b@exemple.fr",
    "double-dot": "a..b@exemple.fr",
    "newline": "jean@exemple.fr\nBcc: x@y.fr",
    "nul": "jean\x00@exemple.fr",
}


# ---------------------------------------------------------------------------
# The validator itself
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_addresses_are_invalid_email(text: str) -> None:
    with pytest.raises(InputError) as err:
        validate_email(text)
    assert err.value.code == "INVALID_EMAIL"
    # The message never carries the invisible character itself (repr escapes it).
    assert not any(ch in err.value.message for ch in "\u202e\u200b\u2066\x00\n")
    assert not is_valid_email(text)


@pytest.mark.parametrize("text,email,domain", [
    ("jean@exemple.fr", "jean@exemple.fr", "exemple.fr"),
    ("  Jean.Dupont@EXEMPLE.FR ", "Jean.Dupont@exemple.fr", "exemple.fr"),
    ("jérôme@exemple.fr", "jérôme@exemple.fr", "exemple.fr"),
    ("jean@café.fr", "jean@xn--caf-dma.fr", "xn--caf-dma.fr"),
    ("jean@xn--caf-dma.fr", "jean@xn--caf-dma.fr", "xn--caf-dma.fr"),
    ("jean+devis@exemple.fr", "jean+devis@exemple.fr", "exemple.fr"),
    ("alice@example.test", "alice@example.test", "example.test"),  # the rig's domain
    ("admin@societe.local", "admin@societe.local", "societe.local"),  # company AD domains
])
def test_real_addresses_pass(text: str, email: str, domain: str) -> None:
    address = validate_email(text)
    assert (address.email, address.domain) == (email, domain)


def test_recipient_forms() -> None:
    assert validate_recipient("Marie Dupont <marie@exemple.fr>") == \
        "Marie Dupont <marie@exemple.fr>"
    for bad in ["Marie\u202e <marie@exemple.fr>", "a@exemple.fr, b@exemple.fr",
                "<marie@xn--a.fr>", "Marie <marie@exemple.fr"]:
        with pytest.raises(InputError) as err:
            validate_recipient(bad)
        assert err.value.code == "INVALID_EMAIL", bad


# ---------------------------------------------------------------------------
# The CLI: exit 2, one JSON document, nothing sent anywhere, data untouched
# ---------------------------------------------------------------------------
class Listeners:
    """A UDP 'DNS server' and a TCP listener that only record whether anyone came."""

    def __init__(self) -> None:
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 0))
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen(16)
        self.udp.setblocking(False)
        self.tcp.setblocking(False)

    @property
    def env(self) -> dict[str, str]:
        tcp_port = self.tcp.getsockname()[1]
        return {"POSTIER_DNS": f"127.0.0.1:{self.udp.getsockname()[1]}",
                "POSTIER_ISPDB_URL": f"http://127.0.0.1:{tcp_port}/v1.1/",
                "POSTIER_AUTOCONFIG_SCHEME": "http", "POSTIER_AUTOCONFIG_PORT": str(tcp_port),
                "POSTIER_GUESS_PORTS": str(tcp_port)}

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.tcp.getsockname()[1]}:ssl"

    def anything_received(self) -> bool:
        try:
            self.udp.recvfrom(512)
            return True
        except BlockingIOError:
            pass
        try:
            self.tcp.accept()[0].close()
            return True
        except BlockingIOError:
            return False

    def close(self) -> None:
        self.udp.close()
        self.tcp.close()


@pytest.fixture
def listeners() -> Iterator[Listeners]:
    lis = Listeners()
    yield lis
    lis.close()


def run(*args: str, env: dict[str, str] | None = None,
        stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app.cli", *args], input=stdin,
                          env={**os.environ, **(env or {})}, capture_output=True, text=True,
                          encoding="utf-8", timeout=60, cwd=ROOT, check=False)


def assert_refused(out: subprocess.CompletedProcess[str], code: str) -> dict:
    assert "Traceback" not in out.stdout + out.stderr, out.stderr
    assert out.returncode == 2, out
    doc = json.loads(out.stdout)  # exactly one JSON document
    assert doc["error"]["code"] == code, doc
    assert doc["error"]["message"]
    return doc


def data_files(home: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(home.iterdir()) if p.is_file()}


@pytest.fixture
def saved_account(postier_env: Path) -> str:
    from app.services.config import Settings
    from app.services.mail.auth import Credential
    from app.services.setup import accounts
    from app.services.setup.endpoint import Endpoint

    email = "jean@exemple.fr"
    accounts.save_account(Settings.from_env(), email=email,
                          credential=Credential(email, "Mot-De-Passe-7"),
                          imap=Endpoint("127.0.0.1", 1, "ssl"),
                          smtp=Endpoint("127.0.0.1", 1, "ssl"))
    return email


def commands_for(address: str, lis: Listeners, sender: str) -> dict[str, list[str]]:
    server = ["--imap", lis.endpoint, "--smtp", lis.endpoint, "--timeout", "5"]
    send = ["send", "--subject", "s", "--body", "b"]
    return {
        "discover": ["discover", address, "--timeout", "5"],
        "check": ["check", address, "--password-env", "PW", *server],
        "check-discovering": ["check", address, "--password-env", "PW", "--timeout", "5"],
        "account-add": ["account", "add", address, "--password-env", "PW", *server],
        "send-from": [*send, "--from", address, "--to", "client@exemple.fr"],
        "send-to": [*send, "--from", sender, "--to", address],
        "send-cc": [*send, "--from", sender, "--to", "client@exemple.fr", "--cc", address],
    }


@pytest.mark.parametrize("case", ["rtl-override-local", "rtl-override-domain", "bad-punycode",
                                  "label-64", "zero-width-space", "local-65"])
def test_every_command_refuses_hostile_addresses_before_the_network(
        case: str, listeners: Listeners, saved_account: str, postier_env: Path) -> None:
    before = data_files(postier_env)
    for name, args in commands_for(HOSTILE[case], listeners, saved_account).items():
        out = run(*args, "--json", env={**listeners.env, "PW": "x"})
        doc = assert_refused(out, "INVALID_EMAIL")
        assert "\u202e" not in out.stdout, name
        assert not listeners.anything_received(), f"{name} used the network: {doc}"
        # Without --json: one line on stderr, nothing on stdout.
        text = run(*args, env={**listeners.env, "PW": "x"})
        assert text.returncode == 2 and text.stdout == "", (name, text)
        assert len(text.stderr.strip().splitlines()) == 1, (name, text.stderr)
    assert data_files(postier_env) == before  # not a byte changed


@pytest.mark.parametrize("args", [
    ["send", "--from", "nobody@exemple.fr", "--to", "client@exemple.fr", "--subject", "s",
     "--body", "b"],
    ["send", "--from", "alice", "--to", "client@exemple.fr", "--subject", "s", "--body", "b"],
    ["track", "--account", "nobody@exemple.fr", "--once", "--timeout", "5"],
    ["track", "--account", "alice", "--once", "--timeout", "5"],
], ids=["send-from-address", "send-from-name", "track-address", "track-name"])
def test_unknown_account_is_account_not_found_exit_2(
        args: list[str], listeners: Listeners, saved_account: str, postier_env: Path) -> None:
    before = data_files(postier_env)
    out = run(*args, "--json", env=listeners.env)
    assert_refused(out, "ACCOUNT_NOT_FOUND")
    assert not listeners.anything_received()
    text = run(*args, env=listeners.env)
    assert text.returncode == 2 and text.stdout == ""
    assert len(text.stderr.strip().splitlines()) == 1 and "Traceback" not in text.stderr
    assert data_files(postier_env) == before


def test_unknown_account_checked_before_hostile_recipients_matter(
        listeners: Listeners, saved_account: str) -> None:
    # A malformed --from (it has an @) is INVALID_EMAIL, not "no such account".
    out = run("send", "--from", "jean@xn--a.fr", "--to", "client@exemple.fr", "--subject", "s",
              "--body", "b", "--json", env=listeners.env)
    assert_refused(out, "INVALID_EMAIL")


def test_known_account_by_unicode_domain_is_found(postier_env: Path) -> None:
    from app.services.config import Settings
    from app.services.mail.auth import Credential
    from app.services.setup import accounts
    from app.services.setup.endpoint import Endpoint

    settings = Settings.from_env()
    accounts.save_account(settings, email="jean@xn--caf-dma.fr",
                          credential=Credential("jean@xn--caf-dma.fr", "pw"),
                          imap=Endpoint("127.0.0.1", 1, "ssl"),
                          smtp=Endpoint("127.0.0.1", 1, "ssl"))
    assert accounts.require_account(settings, "jean@café.fr").email == "jean@xn--caf-dma.fr"
    assert accounts.require_account(settings, "JEAN@xn--caf-dma.fr").email == \
        "jean@xn--caf-dma.fr"


def test_the_listeners_do_see_a_command_that_reaches_the_network(
        listeners: Listeners) -> None:
    # Control: a valid address does reach the fake DNS/HTTP sources, so the "nothing
    # received" assertions above can fail.
    out = run("discover", "jean@exemple.fr", "--timeout", "2", "--json", env=listeners.env)
    assert "Traceback" not in out.stderr
    assert listeners.anything_received()
