"""The Office 365 / Gmail choices sign in through the provider's page (a local OAuth2
server here), test with XOAUTH2 and store tokens — never a password."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QWizard

from app.services.credentials import CredentialStore
from app.services.setup.accounts import account_store
from app.ui.wizard.step_page import PAGE_ADDRESS, PAGE_CHECK, PAGE_FINISH
from tests.support import misbehaving_server as bad
from tests.support.oauth_server import browser_in_background

from .wizard_driver import (
    click,
    click_next,
    fill_manual,
    go_manual,
    make_wizard,
    offline_settings,
    screenshot,
    type_into,
    wait_test_done,
)

ALICE = "alice@example.test"


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
    wizard.open_browser = lambda url: (opened.append(url), browser_in_background(url))
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
    assert wizard.currentId() == PAGE_CHECK
    wait_test_done(qtbot, wizard)
    assert wizard.state.check_passed, wizard.check_page.error_message.text()
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
    assert bad.GOOD_TOKEN not in wizard.check_page.diagnostics_text()


def test_signing_in_as_someone_else_blocks_next_until_signed_in_right(
        qtbot, auth_server, postier_env: Path, tmp_path: Path) -> None:
    auth_server.state.approve_as = "bob@example.test"
    settings = offline_settings(postier_env, **auth_server.env())
    wizard = make_wizard(qtbot, settings)
    opened: list[str] = []
    wizard.open_browser = lambda url: (opened.append(url), browser_in_background(url))
    click(qtbot, wizard.start_page.office)
    click_next(qtbot, wizard)
    page = wizard.address_page
    type_into(qtbot, page.email, ALICE)
    click(qtbot, page.sign_in)
    qtbot.waitUntil(lambda: wizard.state.auth == "oauth2", timeout=10000)
    text = page.oauth_status.text()
    assert "different address" in text
    assert "bob@example.test" in text and ALICE in text  # who signed in, who was typed
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert not page.isComplete() and not next_button.isEnabled()
    page.manual_link.linkActivated.emit("manual")  # no way around it either
    assert wizard.currentId() == PAGE_ADDRESS
    assert page.sign_in.text().replace("&", "") == f"Sign in again with {ALICE}"
    screenshot(wizard, "wizard_2_oauth_other_account_en", tmp_path)
    # signing in again with the right account unblocks
    auth_server.state.approve_as = ALICE
    click(qtbot, page.sign_in)
    qtbot.waitUntil(lambda: page.oauth_status.text() == "Signed in.", timeout=10000)
    assert len(opened) == 2 and "login_hint=alice%40example.test" in opened[1]
    assert page.isComplete() and next_button.isEnabled()
    assert page.sign_in.text().replace("&", "") == "Sign in with Microsoft"


def test_correcting_the_typed_address_to_the_signed_in_one_unblocks(
        qtbot, auth_server, postier_env: Path) -> None:
    auth_server.state.approve_as = "bob@example.test"
    settings = offline_settings(postier_env, **auth_server.env())
    wizard = make_wizard(qtbot, settings)
    wizard.open_browser = browser_in_background
    click(qtbot, wizard.start_page.office)
    click_next(qtbot, wizard)
    page = wizard.address_page
    type_into(qtbot, page.email, "bbo@example.test")  # a typo
    click(qtbot, page.sign_in)
    qtbot.waitUntil(lambda: wizard.state.auth == "oauth2", timeout=10000)
    assert not page.isComplete()
    type_into(qtbot, page.email, "bob@example.test")
    assert page.isComplete()
    assert page.oauth_status.text() == "Signed in."


def test_refused_token_shows_sign_in_advice_not_password_advice(
        qtbot, bad_servers, auth_server, postier_env: Path, tmp_path: Path) -> None:
    # The scripted servers accept only bad.GOOD_TOKEN: the provider's token is refused,
    # as when the mailbox belongs to another tenant or mail access is not allowed.
    settings = offline_settings(postier_env, ca_file=bad_servers.ca_file, **auth_server.env())
    wizard = make_wizard(qtbot, settings)
    wizard.open_browser = browser_in_background
    click(qtbot, wizard.start_page.office)
    click_next(qtbot, wizard)
    page = wizard.address_page
    type_into(qtbot, page.email, ALICE)
    click(qtbot, page.sign_in)
    qtbot.waitUntil(lambda: page.oauth_status.text() == "Signed in.", timeout=10000)
    go_manual(qtbot, wizard)
    fill_manual(qtbot, wizard, bad_servers.oauth_only_imap().endpoint,
                bad_servers.oauth_only_smtp().endpoint)
    click_next(qtbot, wizard)
    wait_test_done(qtbot, wizard)
    test = wizard.check_page
    assert not wizard.state.check_passed
    shown = f"{test.error_message.text()} {test.error_hint.text()}"
    assert "refused the sign-in" in test.error_message.text()
    assert ALICE in test.error_hint.text() and "Sign in again" in test.error_hint.text()
    for password_advice in ("password", "Caps Lock", "app password"):
        assert password_advice not in shown, password_advice
    assert not test.retype_row.isVisible() and not test.guide_box.isVisible()
    assert not test.office_button.isVisible()  # already the Microsoft sign-in
    assert test.sign_in_again_button.isVisible()
    screenshot(wizard, "wizard_4_test_oauth_refused_en", tmp_path)
    click(qtbot, test.sign_in_again_button)
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_ADDRESS, timeout=3000)
    assert not page.isComplete()  # a new sign-in is needed before going on
    assert page.sign_in.isVisible() and page.sign_in.isEnabled()


def test_provider_refusal_is_explained(qtbot, auth_server, postier_env: Path) -> None:
    refusal = "AADSTS65001: The user or administrator has not consented"
    auth_server.state.authorize_error = ("consent_required", refusal)
    settings = offline_settings(postier_env, **auth_server.env())
    wizard = make_wizard(qtbot, settings)
    wizard.open_browser = browser_in_background
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
