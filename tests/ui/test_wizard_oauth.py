"""The Office 365 / Gmail choices sign in through the provider's page (a local OAuth2
server here), test with XOAUTH2 and store tokens — never a password."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services.accounts import account_store
from app.services.credentials import CredentialStore
from app.ui.wizard.common import PAGE_FINISH, PAGE_TEST
from tests.support import misbehaving_server as bad
from tests.support.oauth_server import LocalAuthServer, follow_like_a_browser

from .wizard_driver import (
    click,
    click_next,
    fill_manual,
    go_manual,
    make_wizard,
    offline_settings,
    type_into,
    wait_test_done,
)

ALICE = "alice@example.test"


@pytest.fixture
def auth_server() -> Iterator[LocalAuthServer]:
    server = LocalAuthServer().start()
    yield server
    server.stop()


def browser(url: str) -> None:
    # A real browser returns at once and loads the page on its own.
    threading.Thread(target=follow_like_a_browser, args=(url,), daemon=True).start()


@pytest.mark.parametrize(("choice", "button_word"), [("office365", "Microsoft"),
                                                     ("gmail", "Google")])
def test_sign_in_then_xoauth2_test_then_tokens_saved(qtbot, bad_servers, auth_server,
                                                     postier_env: Path, choice: str,
                                                     button_word: str) -> None:
    # The scripted XOAUTH2 servers accept one known token: have the provider issue it.
    issue = auth_server.state.issue

    def issue_good(email: str) -> dict:
        doc = issue(email)
        auth_server.state.access[bad.GOOD_TOKEN] = auth_server.state.access[doc["access_token"]]
        return {**doc, "access_token": bad.GOOD_TOKEN}

    auth_server.state.issue = issue_good  # type: ignore[method-assign]
    settings = offline_settings(postier_env, ca_file=bad_servers.ca_file, **auth_server.env())
    wizard = make_wizard(qtbot, settings)
    opened: list[str] = []
    wizard.open_browser = lambda url: (opened.append(url), browser(url))
    click(qtbot, getattr(wizard.start_page, "office" if choice == "office365" else "gmail"))
    click_next(qtbot, wizard)
    page = wizard.address_page
    assert button_word in page.sign_in.text()
    assert not page.password.isVisible()  # no password on this path
    type_into(qtbot, page.email, ALICE)
    click(qtbot, page.sign_in)
    qtbot.waitUntil(lambda: wizard.state.auth == "oauth2", timeout=10000)
    assert "login_hint=alice%40example.test" in opened[0]
    assert page.oauth_status.text() == "Signed in."
    go_manual(qtbot, wizard)
    imap, smtp = bad_servers.oauth_only_imap(), bad_servers.oauth_only_smtp()
    fill_manual(qtbot, wizard, imap.endpoint, smtp.endpoint)
    click_next(qtbot, wizard)
    assert wizard.currentId() == PAGE_TEST
    wait_test_done(qtbot, wizard)
    assert wizard.state.check_passed, wizard.test_page.error_message.text()
    assert any(c.startswith("AUTH-DATA") for c in imap.commands)  # XOAUTH2, not LOGIN
    click_next(qtbot, wizard)
    with qtbot.waitSignal(wizard.accountSaved, timeout=10000):
        click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_FINISH, timeout=5000)
    account = account_store(settings).get(ALICE)
    assert account is not None and account.auth_kind == "oauth2"
    store = CredentialStore()
    assert store.get(ALICE, "password") is None
    assert store.get(ALICE, "oauth2_refresh", ).startswith("rt-")
    assert bad.GOOD_TOKEN not in wizard.test_page.diagnostics_text()


def test_signing_in_as_someone_else_is_flagged(qtbot, auth_server, postier_env: Path) -> None:
    auth_server.state.approve_as = "bob@example.test"
    settings = offline_settings(postier_env, **auth_server.env())
    wizard = make_wizard(qtbot, settings)
    wizard.open_browser = browser
    click(qtbot, wizard.start_page.office)
    click_next(qtbot, wizard)
    page = wizard.address_page
    type_into(qtbot, page.email, ALICE)
    click(qtbot, page.sign_in)
    qtbot.waitUntil(lambda: wizard.state.auth == "oauth2", timeout=10000)
    assert "different address" in page.oauth_status.text()
    assert "bob@example.test" in page.oauth_status.text()


def test_provider_refusal_is_explained(qtbot, auth_server, postier_env: Path) -> None:
    refusal = "AADSTS65001: The user or administrator has not consented"
    auth_server.state.authorize_error = ("consent_required", refusal)
    settings = offline_settings(postier_env, **auth_server.env())
    wizard = make_wizard(qtbot, settings)
    wizard.open_browser = browser
    click(qtbot, wizard.start_page.office)
    click_next(qtbot, wizard)
    page = wizard.address_page
    type_into(qtbot, page.email, ALICE)
    click(qtbot, page.sign_in)
    qtbot.waitUntil(lambda: page.sign_in.isEnabled(), timeout=10000)
    text = page.oauth_status.text()
    assert "administrator must approve" in text
    assert "adminconsent?client_id=postier-test-client" in text  # the link to send them
    assert wizard.state.auth == "password"  # not signed in


def test_device_code_flow_shows_the_code(qtbot, auth_server, postier_env: Path) -> None:
    settings = offline_settings(postier_env, **auth_server.env())
    wizard = make_wizard(qtbot, settings)
    click(qtbot, wizard.start_page.office)
    click_next(qtbot, wizard)
    page = wizard.address_page
    type_into(qtbot, page.email, ALICE)
    click(qtbot, page.device_button)
    qtbot.waitUntil(lambda: wizard.state.auth == "oauth2", timeout=20000)
    assert page.oauth_status.text() == "Signed in."
