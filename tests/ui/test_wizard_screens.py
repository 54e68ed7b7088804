"""Every wizard page and failure panel in English and French: the French translation is
complete, and a screenshot of each state is taken (into docs/screenshots/ when
POSTIER_SCREENSHOTS=1, else into the test's tmp dir)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QFormLayout

from app.services.errors import message_for
from app.services.setup import signature as sig
from app.services.storage import AccountStore, open_database
from app.ui.i18n import install_translator
from app.ui.wizard.manual_page import port_problem
from app.ui.wizard.step_page import PAGE_FINISH, PAGE_MANUAL, PAGE_SIGNATURE
from tests.support import misbehaving_server as bad

from .test_wizard_pages import png_bytes
from .wizard_driver import (
    ROOT,
    choose_own_server,
    click,
    click_next,
    fill_address,
    fill_manual,
    make_wizard,
    offline_settings,
    run_to_test,
    screenshot,
    wait_test_done,
)

TS = ROOT / "resources" / "i18n" / "postier_fr.ts"
WIZARD_CONTEXTS = {"AddressPage", "CertDialog", "FinishPage", "GuidanceTexts", "ManualPage",
                   "PortRules", "ServerBox", "SetupWizard", "SignaturePage",
                   "StartPage", "StepPage", "CheckPage"}


@pytest.fixture(params=["en", "fr"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    install_translator(qapp, request.param)
    yield request.param
    install_translator(qapp, "en")


def test_french_translation_of_the_wizard_is_complete() -> None:
    root = ET.parse(TS).getroot()
    seen = set()
    for context in root.iter("context"):
        name = context.findtext("name")
        if name not in WIZARD_CONTEXTS:
            continue
        seen.add(name)
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation.get("type") not in ("unfinished", "obsolete"), \
                (name, message.findtext("source"))
            assert translation.text and translation.text.strip()
            source = message.findtext("source")
            # Placeholders and mnemonics survive translation.
            for placeholder in ("%1", "%2", "%3"):
                assert (placeholder in source) == (placeholder in translation.text), source
            assert ("&" in source.replace("&amp;", "")) <= ("&" in translation.text), source
    assert seen == WIZARD_CONTEXTS
    assert (TS.with_suffix(".qm")).stat().st_size > 10_000


def test_wizard_speaks_french(qtbot, qapp, postier_env: Path) -> None:
    install_translator(qapp, "fr")
    try:
        wizard = make_wizard(qtbot, offline_settings(postier_env), language=None)
        assert wizard.language == "fr"  # follows the installed translation
        assert wizard.start_page.step_label.text() == "Étape 1 sur 6"
        assert wizard.start_page.title() == "Quelle boîte aux lettres voulez-vous configurer ?"
        choose_own_server(qtbot, wizard)
        fill_address(qtbot, wizard, "pas-une-adresse", "pw")
        wizard.address_page.email.editingFinished.emit()
        # Error codes' messages come from the catalogue in the wizard's language.
        assert "Cette adresse e-mail n'est pas valide" in wizard.address_page.email_error.text()
    finally:
        install_translator(qapp, "en")


def test_screens_of_every_page(qtbot, bad_servers, language: str, postier_env: Path,
                               tmp_path: Path) -> None:
    lang = language
    settings = offline_settings(postier_env, ca_file=bad_servers.ca_file)
    wizard = make_wizard(qtbot, settings, language=lang)
    click(qtbot, wizard.start_page.other)
    page = wizard.start_page
    page.list.setCurrentRow(next(r for r in range(page.list.count())
                                 if page.list.item(r).text().startswith("OVH")))
    # The picture shows the provider list opened by "Other provider", OVH chosen.
    assert page.other.isChecked() and page.list.isVisible() and page.search.isEnabled()
    assert page.list.currentItem().text().startswith("OVH") and page.isComplete()
    screenshot(wizard, f"wizard_1_start_{lang}", tmp_path)

    choose_own_server(qtbot, wizard)
    fill_address(qtbot, wizard, "marie@dupont.invalid", "MotDePasse-Secret-42", "Marie Dupont")
    wizard.address_page.email.editingFinished.emit()
    qtbot.waitUntil(lambda: not wizard.address_page._discovering, timeout=20000)
    # Nothing found for an .invalid domain: no servers chosen, and the page says so.
    assert wizard.state.imap is None and wizard.state.smtp is None
    address = wizard.address_page
    assert "dupont.invalid" in address.status.text()
    assert address.status.isVisible() and not address.email_error.isVisible()
    screenshot(wizard, f"wizard_2_address_{lang}", tmp_path)

    click_next(qtbot, wizard)
    assert wizard.currentId() == PAGE_MANUAL
    imap, smtp = bad_servers.imaps(), bad_servers.smtps()
    fill_manual(qtbot, wizard, imap.endpoint_as("ssl"), smtp.endpoint)
    manual = wizard.manual_page
    manual.imap.port.setText("143")
    # Port 143 with SSL/TLS is refused under the field, and Next with it.
    assert manual.imap.error.isVisible() and "143" in manual.imap.error.text()
    assert manual.imap.error.text() == port_problem("imap", "143", "ssl")
    assert not manual.isComplete() and not manual.smtp.error.isVisible()
    screenshot(wizard, f"wizard_3_manual_port143_{lang}", tmp_path)
    manual.imap.port.setText(str(imap.port))
    assert not manual.imap.error.isVisible() and manual.isComplete()

    click_next(qtbot, wizard)
    wait_test_done(qtbot, wizard)
    assert wizard.state.check_passed
    screenshot(wizard, f"wizard_4_test_ok_{lang}", tmp_path)

    click_next(qtbot, wizard)
    assert wizard.currentId() == PAGE_SIGNATURE
    page = wizard.signature_page
    page.editor.moveCursor(page.editor.textCursor().MoveOperation.End)
    page.editor.textCursor().insertHtml("<br>Dupont SARL — 06 12 34 56 78<br>")
    assert page.insert_image_bytes(png_bytes(180, 60))
    # One logo and the typed line: in the plain-text version, no warning.
    assert sig.image_count(page.editor.toHtml()) == 1
    assert "Dupont SARL — 06 12 34 56 78" in page.plain.toPlainText()
    assert page.warnings.text() == ""
    screenshot(wizard, f"wizard_5_signature_{lang}", tmp_path)
    assert page.insert_image_bytes(png_bytes(60, 60, 0xC01C28))
    # A second image: the one warning about it, in the page's language.
    assert sig.image_count(page.editor.toHtml()) == 2
    assert page.warnings.text() == "⚠ " + page.warning_text(sig.LintWarning(
        sig.TOO_MANY_IMAGES))
    screenshot(wizard, f"wizard_5_signature_warnings_{lang}", tmp_path)

    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_FINISH, timeout=5000)
    # The domain check gives up on the offline DNS within its timeout.
    qtbot.waitUntil(lambda: wizard.finish_page.health_done, timeout=30000)
    finish = wizard.finish_page
    # Saved, with the servers the test passed on, and the signature kept.
    assert "marie@dupont.invalid" in finish.done_label.text()
    shown = _form_texts(finish.summary) + _form_texts(finish.summary_servers)
    assert "marie@dupont.invalid" in shown and "Marie Dupont" in shown
    assert f"{imap.host}:{imap.port} (SSL/TLS)" in shown
    assert f"{smtp.endpoint.host}:{smtp.endpoint.port} " in " ".join(shown)
    assert AccountStore(open_database(settings.db_path)).require(
        "marie@dupont.invalid").signature_html
    screenshot(wizard, f"wizard_6_finish_{lang}", tmp_path)


def _form_texts(form: QFormLayout) -> list[str]:
    """The texts of a form's value labels, row by row."""
    return [form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget().text()
            for row in range(form.rowCount())]


FAILURES = [
    ("auth_failed", "imaps", {"login_reply": "NO [AUTHENTICATIONFAILED] Authentication "
                                             "failed."}, "smtps", {}, None),
    ("gmail_app_password", "imaps", {"login_reply": bad.GMAIL_IMAP_APP_PASSWORD}, "smtps", {},
     "gmail"),
    ("imap_disabled_gmail", "imaps", {"login_reply": bad.GMAIL_IMAP_DISABLED}, "smtps", {},
     "gmail"),
    ("imap_disabled_m365", "imaps", {"login_reply": bad.MS_IMAP_NOT_CONNECTED}, "smtps", {},
     "office365"),
    ("basic_auth_disabled", "imaps", {}, "smtps",
     {"login_reply": bad.MS_SMTP_BASIC_AUTH_DISABLED}, "office365"),
    ("tls_too_old", "tls10", {}, "smtps", {}, None),
    ("self_signed", "self_signed", {}, "smtps", {}, None),
]


# What each failure panel must show: the error code and the server it names.
SHOWN = {"auth_failed": ("AUTH_FAILED", "imap"),
         "gmail_app_password": ("APP_PASSWORD_REQUIRED", "imap"),
         "imap_disabled_gmail": ("IMAP_DISABLED", "imap"),
         "imap_disabled_m365": ("IMAP_DISABLED", "imap"),
         "basic_auth_disabled": ("BASIC_AUTH_DISABLED", "smtp"),
         "tls_too_old": ("TLS_TOO_OLD", "imap"),
         "self_signed": ("CERT_UNTRUSTED", "imap")}


@pytest.mark.parametrize(("name", "imap_kind", "imap_kw", "smtp_kind", "smtp_kw", "provider"),
                         FAILURES, ids=[f[0] for f in FAILURES])
def test_screens_of_failure_panels(qtbot, bad_servers, language: str, postier_env: Path,
                                   tmp_path: Path, name, imap_kind, imap_kw, smtp_kind, smtp_kw,
                                   provider) -> None:
    lang = language
    imap = getattr(bad_servers, imap_kind)(**imap_kw)
    smtp = getattr(bad_servers, smtp_kind)(**smtp_kw)
    wizard = make_wizard(qtbot, offline_settings(postier_env, ca_file=bad_servers.ca_file),
                         language=lang)
    password = "MotDePasse-Secret-42"
    run_to_test(qtbot, wizard, "marie@dupont.example", password, imap.endpoint_as("ssl"),
                smtp.endpoint_as("ssl"))
    wait_test_done(qtbot, wizard)
    if provider:
        wizard.state.provider = provider
        click(qtbot, wizard.check_page.retry_button)
        wait_test_done(qtbot, wizard)
    page = wizard.check_page
    assert not wizard.state.check_passed
    # The panel of this failure: its code's message in the page's language, the server
    # named, and what the server said.
    error = page.last_error
    assert (error.code, error.server) == SHOWN[name]
    assert page.error_message.text() == message_for(error.code, lang, error.variant,
                                                    error.params)[0]
    assert page.reply.isVisible() and page.reply.text()
    screenshot(wizard, f"wizard_4_test_{name}_{lang}", tmp_path)
    if name == "self_signed":
        click(qtbot, page.trust_button)
        qtbot.waitExposed(page.cert_dialog)
        screenshot(page.cert_dialog, f"wizard_cert_dialog_{lang}", tmp_path)
        page.cert_dialog.reject()
    assert password not in page.diagnostics_text()


def test_screens_of_stopped_test_and_oauth(qtbot, bad_servers, language: str,
                                           postier_env: Path, tmp_path: Path) -> None:
    lang = language
    wizard = make_wizard(qtbot, offline_settings(postier_env, ca_file=bad_servers.ca_file),
                         language=lang)
    wizard.check_timeout = 30.0
    silent = bad_servers.silent("imap")
    run_to_test(qtbot, wizard, "marie@dupont.example", "pw", silent.endpoint_as("ssl"),
                bad_servers.smtps().endpoint)
    page = wizard.check_page
    # The picture shows a check under way: a step running, Stop offered.
    qtbot.waitUntil(lambda: page.running and page.stop_button.isVisible() and any(
        row.state == "running" for row in page.rows.values()), timeout=10_000)
    screenshot(wizard, f"wizard_4_test_running_{lang}", tmp_path)
    click(qtbot, page.stop_button)
    assert not page.running and not page.stop_button.isVisible()
    assert page.retry_button.isVisible() and page.verdict.text()
    assert any(row.state == "skipped" for row in page.rows.values())
    assert not any(row.state == "running" for row in page.rows.values())
    screenshot(wizard, f"wizard_4_test_stopped_{lang}", tmp_path)
    other = make_wizard(qtbot, offline_settings(postier_env), language=lang)
    click(qtbot, other.start_page.office)
    click_next(qtbot, other)
    fill_address(qtbot, other, "marie@dupont.example", "")
    # No client ID: the sign-in button is gone and the password is asked instead.
    assert other.address_page.sign_in.isHidden() and not other.address_page.uses_oauth()
    assert other.address_page.password_row.isVisible()
    screenshot(other, f"wizard_2_office365_not_configured_{lang}", tmp_path)
    configured = make_wizard(qtbot, offline_settings(postier_env,
                                                     POSTIER_MS_CLIENT_ID="client-id"),
                             language=lang)
    click(qtbot, configured.start_page.office)
    click_next(qtbot, configured)
    fill_address(qtbot, configured, "marie@dupont.example", "")
    assert configured.address_page.uses_oauth()
    assert configured.address_page.sign_in.isVisible()
    assert not configured.address_page.password_row.isVisible()
    screenshot(configured, f"wizard_2_office365_sign_in_{lang}", tmp_path)


def test_compiled_translation_matches_its_source(tmp_path: Path) -> None:
    """The committed .qm is what lrelease makes of the committed .ts (run
    resources/i18n/update.sh after editing translations)."""
    import shutil
    import subprocess
    import sys

    lrelease = Path(sys.executable).with_name("pyside6-lrelease")
    tool = str(lrelease) if lrelease.exists() else shutil.which("pyside6-lrelease")
    assert tool, "pyside6-lrelease ships with PySide6-Essentials"
    out = tmp_path / "check.qm"
    subprocess.run([tool, str(TS), "-qm", str(out)], check=True, capture_output=True,
                   timeout=60)
    assert out.read_bytes() == TS.with_suffix(".qm").read_bytes()
