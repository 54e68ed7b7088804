"""Changing a set-up account (issue 16 item 10): the wizard opens on the account's address
with its settings, a new password (or the stored one when left empty), other servers and
a new signature are tested again and saved over the account only once the test passes; a
failed re-test offers the password field. Against scripted IMAP/SMTP servers on loopback,
with the real keyring file and database of the test."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLineEdit

from app.services.credentials import CredentialStore
from app.services.mail.auth import Credential
from app.services.setup import accounts
from app.services.storage import AccountStore, open_database
from app.ui.wizard import SetupWizard
from app.ui.wizard.step_page import (
    PAGE_ADDRESS,
    PAGE_CHECK,
    PAGE_FINISH,
    PAGE_MANUAL,
    PAGE_SIGNATURE,
)

from .wizard_driver import click, click_next, offline_settings, type_into, wait_test_done

EMAIL = "marie@dupont.example"


def _account(settings, imap, smtp):
    accounts.save_account(settings, email=EMAIL, credential=Credential(EMAIL, "old-secret-1"),
                          imap=imap.endpoint_as("ssl"), smtp=smtp.endpoint_as("ssl"),
                          display_name="Marie", signature_html="<b>Ancienne signature</b>",
                          signature_text="Ancienne signature")
    return AccountStore(open_database(settings.db_path)).get(EMAIL)


def _edit(qtbot, settings, account) -> SetupWizard:
    wizard = SetupWizard(settings, language="en", edit_account=account)
    wizard.check_timeout = 5.0
    wizard.health_timeout = 2.0
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def _logins(server) -> list[str]:
    return [c for c in server.commands if " LOGIN " in c.upper()]


def test_change_password_servers_and_signature(qtbot, bad_servers, postier_env: Path) -> None:
    settings = offline_settings(postier_env, ca_file=bad_servers.ca_file)
    imap, smtp, other_smtp = bad_servers.imaps(), bad_servers.smtps(), bad_servers.smtps()
    account = _account(settings, imap, smtp)
    wizard = _edit(qtbot, settings, account)
    page = wizard.address_page
    assert wizard.currentId() == PAGE_ADDRESS
    assert page.email.text() == EMAIL and page.email.isReadOnly()
    assert page.password.text() == "" and page.password.echoMode() == QLineEdit.EchoMode.Password
    qtbot.waitUntil(lambda: wizard.focusWidget() is page.password, timeout=2000)
    assert wizard.address_page.title() == "Change the account"
    type_into(qtbot, page.password, "new-secret-2")
    click_next(qtbot, wizard)
    assert wizard.currentId() == PAGE_MANUAL  # the servers, filled in
    manual = wizard.manual_page
    assert manual.imap.port.text() == str(imap.port)
    type_into(qtbot, manual.smtp.port, str(other_smtp.port))
    click_next(qtbot, wizard)
    assert wizard.currentId() == PAGE_CHECK
    wait_test_done(qtbot, wizard)
    assert wizard.state.check_passed
    assert any("new-secret-2" in c for c in _logins(imap))  # tested with the new one
    click_next(qtbot, wizard)
    assert wizard.currentId() == PAGE_SIGNATURE
    assert "Ancienne signature" in wizard.signature_page.editor.toPlainText()
    wizard.signature_page.editor.setHtml("<b>Marie Dupont</b> — Dupont SARL")
    with qtbot.waitSignal(wizard.accountSaved, timeout=10000):
        click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_FINISH, timeout=5000)
    changed = AccountStore(open_database(settings.db_path)).get(EMAIL)
    assert changed.smtp_port == other_smtp.port and changed.imap_port == imap.port
    assert "Dupont SARL" in changed.signature_html and "Dupont SARL" in changed.signature_text
    assert CredentialStore().get(EMAIL, "password") == "new-secret-2"
    assert changed.id == account.id  # the same account: its history stays attached


def test_an_empty_password_keeps_the_stored_one(qtbot, bad_servers, postier_env: Path) -> None:
    settings = offline_settings(postier_env, ca_file=bad_servers.ca_file)
    imap, smtp = bad_servers.imaps(), bad_servers.smtps()
    wizard = _edit(qtbot, settings, _account(settings, imap, smtp))
    click_next(qtbot, wizard)
    click_next(qtbot, wizard)
    wait_test_done(qtbot, wizard)
    assert wizard.state.check_passed
    assert any("old-secret-1" in c for c in _logins(imap))
    assert "old-secret-1" not in wizard.address_page.password.text()  # never shown
    click_next(qtbot, wizard)
    with qtbot.waitSignal(wizard.accountSaved, timeout=10000):
        click_next(qtbot, wizard)
    assert CredentialStore().get(EMAIL, "password") == "old-secret-1"


def test_a_failed_retest_offers_the_password_field(qtbot, bad_servers,
                                                   postier_env: Path) -> None:
    settings = offline_settings(postier_env, ca_file=bad_servers.ca_file)
    imap = bad_servers.imaps(login_reply="NO [AUTHENTICATIONFAILED] Authentication failed.")
    smtp = bad_servers.smtps()
    wizard = _edit(qtbot, settings, _account(settings, imap, smtp))
    click_next(qtbot, wizard)
    click_next(qtbot, wizard)
    wait_test_done(qtbot, wizard)
    test = wizard.check_page
    assert not wizard.state.check_passed
    assert test.retype_row.isVisible() and test.new_password.isVisible()
    # Nothing was saved by the failed test.
    assert CredentialStore().get(EMAIL, "password") == "old-secret-1"
    imap.login_reply = None  # the password changed on the server: the new one works
    type_into(qtbot, test.new_password, "new-secret-3")
    click(qtbot, test.retype_button)
    wait_test_done(qtbot, wizard)
    assert wizard.state.check_passed
    click_next(qtbot, wizard)
    with qtbot.waitSignal(wizard.accountSaved, timeout=10000):
        click_next(qtbot, wizard)
    assert CredentialStore().get(EMAIL, "password") == "new-secret-3"


def test_accounts_tab_opens_the_wizard_on_the_account(qtbot, bad_servers,
                                                      postier_env: Path) -> None:
    from app.ui.accounts_view import AccountsView

    settings = offline_settings(postier_env, ca_file=bad_servers.ca_file)
    _account(settings, bad_servers.imaps(), bad_servers.smtps())
    view = AccountsView(settings, open_database(settings.db_path))
    qtbot.addWidget(view)
    view.show()
    view.table.selectRow(0)
    click(qtbot, view.change_button)
    wizard = view.change_wizard
    qtbot.waitUntil(wizard.isVisible, timeout=2000)
    assert wizard.currentId() == PAGE_ADDRESS
    assert EMAIL in wizard.windowTitle() and wizard.address_page.email.text() == EMAIL
    wizard.reject()
