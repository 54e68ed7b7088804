"""The wizard's Office 365 / Gmail sign-in against the real OAuth rig: Dovecot's oauth2
passdb and Postfix SASL through it (tests/support/oauth_rig.py). The account the wizard
saves then sends with XOAUTH2; its password could not have worked."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.credentials import CredentialStore
from app.services.outbox import sending
from app.services.setup.accounts import account_store
from app.ui.wizard.step_page import PAGE_CHECK, PAGE_FINISH
from tests.support.oauth_rig import OAUTH_USER, OAuthRig
from tests.support.oauth_server import AuthState, LocalAuthServer, browser_in_background

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


@pytest.mark.parametrize("choice", ["office365", "gmail"])
def test_wizard_sign_in_checks_saves_and_the_account_sends(
        qtbot, oauth_rig: OAuthRig, auth: LocalAuthServer, postier_env: Path,
        choice: str) -> None:
    auth.httpd.state = AuthState(approve_as=OAUTH_USER)
    settings = offline_settings(postier_env, ca_file=oauth_rig.rig.ca_file, **auth.env())
    wizard = make_wizard(qtbot, settings)
    wizard.open_browser = browser_in_background
    click(qtbot, getattr(wizard.start_page, "office" if choice == "office365" else "gmail"))
    click_next(qtbot, wizard)
    page = wizard.address_page
    # Google refuses the Gmail scope in its device-code flow: no "sign in with a code" there
    assert page.device_button.isVisible() == (choice == "office365")
    type_into(qtbot, page.email, OAUTH_USER)
    click(qtbot, page.sign_in)
    qtbot.waitUntil(lambda: wizard.state.auth == "oauth2", timeout=10000)
    assert page.oauth_status.text() == "Signed in."
    go_manual(qtbot, wizard)
    fill_manual(qtbot, wizard, oauth_rig.rig.imaps, oauth_rig.rig.submission)
    click_next(qtbot, wizard)
    assert wizard.currentId() == PAGE_CHECK
    wait_test_done(qtbot, wizard)
    assert wizard.state.check_passed, wizard.check_page.error_message.text()
    click_next(qtbot, wizard)
    with qtbot.waitSignal(wizard.accountSaved, timeout=10000):
        click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_FINISH, timeout=5000)

    account = account_store(settings).get(OAUTH_USER)
    assert account is not None and account.auth_kind == "oauth2"
    assert account.provider == choice
    assert CredentialStore().get(OAUTH_USER, "password") is None
    result = sending.send_message(settings, sending.OutgoingMessage(
        account_email=OAUTH_USER, to=["bob@example.test"], subject=f"wizard {choice}",
        text="Bonjour"), timeout=15)
    assert result.status == "sent", result.to_dict()
    methods = {line.split("method=")[1].split(",")[0] for line in oauth_rig.logins()}
    assert methods == {"XOAUTH2"}
