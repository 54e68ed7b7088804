"""DomainHealthView: traffic lights, fix records with Copy, progress; a real report from a
local DNS server, produced off the GUI thread through app/ui/worker.run_task."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# pytest-qt's session-wide QApplication may start before the per-test env fixture runs.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QApplication

from app.services.config import Settings
from app.services.domain_health.model import Check, DomainReport, Text
from app.services.domain_health.runner import check_domain
from app.ui.domain_health_view import COLOURS, DomainHealthView
from app.ui.worker import gui_callback, run_task
from tests.support.dns_server import LocalDNS

ROOT = Path(__file__).resolve().parents[2]
ZONE = """
exemple.test. MX 10 exemple-test.mail.protection.outlook.com.
exemple-test.mail.protection.outlook.com. A 192.0.2.25
exemple.test. TXT "v=spf1 include:spf.ovh.test ~all"
exemple.test. TXT "MS=ms12345678"
spf.ovh.test. TXT "v=spf1 ip4:192.0.2.0/24 ~all"
_dmarc.exemple.test. TXT "v=DMARC1; p=none"
10.2.0.192.in-addr.arpa. PTR out.exemple.test.
out.exemple.test. A 192.0.2.10
"""


@pytest.fixture(scope="module")
def dns() -> Iterator[LocalDNS]:
    server = LocalDNS(ZONE).start()
    yield server
    server.stop()


def settings_for(dns: LocalDNS, home: Path) -> Settings:
    return Settings(home=home, dns_server=(dns.host, dns.port),
                    extra={"POSTIER_DNSBL_ZONES": "bl.test", "POSTIER_DBL_ZONES": "dbl.test"})


def real_report(dns: LocalDNS, home: Path) -> DomainReport:
    return check_domain("exemple.test", settings_for(dns, home), provider="office365",
                        ips=["192.0.2.10"], timeout=3.0)


def save(widget: DomainHealthView, name: str, tmp_path: Path) -> Path:
    """Into docs/screenshots when POSTIER_SCREENSHOTS=1, else the test's tmp dir."""
    for _ in range(5):  # let height-for-width layouts settle (wrapped records grow)
        QApplication.processEvents()
    folder = ROOT / "docs" / "screenshots" if os.environ.get("POSTIER_SCREENSHOTS") == "1" \
        else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    assert widget.grab().save(str(path))
    return path


def test_report_as_traffic_lights_with_fixes(qtbot, dns: LocalDNS, tmp_path: Path) -> None:
    report = real_report(dns, tmp_path)
    view = DomainHealthView(language="fr")
    qtbot.addWidget(view)
    view.resize(820, 1240)
    view.show_report(report)
    view.show()

    assert view.score_label.text() == f"{report.score}/100"
    assert view.busy.isHidden()
    assert len(view.rows) == len(report.checks)
    statuses = [r.check.status for r in view.rows]
    assert statuses == sorted(statuses, key=["fail", "warn", "ok"].index)  # problems first
    for row in view.rows:
        assert row.dot.status == row.check.status
        assert row.title.text() == row.check.title_fr  # French text from the service
    # The missing Microsoft 365 include: exact record in a read-only monospace box.
    spf_row = view.row("spf_provider")
    assert spf_row.check.status == "fail"
    box = spf_row.record_box
    assert box.isReadOnly()
    assert box.toPlainText() == ('exemple.test. TXT "v=spf1 include:spf.ovh.test '
                                 'include:spf.protection.outlook.com ~all"')
    fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()
    assert box.font().family() == fixed
    save(view, "domain_health", tmp_path)
    qtbot.mouseClick(spf_row.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == box.toPlainText()
    assert spf_row.copy_button.text() == "Copié"
    # The whole report, as text in the view's language, for the web agency.
    qtbot.mouseClick(view.copy_report, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith(f"Santé du domaine d'envoi exemple.test : {report.score}/100")
    assert box.toPlainText() in copied
    # An OK check has no fix area.
    ok_row = view.row("mx")
    assert ok_row.check.status == "ok" and ok_row.record_box is None
    assert view.summary.text().startswith("exemple.test : 2 problèmes à corriger")
    assert "(s)" not in view.summary.text()
    assert spf_row.how.text().startswith("Comment corriger : Ajoutez include:")


def test_progress_then_live_rows_then_report(qtbot, dns: LocalDNS, tmp_path: Path) -> None:
    view = DomainHealthView(language="en")
    qtbot.addWidget(view)
    view.show_progress()
    assert not view.busy.isHidden() and view.rows == []
    assert view.recheck.isHidden()  # only on request
    dkim = Check("dkim", "ok", Text("DKIM key published"), Text("Selector(s): {keys}.", keys="s1"))
    assert dkim.text("fr")[:2] == ("Clé DKIM publiée", "Sélecteur(s) : s1.")  # the catalogue's
    view.add_check(dkim)
    view.add_check(Check("spf", "fail", "No SPF record", "…", "Add it:",
                         fix_record='x.fr. TXT "v=spf1 -all"'))
    assert [r.check.id for r in view.rows] == ["spf", "dkim"]  # the red one goes on top

    # The real thing: check_domain off the GUI thread, progress relayed to the GUI thread.
    settings = settings_for(dns, tmp_path)
    view.show_progress()
    done: list[object] = []
    progress = gui_callback(view.add_check)
    run_task(lambda: check_domain("exemple.test", settings, provider="office365",
                                  timeout=3.0, progress=progress),
             lambda report, err: (done.append(err or report), view.show_report(report)))
    qtbot.waitUntil(lambda: bool(done), timeout=15000)
    report = done[0]
    assert isinstance(report, DomainReport)
    assert len(view.rows) == len(report.checks)
    assert view.busy.isHidden()
    assert view.row("dmarc").check.status == "warn"  # p=none
    view.resize(760, 1300)
    view.show()
    save(view, "domain_health_en", tmp_path)
    boxes = [r.record_box for r in view.rows if r.record_box is not None]
    assert boxes
    for box in boxes:  # wrapped records are shown whole, not cut or hidden behind a scroll bar
        assert box.document().size().height() <= box.viewport().height() + 1


def test_all_green_summary_and_colour(qtbot) -> None:
    report = DomainReport("ok.fr", [Check("mx", "ok", "MX", "fine")], 100)
    view = DomainHealthView(language="en", with_recheck=True)
    qtbot.addWidget(view)
    view.show_progress()
    assert not view.recheck.isEnabled() and not view.copy_report.isEnabled()
    view.show_report(report)
    with qtbot.waitSignal(view.recheck_requested, timeout=1000):
        qtbot.mouseClick(view.recheck, Qt.MouseButton.LeftButton)
    assert view.summary.text() == "ok.fr: everything is in order."
    assert COLOURS["ok"] in view.score_label.styleSheet()
    assert view.row("mx").record_box is None


def test_counted_words_and_record_placeholders_follow_the_language() -> None:
    """Issue 16: no 'problème(s)', no English placeholder inside a French DKIM record."""
    from app.ui.domain_health_view import counted, say_record

    assert counted("fr", 1, "problem") == "1 problème"
    assert counted("fr", 3, "problem") == "3 problèmes"
    assert counted("en", 1, "point") == "1 point" and counted("en", 0, "point") == "0 points"
    record = 's1._domainkey.x.fr. TXT "v=DKIM1; k=rsa; p=<public key given by your mail provider>"'
    assert "<clé publique fournie par votre hébergeur de messagerie>" in say_record("fr", record)
    assert say_record("en", record) == record
