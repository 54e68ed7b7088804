"""The CLI with an OAuth2 account (signed in through the services, as the wizard does):
`postier send / track / account list / account remove` as real subprocesses on the OAuth
rig. Tokens never appear in any output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.services.config import Settings
from app.services.credentials import CredentialStore
from app.services.mail import oauth
from app.services.mail.auth import Credential
from app.services.setup import accounts
from tests.support.oauth_rig import OAUTH_USER, OAuthRig
from tests.support.oauth_server import AuthState, LocalAuthServer, browser_in_background

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def tokens(oauth_rig: OAuthRig, auth: LocalAuthServer, postier_env: Path,
           monkeypatch: pytest.MonkeyPatch) -> oauth.TokenSet:
    """An OAuth2 account for the rig's OAuth-only mailbox, saved as the wizard saves it."""
    auth.httpd.state = AuthState(approve_as=OAUTH_USER)
    for key, value in oauth_rig.env().items():
        monkeypatch.setenv(key, value)  # inherited by the `postier` subprocesses
    settings = Settings.from_env()

    signed = oauth.sign_in_browser(oauth.provider_config("office365", settings),
                                   login_hint=OAUTH_USER, open_browser=browser_in_background,
                                   timeout=20)
    accounts.save_account(settings, email=OAUTH_USER,
                          credential=Credential(OAUTH_USER, signed.access_token, "oauth2"),
                          imap=oauth_rig.rig.imaps, smtp=oauth_rig.rig.submission,
                          provider="office365", oauth_tokens=signed)
    return signed


def postier(*args: str) -> tuple[int, object, str]:
    proc = subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True,
                          text=True, timeout=90, cwd=ROOT, check=False)
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, proc.stderr
    return proc.returncode, json.loads(proc.stdout), proc.stdout + proc.stderr


def secrets_of(signed: oauth.TokenSet) -> list[str]:
    stored = oauth.load_tokens(OAUTH_USER, CredentialStore())
    return [t for t in (signed.access_token, signed.refresh_token,
                        stored.access_token if stored else None) if t]


def test_send_track_list_with_an_oauth_account(tokens: oauth.TokenSet, oauth_rig: OAuthRig) -> None:
    code, sent, out = postier("send", "--from", OAUTH_USER, "--to", "bob@example.test",
                              "--subject", "CLI via XOAUTH2", "--body", "Bonjour", "--json")
    assert code == 0 and sent["status"] == "sent", out
    code, tracked, out2 = postier("track", "--account", OAUTH_USER, "--once", "--json")
    assert code == 0 and tracked["errors"] == [], out2
    code, listed, out3 = postier("account", "list", "--json")
    assert code == 0
    assert [(a["email"], a["auth_kind"]) for a in listed] == [(OAUTH_USER, "oauth2")]
    for secret in secrets_of(tokens):
        assert secret not in out + out2 + out3
    methods = {line.split("method=")[1].split(",")[0] for line in oauth_rig.logins()}
    assert methods == {"XOAUTH2"}


def test_send_after_the_sign_in_was_revoked(tokens: oauth.TokenSet,
                                            auth: LocalAuthServer) -> None:
    auth.state.access.clear()  # the access token is gone at the provider…
    auth.state.revoked.add(tokens.refresh_token or "")  # …and so is the refresh token
    code, sent, out = postier("send", "--from", OAUTH_USER, "--to", "bob@example.test",
                              "--subject", "waits", "--body", "Bonjour", "--json")
    assert sent["error"]["code"] == "OAUTH_EXPIRED", out
    assert sent["status"] == "queued" and code == 0  # kept for after the new sign-in
    code, tracked, out2 = postier("track", "--account", OAUTH_USER, "--once", "--json")
    assert code == 1 and [e["code"] for e in tracked["errors"]] == ["OAUTH_EXPIRED"]
    code, listed, _ = postier("account", "list", "--json")
    assert listed[0]["needs_attention"] == 1
    for secret in secrets_of(tokens):
        assert secret not in out + out2


def test_account_remove_forgets_the_tokens(tokens: oauth.TokenSet) -> None:
    code, removed, out = postier("account", "remove", OAUTH_USER, "--json")
    assert code == 0 and removed == {"email": OAUTH_USER, "removed": True}
    assert oauth.load_tokens(OAUTH_USER, CredentialStore()) is None
    for secret in secrets_of(tokens):
        assert secret not in out
