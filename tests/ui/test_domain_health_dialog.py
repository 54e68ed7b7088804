"""The main window's "Domain health" window (Accounts menu, Ctrl+D) against a real
authoritative DNS server on loopback: live rows, "Check again", the remembered report shown
at once (dated) on reopening, the account picker, bad input."""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication, QInputDialog

from app.services.config import Settings
from app.services.domain_health.cache import load, setting_key
from app.services.domain_health.model import DomainReport
from app.services.storage import Account, AccountStore, Database, open_database
from app.ui.domain_health_dialog import DomainHealthDialog
from app.ui.domain_health_view import DomainHealthView
from tests.support.dns_server import LocalDNS

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# acme.test: everything right for Microsoft 365 except one damaged DKIM key (and no
# MTA-STS, an optional item that only warns).
ZONE = """
acme.test. MX 10 acme-test.mail.protection.outlook.com.
acme-test.mail.protection.outlook.com. A 192.0.2.25
acme.test. TXT "v=spf1 include:spf.protection.outlook.com -all"
spf.protection.outlook.com. TXT "v=spf1 ip4:40.92.0.0/15 -all"
_dmarc.acme.test. TXT "v=DMARC1; p=reject; rua=mailto:dmarc@acme.test"
_smtp._tls.acme.test. TXT "v=TLSRPTv1; rua=mailto:tls@acme.test"
smtp.acme.test. A 192.0.2.10
10.2.0.192.in-addr.arpa. PTR smtp.acme.test.
"""
DAMAGED_KEY = 'selector1._domainkey.acme.test. TXT "v=DKIM1; k=rsa; p=SGVsbG8gd29ybGQ="'
EXPECTED = {"mx": "ok", "spf": "ok", "spf_all": "ok", "spf_lookups": "ok",
            "spf_provider": "ok", "dkim": "fail", "dmarc": "ok", "mta_sts": "warn",
            "tls_rpt": "ok", "ptr": "ok", "dnsbl_ip": "ok", "dnsbl_domain": "ok"}


def good_key_record() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    der = key.public_bytes(serialization.Encoding.DER,
                           serialization.PublicFormat.SubjectPublicKeyInfo)
    text = f"v=DKIM1; k=rsa; p={base64.b64encode(der).decode()}"
    chunks = " ".join(f'"{text[i:i + 250]}"' for i in range(0, len(text), 250))
    return f"selector1._domainkey.acme.test. TXT {chunks}"


@pytest.fixture(scope="module")
def dns() -> Iterator[LocalDNS]:
    server = LocalDNS(ZONE + DAMAGED_KEY).start()
    yield server
    server.stop()


@pytest.fixture()
def settings(dns: LocalDNS, postier_env: Path) -> Settings:
    dns.resolver.set_zone(ZONE + DAMAGED_KEY)  # a test may have repaired it
    # Local blocklist zones stand in for Spamhaus & co (nothing is listed in them).
    return Settings(home=postier_env, dns_server=(dns.host, dns.port),
                    extra={"POSTIER_DNSBL_ZONES": "bl.test", "POSTIER_DBL_ZONES": "dbl.test"})


def account(email: str, smtp_host: str = "smtp.acme.test") -> Account:
    return Account(email=email, username=email, imap_host="outlook.office365.com",
                   imap_port=993, imap_security="ssl", smtp_host=smtp_host, smtp_port=587,
                   smtp_security="starttls", provider="office365")


@pytest.fixture()
def db(settings: Settings) -> Database:
    database = open_database(settings.db_path)
    AccountStore(database).add(account("contact@acme.test"))
    return database


def make_window(qtbot, settings: Settings, db: Database, lang: str = "en"):
    from app.ui.main_window import MainWindow

    win = MainWindow(settings, db, live_tracking=False, lang=lang)
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture()
def window(qtbot, settings: Settings, db: Database):
    return make_window(qtbot, settings, db)


@pytest.fixture()
def live_rows(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Ids of the rows a view added while its check was still running."""
    seen: list[str] = []
    original = DomainHealthView.add_check

    def spy(view: DomainHealthView, check) -> None:
        if view.report is None:  # show_report sets the report before adding its rows
            seen.append(check.id)
        original(view, check)

    monkeypatch.setattr(DomainHealthView, "add_check", spy)
    return seen


def open_dialog(qtbot, win, email: str = "contact@acme.test") -> DomainHealthDialog:
    # A window shortcut needs its window active (not automatic on the offscreen platform).
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=5000)
    qtbot.keyClick(win, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: email in win.health_dialogs, timeout=5000)
    return win.health_dialogs[email]


def wait_done(qtbot, dialog: DomainHealthDialog) -> DomainReport:
    qtbot.waitUntil(lambda: not dialog.running, timeout=20_000)
    assert dialog.view.report is not None
    return dialog.view.report


def statuses(dialog: DomainHealthDialog) -> dict[str, str]:
    return {row.check.id: row.check.status for row in dialog.view.rows}


def test_ctrl_d_checks_the_accounts_domain_with_live_rows(qtbot, window, db,
                                                          live_rows: list[str]) -> None:
    assert window.domain_health_action.shortcut().toString() == "Ctrl+D"
    menu_texts = [a.text() for m in window.menuBar().actions() if m.menu()
                  for a in m.menu().actions()]
    assert "Domain health…" in menu_texts
    dialog = open_dialog(qtbot, window)
    assert not dialog.isModal() and dialog.isVisible()
    assert dialog.domain == "acme.test"
    assert "contact@acme.test" in dialog.windowTitle()
    assert dialog.running and not dialog.view.busy.isHidden()
    assert dialog.as_of.text() == "Checking now…"
    report = wait_done(qtbot, dialog)

    assert statuses(dialog) == EXPECTED  # the SMTP host gave the PTR and blocklist rows
    assert report.domain == "acme.test" and 0 < report.score < 100
    assert dialog.view.busy.isHidden() and dialog.view.recheck.isEnabled()
    assert sorted(live_rows) == sorted(EXPECTED)  # every row came in live first
    assert dialog.view.rows[0].check.id == "dkim"  # the problem on top
    dkim = dialog.view.row("dkim")
    assert "selector1._domainkey.acme.test" in dkim.record_box.toPlainText()
    assert dialog.as_of.text().startswith("Checked on ")
    # The report is remembered for this account, as the service's JSON.
    stored = json.loads(db.get_setting(setting_key("contact@acme.test")))
    assert stored["report"] == report.to_dict()
    # Ctrl+D again brings the same window forward.
    assert open_dialog(qtbot, window) is dialog


def test_check_again_reads_the_repaired_record(qtbot, window, dns: LocalDNS,
                                               live_rows: list[str]) -> None:
    dialog = open_dialog(qtbot, window)
    before = wait_done(qtbot, dialog)
    assert before.get("dkim").status == "fail"
    dns.resolver.set_zone(ZONE + good_key_record())  # the user fixed it at the DNS host
    live_rows.clear()
    qtbot.mouseClick(dialog.view.recheck, Qt.MouseButton.LeftButton)
    assert dialog.running and not dialog.view.recheck.isEnabled()
    assert dialog.view.report is None  # "Check again" starts from a clean list
    after = wait_done(qtbot, dialog)
    assert statuses(dialog) == {**EXPECTED, "dkim": "ok"}
    assert sorted(live_rows) == sorted(EXPECTED)
    assert after.score > before.score
    assert load(window.db, "contact@acme.test").report.to_dict() == after.to_dict()


def test_reopening_shows_the_last_report_at_once_then_refreshes(
        qtbot, window, dns: LocalDNS, live_rows: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = open_dialog(qtbot, window)
    first = wait_done(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Escape closes it
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: "contact@acme.test" not in window.health_dialogs, timeout=5000)

    dns.resolver.set_zone(ZONE + good_key_record())
    live_rows.clear()
    # The DNS server holds its answers until the stored report has been seen.
    answering = threading.Event()
    resolve = dns.resolver.resolve
    monkeypatch.setattr(dns.resolver, "resolve",
                        lambda request, handler: (answering.wait(20), resolve(request, handler))[1])
    window.domain_health()
    again = window.health_dialogs["contact@acme.test"]
    assert again is not dialog
    # Before any answer: the stored report (read off the GUI thread), dated, while the
    # fresh check runs.
    qtbot.waitUntil(lambda: again.view.report is not None, timeout=5000)
    assert again.view.report.to_dict() == first.to_dict()
    assert statuses(again) == EXPECTED
    assert again.as_of.text().startswith("Report of ")
    assert again.as_of.text().endswith("Checking again…")
    assert again.running and not again.view.busy.isHidden()
    assert not again.view.recheck.isEnabled()
    answering.set()
    wait_done(qtbot, again)
    assert live_rows == []  # the old report stayed up instead of emptying the list
    assert statuses(again) == {**EXPECTED, "dkim": "ok"}
    assert again.as_of.text().startswith("Checked on ")
    qtbot.mouseClick(again.close_button, Qt.MouseButton.LeftButton)
    assert not again.isVisible()


def test_damaged_stored_report_is_ignored(qtbot, window, db) -> None:
    db.set_setting(setting_key("contact@acme.test"), "{not json")
    dialog = open_dialog(qtbot, window)
    assert dialog.view.report is None and dialog.as_of.text() == "Checking now…"
    wait_done(qtbot, dialog)
    assert statuses(dialog) == EXPECTED


def test_several_accounts_pick_one_or_use_the_selected(qtbot, settings, db) -> None:
    AccountStore(db).add(account("ventes@acme.test"))
    win = make_window(qtbot, settings, db)
    win.accounts.reload()
    win.accounts.table.clearSelection()
    win.domain_health()
    picker = win.account_picker
    assert isinstance(picker, QInputDialog) and picker.isVisible()
    assert [picker.comboBoxItems()[i] for i in range(2)] == ["contact@acme.test",
                                                             "ventes@acme.test"]
    assert win.health_dialogs == {}
    picker.setTextValue("ventes@acme.test")
    picker.accept()
    dialog = win.health_dialogs["ventes@acme.test"]
    assert "ventes@acme.test" in dialog.windowTitle()
    wait_done(qtbot, dialog)
    # The account selected in the Accounts tab needs no question.
    win.accounts.select("contact@acme.test")
    win.account_picker = None
    win.domain_health()
    assert win.account_picker is None
    wait_done(qtbot, win.health_dialogs["contact@acme.test"])


def test_no_account_and_bad_domain(qtbot, settings: Settings) -> None:
    empty = open_database(settings.db_path)
    win = make_window(qtbot, settings, empty)
    win.domain_health()
    assert win.health_dialogs == {}
    assert win.tabs.currentWidget() is win.accounts
    assert "Add an account first." in win.statusBar().currentMessage()
    # An address whose domain is not a domain name: a plain message, no traceback.
    AccountStore(empty).add(account("admin@localhost", smtp_host="localhost"))
    win.domain_health()
    dialog = win.health_dialogs["admin@localhost"]
    qtbot.waitUntil(lambda: not dialog.running, timeout=10_000)
    assert dialog.error.isVisible()
    assert dialog.error.text().startswith("This is not a valid domain name.")
    assert dialog.view.busy.isHidden() and dialog.view.recheck.isEnabled()
    assert empty.get_setting(setting_key("admin@localhost")) is None


def test_screenshot_french(qtbot, settings: Settings, db: Database, tmp_path: Path) -> None:
    from app.ui.i18n import install_translator

    app = QApplication.instance()
    install_translator(app, "fr")
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    try:
        win = make_window(qtbot, settings, db, lang="fr")
        assert win.domain_health_action.text() == "Santé du domaine…"
        dialog = open_dialog(qtbot, win)
        wait_done(qtbot, dialog)
        assert dialog.as_of.text().startswith("Vérifié le ")
        assert dialog.close_button.text() == "Fermer"
        assert dialog.view.row("dkim").title.text() == "Une clé DKIM est abîmée"
        dialog.resize(860, 900)
        # Height-for-width layouts settle: every wrapped record is then shown whole.
        boxes = [r.record_box for r in dialog.view.rows if r.record_box is not None]
        assert boxes
        qtbot.waitUntil(lambda: all(box.document().size().height()
                                    <= box.viewport().height() + 1 for box in boxes),
                        timeout=5000)
        folder = SHOTS if os.environ.get("POSTIER_SCREENSHOTS") == "1" else tmp_path
        folder.mkdir(parents=True, exist_ok=True)
        assert dialog.grab().save(str(folder / "main_domain_health.png"))
    finally:
        install_translator(app, "en")
        QLocale.setDefault(QLocale.c())
