"""Helpers that drive the setup wizard like a user (typing, clicking) in pytest-qt."""

from __future__ import annotations

import atexit
import os
import socket
from pathlib import Path
from typing import Any

# Before any QApplication exists (pytest-qt's qapp is session-scoped and is created
# before the per-test fixtures of conftest run).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QToolButton,
    QWizard,
)

from app.services.config import Settings
from app.services.setup.endpoint import Endpoint
from app.ui.wizard import SetupWizard
from app.ui.wizard.step_page import PAGE_ADDRESS, PAGE_CHECK, PAGE_MANUAL

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"


def dead_port() -> int:
    """A loopback TCP port nobody listens on: a connection there is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_dns: Any = None


def empty_dns() -> Any:
    """One loopback DNS server for the whole run that knows no name (NXDOMAIN at once),
    so discovery ends in milliseconds instead of waiting for DNS timeouts."""
    global _dns
    if _dns is None:
        from dnslib.server import DNSLogger

        from tests.support.dns_server import LocalDNS

        _dns = LocalDNS("")
        quiet = DNSLogger("-request,-reply,-truncated,-error,-recv,-send,-data", False)
        for server in (_dns._udp, _dns._tcp):  # the default logger prints every query
            server.server.logger = quiet
        _dns.start()
        atexit.register(_dns.stop)
    return _dns


def offline_settings(home: Path, ca_file: Path | None = None, **extra: str) -> Settings:
    """Settings whose discovery can only ask loopback: an empty DNS, a closed ISPDB port."""
    dns = empty_dns()
    return Settings(home=home, ispdb_url=f"http://127.0.0.1:{dead_port()}/",
                    dns_server=(dns.host, dns.port), ca_file=ca_file,
                    autoconfig_scheme="http", extra=dict(extra))


def make_wizard(qtbot: Any, settings: Settings, language: str | None = "en") -> SetupWizard:
    wizard = SetupWizard(settings, language=language)
    wizard.check_timeout = 5.0
    wizard.health_timeout = 2.0
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def click(qtbot: Any, widget: Any) -> None:
    if isinstance(widget, QAbstractButton) and widget.isCheckable() and \
            not isinstance(widget, QPushButton | QToolButton):
        # Radio buttons and check boxes react on their indicator and text only, not on
        # the empty width a layout gives them: click where a user would.
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(8, widget.height() // 2))
        return
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def click_next(qtbot: Any, wizard: SetupWizard) -> None:
    button = wizard.button(QWizard.WizardButton.NextButton)
    assert button.isEnabled(), "Next is disabled"
    click(qtbot, button)


def type_into(qtbot: Any, field: Any, text: str) -> None:
    field.clear()
    qtbot.keyClicks(field, text)


def choose_own_server(qtbot: Any, wizard: SetupWizard) -> None:
    page = wizard.start_page
    click(qtbot, page.other)
    type_into(qtbot, page.search, "zzz-no-such-provider")  # only "My own server" stays
    visible = [page.list.item(i) for i in range(page.list.count())
               if not page.list.item(i).isHidden()]
    assert len(visible) == 1
    page.list.setCurrentItem(visible[0])
    click_next(qtbot, wizard)
    assert wizard.currentId() == PAGE_ADDRESS


def fill_address(qtbot: Any, wizard: SetupWizard, email: str, password: str,
                 name: str = "") -> None:
    page = wizard.address_page
    type_into(qtbot, page.email, email)
    type_into(qtbot, page.password, password)
    if name:
        type_into(qtbot, page.display_name, name)


def go_manual(qtbot: Any, wizard: SetupWizard) -> None:
    wizard.address_page.manual_link.linkActivated.emit("manual")
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_MANUAL, timeout=3000)


def fill_manual(qtbot: Any, wizard: SetupWizard, imap: Endpoint, smtp: Endpoint,
                username: str | None = None) -> None:
    page = wizard.manual_page
    for box, endpoint in ((page.imap, imap), (page.smtp, smtp)):
        box.security.setCurrentIndex(box.security.findData(endpoint.security))
        type_into(qtbot, box.host, endpoint.host)
        type_into(qtbot, box.port, str(endpoint.port))
    if username is not None:
        type_into(qtbot, page.username, username)


def run_to_test(qtbot: Any, wizard: SetupWizard, email: str, password: str, imap: Endpoint,
                smtp: Endpoint, name: str = "") -> None:
    choose_own_server(qtbot, wizard)
    fill_address(qtbot, wizard, email, password, name)
    go_manual(qtbot, wizard)
    fill_manual(qtbot, wizard, imap, smtp)
    click_next(qtbot, wizard)
    assert wizard.currentId() == PAGE_CHECK


def wait_test_done(qtbot: Any, wizard: SetupWizard, timeout: int = 15000) -> None:
    qtbot.waitUntil(lambda: not wizard.check_page.running, timeout=timeout)


def all_visible_text(widget: Any) -> str:
    """Every text a user (or a screen share) can see in the widget tree."""
    parts: list[str] = []
    for label in widget.findChildren(QLabel):
        parts.append(label.text())
    for edit in widget.findChildren(QTextEdit):
        parts.append(edit.toPlainText())
    for edit in widget.findChildren(QPlainTextEdit):
        parts.append(edit.toPlainText())
    return "\n".join(parts)


def screenshot(widget: Any, name: str, tmp_path: Path) -> Path:
    """Save a screenshot: into docs/screenshots when POSTIER_SCREENSHOTS=1, else tmp."""
    QApplication.processEvents()
    folder = SCREENSHOTS if os.environ.get("POSTIER_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    assert widget.grab().save(str(path))
    return path
