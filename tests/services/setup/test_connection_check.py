"""Account check against real Dovecot/Postfix (the rig) and deliberately broken servers.

Every error code of CLI.md that can be produced on one machine is asserted here against
a server that really behaves that way.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from app.services.config import Settings
from app.services.mail.auth import Credential
from app.services.setup.connection_check import CheckResult, Step, check_account, format_text
from app.services.setup.endpoint import Endpoint
from tests.support import misbehaving_server as ms
from tests.support.dns_server import local_dns
from tests.support.rig import free_port

ALICE = "alice@example.test"
FAST = 5.0  # timeout for checks expected to finish well before it


@pytest.fixture
def rig_settings(rig, tmp_path: Path) -> Settings:
    return Settings(home=tmp_path, ca_file=rig.ca_file)


@pytest.fixture
def bad_settings(bad_servers, tmp_path: Path) -> Settings:
    return Settings(home=tmp_path, ca_file=bad_servers.ca_file)


def pw(user: str = ALICE, secret: str = "secret") -> Credential:
    return Credential(user, secret)


def server_steps(result: CheckResult, server: str) -> list[str]:
    return [s.step for s in result.steps if s.server == server]


def failed_step(result: CheckResult, server: str) -> Step:
    failed = [s for s in result.steps if s.server == server and not s.ok]
    assert len(failed) == 1, result.steps
    return failed[0]


# ---------------------------------------------------------------------------
# Real servers: success paths
# ---------------------------------------------------------------------------
def test_implicit_tls_account_passes_with_every_step_timed(rig, rig_settings) -> None:
    seen: list[Step] = []
    result = check_account(ALICE, pw(), rig_settings, imap=rig.imaps, smtp=rig.smtps,
                           timeout=FAST, progress=seen.append)
    assert result.ok, format_text(result)
    assert result.error is None
    assert server_steps(result, "imap") == ["resolve", "connect", "tls", "greeting", "login",
                                            "select"]
    assert server_steps(result, "smtp") == ["resolve", "connect", "tls", "greeting", "login",
                                            "send_test"]
    assert all(s.ok and s.ms >= 0 and s.code is None for s in result.steps)
    assert sorted(map(id, seen)) == sorted(map(id, result.steps))  # progress saw every step
    for server in ("imap", "smtp"):
        info = result.tls[server]
        assert info.version in ("TLSv1.2", "TLSv1.3")
        assert "Postier rig CA" in info.issuer
        assert len(info.sha256) == 64
    assert result.incoming == rig.imaps and result.outgoing == rig.smtps


def test_starttls_account_passes(rig, rig_settings) -> None:
    result = check_account(ALICE, pw(), rig_settings, imap=rig.imap_starttls,
                           smtp=rig.submission, timeout=FAST)
    assert result.ok, format_text(result)
    assert server_steps(result, "imap") == ["resolve", "connect", "greeting", "starttls",
                                            "login", "select"]
    assert server_steps(result, "smtp") == ["resolve", "connect", "greeting", "starttls",
                                            "login", "send_test"]
    assert result.tls["smtp"].version in ("TLSv1.2", "TLSv1.3")


def test_strict_server_and_non_ascii_password(rig, rig_settings) -> None:
    # 127.0.0.2 advertises LOGINDISABLED before STARTTLS; zoe's password has an accent.
    zoe = "zoe@example.test"
    result = check_account(zoe, pw(zoe, rig.users[zoe]), rig_settings, imap=rig.imap_strict,
                           smtp=rig.submission, timeout=FAST)
    assert result.ok, format_text(result)


def test_plain_endpoint_is_upgraded_when_the_server_offers_starttls(
        rig, rig_settings) -> None:
    plain = Endpoint(rig.imap_starttls.host, rig.imap_starttls.port, "plain")
    result = check_account(ALICE, pw(), rig_settings, imap=plain, smtp=rig.submission,
                           timeout=FAST)
    assert result.ok, format_text(result)
    assert result.incoming.security == "starttls"  # what gets stored is the safe form


def test_result_json_has_the_cli_contract_keys_and_no_secret(rig, rig_settings) -> None:
    result = check_account(ALICE, pw(secret="secret"), rig_settings, imap=rig.imaps,
                           smtp=rig.submission, timeout=FAST)
    data = json.loads(json.dumps(result.to_dict()))
    assert {"ok", "email", "incoming", "outgoing", "steps", "tls", "error"} <= set(data)
    assert set(data["incoming"]) == {"host", "port", "security"}
    assert set(data["steps"][0]) == {"server", "step", "ok", "ms", "detail", "code", "reply"}
    assert {"version", "cipher", "subject", "issuer", "not_after", "sha256"} <= set(
        data["tls"]["imap"])
    assert "secret" not in json.dumps(data) and "secret" not in format_text(result)


# ---------------------------------------------------------------------------
# Real servers: failures
# ---------------------------------------------------------------------------
def test_wrong_password_is_auth_failed_on_both_servers_with_raw_replies(
        rig, rig_settings) -> None:
    result = check_account(ALICE, pw(secret="wrong"), rig_settings, imap=rig.imaps,
                           smtp=rig.smtps, timeout=FAST)
    assert not result.ok
    assert result.error.code == "AUTH_FAILED" and result.error.server == "imap"
    assert "AUTHENTICATIONFAILED" in failed_step(result, "imap").reply
    smtp_fail = failed_step(result, "smtp")
    assert smtp_fail.step == "login" and smtp_fail.code == "AUTH_FAILED"
    assert smtp_fail.reply.startswith("535")


def test_unencrypted_only_server_is_refused_before_any_password(
        rig, rig_settings, bad_servers) -> None:
    result = check_account(ALICE, pw(), rig_settings, imap=rig.imap_plaintext,
                           smtp=rig.submission, timeout=FAST)
    assert result.error.code == "PLAINTEXT_REFUSED"
    assert failed_step(result, "imap").step == "starttls"
    # Same with a server that records what it received: no LOGIN ever arrives.
    plain = bad_servers.start("imap")
    result = check_account(ALICE, pw(), rig_settings, imap=plain.endpoint, smtp=rig.submission,
                           timeout=FAST)
    assert result.error.code == "PLAINTEXT_REFUSED"
    assert not any("LOGIN" in c.upper() or "AUTH" in c.upper() for c in plain.commands)


def test_sender_not_owned_by_the_login_is_sender_rejected(rig, rig_settings) -> None:
    result = check_account("bob@example.test", pw(ALICE), rig_settings, imap=rig.imaps,
                           smtp=rig.submission, timeout=FAST)
    assert result.error.code == "SENDER_REJECTED" and result.error.server == "smtp"
    step = failed_step(result, "smtp")
    assert step.step == "send_test" and step.reply.startswith("553")


def test_untrusted_real_server_reports_certificate_then_pin_trusts_it(
        rig, tmp_path: Path) -> None:
    no_ca = Settings(home=tmp_path)  # the rig's CA is not in the system store
    result = check_account(ALICE, pw(), no_ca, imap=rig.imaps, smtp=rig.smtps, timeout=FAST)
    assert result.error.code == "CERT_UNTRUSTED"
    assert failed_step(result, "imap").step == "tls"
    cert = result.certificates["imap"]
    assert {"subject", "issuer", "not_before", "not_after", "sha256", "san"} <= set(cert)
    assert "127.0.0.1" in cert["san"]
    pinned = check_account(ALICE, pw(), no_ca, imap=rig.imaps, smtp=rig.smtps, timeout=FAST,
                           pin=cert["sha256"])
    assert pinned.ok, format_text(pinned)
    assert pinned.tls["imap"].sha256 == cert["sha256"]
    assert any("pinned" in s.detail for s in pinned.steps if s.step == "tls")
    assert server_steps(pinned, "imap") == ["resolve", "connect", "tls", "greeting", "login",
                                            "select"]  # the refused first try is not listed


def test_oauth2_against_a_password_only_server_is_auth_method_unsupported(
        rig, rig_settings) -> None:
    token = Credential(ALICE, "some-token", kind="oauth2")
    result = check_account(ALICE, token, rig_settings, imap=rig.imaps, smtp=rig.smtps,
                           timeout=FAST)
    assert {e.code for e in result.errors.values()} == {"AUTH_METHOD_UNSUPPORTED"}
    assert "AUTH=PLAIN" in failed_step(result, "imap").reply


def test_connect_refused(rig_settings) -> None:
    port = free_port()
    closed = Endpoint("127.0.0.1", port, "ssl")
    result = check_account(ALICE, pw(), rig_settings, imap=closed, smtp=closed, timeout=FAST)
    assert result.error.code == "CONNECT_REFUSED"
    assert failed_step(result, "smtp").step == "connect"


def test_unknown_host_is_dns_not_found(tmp_path: Path) -> None:
    with local_dns("mail.example.test. 60 IN A 127.0.0.1\n") as dns:
        settings = Settings(home=tmp_path, dns_server=(dns.host, dns.port))
        nowhere = Endpoint("imap.nowhere.test", 993, "ssl")
        result = check_account(ALICE, pw(), settings, imap=nowhere,
                               smtp=Endpoint("smtp.nowhere.test", 465, "ssl"), timeout=FAST)
    assert result.error.code == "DNS_NOT_FOUND"
    assert failed_step(result, "imap").step == "resolve"


def test_host_name_resolved_through_configured_dns(rig, tmp_path: Path) -> None:
    zone = "mail.example.test. 60 IN A 127.0.0.1\n"
    with local_dns(zone) as dns:
        settings = Settings(home=tmp_path, dns_server=(dns.host, dns.port), ca_file=rig.ca_file)
        result = check_account(ALICE, pw(), settings,
                               imap=Endpoint("mail.example.test", rig.imaps.port, "ssl"),
                               smtp=Endpoint("mail.example.test", rig.smtps.port, "ssl"),
                               timeout=FAST)
    assert result.ok, format_text(result)


def test_network_unreachable(rig_settings) -> None:
    # The limited broadcast address has no TCP route: the kernel answers ENETUNREACH.
    nowhere = Endpoint("255.255.255.255", 993, "ssl")
    result = check_account(ALICE, pw(), rig_settings, imap=nowhere, smtp=nowhere, timeout=FAST)
    assert result.error.code == "NETWORK_UNREACHABLE"


def test_untrusted_starttls_servers_report_their_certificates_for_a_pin(
        rig, tmp_path: Path) -> None:
    """The certificate of a STARTTLS port is read by talking IMAP/SMTP up to STARTTLS."""
    no_ca = Settings(home=tmp_path)
    result = check_account(ALICE, pw(), no_ca, imap=rig.imap_starttls, smtp=rig.submission,
                           timeout=FAST)
    for server in ("imap", "smtp"):
        assert result.errors[server].code == "CERT_UNTRUSTED"
        assert failed_step(result, server).step == "starttls"
        assert "127.0.0.1" in result.certificates[server]["san"]
    pinned = check_account(ALICE, pw(), no_ca, imap=rig.imap_starttls, smtp=rig.submission,
                           timeout=FAST, pin=result.certificates["imap"]["sha256"])
    assert pinned.ok, format_text(pinned)


# ---------------------------------------------------------------------------
# Broken servers
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("kind,code", [
    ("tls10", "TLS_TOO_OLD"),
    ("self_signed", "CERT_UNTRUSTED"),
    ("expired", "CERT_EXPIRED"),
    ("wrong_host", "CERT_HOSTNAME_MISMATCH"),
])
@pytest.mark.parametrize("protocol", ["imap", "smtp"])
def test_tls_defects(bad_servers, bad_settings, kind: str, code: str,
                     protocol: str) -> None:
    broken = getattr(bad_servers, kind)(protocol)
    good = bad_servers.smtps() if protocol == "imap" else bad_servers.imaps()
    imap, smtp = (broken, good) if protocol == "imap" else (good, broken)
    result = check_account(ALICE, pw(), bad_settings, imap=imap.endpoint, smtp=smtp.endpoint,
                           timeout=FAST)
    assert result.error.code == code and result.error.server == protocol
    assert failed_step(result, protocol).step == "tls"
    assert not any("AUTH" in c.upper() or "LOGIN" in c.upper() for c in broken.commands)
    other = "smtp" if protocol == "imap" else "imap"
    assert other not in result.errors  # the healthy server still passed
    if code.startswith("CERT_"):
        assert len(result.certificates[protocol]["sha256"]) == 64


def test_expired_certificate_over_starttls(bad_servers, bad_settings) -> None:
    broken = bad_servers.start("smtp", starttls=bad_servers.expired_ctx)
    result = check_account(ALICE, pw(), bad_settings, imap=bad_servers.imaps().endpoint,
                           smtp=broken.endpoint, timeout=FAST)
    assert result.error.code == "CERT_EXPIRED"
    assert failed_step(result, "smtp").step == "starttls"
    cert = result.certificates["smtp"]  # fetched through STARTTLS for the trust dialog
    assert cert["not_after"] < time.strftime("%Y-%m-%d")


def test_pin_of_a_self_signed_server(bad_servers, bad_settings) -> None:
    server = bad_servers.self_signed("imap")
    first = check_account(ALICE, pw(), bad_settings, imap=server.endpoint,
                          smtp=bad_servers.smtps().endpoint, timeout=FAST)
    sha = first.certificates["imap"]["sha256"]
    again = check_account(ALICE, pw(), bad_settings, imap=server.endpoint,
                          smtp=bad_servers.smtps().endpoint, timeout=FAST, imap_pin=sha)
    assert again.ok, format_text(again)
    wrong_pin = "ab" * 32
    refused = check_account(ALICE, pw(), bad_settings, imap=server.endpoint,
                            smtp=bad_servers.smtps().endpoint, timeout=FAST, imap_pin=wrong_pin)
    assert refused.error.code == "CERT_UNTRUSTED"


def test_starttls_missing_is_starttls_unsupported(bad_servers, bad_settings) -> None:
    imap = bad_servers.start("imap")  # plain IMAP, no STARTTLS capability
    smtp = bad_servers.start("smtp")  # plain SMTP, no STARTTLS in EHLO
    result = check_account(ALICE, pw(), bad_settings, imap=imap.endpoint_as("starttls"),
                           smtp=smtp.endpoint_as("starttls"), timeout=FAST)
    assert {s: e.code for s, e in result.errors.items()} == {
        "imap": "STARTTLS_UNSUPPORTED", "smtp": "STARTTLS_UNSUPPORTED"}
    assert "CAPABILITY" in failed_step(result, "imap").reply


def test_silent_server_times_out_at_the_deadline(bad_servers, bad_settings) -> None:
    silent = bad_servers.silent("imap")
    started = time.monotonic()
    result = check_account(ALICE, pw(), bad_settings, imap=silent.endpoint,
                           smtp=bad_servers.silent("smtp").endpoint, timeout=1.0)
    elapsed = time.monotonic() - started
    assert 0.9 <= elapsed < 2.0
    assert {e.code for e in result.errors.values()} == {"TIMEOUT"}
    assert failed_step(result, "imap").step == "greeting"
    # Neither a greeting nor TLS: the hint still names the implicit-TLS ports.
    assert "SSL/TLS" in result.error.hint and "993" in result.error.hint


def test_cancel_stops_at_once(bad_servers, bad_settings) -> None:
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()
    result = check_account(ALICE, pw(), bad_settings, imap=bad_servers.silent("imap").endpoint,
                           smtp=bad_servers.silent("smtp").endpoint, timeout=30, cancel=cancel)
    assert time.monotonic() - started < 1.5
    assert result.error.code == "CANCELLED" and not result.ok


@pytest.mark.parametrize("protocol", ["imap", "smtp"])
@pytest.mark.parametrize("tls", [False, True])
def test_binary_junk_is_protocol_error(bad_servers, bad_settings, protocol: str,
                                       tls: bool) -> None:
    junk = bad_servers.junk(protocol, tls=tls)
    endpoint = junk.endpoint_as("ssl" if tls else "starttls")
    other = bad_servers.smtps() if protocol == "imap" else bad_servers.imaps()
    kwargs = {"imap": endpoint, "smtp": other.endpoint} if protocol == "imap" else \
        {"imap": other.endpoint, "smtp": endpoint}
    result = check_account(ALICE, pw(), bad_settings, timeout=FAST, **kwargs)
    assert result.error.code == "PROTOCOL_ERROR"
    assert failed_step(result, protocol).step == "greeting"
    assert "\\x0" in failed_step(result, protocol).reply  # raw bytes shown, escaped
    format_text(result)


PROVIDER_CASES = [
    ("imap", {"login_reply": ms.GMAIL_IMAP_APP_PASSWORD}, "login", "APP_PASSWORD_REQUIRED"),
    ("smtp", {"login_reply": ms.GMAIL_SMTP_APP_PASSWORD}, "login", "APP_PASSWORD_REQUIRED"),
    ("imap", {"login_reply": ms.GMAIL_IMAP_DISABLED}, "login", "IMAP_DISABLED"),
    ("imap", {"select_reply": ms.MS_IMAP_NOT_CONNECTED}, "select", "IMAP_DISABLED"),
    ("smtp", {"login_reply": ms.MS_SMTP_BASIC_AUTH_DISABLED}, "login", "BASIC_AUTH_DISABLED"),
    ("smtp", {"login_reply": ms.MS_SMTP_AUTH_DISABLED_TENANT}, "login", "SMTP_AUTH_DISABLED"),
    ("smtp", {"login_reply": ms.MS_SMTP_CLIENT_NOT_AUTHENTICATED}, "login",
     "SMTP_AUTH_DISABLED"),
    ("smtp", {"mail_reply": ms.MS_SMTP_CLIENT_NOT_AUTHENTICATED}, "send_test",
     "SMTP_AUTH_DISABLED"),
    ("smtp", {"login_reply": ms.GMAIL_SMTP_WEB_LOGIN}, "login", "WEB_LOGIN_REQUIRED"),
    ("imap", {"login_reply": ms.GMAIL_IMAP_WEB_LOGIN}, "login", "WEB_LOGIN_REQUIRED"),
    ("smtp", {"mail_reply": "553 5.7.1 Sender address rejected: not owned by user"},
     "send_test", "SENDER_REJECTED"),
]


@pytest.mark.parametrize("protocol,replies,step,code", PROVIDER_CASES,
                         ids=[f"{c[0]}-{c[3]}-{c[2]}" for c in PROVIDER_CASES])
def test_provider_replies(bad_servers, bad_settings, protocol: str, replies: dict,
                          step: str, code: str) -> None:
    if protocol == "imap":
        imap, smtp = bad_servers.imaps(**replies), bad_servers.smtps()
    else:
        imap, smtp = bad_servers.imaps(), bad_servers.smtps(**replies)
    result = check_account(ALICE, pw(), bad_settings, imap=imap.endpoint, smtp=smtp.endpoint,
                           timeout=FAST)
    assert result.error.code == code and result.error.server == protocol
    failed = failed_step(result, protocol)
    assert failed.step == step
    verbatim = next(iter(replies.values())).split("\r\n")[0].split(" ", 1)[1][:30]
    assert verbatim.replace("-", " ")[:20] in failed.reply.replace("-", " ")


def test_oauth2_xoauth2_only_servers(bad_servers, bad_settings) -> None:
    imap, smtp = bad_servers.oauth_only_imap(), bad_servers.oauth_only_smtp()
    good = Credential(ALICE, ms.GOOD_TOKEN, kind="oauth2")
    result = check_account(ALICE, good, bad_settings, imap=imap.endpoint, smtp=smtp.endpoint,
                           timeout=FAST)
    assert result.ok, format_text(result)
    assert "XOAUTH2" in next(s.detail for s in result.steps if s.step == "login")
    bad = check_account(ALICE, Credential(ALICE, "expired-token", kind="oauth2"), bad_settings,
                        imap=imap.endpoint, smtp=smtp.endpoint, timeout=FAST)
    assert {e.code for e in bad.errors.values()} == {"AUTH_FAILED"}
    password = check_account(ALICE, pw(), bad_settings, imap=imap.endpoint,
                             smtp=smtp.endpoint, timeout=FAST)
    assert {e.code for e in password.errors.values()} == {"AUTH_METHOD_UNSUPPORTED"}
    assert "LOGINDISABLED" in failed_step(password, "imap").reply


def test_imap_and_smtp_run_concurrently(bad_servers, bad_settings) -> None:
    # Two silent servers with a 1 s deadline: sequential checks would take 2 s.
    started = time.monotonic()
    check_account(ALICE, pw(), bad_settings, imap=bad_servers.silent("imap").endpoint,
                  smtp=bad_servers.silent("smtp").endpoint, timeout=1.0)
    assert time.monotonic() - started < 1.8


def test_discovery_failure_is_not_found(tmp_path: Path) -> None:
    with local_dns("") as dns:
        settings = Settings(home=tmp_path, dns_server=(dns.host, dns.port),
                            ispdb_url="http://127.0.0.1:9/", autoconfig_scheme="http")
        result = check_account("jean@nowhere.test", pw("jean@nowhere.test"), settings,
                               timeout=3)
    assert not result.ok and result.error.code == "NOT_FOUND"
    assert result.to_dict()["error"]["code"] == "NOT_FOUND"


def test_without_endpoints_the_check_uses_discovery(rig, tmp_path: Path) -> None:
    from tests.support.http_server import LocalHTTP

    xml = f"""<clientConfig version="1.1"><emailProvider id="example.test">
<domain>example.test</domain>
<incomingServer type="imap"><hostname>127.0.0.1</hostname><port>{rig.imaps.port}</port>
<socketType>SSL</socketType><username>%EMAILADDRESS%</username>
<authentication>password-cleartext</authentication></incomingServer>
<outgoingServer type="smtp"><hostname>127.0.0.1</hostname><port>{rig.submission.port}</port>
<socketType>STARTTLS</socketType><username>%EMAILADDRESS%</username>
<authentication>password-cleartext</authentication></outgoingServer>
</emailProvider></clientConfig>"""
    http = LocalHTTP().start()
    try:
        http.httpd.routes["/ispdb/example.test"] = (200, xml.encode())
        with local_dns("") as dns:
            settings = Settings(home=tmp_path, ispdb_url=f"{http.base_url}/ispdb/",
                                dns_server=(dns.host, dns.port), ca_file=rig.ca_file,
                                autoconfig_scheme="http")
            result = check_account(ALICE, pw(), settings, timeout=10)
    finally:
        http.stop()
    assert result.ok, format_text(result)
    assert result.incoming == rig.imaps and result.outgoing == rig.submission
    assert result.discovery["source"] == "ispdb"


def test_tls_on_a_cleartext_port_is_tls_handshake_failed(rig, rig_settings) -> None:
    # A frequent mistake: "SSL/TLS" chosen for a STARTTLS port (the server greets in clear).
    wrong = Endpoint(rig.imap_starttls.host, rig.imap_starttls.port, "ssl")
    result = check_account(ALICE, pw(), rig_settings, imap=wrong, smtp=rig.smtps, timeout=FAST)
    assert result.error.code == "TLS_HANDSHAKE_FAILED"
    assert failed_step(result, "imap").step == "tls"
    assert "smtp" not in result.errors


@pytest.mark.parametrize("server", ["imap", "smtp"])
def test_starttls_on_an_implicit_tls_port_is_said_early_and_precisely(
        rig, rig_settings, server: str) -> None:
    # Dovecot's IMAPS / Postfix's SMTPS port waits for a TLS hello while a STARTTLS client
    # waits for a greeting: detected by a TLS handshake on a second connection, long
    # before the 20 s deadline.
    implicit = rig.imaps if server == "imap" else rig.smtps
    wrong = Endpoint(implicit.host, implicit.port, "starttls")
    kwargs = {"imap": wrong, "smtp": rig.smtps} if server == "imap" else \
        {"imap": rig.imaps, "smtp": wrong}
    started = time.monotonic()
    result = check_account(ALICE, pw(), rig_settings, timeout=20, **kwargs)
    elapsed = time.monotonic() - started
    assert elapsed < 4.0, elapsed
    assert set(result.errors) == {server}  # the other server, rightly set, passed
    error = result.errors[server]
    assert error.code == "TLS_HANDSHAKE_FAILED"
    assert error.message == ("This port expects SSL/TLS from the start: choose SSL/TLS "
                             "instead of STARTTLS.")
    usual = "993" if server == "imap" else "465"
    assert f"Port {implicit.port} " in error.hint and usual in error.hint
    step = failed_step(result, server)
    assert step.step == "greeting" and step.code == "TLS_HANDSHAKE_FAILED"
    assert "TLSv1." in step.reply and "no greeting" in step.reply
    assert "TLS_HANDSHAKE_FAILED" in format_text(result)


def test_slow_greeting_in_clear_still_passes_after_the_tls_probe(
        bad_servers, bad_settings) -> None:
    # A STARTTLS server that greets after the grace is not mistaken for an implicit-TLS
    # port: the probe's handshake fails (it greets in clear there too) and the check goes on.
    slow = bad_servers.start("imap", starttls=bad_servers.good_ctx, greeting_delay=2.2)
    assert slow.endpoint.security == "starttls"
    result = check_account(ALICE, pw(), bad_settings, imap=slow.endpoint,
                           smtp=bad_servers.smtps().endpoint, timeout=8)
    assert result.ok, format_text(result)
    assert slow.connections == 2  # the check's own and the TLS probe's


def test_malformed_address_is_refused_before_any_connection(bad_servers, bad_settings) -> None:
    from app.services.errors import InputError

    imap = bad_servers.imaps()
    for bad in ("not-an-address", "jean@", "@exemple.fr", "jean@@exemple.fr"):
        with pytest.raises(InputError) as info:
            check_account(bad, pw(), bad_settings, imap=imap.endpoint,
                          smtp=bad_servers.smtps().endpoint, timeout=FAST)
        assert info.value.code == "INVALID_EMAIL"
    with pytest.raises(InputError):
        check_account(ALICE, pw(), bad_settings, imap=imap.endpoint, smtp=imap.endpoint,
                      pin="not-a-fingerprint")
    assert imap.connections == 0
