"""OAuth2 flows against a real local authorization server (no internet, no mocks)."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import keyring
import keyring.errors
import pytest

from app.services.config import Settings
from app.services.credentials import CredentialStore
from app.services.errors import PostierError
from app.services.mail import oauth
from tests.support.file_keyring import FileKeyring
from tests.support.oauth_server import LocalAuthServer, follow_like_a_browser


def _settings(server: LocalAuthServer, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for key, value in server.env().items():
        monkeypatch.setenv(key, value)
    return Settings.from_env()


def _browser(url: str) -> None:
    # A real browser returns at once and loads the page on its own.
    threading.Thread(target=follow_like_a_browser, args=(url,), daemon=True).start()


@pytest.mark.parametrize("provider", ["microsoft", "google"])
def test_browser_flow_with_pkce_gets_tokens(auth_server: LocalAuthServer,
                                            monkeypatch: pytest.MonkeyPatch,
                                            provider: str) -> None:
    cfg = oauth.provider_config(provider, _settings(auth_server, monkeypatch))
    seen: list[str] = []

    def browser(url: str) -> None:
        seen.append(url)
        _browser(url)

    tokens = oauth.sign_in_browser(cfg, login_hint="alice@example.test", open_browser=browser,
                                   timeout=20)
    query = oauth.authorization_query(seen[0])
    assert query["code_challenge_method"] == "S256"
    assert query["redirect_uri"].startswith("http://127.0.0.1:")
    assert query["login_hint"] == "alice@example.test"
    assert tokens.email == "alice@example.test"
    assert auth_server.state.token_valid(tokens.access_token) == "alice@example.test"
    assert tokens.refresh_token in auth_server.state.refresh


@pytest.mark.parametrize(("error", "code"), [
    (("access_denied", "The user cancelled"), "OAUTH_DENIED"),
    (("consent_required", "AADSTS65001: The user or administrator has not consented"),
     "OAUTH_CONSENT_REQUIRED"),
    (("access_denied", "AADSTS90094: An administrator must grant permission"),
     "OAUTH_CONSENT_REQUIRED"),
    (("invalid_request", ("AADSTS50020: User account from identity provider does not exist "
                         "in tenant")), "OAUTH_WRONG_ACCOUNT"),
    (("server_error", "something else"), "OAUTH_FAILED"),
])
def test_browser_flow_errors_map_to_plain_codes(auth_server: LocalAuthServer,
                                                monkeypatch: pytest.MonkeyPatch,
                                                error: tuple[str, str], code: str) -> None:
    cfg = oauth.provider_config("microsoft", _settings(auth_server, monkeypatch))
    auth_server.state.authorize_error = error
    with pytest.raises(PostierError) as err:
        oauth.sign_in_browser(cfg, open_browser=_browser, timeout=20)
    assert err.value.code == code
    assert error[1] in (err.value.reply or "")
    if code == "OAUTH_CONSENT_REQUIRED":
        assert "adminconsent?client_id=postier-test-client" in err.value.hint


def test_cancel_stops_waiting_for_the_browser(auth_server: LocalAuthServer,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = oauth.provider_config("google", _settings(auth_server, monkeypatch))
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(PostierError) as err:
        oauth.sign_in_browser(cfg, open_browser=lambda url: None, cancel=cancel, timeout=30)
    assert err.value.code == "OAUTH_CANCELLED"
    assert time.monotonic() - started < 3


def test_device_flow_waits_while_pending_then_succeeds(auth_server: LocalAuthServer,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = oauth.provider_config("microsoft", _settings(auth_server, monkeypatch))
    auth_server.state.device_pending_polls = 2
    code = oauth.device_start(cfg)
    assert code.user_code == "ABCD-EFGH"
    tokens = oauth.device_wait(cfg, code, sleep=lambda s: None)
    assert auth_server.state.token_valid(tokens.access_token) == "alice@example.test"
    polls = [r for r in auth_server.state.requests if r.endswith("/token")]
    assert len(polls) == 3  # two "authorization_pending" answers, then the tokens


def test_device_flow_refused_by_user(auth_server: LocalAuthServer,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = oauth.provider_config("microsoft", _settings(auth_server, monkeypatch))
    auth_server.state.device_result = ("access_denied", "user said no")
    code = oauth.device_start(cfg)
    with pytest.raises(PostierError) as err:
        oauth.device_wait(cfg, code, sleep=lambda s: None)
    assert err.value.code == "OAUTH_DENIED"


def test_device_flow_not_offered_for_google(auth_server: LocalAuthServer,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Google refuses the Gmail scope in its device flow: say so before asking it."""
    cfg = oauth.provider_config("google", _settings(auth_server, monkeypatch))
    assert not oauth.supports_device_flow(cfg)
    with pytest.raises(PostierError) as err:
        oauth.device_start(cfg)
    assert err.value.code == "OAUTH_FAILED" and "browser" in err.value.message
    assert not any("device" in r for r in auth_server.state.requests)


def test_expired_access_token_is_refreshed_and_stored(auth_server: LocalAuthServer,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = oauth.provider_config("microsoft", _settings(auth_server, monkeypatch))
    auth_server.state.access_ttl = 1  # expires inside the refresh margin at once
    tokens = oauth.sign_in_browser(cfg, open_browser=_browser, timeout=20)
    oauth.store_tokens("alice@example.test", tokens)
    auth_server.state.access_ttl = 3600
    fresh = oauth.fresh_access_token("alice@example.test", cfg)
    assert fresh != tokens.access_token
    assert auth_server.state.token_valid(fresh) == "alice@example.test"
    stored = oauth.load_tokens("alice@example.test")
    assert stored is not None and stored.access_token == fresh
    # still valid: no new refresh round-trip
    refreshes = len([r for r in auth_server.state.requests if r.endswith("/token")])
    assert oauth.fresh_access_token("alice@example.test", cfg) == fresh
    assert len([r for r in auth_server.state.requests if r.endswith("/token")]) == refreshes


def test_revoked_refresh_token_asks_to_sign_in_again_and_keeps_data(
        auth_server: LocalAuthServer, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = oauth.provider_config("google", _settings(auth_server, monkeypatch))
    auth_server.state.access_ttl = 1
    tokens = oauth.sign_in_browser(cfg, open_browser=_browser, timeout=20)
    oauth.store_tokens("alice@example.test", tokens)
    auth_server.state.revoked.add(tokens.refresh_token or "")
    with pytest.raises(PostierError) as err:
        oauth.fresh_access_token("alice@example.test", cfg)
    assert err.value.code == "OAUTH_EXPIRED"
    assert CredentialStore().get("alice@example.test", "oauth2_refresh") == tokens.refresh_token


def test_revoke_on_removal_calls_provider_and_forgets_tokens(
        auth_server: LocalAuthServer, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = oauth.provider_config("google", _settings(auth_server, monkeypatch))
    tokens = oauth.sign_in_browser(cfg, open_browser=_browser, timeout=20)
    oauth.store_tokens("alice@example.test", tokens)
    assert oauth.revoke(cfg, "alice@example.test") is True
    assert tokens.refresh_token in auth_server.state.revoked
    assert oauth.load_tokens("alice@example.test") is None


def test_missing_client_id_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POSTIER_MS_CLIENT_ID", raising=False)
    with pytest.raises(PostierError) as err:
        oauth.provider_config("microsoft", Settings.from_env())
    assert err.value.code == "OAUTH_NOT_CONFIGURED"


def test_plain_http_endpoint_refused_unless_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTIER_GOOGLE_CLIENT_ID", "x")
    monkeypatch.setenv("POSTIER_OAUTH_GOOGLE_BASE", "http://evil.example/google")
    with pytest.raises(PostierError) as err:
        oauth.provider_config("google", Settings.from_env())
    assert err.value.code == "INVALID_INPUT"


def test_tokens_never_in_repr() -> None:
    tokens = oauth.TokenSet("at-secret", "rt-secret", 0.0, "a@b.fr")
    assert "secret" not in repr(tokens)


class WindowsLikeKeyring(FileKeyring):
    """Refuses what Windows Credential Manager refuses: more than 1280 characters."""

    def set_password(self, service: str, username: str, password: str) -> None:
        if len(password) > 1280:
            raise keyring.errors.PasswordSetError("The stub received bad data")
        super().set_password(service, username, password)


def test_long_microsoft_sized_tokens_fit_a_windows_keyring(postier_env: Path) -> None:
    keyring.set_keyring(WindowsLikeKeyring())
    access, refresh_token = "at-" + "a" * 2600, "rt-" + "r" * 1500
    oauth.store_tokens("alice@example.test", oauth.TokenSet(access, refresh_token, 123.0))
    stored = oauth.load_tokens("alice@example.test")
    assert stored is not None
    assert (stored.access_token, stored.refresh_token, stored.expires_at) == (
        access, refresh_token, 123.0)
    raw = json.loads((postier_env.parent / "keyring.json").read_text())
    assert max(len(v) for v in raw.values()) <= 1280 and len(raw) > 2
    # a shorter token later leaves no stale parts behind
    oauth.store_tokens("alice@example.test", oauth.TokenSet("at-short", "rt-short", 1.0))
    assert oauth.load_tokens("alice@example.test").access_token == "at-short"
    assert len(json.loads((postier_env.parent / "keyring.json").read_text())) == 2
    oauth.forget_tokens("alice@example.test")
    assert json.loads((postier_env.parent / "keyring.json").read_text()) == {}


def test_concurrent_users_of_an_expiring_token_refresh_it_once(
        auth_server: LocalAuthServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tracking threads and a send finding the token expiring together: one refresh, and
    everyone gets the new token (a refresh-token rotation never races itself)."""
    cfg = oauth.provider_config("microsoft", _settings(auth_server, monkeypatch))
    auth_server.state.access_ttl = 1
    oauth.store_tokens("alice@example.test",
                       oauth.sign_in_browser(cfg, open_browser=_browser, timeout=20))
    auth_server.state.access_ttl = 3600
    got: list[str] = []
    threads = [threading.Thread(target=lambda: got.append(
        oauth.fresh_access_token("alice@example.test", cfg))) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(auth_server.state.refreshed_with) == 1
    assert len(got) == len(threads)  # no thread died on the way
    assert len(set(got)) == 1 and auth_server.state.token_valid(got[0]) == "alice@example.test"
