"""Screenshots of the pages changed for issue 16 (wizard, Compose, main window, domain
health), in English and French, on a 1280×800 and a 1024×600 screen (played by replacing
window_geometry.available_geometry). Into docs/screenshots/ when POSTIER_SCREENSHOTS=1,
else the test's tmp dir; each test also checks the window fits the screen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication

from app.services.config import Settings
from app.services.storage import AccountStore, Database, open_database
from app.ui import window_geometry
from app.ui.i18n import install_translator
from app.ui.wizard.step_page import (
    PAGE_CHECK,
    PAGE_FINISH,
    PAGE_MANUAL,
    PAGE_SIGNATURE,
    PAGE_START,
)

from .test_window_geometry import assert_fits
from .test_wizard_discovery_text import DOMAIN, guessable  # noqa: F401 - a fixture
from .wizard_driver import (
    click,
    click_next,
    dead_port,
    fill_address,
    fill_manual,
    make_wizard,
    offline_settings,
    screenshot,
    wait_test_done,
)

SCREENS = {"1280x800": QRect(0, 0, 1280, 800), "1024x600": QRect(0, 0, 1024, 600)}


@pytest.fixture(params=["en", "fr"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    install_translator(qapp, request.param)
    yield request.param
    install_translator(qapp, "en")


@pytest.fixture(params=list(SCREENS))
def screen(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    area = SCREENS[request.param]
    monkeypatch.setattr(window_geometry, "available_geometry", lambda widget=None: area)
    yield request.param


def _shot(widget, name: str, language: str, screen: str, tmp_path: Path) -> None:
    assert_fits(widget, SCREENS[screen], name)
    screenshot(widget, f"i16_{name}_{language}_{screen}", tmp_path)


def test_screens_of_the_wizard(qtbot, bad_servers, guessable, language: str,  # noqa: F811
                               screen: str, tmp_path: Path) -> None:
    settings, _imap_port, _smtp_port = guessable
    wizard = make_wizard(qtbot, settings, language=language)
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow, timeout=2000)
    start = wizard.start_page
    assert wizard.currentId() == PAGE_START
    assert all(b.isVisible() for b in (start.office, start.gmail, start.other))
    _shot(wizard, "wizard_1_start", language, screen, tmp_path)
    click(qtbot, wizard.start_page.other)
    page = wizard.start_page
    page.list.setCurrentRow(page.list.count() - 1)  # "My own server"
    click_next(qtbot, wizard)
    fill_address(qtbot, wizard, f"marie@{DOMAIN}", "MotDePasse-Secret-42", "Marie Dupont")
    wizard.address_page.email.editingFinished.emit()
    qtbot.waitUntil(lambda: not wizard.address_page._discovering, timeout=30000)
    # The usual server names answered: both guessed, and the page names them.
    assert (wizard.state.imap.host, wizard.state.imap.port) == (f"imap.{DOMAIN}", _imap_port)
    assert (wizard.state.smtp.host, wizard.state.smtp.port) == (f"smtp.{DOMAIN}", _smtp_port)
    assert f"imap.{DOMAIN}:{_imap_port}" in wizard.address_page.status.text()
    _shot(wizard, "wizard_2_address_guessed", language, screen, tmp_path)
    wizard.address_page.go_manual()
    assert wizard.currentId() == PAGE_MANUAL
    _shot(wizard, "wizard_3_manual", language, screen, tmp_path)
    imap, smtp = bad_servers.imaps(), bad_servers.smtps()
    fill_manual(qtbot, wizard, imap.endpoint_as("ssl"), smtp.endpoint)
    click_next(qtbot, wizard)
    assert wizard.currentId() == PAGE_CHECK
    wait_test_done(qtbot, wizard)
    assert wizard.state.check_passed and not wizard.check_page.error_message.text()
    _shot(wizard, "wizard_4_test_ok", language, screen, tmp_path)
    click_next(qtbot, wizard)
    assert wizard.currentId() == PAGE_SIGNATURE
    _shot(wizard, "wizard_5_signature", language, screen, tmp_path)
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_FINISH, timeout=5000)
    qtbot.waitUntil(lambda: wizard.finish_page.health_done, timeout=30000)
    # The outgoing server went away after the test: the message waits for a retry.
    AccountStore(Database(settings.db_path)).update_fields(f"marie@{DOMAIN}",
                                                           smtp_port=dead_port())
    finish = wizard.finish_page
    click(qtbot, finish.send_button)
    qtbot.waitUntil(lambda: bool(finish.send_outcome), timeout=20000)
    assert finish.send_outcome == "queued" and finish.send_status.text()
    _shot(wizard, "wizard_6_finish_queued", language, screen, tmp_path)


def test_screens_of_the_discard_question_and_sign_in_not_set_up(
        qtbot, language: str, screen: str, postier_env: Path, tmp_path: Path) -> None:
    wizard = make_wizard(qtbot, offline_settings(postier_env), language=language)
    click(qtbot, wizard.start_page.office)
    click_next(qtbot, wizard)
    fill_address(qtbot, wizard, "marie@dupont.example", "MotDePasse-Secret-42")
    # No client ID here: no sign-in button, the password asked instead.
    assert wizard.address_page.sign_in.isHidden()
    assert wizard.address_page.password_row.isVisible()
    _shot(wizard, "wizard_2_office365_not_set_up", language, screen, tmp_path)
    wizard.reject()  # what Escape does
    qtbot.waitUntil(lambda: wizard.discard_box is not None and wizard.discard_box.isVisible(),
                    timeout=2000)
    assert wizard.keep_button.isVisible()
    screenshot(wizard.discard_box, f"i16_wizard_discard_question_{language}_{screen}",
               tmp_path)
    click(qtbot, wizard.keep_button)
    assert wizard.isVisible()  # kept: nothing typed is lost


def test_screens_of_main_window_compose_and_domain_health(
        qtbot, language: str, screen: str, postier_env: Path, tmp_path: Path) -> None:
    from app.ui.compose_dialog import ComposeDialog
    from app.ui.domain_health_dialog import DomainHealthDialog
    from app.ui.main_window import MainWindow
    from tests.support import sent_messages as sm

    settings = Settings.from_env()
    db = open_database(settings.db_path)
    sm.demo(db)
    window = MainWindow(settings, db, live_tracking=False, lang=language)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.page.model.refreshed, timeout=10_000):
        window.show()
    # Every demo recipient is a row of the table.
    assert window.page.model.rowCount() == len(sm.listed(db)) > 0
    assert window.tabs.currentIndex() == 0
    _shot(window, "main_window", language, screen, tmp_path)
    compose = ComposeDialog(settings, db, AccountStore(db).list(), window)
    qtbot.addWidget(compose)
    compose.show()
    qtbot.keyClicks(compose.to_field, "client@exemple.fr")
    qtbot.keyClicks(compose.subject, "Devis 12")
    compose.editor.insertPlainText("Bonjour,\nvoici le devis détaillé.")
    compose.reject()  # Escape: kept as a draft…
    again = ComposeDialog(settings, db, AccountStore(db).list(), window)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    # …and back: what was typed is there again.
    assert (again.to_field.text(), again.subject.text()) == ("client@exemple.fr", "Devis 12")
    assert "voici le devis détaillé." in again.editor.toPlainText()
    _shot(again, "compose_draft", language, screen, tmp_path)
    again.discard_draft()
    again.reject()
    dialog = DomainHealthDialog(settings, db, AccountStore(db).list()[0], window,
                                language=language, timeout=0.5)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.running, timeout=20000)
    # The domain's report, one row per check and its score (whatever this network answers).
    report = dialog.view.report
    assert report is not None and report.domain == dialog.domain and not dialog.error.isVisible()
    assert len(dialog.view.rows) == len(report.checks) > 0
    assert dialog.view.score_label.text() == f"{report.score}/100"
    _shot(dialog, "domain_health", language, screen, tmp_path)
    dialog.close()
    window.close()


def test_screens_of_changing_an_account(qtbot, bad_servers, language: str, screen: str,
                                        postier_env: Path, tmp_path: Path) -> None:
    from app.services.mail.auth import Credential
    from app.services.setup import accounts
    from app.ui.wizard import SetupWizard

    settings = offline_settings(postier_env, ca_file=bad_servers.ca_file)
    imap = bad_servers.imaps(login_reply="NO [AUTHENTICATIONFAILED] Authentication failed.")
    email = "marie@dupont.example"
    accounts.save_account(settings, email=email, credential=Credential(email, "old-secret"),
                          imap=imap.endpoint_as("ssl"),
                          smtp=bad_servers.smtps().endpoint_as("ssl"), display_name="Marie")
    account = AccountStore(open_database(settings.db_path)).get(email)
    wizard = SetupWizard(settings, language=language, edit_account=account)
    wizard.check_timeout = 5.0
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    # The account being changed: its address and name filled in, the password to type again.
    page = wizard.address_page
    assert (page.email.text(), page.display_name.text()) == (email, "Marie")
    assert page.password.text() == ""
    _shot(wizard, "change_account_2_address", language, screen, tmp_path)
    click_next(qtbot, wizard)
    click_next(qtbot, wizard)
    wait_test_done(qtbot, wizard)
    assert wizard.check_page.new_password.isVisible()
    _shot(wizard, "change_account_4_test_failed", language, screen, tmp_path)
