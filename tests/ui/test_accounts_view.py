"""Accounts tab: "Sign in again" for an OAuth2 account whose refresh token was revoked,
against the local OAuth2 server (tests/support/oauth_server.py) with the browser step
driven like a browser would."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.services.config import Settings
from app.services.credentials import CredentialStore
from app.services.errors import PostierError
from app.services.mail import oauth
from app.services.mail.auth import Credential
from app.services.setup import accounts
from app.services.setup.endpoint import Endpoint
from app.services.storage import AccountStore, Database
from app.ui.accounts_view import AccountsView
from tests.support.oauth_server import AuthState, LocalAuthServer, browser_in_background

ALICE = "alice@example.test"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _save(widget, name: str, tmp_path: Path) -> Path:  # noqa: ANN001
    """Into docs/screenshots when POSTIER_SCREENSHOTS=1, else the test's tmp dir."""
    folder = SHOTS if os.environ.get("POSTIER_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    assert widget.grab().save(str(path))
    return path


@pytest.fixture()
def revoked(auth: LocalAuthServer, postier_env: Path) -> Settings:
    """An Office 365 account signed in for real, then revoked at the provider and marked
    by the refresh that failed (as the mailbox watcher would have)."""
    auth.httpd.state = AuthState(approve_as=ALICE)
    settings = Settings(home=postier_env, extra=auth.env())
    cfg = oauth.provider_config("office365", settings)
    tokens = oauth.sign_in_browser(cfg, login_hint=ALICE, open_browser=browser_in_background,
                                   timeout=10)
    accounts.save_account(settings, email=ALICE,
                          credential=Credential(ALICE, tokens.access_token, "oauth2"),
                          imap=Endpoint("127.0.0.1", 993, "ssl"),
                          smtp=Endpoint("127.0.0.1", 465, "ssl"), provider="office365",
                          oauth_tokens=tokens)
    auth.state.revoked.add(tokens.refresh_token)  # "sign out of all sessions" at Microsoft
    account = AccountStore(Database(settings.db_path)).require(ALICE)
    with pytest.raises(PostierError) as info:
        accounts.load_credential(settings, account, force_refresh=True)
    assert info.value.code == "OAUTH_EXPIRED"
    return settings


def _view(qtbot, settings: Settings) -> AccountsView:  # noqa: ANN001
    view = AccountsView(settings, Database(settings.db_path))
    qtbot.addWidget(view)
    view.resize(900, 300)
    view.show()
    qtbot.waitExposed(view)
    view.select(ALICE)
    return view


def _account(settings: Settings):  # noqa: ANN202
    return AccountStore(Database(settings.db_path)).require(ALICE)


def test_sign_in_again_renews_and_clears_the_attention(qtbot, auth: LocalAuthServer,
                                                      revoked: Settings,
                                                      tmp_path: Path) -> None:
    view = _view(qtbot, revoked)
    assert view.table.item(0, 3).text() == "Needs attention: sign in again"
    assert view.sign_in_button.isVisible() and view.sign_in_button.text() == "Sign in again"
    assert view.device_button.isVisible()  # Microsoft offers a code sign-in too
    assert not view.cancel_sign_in_button.isVisible()
    _save(view, "accounts_sign_in_again.png", tmp_path)
    opened: list[str] = []
    view.open_browser = lambda url: (opened.append(url), browser_in_background(url))
    old_refresh = CredentialStore().get(ALICE, "oauth2_refresh")
    view.sign_in_button.click()
    assert view.sign_in_progress.isVisible() and view.cancel_sign_in_button.isVisible()
    _save(view, "accounts_sign_in_waiting.png", tmp_path)
    with qtbot.waitSignal(view.accountsChanged, timeout=10_000):
        pass
    assert "signed in again" in view.status.text()
    assert "login_hint=alice%40example.test" in opened[0]  # the page knows who to sign in
    account = _account(revoked)
    assert (account.needs_attention, account.sync_error) == (0, None)
    assert view.table.item(0, 3).text() != "Needs attention: sign in again"
    assert not view.sign_in_button.isVisible() and not view.sign_in_progress.isVisible()
    assert not view.cancel_sign_in_button.isVisible()
    assert CredentialStore().get(ALICE, "oauth2_refresh") != old_refresh
    # the new sign-in really works: a refresh with the stored token succeeds
    credential = accounts.load_credential(revoked, account, force_refresh=True)
    assert credential.kind == "oauth2" and auth.state.token_valid(credential.secret) == ALICE


def test_cancel_leaves_the_account_marked(qtbot, revoked: Settings) -> None:
    view = _view(qtbot, revoked)
    opened: list[str] = []
    view.open_browser = opened.append  # the user never finishes in the browser
    ended: list[BaseException | None] = []  # the sign-in worker's outcome, once it is over
    signed_in = view._signed_in
    view._signed_in = lambda email, result, error, cancel: (
        ended.append(error), signed_in(email, result, error, cancel))
    view.sign_in_button.click()
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    assert not view.sign_in_button.isEnabled()
    view.cancel_sign_in_button.click()
    assert "cancelled" in view.status.text()
    shown = view.status.text()
    assert not view.sign_in_progress.isVisible()
    assert view.sign_in_button.isVisible() and view.sign_in_button.isEnabled()
    # The worker notices the cancel at its next look and ends without a token; its late
    # answer changes nothing on screen.
    qtbot.waitUntil(lambda: bool(ended), timeout=5000)
    assert isinstance(ended[0], PostierError) and ended[0].code == "OAUTH_CANCELLED", ended
    assert view.status.text() == shown
    assert view.sign_in_button.isVisible() and view.sign_in_button.isEnabled()
    assert _account(revoked).needs_attention == 1


def test_signing_in_as_someone_else_is_refused(qtbot, auth: LocalAuthServer,
                                               revoked: Settings) -> None:
    auth.state.approve_as = "bob@example.test"
    view = _view(qtbot, revoked)
    view.open_browser = browser_in_background
    view.sign_in_button.click()
    qtbot.waitUntil(lambda: view.sign_in_button.isEnabled(), timeout=10_000)
    assert "different address" in view.status.text()
    assert "bob@example.test" in view.status.text()
    assert _account(revoked).needs_attention == 1
    assert view.sign_in_button.isVisible()


def test_sign_in_with_a_code_shows_it_then_renews(qtbot, auth: LocalAuthServer,
                                                  revoked: Settings) -> None:
    auth.state.device_pending_polls = 10**9  # the user has not typed the code yet
    view = _view(qtbot, revoked)
    view.device_button.click()
    qtbot.waitUntil(lambda: "ABCD-EFGH" in view.status.text(), timeout=10_000)
    assert f"http://{auth.host}:{auth.port}/device" in view.status.text()
    with qtbot.waitSignal(view.accountsChanged, timeout=10_000):
        auth.state.device_pending_polls = 0  # typed: the next poll gets the tokens
    assert _account(revoked).needs_attention == 0


def test_password_accounts_get_no_sign_in_button(qtbot, postier_env: Path) -> None:
    settings = Settings(home=postier_env)
    accounts.save_account(settings, email=ALICE, credential=Credential(ALICE, "secret"),
                          imap=Endpoint("127.0.0.1", 993, "ssl"),
                          smtp=Endpoint("127.0.0.1", 465, "ssl"))
    AccountStore(Database(settings.db_path)).update_fields(ALICE, needs_attention=1,
                                                          sync_error="AUTH_FAILED")
    view = _view(qtbot, settings)
    assert view.selected() is not None
    assert not view.sign_in_button.isVisible() and not view.device_button.isVisible()


def test_in_french(qtbot, revoked: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QApplication

    from app.ui import i18n
    from app.ui.i18n import install_translator

    # a French system: Qt strings from the .qm, catalogue texts in French
    monkeypatch.setattr(i18n, "current_language", lambda preferred=None: preferred or "fr")
    app = QApplication.instance()
    install_translator(app, "fr")
    try:
        view = _view(qtbot, revoked)
        assert view.sign_in_button.text() == "Se reconnecter"
        assert view.cancel_sign_in_button.text() == "Annuler la connexion"
        view.open_browser = lambda _url: None
        view.sign_in_button.click()
        assert "terminez la connexion dans votre navigateur" in view.status.text()
        view.cancel_sign_in_button.click()
        assert "La connexion a été annulée." in view.status.text()
    finally:
        install_translator(app, "en")
