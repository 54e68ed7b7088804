"""Keyboard use, in both languages: no two Alt+letter mnemonics collide on any wizard page
(in each of its states), in Compose or in the main window's menus; Enter on the wizard's
last page finishes (it never sends a test e-mail)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QMenuBar,
    QTabBar,
    QWidget,
    QWizard,
)

from app.ui.i18n import install_translator
from app.ui.wizard.step_page import PAGE_CHECK, PAGE_FINISH, PAGE_MANUAL, PAGE_SIGNATURE

from .wizard_driver import (
    choose_own_server,
    click,
    click_next,
    fill_address,
    fill_manual,
    make_wizard,
    offline_settings,
    run_to_test,
    wait_test_done,
)

_MNEMONIC = re.compile(r"&([^&\s])")


def mnemonic(text: str) -> str | None:
    """The Alt+letter of a text ("&&" is a literal ampersand), lower-cased."""
    found = _MNEMONIC.search(text.replace("&&", ""))
    return found.group(1).lower() if found else None


def visible_mnemonics(window: QWidget) -> dict[str, list[str]]:
    """Every mnemonic a user can press in the window as it is shown now."""
    texts: list[str] = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QAbstractButton) or (
                isinstance(widget, QLabel) and widget.buddy() is not None):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QTabBar):
            texts += [widget.tabText(i) for i in range(widget.count())]
        elif isinstance(widget, QMenuBar):
            texts += [a.text() for a in widget.actions() if a.isVisible()]
    seen: dict[str, list[str]] = {}
    for text in texts:
        letter = mnemonic(text)
        if letter:
            seen.setdefault(letter, []).append(text)
    return seen


def assert_no_collision(window: QWidget, where: str) -> None:
    QApplication.processEvents()
    clashes = {k: v for k, v in visible_mnemonics(window).items() if len(v) > 1}
    assert not clashes, f"{where}: Alt+letter used twice: {clashes}"


@pytest.fixture(params=["en", "fr"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    install_translator(qapp, request.param)
    yield request.param
    install_translator(qapp, "en")


def test_mnemonic_reader() -> None:
    assert mnemonic("&Terminer") == "t"
    assert mnemonic("M'envoyer un e-mail de &test") == "t"
    assert mnemonic("Fish && &Chips") == "c"
    assert mnemonic("Fish && Chips") is None


def test_every_wizard_page_has_distinct_mnemonics(qtbot, bad_servers, language: str,
                                                  postier_env: Path) -> None:
    settings = offline_settings(postier_env, ca_file=bad_servers.ca_file)
    wizard = make_wizard(qtbot, settings, language=language)
    assert_no_collision(wizard, "start")
    click(qtbot, wizard.start_page.other)
    assert_no_collision(wizard, "start, other provider")
    choose_own_server(qtbot, wizard)
    fill_address(qtbot, wizard, "marie@dupont.invalid", "pw", "Marie")
    wizard.address_page.email.editingFinished.emit()
    qtbot.waitUntil(lambda: not wizard.address_page._discovering, timeout=20000)
    assert_no_collision(wizard, "address")
    click_next(qtbot, wizard)
    assert wizard.currentId() == PAGE_MANUAL
    assert_no_collision(wizard, "manual")
    imap, smtp = bad_servers.imaps(), bad_servers.smtps()
    fill_manual(qtbot, wizard, imap.endpoint_as("ssl"), smtp.endpoint)
    click_next(qtbot, wizard)
    assert wizard.currentId() == PAGE_CHECK
    wait_test_done(qtbot, wizard)
    assert wizard.state.check_passed
    assert_no_collision(wizard, "test passed")
    click_next(qtbot, wizard)
    assert wizard.currentId() == PAGE_SIGNATURE
    assert_no_collision(wizard, "signature")
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_FINISH, timeout=5000)
    assert_no_collision(wizard, "finish")


FAILED_STATES = [
    ("auth_failed", "imaps", {"login_reply": "NO [AUTHENTICATIONFAILED] Authentication "
                                             "failed."}, None),
    ("self_signed", "self_signed", {}, None),
    ("basic_auth_disabled", "imaps", {}, "office365"),
]


@pytest.mark.parametrize(("name", "kind", "kwargs", "provider"), FAILED_STATES,
                         ids=[f[0] for f in FAILED_STATES])
def test_test_page_failure_states_have_distinct_mnemonics(
        qtbot, bad_servers, language: str, postier_env: Path, name: str, kind: str,
        kwargs: dict[str, Any], provider: str | None) -> None:
    from tests.support import misbehaving_server as bad

    imap = getattr(bad_servers, kind)(**kwargs)
    smtp_kw = {"login_reply": bad.MS_SMTP_BASIC_AUTH_DISABLED} if provider else {}
    smtp = bad_servers.smtps(**smtp_kw)
    wizard = make_wizard(qtbot, offline_settings(postier_env, ca_file=bad_servers.ca_file),
                         language=language)
    run_to_test(qtbot, wizard, "marie@dupont.example", "pw", imap.endpoint_as("ssl"),
                smtp.endpoint_as("ssl"))
    wait_test_done(qtbot, wizard)
    if provider:
        wizard.state.provider = provider
        click(qtbot, wizard.check_page.retry_button)
        wait_test_done(qtbot, wizard)
    assert not wizard.state.check_passed
    assert_no_collision(wizard, f"test failed: {name}")


def test_test_page_while_running_has_distinct_mnemonics(qtbot, bad_servers, language: str,
                                                       postier_env: Path) -> None:
    wizard = make_wizard(qtbot, offline_settings(postier_env, ca_file=bad_servers.ca_file),
                         language=language)
    wizard.check_timeout = 30.0
    run_to_test(qtbot, wizard, "marie@dupont.example", "pw",
                bad_servers.silent("imap").endpoint_as("ssl"), bad_servers.smtps().endpoint)
    assert wizard.check_page.running
    assert_no_collision(wizard, "test running")
    click(qtbot, wizard.check_page.stop_button)


@pytest.mark.parametrize("provider", ["office", "gmail"])
@pytest.mark.parametrize("configured", [False, True])
def test_sign_in_address_pages_have_distinct_mnemonics(qtbot, language: str, provider: str,
                                                       configured: bool,
                                                       postier_env: Path) -> None:
    extra = {"POSTIER_MS_CLIENT_ID": "client-id", "POSTIER_GOOGLE_CLIENT_ID": "client-id",
             "POSTIER_GOOGLE_CLIENT_SECRET": "secret"} if configured else {}
    wizard = make_wizard(qtbot, offline_settings(postier_env, **extra), language=language)
    click(qtbot, getattr(wizard.start_page, provider))
    click_next(qtbot, wizard)
    fill_address(qtbot, wizard, "marie@dupont.example", "")
    assert_no_collision(wizard, f"address, {provider}, configured={configured}")


def test_compose_and_main_window_menus_have_distinct_mnemonics(qtbot, language: str,
                                                               postier_env: Path) -> None:
    from app.services.config import Settings
    from app.services.storage import AccountStore, open_database
    from app.ui.compose_dialog import ComposeDialog
    from app.ui.main_window import MainWindow
    from tests.support import sent_messages as sm

    settings = Settings.from_env()
    db = open_database(settings.db_path)
    sm.demo(db)
    window = MainWindow(settings, db, live_tracking=False, lang=language)
    qtbot.addWidget(window)
    window.show()
    assert_no_collision(window, "main window")
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        letters: dict[str, list[str]] = {}
        for action in menu.actions():
            letter = mnemonic(action.text())
            if letter:
                letters.setdefault(letter, []).append(action.text())
        clashes = {k: v for k, v in letters.items() if len(v) > 1}
        assert not clashes, f"menu {menu_action.text()}: {clashes}"
    dialog = ComposeDialog(settings, db, AccountStore(db).list(), window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert_no_collision(dialog, "compose")
    # Compose's fields are reachable by Alt+letter (To first of all).
    assert mnemonic(dialog.to_label.text())
    dialog.close()


def test_enter_on_the_last_page_finishes_and_sends_nothing(qtbot, bad_servers, language: str,
                                                          postier_env: Path) -> None:
    settings = offline_settings(postier_env, ca_file=bad_servers.ca_file)
    wizard = make_wizard(qtbot, settings, language=language)
    run_to_test(qtbot, wizard, "marie@dupont.example", "pw",
                bad_servers.imaps().endpoint_as("ssl"), bad_servers.smtps().endpoint)
    wait_test_done(qtbot, wizard)
    click_next(qtbot, wizard)
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_FINISH, timeout=5000)
    finish = wizard.finish_page
    sent: list[bool] = []
    finish.send_button.clicked.connect(lambda *_: sent.append(True))
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow, timeout=2000)
    # Even with the focus on the test-e-mail button, Enter means Finish.
    finish.send_button.setFocus()
    qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=3000)
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert not sent


def test_start_page_opens_with_visible_focus_and_arrows_choose(qtbot, postier_env: Path) -> None:
    wizard = make_wizard(qtbot, offline_settings(postier_env))
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow, timeout=2000)
    page = wizard.start_page
    assert wizard.focusWidget() is page.office  # no Tab needed…
    # …and drawn: styles draw the focus frame only once the keyboard moved the focus (set
    # once the window is painted: it needs PySide6's Qt enums, issue 17).
    qtbot.waitUntil(lambda: wizard.testAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange),
                    timeout=2000)
    qtbot.keyClick(page.office, Qt.Key.Key_Down)
    assert page.gmail.isChecked() and wizard.focusWidget() is page.gmail
    qtbot.keyClick(page.gmail, Qt.Key.Key_Down)
    assert page.other.isChecked() and wizard.focusWidget() is page.other
    qtbot.keyClick(page.other, Qt.Key.Key_Up)
    assert page.gmail.isChecked() and wizard.focusWidget() is page.gmail
    qtbot.keyClick(page.gmail, Qt.Key.Key_Return)  # chosen with the keyboard only
    qtbot.waitUntil(lambda: wizard.currentId() != 0, timeout=2000)
    assert wizard.state.choice == "gmail"


def test_every_page_has_its_own_step_number(qtbot, language: str, postier_env: Path) -> None:
    wizard = make_wizard(qtbot, offline_settings(postier_env), language=language)
    labels = {}
    for page_id in wizard.pageIds():
        page = wizard.page(page_id)
        page.update_step_label()
        labels[page_id] = page.step_label.text()
    assert len(set(labels.values())) == len(labels), labels
    assert labels[0] == ("Step 1 of 6" if language == "en" else "Étape 1 sur 6")


def test_compose_opens_on_the_to_field(qtbot, postier_env: Path) -> None:
    from app.services.config import Settings
    from app.services.storage import AccountStore, open_database
    from app.ui.compose_dialog import ComposeDialog
    from tests.support import sent_messages as sm

    settings = Settings.from_env()
    db = open_database(settings.db_path)
    sm.demo(db)
    dialog = ComposeDialog(settings, db, AccountStore(db).list())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    assert dialog.focusWidget() is dialog.to_field
