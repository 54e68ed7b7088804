"""`postier account add EMAIL --oauth` (shared/CLI.md "OAuth2 from the command line") as a
real subprocess, configured by a postier.toml (no client-ID variable), against the local
authority and Dovecot's real ``oauth2`` passdb: the device-code sign-in ends with a working
account (send + track through XOAUTH2), and each error people hit has its code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.services.config import OPTIONS, Settings
from app.services.credentials import CredentialStore
from app.services.errors import PostierError, message_for
from app.services.mail import oauth
from tests.support.oauth_rig import OAUTH_USER, OAuthRig
from tests.support.oauth_server import ENTRA_ANSWERS, AuthState, LocalAuthServer

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def cli_env(auth: LocalAuthServer, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment of the `postier` subprocesses: the registration comes from a
    postier.toml; only the test hook pointing Microsoft's authority at the local server
    is a variable."""
    for option in OPTIONS.values():
        if option.env and option.env != "POSTIER_CA_FILE":
            monkeypatch.delenv(option.env, raising=False)
    config = tmp_path / "postier.toml"
    config.write_text('[microsoft]\nclient_id = "postier-test-client"\n'
                      'tenant = "organizations"\n', encoding="utf-8")
    env = {**os.environ, "POSTIER_CONFIG": str(config),
           "POSTIER_OAUTH_MICROSOFT_AUTHORITY": f"{auth.base_url}/tenant-1"}
    for key in ("POSTIER_CONFIG", "POSTIER_OAUTH_MICROSOFT_AUTHORITY"):
        monkeypatch.setenv(key, env[key])  # this process reads the same configuration
    return env


def endpoint(e: object) -> str:
    return f"{e.host}:{e.port}:{e.security}"  # type: ignore[attr-defined]


def postier(env: dict[str, str], *args: str) -> tuple[int, dict, str]:
    proc = subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True,
                          text=True, timeout=90, cwd=ROOT, env=env, check=False)
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    return proc.returncode, json.loads(proc.stdout), proc.stdout + proc.stderr


def add_with_code(env: dict[str, str], email: str = OAUTH_USER,
                  *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "app.cli", "account", "add", email,
                             "--oauth", "--provider", "microsoft", "--device-code",
                             "--timeout", "60", *extra, "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT, env=env)


def test_device_code_sign_in_gives_a_working_account(oauth_rig: OAuthRig,
                                                     auth: LocalAuthServer,
                                                     cli_env: dict[str, str]) -> None:
    env = {**cli_env, **oauth_rig.rig.env()}
    auth.httpd.state = AuthState(approve_as=OAUTH_USER, device_pending_polls=10**9,
                                 device_interval=0.1)
    proc = add_with_code(env, OAUTH_USER, "--imap", endpoint(oauth_rig.rig.imaps),
                         "--smtp", endpoint(oauth_rig.rig.submission))
    try:
        told = json.loads(proc.stderr.readline())  # said while the command still waits
        assert told["user_code"] == "ABCD-EFGH"
        assert told["verification_uri"] == f"{auth.base_url}/device"
        assert 0 < told["expires_in"] <= 600
        assert proc.poll() is None
        auth.state.device_pending_polls = 0  # the user enters the code on their phone
        out, err = proc.communicate(timeout=90)
    finally:
        proc.kill()
    doc = json.loads(out)
    assert proc.returncode == 0 and doc["ok"] and doc["stored"], out + err
    assert doc["account"]["email"] == OAUTH_USER and doc["account"]["auth_kind"] == "oauth2"
    stored = oauth.load_tokens(OAUTH_USER, CredentialStore())
    assert stored is not None and stored.refresh_token
    assert stored.access_token not in out + err and stored.refresh_token not in out + err

    code, listed, _ = postier(env, "account", "list", "--json")
    [row] = listed
    assert row["auth"] == "oauth2" and row["provider"] == "office365"
    assert abs(time.time() + 3600 - _epoch(row["token_expires_at"])) < 120
    code, sent, text = postier(env, "send", "--from", OAUTH_USER, "--to", "bob@example.test",
                               "--subject", "signed in with a code", "--body", "Bonjour",
                               "--json")
    assert code == 0 and sent["status"] == "sent", text
    code, tracked, text = postier(env, "track", "--account", OAUTH_USER, "--once", "--json")
    assert code == 0 and tracked["errors"] == [], text
    assert {line.split("method=")[1].split(",")[0] for line in oauth_rig.logins()} == {"XOAUTH2"}


def _epoch(iso: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(iso).timestamp()


SCENARIOS = [
    ("admin_consent", "OAUTH_CONSENT_REQUIRED"),
    ("admin_consent_90094", "OAUTH_CONSENT_REQUIRED"),
    ("conditional_access", "OAUTH_BLOCKED"),
    ("app_disabled", "OAUTH_BLOCKED"),
    ("device_declined", "OAUTH_DENIED"),
    ("device_expired", "OAUTH_EXPIRED"),
    ("not_in_tenant", "OAUTH_WRONG_ACCOUNT"),
    ("clock_skew", "OAUTH_FAILED"),
]


@pytest.mark.parametrize(("scenario", "code"), SCENARIOS)
def test_sign_in_errors_have_their_code(auth: LocalAuthServer, cli_env: dict[str, str],
                                        scenario: str, code: str) -> None:
    auth.httpd.state = AuthState(approve_as=OAUTH_USER,
                                 device_result=ENTRA_ANSWERS[scenario])
    proc = add_with_code(cli_env)
    out, err = proc.communicate(timeout=90)
    assert proc.returncode == 1 and "Traceback" not in err, err
    error = json.loads(out)["error"]
    assert error["code"] == code
    aadsts = ENTRA_ANSWERS[scenario][1].split(":")[0]
    if code == "OAUTH_CONSENT_REQUIRED":
        assert ("/tenant-1/v2.0/adminconsent?client_id=postier-test-client&scope="
                in error["hint"])
    assert json.loads(err.splitlines()[0])["user_code"] == "ABCD-EFGH"
    assert aadsts in error["reply"]  # the provider's own words, for IT
    fr, en = message_for(code, "fr"), message_for(code, "en")
    assert fr != en and all(fr) and all(en)
    _code, listed, _ = postier(cli_env, "account", "list", "--json")
    assert listed == []  # nothing stored


def test_signed_in_as_someone_else_is_wrong_account(auth: LocalAuthServer,
                                                    cli_env: dict[str, str]) -> None:
    auth.httpd.state = AuthState(approve_as="mallory@example.test")
    proc = add_with_code(cli_env)
    out, err = proc.communicate(timeout=90)
    error = json.loads(out)["error"]
    assert proc.returncode == 1 and error["code"] == "OAUTH_WRONG_ACCOUNT", out + err
    assert oauth.load_tokens(OAUTH_USER, CredentialStore()) is None


def test_refused_in_the_browser_is_denied(auth: LocalAuthServer,
                                         cli_env: dict[str, str]) -> None:
    """The browser sign-in: BROWSER is a command that plays the user's browser (loads the
    authorization page, follows its redirect to Postier's loopback listener)."""
    auth.httpd.state = AuthState(authorize_error=ENTRA_ANSWERS["user_declined"])
    browser = (f"{sys.executable} -c \"import sys; from tests.support.oauth_server import "
               f"follow_like_a_browser as f; f(sys.argv[1])\" %s")
    code, doc, text = postier({**cli_env, "BROWSER": browser}, "account", "add", OAUTH_USER,
                              "--oauth", "--provider", "microsoft", "--timeout", "60", "--json")
    assert code == 1 and doc["error"]["code"] == "OAUTH_DENIED", text
    assert any(r.endswith("/authorize") for r in auth.state.requests)


def test_no_client_id_anywhere_is_not_configured(cli_env: dict[str, str],
                                                 tmp_path: Path) -> None:
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    code, doc, _ = postier({**cli_env, "POSTIER_CONFIG": str(empty)}, "account", "add",
                           OAUTH_USER, "--oauth", "--provider", "microsoft", "--json")
    assert doc["error"]["code"] == "OAUTH_NOT_CONFIGURED" and code == 2  # environment


@pytest.mark.parametrize(("provider", "scenario"), [("office365", "refresh_expired"),
                                                    ("gmail", "google_invalid_grant")])
def test_refresh_token_expired_is_oauth_expired(auth: LocalAuthServer,
                                                cli_env: dict[str, str], provider: str,
                                                scenario: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTIER_GOOGLE_CLIENT_ID", "postier-google-test")
    monkeypatch.setenv("POSTIER_OAUTH_GOOGLE_BASE", f"{auth.base_url}/google")
    auth.httpd.state = AuthState(approve_as=OAUTH_USER)
    cfg = oauth.provider_config(provider, Settings.from_env())
    tokens = oauth.sign_in(cfg, OAUTH_USER, device=provider == "office365",
                           open_browser=_browser_now)
    tokens.expires_at = 0  # the access token is spent: a refresh is due
    oauth.store_tokens(OAUTH_USER, tokens)
    auth.state.token_error = ENTRA_ANSWERS[scenario]
    with pytest.raises(PostierError) as err:
        oauth.fresh_access_token(OAUTH_USER, cfg)
    assert err.value.code == "OAUTH_EXPIRED"
    assert ENTRA_ANSWERS[scenario][1] in (err.value.reply or "")


def _browser_now(url: str) -> None:
    from tests.support.oauth_server import browser_in_background

    browser_in_background(url)


def test_outlook_needs_a_registration_for_personal_accounts(
        cli_env: dict[str, str], tmp_path: Path, auth: LocalAuthServer) -> None:
    """Outlook.com addresses sign in with Microsoft's consumers/common authority; a
    registration for work accounts only is said as such, not tried."""
    _code, doc, _ = postier(cli_env, "account", "add", "jean@outlook.fr", "--oauth",
                           "--json")
    assert doc["error"]["code"] == "OAUTH_NOT_CONFIGURED"
    assert "work" in doc["error"]["message"] and "organizations" in doc["error"]["hint"]
    personal = tmp_path / "personal.toml"
    personal.write_text('[microsoft]\nclient_id = "postier-test-client"\ntenant = "consumers"\n',
                        encoding="utf-8")
    settings = Settings.from_env({**cli_env, "POSTIER_CONFIG": str(personal),
                                  "POSTIER_OAUTH_MICROSOFT_AUTHORITY": ""})
    cfg = oauth.provider_config("outlook", settings)
    assert cfg.authorize_url == ("https://login.microsoftonline.com/consumers/oauth2/v2.0/"
                                 "authorize")
