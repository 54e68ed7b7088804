"""The diagnostics report: complete for support, never a secret."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

import app
from app.services import diagnostics, redaction
from app.services.errors import ErrorInfo
from app.services.setup.endpoint import Endpoint

SECRET = "S3cr&t pass/Wörd"
USER = "alice@example.test"


@dataclass
class FakeStep:  # the shape of connection_check.Step
    server: str
    step: str
    ok: bool
    ms: int
    detail: str = ""
    code: str | None = None
    reply: str | None = None


def facts(**overrides: object) -> dict:
    """The report's facts: a failed IMAP login whose reply echoes the password."""
    base: dict = {
        "app_version": app.__version__, "qt_version": "6.12.0", "email": USER,
        "provider": "ovh", "imap": Endpoint("imap.example.test", 993, "ssl"),
        "smtp": Endpoint("smtp.example.test", 587, "starttls"),
        "steps": [FakeStep("imap", "connect", True, 12),
                  FakeStep("imap", "login", False, 40, code="AUTH_FAILED",
                           reply=f"NO [AUTHENTICATIONFAILED] bad password {SECRET}")],
        "error": ErrorInfo("AUTH_FAILED", "The server refused the user name or password.",
                           "Check the password.", "imap",
                           f"NO [AUTHENTICATIONFAILED] bad password {SECRET}"),
        "tls": {"imap": {"version": "TLSv1.3", "cipher": "TLS_AES_256_GCM_SHA384",
                         "sha256": "ab" * 32, "issuer": "CN=Test CA"}},
        "discovery_tried": [{"source": "ispdb", "target": "https://x/example.test",
                             "result": "not_found", "ms": 41}],
        "secrets": [SECRET], "usernames": [USER]}
    base.update(overrides)
    return base


def report(**overrides: object) -> str:
    return diagnostics.build_report(**facts(**overrides))


def test_report_has_what_support_needs() -> None:
    text = report()
    for needed in (f"Postier: {app.__version__}", "Qt: 6.12.0", "Python: 3.", "OS: ",
                   "imap.example.test:993 (ssl)", "smtp.example.test:587 (starttls)",
                   "code=AUTH_FAILED", "NO [AUTHENTICATIONFAILED]", "40 ms", "12 ms",
                   "TLSv1.3", "ispdb", "not_found", "Result: FAILED",
                   "Error: AUTH_FAILED on imap", "Hint: Check the password."):
        assert needed in text, needed


def test_secret_never_appears_even_inside_a_server_reply() -> None:
    text = report()
    assert SECRET not in text
    assert "S3cr" not in text
    assert redaction.REDACTED in text


@pytest.mark.parametrize("encoded", [
    base64.b64encode(f"\0{USER}\0{SECRET}".encode()).decode(),  # AUTH PLAIN
    base64.b64encode(SECRET.encode()).decode(),  # AUTH LOGIN
    base64.b64encode(f"user={USER}\x01auth=Bearer {SECRET}\x01\x01".encode()).decode(),
    quote(SECRET, safe=""),
])
def test_encoded_forms_of_the_secret_are_removed(encoded: str) -> None:
    text = report(notes=[f"server echoed: {encoded}"])
    assert encoded not in text
    assert SECRET not in text


def test_unknown_tokens_and_password_fields_are_masked() -> None:
    text = redaction.redact("Authorization: Bearer eyJhbGciOi.abc-def_123 | "
                              "password=hunter2; access_token: 'tok en' AUTH PLAIN AGFsaWNl")
    assert "eyJhbGciOi" not in text
    assert "hunter2" not in text
    assert "tok en" not in text
    assert "AGFsaWNl" not in text
    assert text.count(redaction.REDACTED) == 4


def test_success_report_and_missing_pieces() -> None:
    text = diagnostics.build_report(app_version="9.9", steps=[], error=None, secrets=[None, ""])
    assert "Result: OK" in text
    assert "Incoming (IMAP): -" in text
    assert "Postier: 9.9" in text


def test_steps_as_plain_dicts_are_accepted() -> None:
    text = diagnostics.build_report(app_version="1", steps=[
        {"server": "smtp", "step": "starttls", "ok": False, "ms": 7,
         "code": "STARTTLS_UNSUPPORTED", "reply": "502 5.5.1 unknown command\nsecond line"}])
    assert "smtp/starttls" in text
    assert "502 5.5.1 unknown command | second line" in text


def test_domain_health_summary_is_included() -> None:
    from app.services.domain_health.model import Check, DomainReport

    report = DomainReport("dupont.fr", [Check("spf", "fail", "No SPF record", "…"),
                                        Check("mx", "ok", "MX present", "…")], 40)
    text = diagnostics.build_report(app_version="1", domain_health=report)
    assert "Domain health: dupont.fr score 40/100" in text
    assert "[fail] spf: No SPF record" in text
    assert "[ok  ] mx: MX present" in text


def test_report_is_a_dataclass_saying_what_it_is_about() -> None:
    failed = diagnostics.report(**facts())
    assert failed.account == USER and not failed.ok and failed.error_code == "AUTH_FAILED"
    assert failed.text.startswith("Postier diagnostics\n") and SECRET not in failed.text
    assert str(failed) == failed.text
    fine = diagnostics.report(app_version="1", email=USER)
    assert fine.ok and fine.error_code is None and "Result: OK" in fine.text


@dataclass
class FakeCheck:  # the shape of connection_check.CheckResult
    steps: list
    tls: dict


@dataclass
class FakeDiscovery:  # the shape of discovery.DiscoveryResult
    tried: list


def test_connection_report_reads_the_check_and_discovery_it_is_given() -> None:
    check = FakeCheck([FakeStep("smtp", "login", False, 33, code="AUTH_FAILED",
                                reply=f"535 5.7.8 {SECRET}")],
                      {"smtp": {"version": "TLSv1.3", "cipher": "X", "sha256": "cd" * 32,
                                "issuer": "CN=CA"}})
    made = diagnostics.connection_report(
        app_version="2.0", qt_version="6.12.0", email=USER, provider=None,
        imap=Endpoint("imap.example.test", 993, "ssl"), smtp=None, check=check,
        steps=[FakeStep("imap", "connect", True, 5)],  # superseded by the check's own
        error=ErrorInfo("AUTH_FAILED", "Refused.", "Check the password.", "smtp", None),
        discovery=FakeDiscovery([{"source": "ispdb", "target": "t", "result": "found",
                                  "ms": 9}]),
        auth="password", imap_pinned=True, secrets=[SECRET], usernames=[USER])
    text = made.text
    assert "smtp/login" in text and "imap/connect" not in text
    assert "TLS smtp: TLSv1.3" in text and "ispdb" in text and "found" in text
    assert "Auth: password" in text and "Pinned: imap=True smtp=False" in text
    assert SECRET not in text and redaction.REDACTED in text
    assert made.error_code == "AUTH_FAILED" and made.account == USER
    # No check yet: the steps seen so far are reported.
    early = diagnostics.connection_report(app_version="2.0", email=USER,
                                          steps=[FakeStep("imap", "connect", True, 5)])
    assert "imap/connect" in early.text and early.ok


def test_configuration_report_names_sources_and_never_a_secret(
        postier_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from app.services.config import Settings

    site = tmp_path / "site-config" / "Postier" / "postier.toml"  # XDG_CONFIG_DIRS (conftest)
    site.parent.mkdir(parents=True)
    site.write_text('[google]\nclient_id = "123-abc.apps.googleusercontent.com"\n'
                    f'client_secret = "{SECRET}"\n[app]\nlogo = "x"\n', encoding="utf-8")
    monkeypatch.setenv("POSTIER_MS_TENANT", "consumers")
    settings = Settings.from_env()
    rows = {r.key: r for r in diagnostics.configuration_rows(settings)}
    assert rows["google.client_secret"] == diagnostics.ConfigRow(
        "google.client_secret", "", str(site), "secret")
    assert (rows["microsoft.tenant"].value, rows["microsoft.tenant"].source) == (
        "consumers", "POSTIER_MS_TENANT")
    made = diagnostics.configuration_report(settings, app_version="3.1")
    text = made.text
    assert "Sign-in configuration:" in text and SECRET not in text
    # "client_secret = …" is secret-shaped: redact masks the value, whatever it says.
    assert f"  google.client_secret = {redaction.REDACTED} (hidden)  ({site})" in text
    assert "  microsoft.tenant = consumers  (POSTIER_MS_TENANT)" in text
    assert f"  file {site}: found (unknown keys: app.logo)" in text
    assert made.ok and made.account == ""
    # The window's own words (translated) are kept as given.
    shown = diagnostics.configuration_report(
        settings, app_version="3.1", shown_rows=[("google.client_secret", "défini (masqué)",
                                                  str(site))])
    assert f"  google.client_secret = {redaction.REDACTED} (masqué)  ({site})" in shown.text
