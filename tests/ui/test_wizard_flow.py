"""The whole setup wizard driven like a user against real servers: the Dovecot/Postfix
rig (happy path, wrong password) and misbehaving servers (self-signed certificate,
silent server, provider error replies)."""

from __future__ import annotations

import hashlib
import ssl
import time
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWizard

from app.services.credentials import CredentialStore
from app.services.setup.accounts import account_store
from app.ui.wizard.step_page import (
    PAGE_ADDRESS,
    PAGE_CHECK,
    PAGE_FINISH,
    PAGE_MANUAL,
    PAGE_SIGNATURE,
)
from tests.support import misbehaving_server as bad

from .wizard_driver import (
    all_visible_text,
    click,
    click_next,
    make_wizard,
    offline_settings,
    run_to_test,
    type_into,
    wait_test_done,
)

ALICE = "alice@example.test"


def next_enabled(wizard: QWizard) -> bool:
    return wizard.button(QWizard.WizardButton.NextButton).isEnabled()


@pytest.mark.rig
def test_happy_path_saves_account_and_keyring_entry(qtbot, rig, postier_env: Path) -> None:
    settings = offline_settings(postier_env, ca_file=rig.ca_file)
    started = time.monotonic()  # from launch (the wizard window appears)
    wizard = make_wizard(qtbot, settings)
    saved: list[str] = []
    wizard.accountSaved.connect(saved.append)
    run_to_test(qtbot, wizard, ALICE, rig.users[ALICE], rig.imaps, rig.submission,
                name="Alice Martin")
    page = wizard.check_page
    assert not next_enabled(wizard)  # nothing to save before the test passes
    wait_test_done(qtbot, wizard)
    assert wizard.state.check_passed, page.error_message.text()
    assert "Everything works" in page.verdict.text()
    for (server, row), item in page.rows.items():
        assert item.state == "ok", (server, row)
        assert item.time.text().endswith(" ms")
    assert next_enabled(wizard)
    click_next(qtbot, wizard)
    assert wizard.currentId() == PAGE_SIGNATURE
    with qtbot.waitSignal(wizard.accountSaved, timeout=10000):
        click_next(qtbot, wizard)  # "Save the account"
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_FINISH, timeout=5000)
    elapsed = time.monotonic() - started
    assert saved == [ALICE]
    account = account_store(settings).get(ALICE)
    assert account is not None
    assert (account.imap_host, account.imap_port) == (rig.imaps.host, rig.imaps.port)
    assert (account.smtp_port, account.smtp_security) == (rig.submission.port,
                                                          rig.submission.security)
    assert account.display_name == "Alice Martin"
    assert "Alice Martin" in account.signature_text
    assert account.signature_html and "<html" not in account.signature_html.lower()
    assert CredentialStore().get(ALICE, "password") == rig.users[ALICE]
    print(f"\nwizard: launch to saved account on the rig in {elapsed:.2f} s (driven)")
    # Finish page: the test message to myself really reaches the mailbox.
    finish = wizard.finish_page
    assert ALICE in finish.done_label.text()
    before = len(rig.maildir_messages(ALICE))
    click(qtbot, finish.send_button)
    qtbot.waitUntil(lambda: finish.send_button.isEnabled(), timeout=15000)
    assert "Sent" in finish.send_status.text(), finish.send_status.text()
    delivered = rig.wait_for_mail(ALICE, before + 1)
    assert any(b"Subject: Postier test message" in p.read_bytes() for p in delivered)
    assert rig.users[ALICE] not in all_visible_text(wizard)


@pytest.mark.rig
def test_wrong_password_shows_auth_failed_and_keeps_save_disabled(qtbot, rig,
                                                                  postier_env: Path) -> None:
    settings = offline_settings(postier_env, ca_file=rig.ca_file)
    wizard = make_wizard(qtbot, settings)
    wrong = "Wr0ng-Passw0rd!"
    run_to_test(qtbot, wizard, ALICE, wrong, rig.imaps, rig.submission)
    wait_test_done(qtbot, wizard)
    page = wizard.check_page
    assert not wizard.state.check_passed
    assert page.error_message.text() == "The server refused the user name or password."
    assert "Check the password" in page.error_hint.text()
    assert page.reply.isVisible() and page.reply.text()  # the server's own words
    assert any(row.state == "fail" for row in page.rows.values())
    assert not next_enabled(wizard)
    assert account_store(settings).get(ALICE) is None
    # Screen-share safety: the password is nowhere on screen nor in the diagnostics.
    assert wrong not in all_visible_text(wizard)
    click(qtbot, page.diag_button)
    report = QGuiApplication.clipboard().text()
    assert "AUTH_FAILED" in report and ALICE in report
    assert wrong not in report
    assert "Diagnostics copied" in page.copied.text()
    # Retype the right password right there: the test passes, nothing else to redo.
    assert page.new_password.isVisible()
    assert page.new_password.echoMode() == page.new_password.EchoMode.Password
    type_into(qtbot, page.new_password, rig.users[ALICE])
    click(qtbot, page.retype_button)
    wait_test_done(qtbot, wizard)
    assert wizard.state.check_passed, page.error_message.text()
    assert next_enabled(wizard)
    assert wizard.address_page.password.text() == rig.users[ALICE]


def test_self_signed_certificate_trust_dialog_pins_and_retest_passes(
        qtbot, bad_servers, postier_env: Path) -> None:
    imap = bad_servers.self_signed("imap")
    smtp = bad_servers.smtps()
    settings = offline_settings(postier_env, ca_file=bad_servers.ca_file)
    wizard = make_wizard(qtbot, settings)
    run_to_test(qtbot, wizard, "paul@dupont.example", "pw", imap.endpoint, smtp.endpoint)
    wait_test_done(qtbot, wizard)
    page = wizard.check_page
    assert page.last_error.code == "CERT_UNTRUSTED"
    assert page.guide_box.isVisible() and "administrator" in page.guide_box.title()
    assert page.trust_button.isVisible()
    assert not next_enabled(wizard)
    click(qtbot, page.trust_button)
    dialog = page.cert_dialog
    qtbot.waitExposed(dialog)
    der = ssl.PEM_cert_to_DER_cert(bad_servers.self_signed_pem.decode())
    expected = hashlib.sha256(der).hexdigest().upper()
    shown = dialog.fingerprint.text().replace(":", "").replace("\n", "")
    assert shown == expected
    assert "self-signed" in dialog.explanation.text()
    assert not dialog.trust_button.isEnabled()  # only after confirming the comparison
    click(qtbot, dialog.confirm)
    click(qtbot, dialog.trust_button)
    qtbot.waitUntil(lambda: page.running or wizard.state.check_passed, timeout=3000)
    wait_test_done(qtbot, wizard)
    assert wizard.state.imap_pin == expected.lower()
    assert wizard.state.smtp_pin is None  # the other server keeps normal verification
    assert wizard.state.check_passed, page.error_message.text()
    assert next_enabled(wizard)
    click_next(qtbot, wizard)
    with qtbot.waitSignal(wizard.accountSaved, timeout=10000):
        click_next(qtbot, wizard)
    account = account_store(settings).get("paul@dupont.example")
    assert account.imap_pin == expected.lower() and account.smtp_pin is None  # kept


@pytest.mark.parametrize(("kind", "code", "message_word", "request_word", "dialog_word"), [
    ("expired", "CERT_EXPIRED", "expired", "renew", "EXPIRED"),
    ("wrong_host", "CERT_HOSTNAME_MISMATCH", "another name", "another name", "OTHER NAMES"),
])
def test_bad_certificates_are_explained_never_silently_accepted(
        qtbot, bad_servers, postier_env: Path, kind: str, code: str, message_word: str,
        request_word: str, dialog_word: str) -> None:
    imap = getattr(bad_servers, kind)("imap")
    smtp = bad_servers.smtps()
    wizard = make_wizard(qtbot, offline_settings(postier_env, ca_file=bad_servers.ca_file))
    run_to_test(qtbot, wizard, "paul@dupont.example", "pw", imap.endpoint, smtp.endpoint)
    wait_test_done(qtbot, wizard)
    page = wizard.check_page
    assert page.last_error.code == code
    assert message_word in page.error_message.text()
    assert request_word in page.admin_request.toPlainText()
    assert not next_enabled(wizard)
    assert not any(c.startswith(("LOGIN", "AUTH")) for c in imap.commands)  # no password sent
    click(qtbot, page.trust_button)
    dialog = page.cert_dialog
    assert dialog_word in dialog.explanation.text()
    click(qtbot, dialog.dont_trust_button)
    assert not dialog.isVisible()
    assert wizard.state.imap_pin is None and not page.running
    assert not next_enabled(wizard)


def test_stop_during_a_test_on_a_silent_server_returns_at_once(qtbot, bad_servers,
                                                               postier_env: Path) -> None:
    imap = bad_servers.silent("imap")
    smtp = bad_servers.silent("smtp")
    wizard = make_wizard(qtbot, offline_settings(postier_env, ca_file=bad_servers.ca_file))
    wizard.check_timeout = 30.0  # the server would keep us waiting that long
    run_to_test(qtbot, wizard, "paul@dupont.example", "pw", imap.endpoint_as("ssl"),
                smtp.endpoint_as("ssl"))
    page = wizard.check_page
    qtbot.waitUntil(lambda: page.running and page.stop_button.isVisible(), timeout=10_000)
    finished = page.worker_finished
    started = time.monotonic()
    click(qtbot, page.stop_button)
    assert time.monotonic() - started < 1.0
    assert not page.running
    assert page.retry_button.isVisible() and page.retry_button.isEnabled()
    assert "stopped" in page.verdict.text()
    assert not next_enabled(wizard)
    # The background check really ends too (the service honours the cancel event).
    assert finished.wait(1.0), "the check thread did not stop within 1 s of Stop"


@pytest.mark.parametrize(("imap_reply", "smtp_reply", "choice", "code", "title_word", "button"), [
    (bad.GMAIL_IMAP_APP_PASSWORD, None, "gmail", "APP_PASSWORD_REQUIRED", "app password",
     None),
    (bad.GMAIL_IMAP_DISABLED, None, "gmail", "IMAP_DISABLED", "IMAP", None),
    (None, bad.MS_SMTP_BASIC_AUTH_DISABLED, "office365", "BASIC_AUTH_DISABLED", "Microsoft",
     "office_button"),
])
def test_provider_failures_show_their_guidance_panel(qtbot, bad_servers, postier_env: Path,
                                                     imap_reply, smtp_reply, choice, code,
                                                     title_word, button) -> None:
    imap = bad_servers.imaps(login_reply=imap_reply) if imap_reply else bad_servers.imaps()
    smtp = bad_servers.smtps(login_reply=smtp_reply) if smtp_reply else bad_servers.smtps()
    wizard = make_wizard(qtbot, offline_settings(postier_env, ca_file=bad_servers.ca_file))
    run_to_test(qtbot, wizard, "paul@dupont.example", "pw", imap.endpoint, smtp.endpoint)
    page = wizard.check_page
    wait_test_done(qtbot, wizard)
    # As if the provider had been chosen on the start page (OAuth not configured).
    wizard.state.provider = choice
    click(qtbot, page.retry_button)
    assert page.running
    wait_test_done(qtbot, wizard)
    assert page.last_error.code == code
    assert page.guide_box.isVisible()
    assert title_word in page.guide_box.title()
    assert page.guide_steps.text().count("<li>") >= 3
    assert (imap_reply or smtp_reply).split("\r\n")[0][:30] in page.reply.text()
    assert not next_enabled(wizard)
    if button:
        assert getattr(page, button).isVisible()


def test_old_tls_server_gives_a_message_for_the_administrator(qtbot, bad_servers,
                                                              postier_env: Path) -> None:
    imap = bad_servers.tls10("imap")
    smtp = bad_servers.smtps()
    wizard = make_wizard(qtbot, offline_settings(postier_env, ca_file=bad_servers.ca_file))
    run_to_test(qtbot, wizard, "paul@dupont.example", "pw", imap.endpoint, smtp.endpoint)
    wait_test_done(qtbot, wizard)
    page = wizard.check_page
    assert page.last_error.code == "TLS_TOO_OLD"
    assert "TLS 1.2" in page.admin_request.toPlainText()
    assert page.copy_request_button.isVisible()
    click(qtbot, page.copy_request_button)
    assert "TLS 1.2" in QGuiApplication.clipboard().text()


def test_cancel_button_of_the_wizard_stops_the_test(qtbot, bad_servers,
                                                    postier_env: Path) -> None:
    imap = bad_servers.silent("imap")
    smtp = bad_servers.silent("smtp")
    wizard = make_wizard(qtbot, offline_settings(postier_env, ca_file=bad_servers.ca_file))
    wizard.check_timeout = 30.0
    run_to_test(qtbot, wizard, "paul@dupont.example", "pw", imap.endpoint_as("ssl"),
                smtp.endpoint_as("ssl"))
    assert wizard.currentId() == PAGE_CHECK and wizard.check_page.running
    cancel = wizard.check_page._cancel
    click(qtbot, wizard.button(QWizard.WizardButton.CancelButton))
    # The typed address and password would be lost: asked first, then everything stops.
    qtbot.waitUntil(lambda: wizard.discard_box is not None and wizard.discard_box.isVisible(),
                    timeout=2000)
    click(qtbot, wizard.discard_button)
    assert cancel.is_set()
    assert not wizard.isVisible()


def test_failure_buttons_lead_to_the_fix(qtbot, bad_servers, postier_env: Path) -> None:
    imap = bad_servers.imaps()
    smtp = bad_servers.smtps(login_reply=bad.MS_SMTP_BASIC_AUTH_DISABLED)
    wizard = make_wizard(qtbot, offline_settings(postier_env, ca_file=bad_servers.ca_file))
    run_to_test(qtbot, wizard, "paul@dupont.example", "pw", imap.endpoint, smtp.endpoint)
    wait_test_done(qtbot, wizard)
    page = wizard.check_page
    assert page.last_error.code == "BASIC_AUTH_DISABLED"
    # "Change the settings" goes back to the manual page, with what was typed.
    click(qtbot, page.settings_button)
    assert wizard.currentId() == PAGE_MANUAL
    assert wizard.manual_page.smtp.port.text() == str(smtp.port)
    click_next(qtbot, wizard)
    wait_test_done(qtbot, wizard)
    # "Use the Office 365 sign-in" starts over on the Microsoft path.
    assert page.office_button.isVisible()
    click(qtbot, page.office_button)
    assert wizard.currentId() == PAGE_ADDRESS
    assert wizard.state.choice == "office365"
    assert wizard.address_page.email.text() == "paul@dupont.example"  # kept


def test_diagnostics_tell_support_what_discovery_tried(qtbot, bad_servers,
                                                       postier_env: Path) -> None:
    wizard = make_wizard(qtbot, offline_settings(postier_env, ca_file=bad_servers.ca_file))
    from .wizard_driver import choose_own_server, fill_address, fill_manual

    choose_own_server(qtbot, wizard)
    fill_address(qtbot, wizard, "paul@dupont.example", "Tr3s-Secret")
    wizard.address_page.email.editingFinished.emit()
    qtbot.waitUntil(lambda: not wizard.address_page._discovering, timeout=10000)
    click_next(qtbot, wizard)  # nothing found → manual page
    assert wizard.currentId() == PAGE_MANUAL
    fill_manual(qtbot, wizard, bad_servers.imaps(login_reply="NO [AUTHENTICATIONFAILED] "
                                                             "Tr3s-Secret is wrong").endpoint,
                bad_servers.smtps().endpoint)
    click_next(qtbot, wizard)
    wait_test_done(qtbot, wizard)
    report = wizard.check_page.diagnostics_text()
    assert "Discovery:" in report and "ispdb" in report
    assert "AUTH_FAILED" in report and "[redacted] is wrong" in report
    assert "Tr3s-Secret" not in report


def test_saving_an_account_that_exists_says_so(qtbot, bad_servers, postier_env: Path) -> None:
    from app.services.mail.auth import Credential
    from app.services.setup.accounts import save_account

    settings = offline_settings(postier_env, ca_file=bad_servers.ca_file)
    imap, smtp = bad_servers.imaps(), bad_servers.smtps()
    save_account(settings, email="paul@dupont.example", credential=Credential("paul", "x"),
                 imap=imap.endpoint, smtp=smtp.endpoint)
    wizard = make_wizard(qtbot, settings)
    saved: list[str] = []
    wizard.accountSaved.connect(saved.append)
    run_to_test(qtbot, wizard, "paul@dupont.example", "pw", imap.endpoint, smtp.endpoint)
    wait_test_done(qtbot, wizard)
    click_next(qtbot, wizard)
    click_next(qtbot, wizard)  # "Save the account"
    page = wizard.signature_page
    qtbot.waitUntil(lambda: "already set up" in page.save_error.text(), timeout=5000)
    assert wizard.currentId() == PAGE_SIGNATURE and saved == []


def test_enter_never_goes_back_during_a_test_and_means_next_after(qtbot, bad_servers,
                                                                  postier_env: Path) -> None:
    from PySide6.QtCore import Qt

    imap, smtp = bad_servers.silent("imap"), bad_servers.smtps()
    wizard = make_wizard(qtbot, offline_settings(postier_env, ca_file=bad_servers.ca_file))
    wizard.check_timeout = 30.0
    run_to_test(qtbot, wizard, "paul@dupont.example", "pw", imap.endpoint_as("ssl"),
                smtp.endpoint)
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow, timeout=2000)
    qtbot.keyClick(wizard.focusWidget(), Qt.Key.Key_Return)
    assert wizard.currentId() == PAGE_CHECK and wizard.check_page.running
    wizard.check_page.stop()
    good = bad_servers.imaps()
    wizard.state.imap = good.endpoint
    click(qtbot, wizard.check_page.retry_button)
    wait_test_done(qtbot, wizard)
    assert wizard.state.check_passed
    qtbot.keyClick(wizard.focusWidget(), Qt.Key.Key_Return)
    assert wizard.currentId() == PAGE_SIGNATURE


def test_starttls_on_an_implicit_tls_port_is_worded_precisely(qtbot, rig,
                                                              postier_env: Path) -> None:
    """The check's finer cause (errors.VARIANTS) reaches the page, not the generic TLS text."""
    from app.services.setup.endpoint import Endpoint

    settings = offline_settings(postier_env, ca_file=rig.ca_file)
    wizard = make_wizard(qtbot, settings)
    wrong = Endpoint(rig.imaps.host, rig.imaps.port, "starttls")
    run_to_test(qtbot, wizard, ALICE, rig.users[ALICE], wrong, rig.submission)
    wait_test_done(qtbot, wizard, timeout=15000)
    page = wizard.check_page
    assert not wizard.state.check_passed
    assert page.error_message.text().startswith("This port expects SSL/TLS from the start")
    assert f"Port {rig.imaps.port} " in page.error_hint.text()
