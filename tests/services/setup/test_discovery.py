"""Discovery against real servers on loopback: a dnslib DNS server (MX, SRV, A records),
HTTP servers for the ISPDB / autoconfig / well-known files and small TLS IMAP/SMTP
greeting servers (trustme CA) for guessing. Free ports only.

The helpers here (``NetRig``, ``MailGreeter``, the XML builders) are reused by
tests/test_cli_discover.py.
"""

from __future__ import annotations

import socket
import socketserver
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from app.services.config import Settings
from app.services.errors import InputError, PostierError
from app.services.setup import discovery
from app.services.setup.clientconfig import ClientConfigError
from app.services.setup.clientconfig import parse as parse_clientconfig
from tests.support.dns_server import LocalDNS, free_port
from tests.support.http_server import LocalHTTP

AUTOCONFIG_PATH = "/mail/config-v1.1.xml"
WELLKNOWN_PATH = "/.well-known/autoconfig/mail/config-v1.1.xml"


def clientconfig_xml(imap_host: str, smtp_host: str, *, imap_port: int = 993,
                     smtp_port: int = 465, extra: str = "", auth: str = "password-cleartext",
                     username: str = "%EMAILADDRESS%") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="test">
    <domain>test</domain>
    <displayName>Test provider</displayName>
    <incomingServer type="imap">
      <hostname>{imap_host}</hostname><port>{imap_port}</port>
      <socketType>SSL</socketType><authentication>{auth}</authentication>
      <username>{username}</username>
    </incomingServer>
    {extra}
    <outgoingServer type="smtp">
      <hostname>{smtp_host}</hostname><port>{smtp_port}</port>
      <socketType>SSL</socketType><authentication>{auth}</authentication>
      <username>{username}</username>
    </outgoingServer>
    <documentation url="https://help.example.test/mail"/>
  </emailProvider>
</clientConfig>"""


# ---------------------------------------------------------------------------
# A tiny IMAP/SMTP greeting server: greeting, CAPABILITY/EHLO, STARTTLS, LOGOUT/QUIT
# ---------------------------------------------------------------------------
class _Handler(socketserver.StreamRequestHandler):
    server: _GreeterServer

    def setup(self) -> None:
        self.request.settimeout(5)
        if self.server.mode == "ssl":
            self.request = self.server.tls.wrap_socket(self.request, server_side=True)
        super().setup()

    def send(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")
        self.wfile.flush()

    def starttls(self) -> None:
        self.request = self.server.tls.wrap_socket(self.request, server_side=True)
        self.rfile = self.request.makefile("rb")
        self.wfile = self.request.makefile("wb")

    def handle(self) -> None:
        try:
            if self.server.protocol == "imap":
                self.imap()
            else:
                self.smtp()
        except (OSError, ssl.SSLError):
            pass

    def imap(self) -> None:
        self.send("* OK test IMAP ready")
        caps = "IMAP4rev1" + (" STARTTLS" if self.server.mode == "starttls" else "")
        while line := self.rfile.readline().decode().strip():
            tag, _, cmd = line.partition(" ")
            cmd = cmd.upper()
            if cmd == "CAPABILITY":
                self.send(f"* CAPABILITY {caps}")
                self.send(f"{tag} OK done")
            elif cmd == "STARTTLS" and self.server.mode == "starttls":
                self.send(f"{tag} OK begin TLS")
                self.starttls()
                caps = "IMAP4rev1 AUTH=PLAIN"
            elif cmd == "LOGOUT":
                self.send("* BYE")
                self.send(f"{tag} OK bye")
                return
            else:
                self.send(f"{tag} BAD unknown")

    def smtp(self) -> None:
        self.send("220 smtp.test ESMTP")
        tls_offered = self.server.mode == "starttls"
        while line := self.rfile.readline().decode().strip():
            cmd = line.split(" ", 1)[0].upper()
            if cmd == "EHLO":
                self.send("250-smtp.test")
                if tls_offered:
                    self.send("250-STARTTLS")
                self.send("250 AUTH PLAIN LOGIN")
            elif cmd == "STARTTLS" and tls_offered:
                self.send("220 go ahead")
                self.starttls()
                tls_offered = False
            elif cmd == "QUIT":
                self.send("221 bye")
                return
            else:
                self.send("502 unknown")


class _GreeterServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, protocol: str, mode: str, tls: ssl.SSLContext) -> None:
        self.protocol, self.mode, self.tls = protocol, mode, tls
        super().__init__(("127.0.0.1", 0), _Handler)


class MailGreeter:
    """Four listeners: IMAPS, IMAP+STARTTLS, SMTPS, submission+STARTTLS (or plain-only
    variants with ``plain=True``), on free ports, certificate from a trustme CA."""

    def __init__(self, ca: trustme.CA, names: list[str], plain: bool = False) -> None:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert(*names).configure_cert(tls)
        second = "plain" if plain else "starttls"
        self.servers = [_GreeterServer("imap", "ssl", tls), _GreeterServer("imap", second, tls),
                        _GreeterServer("smtp", "ssl", tls), _GreeterServer("smtp", second, tls)]
        for s in self.servers:
            threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05},
                             daemon=True).start()

    @property
    def ports(self) -> tuple[int, int, int, int]:
        return tuple(s.server_address[1] for s in self.servers)  # type: ignore[return-value]

    @property
    def ports_text(self) -> str:
        return ",".join(str(p) for p in self.ports)

    def stop(self) -> None:
        for s in self.servers:
            s.shutdown()
            s.server_close()


def closed_ports() -> str:
    """Four ports nobody listens on: guessing gets 'connection refused' at once."""
    return ",".join(str(free_port()) for _ in range(4))


# ---------------------------------------------------------------------------
# NetRig: one DNS server per module, one HTTP server per test
# ---------------------------------------------------------------------------
class NetRig:
    def __init__(self, dns: LocalDNS, http: LocalHTTP, ca_file: Path, home: Path) -> None:
        self.dns, self.http, self.ca_file, self.home = dns, http, ca_file, home
        self.guess_ports = closed_ports()
        self.source_timeout = 3.0

    def zone(self, text: str) -> None:
        self.dns.resolver.set_zone(text)

    def settings(self) -> Settings:
        return Settings(home=self.home, ispdb_url=f"{self.http.base_url}/ispdb/",
                        dns_server=(self.dns.host, self.dns.port), ca_file=self.ca_file,
                        autoconfig_scheme="http",
                        extra={"POSTIER_AUTOCONFIG_PORT": str(self.http.port),
                               "POSTIER_GUESS_PORTS": self.guess_ports,
                               "POSTIER_DISCOVERY_SOURCE_TIMEOUT": str(self.source_timeout)})

    def env(self) -> dict[str, str]:
        s = self.settings()
        return {"POSTIER_DNS": f"{self.dns.host}:{self.dns.port}",
                "POSTIER_ISPDB_URL": s.ispdb_url, "POSTIER_CA_FILE": str(self.ca_file),
                "POSTIER_AUTOCONFIG_SCHEME": "http", **s.extra}

    def discover(self, email: str, **kw: object) -> discovery.DiscoveryResult:
        kw.setdefault("timeout", 10.0)
        return discovery.discover(email, self.settings(), **kw)  # type: ignore[arg-type]


class _QuietLog:
    """dnslib prints every query to stdout by default; tests do not need that."""

    def __getattr__(self, name: str) -> object:
        return lambda *args, **kwargs: None


@pytest.fixture(scope="module")
def dns_server() -> Iterator[LocalDNS]:
    server = LocalDNS()
    for inner in (server._udp, server._tcp):
        inner.server.logger = _QuietLog()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> tuple[trustme.CA, Path]:
    authority = trustme.CA()
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    authority.cert_pem.write_to_path(str(path))
    return authority, path


@pytest.fixture(scope="module")
def greeter(ca: tuple[trustme.CA, Path]) -> Iterator[MailGreeter]:
    server = MailGreeter(ca[0], ["guess.test", "imap.guess.test", "mail.guess.test",
                                 "smtp.guess.test", "plain.test", "imap.plain.test",
                                 "smtp.plain.test"])
    yield server
    server.stop()


@pytest.fixture(scope="module")
def http_server() -> Iterator[LocalHTTP]:
    server = LocalHTTP().start()
    yield server
    server.stop()


@pytest.fixture()
def net(dns_server: LocalDNS, http_server: LocalHTTP, ca: tuple[trustme.CA, Path],
        tmp_path: Path) -> NetRig:
    # One server per module (stopping one costs 0.5 s); each test starts from scratch.
    http_server.httpd.routes.clear()
    http_server.httpd.delays.clear()
    http_server.httpd.requests.clear()
    dns_server.resolver.set_zone("")
    return NetRig(dns_server, http_server, ca[1], tmp_path)


# Zones and files for each source type, shared with the CLI tests.
def setup_ispdb(net: NetRig) -> None:
    net.http.route("/ispdb/ispdb.test", clientconfig_xml("imap.ispdb.test", "smtp.ispdb.test"))


def setup_autoconfig(net: NetRig) -> None:
    net.zone("autoconfig.auto.test. 60 IN A 127.0.0.1")
    net.http.route(AUTOCONFIG_PATH, clientconfig_xml("imap.auto.test", "smtp.auto.test"))


def setup_wellknown(net: NetRig) -> None:
    net.zone("wk.test. 60 IN A 127.0.0.1")
    net.http.route(WELLKNOWN_PATH, clientconfig_xml("imap.wk.test", "smtp.wk.test"))


def setup_mx_provider(net: NetRig) -> None:
    net.zone("m365.test. 60 IN MX 0 m365-test.mail.protection.outlook.com.")


def setup_mx_ispdb(net: NetRig) -> None:
    net.zone("client.test. 60 IN MX 10 mx1.bighost.test.\n"
             "client.test. 60 IN MX 20 mx2.bighost.test.")
    net.http.route("/ispdb/bighost.test", clientconfig_xml("imap.bighost.test",
                                                           "smtp.bighost.test"))


def setup_srv(net: NetRig) -> None:
    net.zone("_imaps._tcp.srv.test. 60 IN SRV 0 1 993 mailbox.srv.test.\n"
             "_imap._tcp.srv.test. 60 IN SRV 10 1 143 mailbox.srv.test.\n"
             "_submissions._tcp.srv.test. 60 IN SRV 0 1 465 out.srv.test.\n"
             "_submission._tcp.srv.test. 60 IN SRV 0 0 0 .")


def setup_guess(net: NetRig, greeter: MailGreeter) -> None:
    net.guess_ports = greeter.ports_text
    net.zone("imap.guess.test. 60 IN A 127.0.0.1\n"
             "smtp.guess.test. 60 IN A 127.0.0.1")


# (setup name, address, expected source, expected incoming[0] host, outgoing[0] host)
SOURCE_CASES = [
    ("ispdb", "jean@ispdb.test", "ispdb", "imap.ispdb.test", "smtp.ispdb.test"),
    ("autoconfig", "jean@auto.test", "autoconfig", "imap.auto.test", "smtp.auto.test"),
    ("wellknown", "jean@wk.test", "well-known", "imap.wk.test", "smtp.wk.test"),
    ("mx_provider", "jean@m365.test", "mx", "outlook.office365.com", "smtp.office365.com"),
    ("mx_ispdb", "jean@client.test", "mx", "imap.bighost.test", "smtp.bighost.test"),
    ("srv", "jean@srv.test", "srv", "mailbox.srv.test", "out.srv.test"),
    ("guess", "jean@guess.test", "guess", "imap.guess.test", "smtp.guess.test"),
    ("preset", "jean@orange.fr", "preset", "imap.orange.fr", "smtp.orange.fr"),
]


def apply_setup(name: str, net: NetRig, greeter: MailGreeter) -> None:
    if name == "guess":
        setup_guess(net, greeter)
    elif name != "preset":
        globals()[f"setup_{name}"](net)


# ---------------------------------------------------------------------------
# One test per source type
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("case", SOURCE_CASES, ids=[c[0] for c in SOURCE_CASES])
def test_each_source_answers(net: NetRig, greeter: MailGreeter, case: tuple[str, ...]) -> None:
    name, email, source, imap_host, smtp_host = case
    apply_setup(name, net, greeter)
    result = net.discover(email)
    assert result.found, [t.to_dict() for t in result.tried]
    assert result.source == source
    assert result.incoming[0].host == imap_host
    assert result.outgoing[0].host == smtp_host
    assert result.incoming[0].protocol == "imap"
    assert result.incoming[0].security != "plain"
    assert any(t.source == source and t.result == "found" for t in result.tried)
    doc = result.to_dict()
    assert set(doc) >= {"email", "domain", "provider", "source", "auth", "incoming",
                        "outgoing", "tried", "elapsed_ms"}
    assert doc["email"] == email and doc["domain"] == email.split("@")[1]


def test_ispdb_file_parsed_fully(net: NetRig) -> None:
    pop = ('<incomingServer type="pop3"><hostname>pop.ispdb.test</hostname><port>995</port>'
           '<socketType>SSL</socketType><username>%EMAILLOCALPART%</username>'
           '</incomingServer>')
    net.http.route("/ispdb/ispdb.test", clientconfig_xml(
        "imap.%EMAILDOMAIN%", "smtp.ispdb.test", extra=pop, username="%EMAILLOCALPART%",
        auth="OAuth2</authentication><authentication>password-cleartext"))
    result = net.discover("Jean.Dupont@ISPDB.test")
    assert result.source == "ispdb"
    assert result.email == "Jean.Dupont@ispdb.test"
    assert [s.host for s in result.incoming] == ["imap.ispdb.test", "pop.ispdb.test"]
    assert result.incoming[0].username == "Jean.Dupont"
    assert result.auth == ["oauth2", "password"]
    assert result.doc_url == "https://help.example.test/mail"


def test_mx_to_microsoft_sets_provider_and_preset(net: NetRig) -> None:
    setup_mx_provider(net)
    result = net.discover("jean@m365.test")
    assert result.provider == "office365"
    assert result.preset is not None and result.preset.id == "office365"
    assert result.auth[0] == "oauth2"
    assert result.outgoing[0].port == 587 and result.outgoing[0].security == "starttls"


def test_mx_to_google(net: NetRig) -> None:
    net.zone("gw.test. 60 IN MX 1 aspmx.l.google.com.\n"
             "gw.test. 60 IN MX 5 alt1.aspmx.l.google.com.")
    result = net.discover("jean@gw.test")
    assert (result.source, result.provider) == ("mx", "gmail")
    assert result.incoming[0].host == "imap.gmail.com"


def test_mx_to_ovh_preset(net: NetRig) -> None:
    net.zone("pme.test. 60 IN MX 1 mx1.mail.ovh.net.\npme.test. 60 IN MX 5 mx2.mail.ovh.net.")
    result = net.discover("contact@pme.test")
    assert result.source == "mx" and result.preset and result.preset.id == "ovh"
    assert result.provider is None
    assert result.incoming[0].host == "ssl0.ovh.net"


def test_mx_host_under_a_two_level_suffix_finds_its_hosts_ispdb_entry(net: NetRig) -> None:
    """The MX host's registrable domain comes from the Public Suffix List: under ``ltd.uk``
    (a suffix the old hand-kept list did not have) it is ``hebergeur.ltd.uk``, not ``ltd.uk``."""
    net.zone("client2.test. 60 IN MX 10 mx1.in.hebergeur.ltd.uk.")
    net.http.route("/ispdb/hebergeur.ltd.uk", clientconfig_xml("imap.hebergeur.ltd.uk",
                                                               "smtp.hebergeur.ltd.uk"))
    result = net.discover("jean@client2.test")
    assert result.found, [t.to_dict() for t in result.tried]
    assert result.source == "mx"
    assert result.incoming[0].host == "imap.hebergeur.ltd.uk"
    targets = [t.target for t in result.tried if t.source == "mx"]
    assert not any(t.endswith("/ltd.uk") for t in targets), targets


def test_autoconfig_receives_the_address(net: NetRig) -> None:
    setup_autoconfig(net)
    net.discover("jean+tag@auto.test")
    assert any(r.startswith(AUTOCONFIG_PATH + "?emailaddress=jean%2Btag@auto.test")
               for r in net.http.requests), net.http.requests


def test_srv_dot_target_means_not_offered(net: NetRig) -> None:
    setup_srv(net)
    result = net.discover("jean@srv.test")
    assert [(s.port, s.security) for s in result.outgoing] == [(465, "ssl")]
    assert [(s.port, s.security) for s in result.incoming] == [(993, "ssl"), (143, "starttls")]


# ---------------------------------------------------------------------------
# Best source wins; dead sources cost at most their own timeout
# ---------------------------------------------------------------------------
def test_best_source_wins_even_when_a_worse_one_answers_first(net: NetRig) -> None:
    net.zone("both.test. 60 IN A 127.0.0.1\nautoconfig.both.test. 60 IN A 127.0.0.1")
    net.http.route("/ispdb/both.test", clientconfig_xml("imap.from-ispdb.test", "smtp.x.test"))
    net.http.route(AUTOCONFIG_PATH, clientconfig_xml("imap.from-autoconfig.test",
                                                     "smtp.y.test"), delay=0.6)
    result = net.discover("jean@both.test")
    assert result.source == "autoconfig"
    assert result.incoming[0].host == "imap.from-autoconfig.test"
    times = {t.source: t.ms for t in result.tried if t.result == "found"}
    assert times["ispdb"] < times["autoconfig"]  # ISPDB really did answer first
    assert result.elapsed_ms >= 600


def test_dead_better_source_delays_only_up_to_its_timeout(net: NetRig) -> None:
    net.zone("dead.test. 60 IN A 127.0.0.1\nautoconfig.dead.test. 60 IN A 127.0.0.1")
    net.http.route("/ispdb/dead.test", clientconfig_xml("imap.ispdb.test", "smtp.ispdb.test"))
    net.http.route(AUTOCONFIG_PATH, "never", delay=30)  # accepts, then never answers
    net.source_timeout = 1.0
    start = time.monotonic()
    result = net.discover("jean@dead.test", timeout=20)
    elapsed = time.monotonic() - start
    assert result.source == "ispdb"
    assert 0.9 <= elapsed < 1.8, elapsed
    dead = [t for t in result.tried if t.source == "autoconfig"]
    assert dead and dead[0].result == "error" and dead[0].detail == "timeout"


def test_dead_worse_source_does_not_delay_at_all(net: NetRig) -> None:
    setup_autoconfig(net)
    net.http.route("/ispdb/auto.test", "never", delay=30)
    net.source_timeout = 8.0
    start = time.monotonic()
    result = net.discover("jean@auto.test", timeout=20)
    elapsed = time.monotonic() - start
    assert result.source == "autoconfig"
    assert elapsed < 1.5, elapsed
    assert not any(t.source == "ispdb" for t in result.tried)  # not waited for


def test_overall_timeout_bounds_everything(net: NetRig) -> None:
    net.zone("slow.test. 60 IN A 127.0.0.1\nautoconfig.slow.test. 60 IN A 127.0.0.1")
    net.http.route(AUTOCONFIG_PATH, "x", delay=30)
    net.http.route(WELLKNOWN_PATH, "x", delay=30)
    net.source_timeout = 30
    start = time.monotonic()
    result = net.discover("jean@slow.test", timeout=1.0)
    assert time.monotonic() - start < 1.6
    assert not result.found


def test_guessing_only_counts_when_no_configuration_source_answers(
        net: NetRig, greeter: MailGreeter) -> None:
    setup_guess(net, greeter)
    net.http.route("/ispdb/guess.test", clientconfig_xml("imap.ispdb.test", "smtp.ispdb.test"))
    result = net.discover("jean@guess.test")
    assert result.source == "ispdb"


def test_cancel(net: NetRig) -> None:
    net.zone("c.test. 60 IN A 127.0.0.1\nautoconfig.c.test. 60 IN A 127.0.0.1")
    net.http.route(AUTOCONFIG_PATH, "x", delay=30)
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    start = time.monotonic()
    with pytest.raises(PostierError) as info:
        net.discover("jean@c.test", cancel=cancel)
    assert info.value.code == "CANCELLED"
    assert time.monotonic() - start < 1.5


def _discovery_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("discover-")}


def _cancel_after(net: NetRig, settings: Settings, email: str) -> tuple[float, set[str]]:
    """Run discover, cancel it after 0.3 s: (seconds until it raised, names of its threads
    seen while it ran). Asserts that it raised CANCELLED."""
    before = _discovery_threads()
    cancel = threading.Event()
    seen: set[str] = set()
    timer = threading.Timer(0.3, lambda: (seen.update(
        t.name for t in _discovery_threads() - before), cancel.set()))
    timer.start()
    start = time.monotonic()
    with pytest.raises(PostierError) as info:
        discovery.discover(email, settings, timeout=15, cancel=cancel)
    elapsed = time.monotonic() - start
    assert info.value.code == "CANCELLED"
    # Within 1 s more, every thread this lookup started has ended.
    until = time.monotonic() + 1.0
    while _discovery_threads() - before and time.monotonic() < until:
        time.sleep(0.02)
    assert not _discovery_threads() - before, sorted(
        t.name for t in _discovery_threads() - before)
    return elapsed, seen


def test_cancel_stops_hanging_http_and_probes_at_once(net: NetRig) -> None:
    # Every HTTP source accepts and never answers; the guess ports accept and never greet.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(32)
    port = silent.getsockname()[1]
    try:
        net.guess_ports = ",".join([str(port)] * 4)
        net.zone("hang.test. 60 IN A 127.0.0.1\nautoconfig.hang.test. 60 IN A 127.0.0.1\n"
                 "imap.hang.test. 60 IN A 127.0.0.1\nsmtp.hang.test. 60 IN A 127.0.0.1")
        for path in (AUTOCONFIG_PATH, WELLKNOWN_PATH, "/ispdb/hang.test"):
            net.http.route(path, "never", delay=30)
        net.source_timeout = 7.5
        elapsed, seen = _cancel_after(net, net.settings(), "jean@hang.test")
    finally:
        silent.close()
    assert elapsed < 0.5, elapsed
    # The hanging sources were really running when cancel came, probes included.
    assert {"discover-autoconfig", "discover-well-known", "discover-ispdb",
            "discover-guess"} <= seen, seen
    assert any(name.startswith("discover-guess-probe-") for name in seen), seen


def test_cancel_stops_unanswered_dns_questions_at_once(net: NetRig) -> None:
    settings = net.settings()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as mute:
        mute.bind(("127.0.0.1", 0))  # receives queries, never answers
        dead = Settings(home=settings.home, ispdb_url=settings.ispdb_url,
                        dns_server=mute.getsockname(), autoconfig_scheme="http",
                        extra={**settings.extra, "POSTIER_DISCOVERY_SOURCE_TIMEOUT": "7.5"})
        net.http.route("/ispdb/mute.test", "never", delay=30)
        elapsed, seen = _cancel_after(net, dead, "jean@mute.test")
    assert elapsed < 0.5, elapsed
    assert {"discover-mx", "discover-srv", "discover-guess"} <= seen, seen
    assert any(name.startswith("discover-srv-") for name in seen), seen


def test_sources_left_running_are_stopped_when_the_answer_is_known(net: NetRig) -> None:
    # autoconfig answers; the worse ISPDB hangs: discover returns and the ISPDB fetch stops.
    setup_autoconfig(net)
    net.http.route("/ispdb/auto.test", "never", delay=30)
    before = _discovery_threads()
    result = net.discover("jean@auto.test", timeout=20)
    assert result.source == "autoconfig"
    until = time.monotonic() + 1.0
    while _discovery_threads() - before and time.monotonic() < until:
        time.sleep(0.02)
    assert not _discovery_threads() - before


def test_preset_domain_answers_without_touching_the_network(net: NetRig) -> None:
    net.zone("autoconfig.orange.fr. 60 IN A 127.0.0.1")
    net.http.route(AUTOCONFIG_PATH, clientconfig_xml("imap.other.test", "smtp.other.test"))
    result = net.discover("jean@orange.fr")
    assert result.source == "preset" and result.preset and result.preset.id == "orange"
    assert [t.source for t in result.tried] == ["preset"]
    assert net.http.requests == []  # the address was not sent anywhere


def test_progress_reports_every_tried_entry(net: NetRig) -> None:
    setup_ispdb(net)
    seen: list[discovery.Tried] = []
    result = net.discover("jean@ispdb.test", progress=seen.append)
    assert seen == result.tried and seen


# ---------------------------------------------------------------------------
# Guessing details: STARTTLS, plain-only, untrusted certificates
# ---------------------------------------------------------------------------
def test_guess_probes_tls_and_starttls(net: NetRig, greeter: MailGreeter) -> None:
    setup_guess(net, greeter)
    result = net.discover("jean@guess.test")
    imaps, imap, smtps, submission = greeter.ports
    assert [(s.host, s.port, s.security) for s in result.incoming] == [
        ("imap.guess.test", imaps, "ssl"), ("imap.guess.test", imap, "starttls")]
    assert [(s.host, s.port, s.security) for s in result.outgoing] == [
        ("smtp.guess.test", smtps, "ssl"), ("smtp.guess.test", submission, "starttls")]
    assert result.auth == ["password"] and result.incoming[0].username == "jean@guess.test"
    found = [t for t in result.tried if t.source == "guess" and t.result == "found"]
    assert any("STARTTLS" in t.detail or "AUTH" in t.detail for t in found)


def test_guess_notes_plain_only_ports_but_never_first(net: NetRig, ca) -> None:
    plain = MailGreeter(ca[0], ["imap.plain.test", "smtp.plain.test"], plain=True)
    try:
        net.guess_ports = plain.ports_text
        net.zone("imap.plain.test. 60 IN A 127.0.0.1\nsmtp.plain.test. 60 IN A 127.0.0.1")
        result = net.discover("jean@plain.test")
    finally:
        plain.stop()
    assert result.source == "guess"
    assert result.incoming[0].security == "ssl"
    assert result.incoming[-1].security == "plain"
    assert result.outgoing[0].security == "ssl" and result.outgoing[-1].security == "plain"
    assert any("plain only" in t.detail for t in result.tried)


def test_guess_untrusted_certificate_is_kept_after_trusted_ones(
        net: NetRig, greeter: MailGreeter) -> None:
    setup_guess(net, greeter)
    settings = net.settings()
    untrusting = Settings(home=settings.home, ispdb_url=settings.ispdb_url,
                          dns_server=settings.dns_server, ca_file=None,
                          autoconfig_scheme="http", extra=settings.extra)
    result = discovery.discover("jean@guess.test", untrusting, timeout=10)
    assert result.source == "guess"  # the user can still pin the certificate in check
    details = [t.detail for t in result.tried if t.source == "guess" and t.result == "found"]
    assert details and all("CERT_UNTRUSTED" in d for d in details), details


# ---------------------------------------------------------------------------
# Bad input and broken servers never crash
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("email", ["", "jean", "jean@", "@exemple.fr", "a@b@c", "jean@exemple",
                                   "je an@exemple.fr", "jean@exem ple.fr", "jean@-bad.fr",
                                   "jean@1.2.3.4", "jean..x@exemple.fr", "x" * 70 + "@a.fr"])
def test_malformed_email_is_invalid_email(net: NetRig, email: str) -> None:
    with pytest.raises(InputError) as info:
        net.discover(email)
    assert info.value.code == "INVALID_EMAIL"


def test_unicode_domain_is_accepted_as_idna(net: NetRig) -> None:
    result = net.discover("jean@café.test")
    assert result.domain == "xn--caf-dma.test" and not result.found


@pytest.mark.parametrize("body", [
    b"<html><body>Welcome to nginx</body></html>",
    b"\x00\xff\xfe garbage \x89PNG",
    b"<clientConfig><emailProvider><incomingServer type='imap'>",
    (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY l2 "&lol;&lol;">]>'
     b"<clientConfig>&l2;</clientConfig>"),
])
def test_garbage_xml_is_an_error_entry_not_a_crash(net: NetRig, body: bytes) -> None:
    net.http.route("/ispdb/junk.test", body)
    result = net.discover("jean@junk.test")
    assert not result.found
    entry = next(t for t in result.tried if t.source == "ispdb")
    assert entry.result == "error" and "invalid configuration file" in entry.detail


def test_http_500_then_other_source(net: NetRig) -> None:
    setup_autoconfig(net)
    net.http.route("/ispdb/auto.test", "boom", status=500)
    result = net.discover("jean@auto.test")
    assert result.source == "autoconfig"
    net.http.route(AUTOCONFIG_PATH, "boom", status=500)
    result = net.discover("jean@auto.test")
    assert not result.found
    errors = {t.source: t.detail for t in result.tried if t.result == "error"}
    assert "HTTP 500" in errors["autoconfig"] and "HTTP 500" in errors["ispdb"]


def test_unresolvable_domain_is_not_found_quickly(net: NetRig) -> None:
    start = time.monotonic()
    result = net.discover("jean@nowhere.test")
    assert not result.found and time.monotonic() - start < 2
    assert {t.source for t in result.tried} >= {"preset", "autoconfig", "well-known", "ispdb",
                                                 "mx", "srv", "guess"}
    assert all(t.result in ("not_found", "error") for t in result.tried)
    text = discovery.format_text(result)
    assert "No settings were found" in text and "nowhere.test" in text


def test_dead_dns_server_is_an_error_not_a_hang(net: NetRig) -> None:
    settings = net.settings()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))  # receives queries, never answers
        dead = Settings(home=settings.home, ispdb_url=settings.ispdb_url,
                        dns_server=silent.getsockname(), autoconfig_scheme="http",
                        extra={**settings.extra, "POSTIER_DISCOVERY_SOURCE_TIMEOUT": "1"})
        start = time.monotonic()
        result = discovery.discover("jean@exemple.test", dead, timeout=5)
    assert not result.found and time.monotonic() - start < 2.5


def test_junk_speaking_server_on_guess_port(net: NetRig) -> None:
    junk = socket.socket()
    junk.bind(("127.0.0.1", 0))
    junk.listen()
    port = junk.getsockname()[1]

    def serve() -> None:
        while True:
            try:
                conn, _ = junk.accept()
            except OSError:
                return
            conn.sendall(b"\x16\x03\x01\x00\xff\x00binary junk\r\n" * 3)
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    try:
        net.guess_ports = f"{port},{port},{port},{port}"
        net.zone("imap.junk.test. 60 IN A 127.0.0.1\nsmtp.junk.test. 60 IN A 127.0.0.1")
        result = net.discover("jean@junk.test")
    finally:
        junk.close()
    assert not result.found
    assert any(t.source == "guess" and t.result in ("error", "not_found") for t in result.tried)


# ---------------------------------------------------------------------------
# clientConfig parser (pure)
# ---------------------------------------------------------------------------
def test_parser_orders_imap_before_pop_and_never_plain_first() -> None:
    xml = """<clientConfig><emailProvider id="x">
      <incomingServer type="pop3"><hostname>pop.x.fr</hostname><port>995</port>
        <socketType>SSL</socketType><username>%EMAILADDRESS%</username></incomingServer>
      <incomingServer type="imap"><hostname>imap.x.fr</hostname><port>143</port>
        <socketType>plain</socketType><username>%EMAILADDRESS%</username></incomingServer>
      <incomingServer type="imap"><hostname>imap.x.fr</hostname>
        <socketType>STARTTLS</socketType><username>%EMAILADDRESS%</username></incomingServer>
      <incomingServer type="exchange"><hostname>ews.x.fr</hostname>
        <socketType>SSL</socketType></incomingServer>
      <outgoingServer type="smtp"><hostname>smtp.x.fr</hostname><port>25</port>
        <socketType>plain</socketType></outgoingServer>
      <outgoingServer type="smtp"><hostname>smtp.x.fr</hostname><port>465</port>
        <socketType>SSL</socketType><authentication>password-encrypted</authentication>
      </outgoingServer>
    </emailProvider></clientConfig>"""
    config = parse_clientconfig(xml, "a@x.fr")
    assert [(s.protocol, s.port, s.security) for s in config.incoming] == [
        ("imap", 143, "starttls"), ("pop3", 995, "ssl"), ("imap", 143, "plain")]
    assert [(s.port, s.security) for s in config.outgoing] == [(465, "ssl"), (25, "plain")]
    assert config.outgoing[0].username == "a@x.fr"  # no <username>: the address
    assert config.auth == ("password",)


def test_parser_enable_instructions() -> None:
    xml = clientconfig_xml("imap.gmx.test", "mail.gmx.test", extra="").replace(
        "</emailProvider>",
        '<enable visiturl="https://hilfe.gmx.test/einschalten.html">'
        "<instruction>You must allow access via POP3 &amp; IMAP once!</instruction>"
        '<instruction lang="de">Sie müssen den Zugriff erlauben!</instruction>'
        "</enable></emailProvider>")
    config = parse_clientconfig(xml, "a@gmx.test")
    assert config.enable_url == "https://hilfe.gmx.test/einschalten.html"
    assert config.instructions == {"": "You must allow access via POP3 & IMAP once!",
                                   "de": "Sie müssen den Zugriff erlauben!"}


def test_enable_instructions_reach_the_result(net: NetRig) -> None:
    xml = clientconfig_xml("imap.ispdb.test", "smtp.ispdb.test").replace(
        "</emailProvider>", '<enable visiturl="https://x.test/on"><instruction lang="en">'
        "Turn IMAP on first</instruction></enable></emailProvider>")
    net.http.route("/ispdb/ispdb.test", xml)
    result = net.discover("jean@ispdb.test")
    assert result.to_dict()["enable_url"] == "https://x.test/on"
    assert result.instructions == {"en": "Turn IMAP on first"}
    assert "Turn IMAP on first https://x.test/on" in discovery.format_text(result)


def test_parser_namespaced_and_oauth2() -> None:
    xml = """<clientConfig xmlns="urn:x"><emailProvider id="g">
      <incomingServer type="imap"><hostname>imap.g.com</hostname><port>993</port>
        <socketType>SSL</socketType><authentication>OAuth2</authentication></incomingServer>
      <outgoingServer type="smtp"><hostname>smtp.g.com</hostname><port>465</port>
        <socketType>SSL</socketType><authentication>OAuth2</authentication></outgoingServer>
    </emailProvider><oAuth2><issuer>accounts.google.com</issuer></oAuth2></clientConfig>"""
    config = parse_clientconfig(xml, "a@g.com")
    assert config.auth == ("oauth2",)
    assert config.oauth2["issuer"] == "accounts.google.com"


@pytest.mark.parametrize("doc", ["", "<a/>", "<clientConfig/>", "not xml at all",
                                 "<clientConfig><emailProvider/></clientConfig>"])
def test_parser_rejects_unusable_documents(doc: str) -> None:
    with pytest.raises(ClientConfigError):
        parse_clientconfig(doc, "a@b.fr")


def test_pop_only_file_is_not_an_answer(net: NetRig) -> None:
    pop_only = clientconfig_xml("imap.x.test", "smtp.x.test").replace('type="imap"',
                                                                       'type="pop3"')
    net.http.route("/ispdb/pop.test", pop_only)
    result = net.discover("jean@pop.test")
    assert not result.found
    entry = next(t for t in result.tried if t.source == "ispdb")
    assert entry.result == "not_found" and "no IMAP" in entry.detail


def test_https_autoconfig_verifies_the_certificate(net: NetRig, ca) -> None:
    """The real-world path: https, name resolved through Postier's resolver, certificate
    checked against the name (SNI) — trusted CA answers, unknown CA is an error entry."""
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca[0].issue_cert("autoconfig.secure.test", "secure.test").configure_cert(tls)
    https = LocalHTTP()
    https.httpd.socket = tls.wrap_socket(https.httpd.socket, server_side=True)
    https.start()
    try:
        https.route(AUTOCONFIG_PATH, clientconfig_xml("imap.secure.test", "smtp.secure.test"))
        net.zone("autoconfig.secure.test. 60 IN A 127.0.0.1")
        base = net.settings()
        extra = {**base.extra, "POSTIER_AUTOCONFIG_PORT": str(https.port)}
        trusted = Settings(home=base.home, ispdb_url=base.ispdb_url,
                           dns_server=base.dns_server, ca_file=base.ca_file,
                           autoconfig_scheme="https", extra=extra)
        result = discovery.discover("jean@secure.test", trusted, timeout=10)
        assert (result.source, result.incoming[0].host) == ("autoconfig", "imap.secure.test")
        untrusted = Settings(home=base.home, ispdb_url=base.ispdb_url,
                             dns_server=base.dns_server, ca_file=None,
                             autoconfig_scheme="https", extra=extra)
        result = discovery.discover("jean@secure.test", untrusted, timeout=10)
        assert not result.found
        entry = next(t for t in result.tried if t.source == "autoconfig")
        assert entry.result == "error" and "CERT_UNTRUSTED" in entry.detail
    finally:
        https.stop()
