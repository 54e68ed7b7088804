"""Windows fit small screens and remember where they were left.

The screen is played by replacing window_geometry.available_geometry: on a 1024×600 laptop
(and at 1280×800) the wizard (every page), the main window, Compose and the domain-health
dialog open inside the screen with every button inside the window; a size and position
given by the user come back in the next window, clamped to the screen it opens on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QApplication, QWidget

from app.services.config import Settings
from app.services.storage import AccountStore, open_database
from app.ui import window_geometry
from app.ui.wizard.step_page import PAGE_CHECK, PAGE_FINISH, PAGE_MANUAL, PAGE_SIGNATURE

from .wizard_driver import (
    choose_own_server,
    click_next,
    fill_address,
    fill_manual,
    make_wizard,
    offline_settings,
    run_to_test,
    wait_test_done,
)

SMALL = QRect(0, 0, 1024, 600)
LAPTOP = QRect(0, 0, 1280, 800)


@pytest.fixture(params=[SMALL, LAPTOP], ids=["1024x600", "1280x800"])
def screen(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[QRect]:
    area = request.param
    monkeypatch.setattr(window_geometry, "available_geometry", lambda widget=None: area)
    yield area


def assert_fits(window: QWidget, area: QRect, where: str) -> None:
    """The window (with room for its title bar) is inside the screen, and every visible
    button lies wholly inside the window: none is cut off or pushed below the edge."""
    QApplication.processEvents()
    g = window.geometry()
    assert area.contains(g.adjusted(0, -window_geometry.FRAME_H, 0, 0)), \
        f"{where}: window {g} (+ title bar) is not inside the screen {area}"
    inside = window.rect()
    for button in window.findChildren(QAbstractButton):
        if not button.isVisible() or button.window() is not window:
            continue
        widget: QWidget = button
        parent = button.parentWidget()
        while parent is not None and parent is not window:
            if isinstance(parent, QAbstractScrollArea):
                widget = parent  # scrolled into view on demand: the scroll area must fit
            parent = parent.parentWidget()
        rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        assert inside.contains(rect), f"{where}: {button.text()!r} ({type(widget).__name__} " \
                                      f"at {rect}) is outside the window {inside}"


def test_every_wizard_page_fits(qtbot, bad_servers, screen: QRect, postier_env: Path) -> None:
    wizard = make_wizard(qtbot, offline_settings(postier_env, ca_file=bad_servers.ca_file))
    assert_fits(wizard, screen, "start")
    choose_own_server(qtbot, wizard)
    fill_address(qtbot, wizard, "marie@dupont.invalid", "pw", "Marie")
    wizard.address_page.email.editingFinished.emit()
    qtbot.waitUntil(lambda: not wizard.address_page._discovering, timeout=20000)
    assert_fits(wizard, screen, "address")
    click_next(qtbot, wizard)
    assert wizard.currentId() == PAGE_MANUAL
    assert_fits(wizard, screen, "manual")
    imap, smtp = bad_servers.imaps(), bad_servers.smtps()
    fill_manual(qtbot, wizard, imap.endpoint_as("ssl"), smtp.endpoint)
    click_next(qtbot, wizard)
    assert wizard.currentId() == PAGE_CHECK
    wait_test_done(qtbot, wizard)
    assert_fits(wizard, screen, "test passed")
    click_next(qtbot, wizard)
    assert wizard.currentId() == PAGE_SIGNATURE
    assert_fits(wizard, screen, "signature")
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_FINISH, timeout=5000)
    qtbot.waitUntil(lambda: wizard.finish_page.health_done, timeout=30000)
    assert_fits(wizard, screen, "finish")


def test_a_failed_test_page_fits(qtbot, bad_servers, screen: QRect, postier_env: Path) -> None:
    from tests.support import misbehaving_server as bad

    wizard = make_wizard(qtbot, offline_settings(postier_env, ca_file=bad_servers.ca_file))
    run_to_test(qtbot, wizard, "marie@dupont.example", "pw",
                bad_servers.imaps(login_reply=bad.MS_IMAP_NOT_CONNECTED).endpoint_as("ssl"),
                bad_servers.smtps().endpoint_as("ssl"))
    wait_test_done(qtbot, wizard)
    wizard.state.provider = "office365"  # the longest guidance panel
    wizard.check_page.retry_button.click()
    wait_test_done(qtbot, wizard)
    assert not wizard.state.check_passed
    assert_fits(wizard, screen, "test failed, Microsoft 365 guidance")


def _demo(postier_env: Path):
    from tests.support import sent_messages as sm

    settings = Settings.from_env()
    db = open_database(settings.db_path)
    sm.demo(db)
    return settings, db


def test_main_window_compose_and_domain_health_fit(qtbot, screen: QRect,
                                                   postier_env: Path) -> None:
    from app.ui.compose_dialog import ComposeDialog
    from app.ui.domain_health_dialog import DomainHealthDialog
    from app.ui.main_window import MainWindow

    settings, db = _demo(postier_env)
    window = MainWindow(settings, db, live_tracking=False, lang="en")
    qtbot.addWidget(window)
    window.show()
    assert_fits(window, screen, "main window")
    compose = ComposeDialog(settings, db, AccountStore(db).list(), window)
    qtbot.addWidget(compose)
    compose.show()
    assert_fits(compose, screen, "compose")
    compose.close()
    account = AccountStore(db).list()[0]
    dialog = DomainHealthDialog(settings, db, account, window, timeout=0.5)
    dialog.show()  # (deletes itself on close: not handed to qtbot)
    assert_fits(dialog, screen, "domain health")
    qtbot.waitUntil(lambda: not dialog.running, timeout=20000)
    assert_fits(dialog, screen, "domain health, report shown")
    dialog.close()
    window.close()


def test_size_and_position_are_remembered_and_clamped(qtbot, monkeypatch, postier_env: Path,
                                                      bad_servers) -> None:
    area = LAPTOP
    monkeypatch.setattr(window_geometry, "available_geometry", lambda widget=None: area)
    settings = offline_settings(postier_env)
    wizard = make_wizard(qtbot, settings)
    wizard.setGeometry(QRect(40, 60, 900, 640))
    QApplication.processEvents()
    left = wizard.geometry()
    wizard.reject()  # Cancel / Escape hide the window: the geometry is saved then
    again = make_wizard(qtbot, settings)
    assert again.geometry() == left
    again.reject()
    # The same settings on a smaller screen: the window shrinks into it.
    area = SMALL
    small = make_wizard(qtbot, settings)
    assert_fits(small, SMALL, "remembered wizard on a small screen")
    small.reject()
    # The main window keeps its own size, apart from the wizard's.
    area = LAPTOP
    from app.ui.main_window import MainWindow

    db = open_database(settings.db_path)
    window = MainWindow(settings, db, live_tracking=False, lang="en")
    qtbot.addWidget(window)
    window.show()
    window.setGeometry(QRect(10, 50, 1100, 700))
    QApplication.processEvents()
    saved = window.geometry()
    window.close()
    window2 = MainWindow(settings, db, live_tracking=False, lang="en")
    qtbot.addWidget(window2)
    window2.show()
    assert window2.geometry() == saved
    window2.close()
