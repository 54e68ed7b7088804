"""Setup wizard pages without mail servers: choices, validation, masking, signature."""

from __future__ import annotations

import base64
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLineEdit, QWizard

from app.services.setup import signature as sig
from app.services.setup.endpoint import Endpoint
from app.ui.wizard.manual_page import port_problem
from app.ui.wizard.step_page import PAGE_ADDRESS, PAGE_CHECK, PAGE_MANUAL, PAGE_SIGNATURE

from .wizard_driver import (
    choose_own_server,
    click,
    click_next,
    fill_address,
    fill_manual,
    go_manual,
    make_wizard,
    offline_settings,
    type_into,
)


def png_bytes(width: int = 300, height: int = 120, color: int = 0x1A5FB4) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(color)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def test_start_page_search_keeps_own_server_and_enables_next(qtbot, postier_env: Path) -> None:
    wizard = make_wizard(qtbot, offline_settings(postier_env))
    page = wizard.start_page
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert not next_button.isEnabled()  # nothing chosen yet
    click(qtbot, page.other)
    type_into(qtbot, page.search, "ovh")
    visible = [page.list.item(i).text() for i in range(page.list.count())
               if not page.list.item(i).isHidden()]
    assert any("OVH" in text for text in visible)
    assert any("own server" in text for text in visible)
    assert not any("Orange" in text for text in visible)
    assert "OVH" in page.list.currentItem().text()  # the first match is selected
    assert next_button.isEnabled()
    click_next(qtbot, wizard)
    assert wizard.currentId() == PAGE_ADDRESS
    assert wizard.state.choice == "other"
    assert wizard.state.preset.id.startswith("ovh")


def test_presets_searchable_by_domain(qtbot, postier_env: Path) -> None:
    wizard = make_wizard(qtbot, offline_settings(postier_env))
    page = wizard.start_page
    click(qtbot, page.other)
    type_into(qtbot, page.search, "wanadoo.fr")
    assert "Orange" in page.list.currentItem().text()


def test_step_indicator_is_large_and_counts(qtbot, postier_env: Path) -> None:
    wizard = make_wizard(qtbot, offline_settings(postier_env))
    assert wizard.start_page.step_label.text() == "Step 1 of 6"
    assert wizard.start_page.step_label.font().pointSize() >= 14
    choose_own_server(qtbot, wizard)
    assert wizard.address_page.step_label.text() == "Step 2 of 6"


def test_address_page_masks_password_and_validates_email(qtbot, postier_env: Path) -> None:
    wizard = make_wizard(qtbot, offline_settings(postier_env))
    choose_own_server(qtbot, wizard)
    page = wizard.address_page
    assert page.password.echoMode() == QLineEdit.EchoMode.Password
    fill_address(qtbot, wizard, "not-an-address", "hunter2")
    page.email.editingFinished.emit()
    assert page.email_error.isVisible()
    assert "valid" in page.email_error.text()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    click(qtbot, page.show_password)
    assert page.password.echoMode() == QLineEdit.EchoMode.Normal
    click(qtbot, page.show_password)
    assert page.password.echoMode() == QLineEdit.EchoMode.Password
    type_into(qtbot, page.email, "marie@dupont.example")
    assert not page.email_error.isVisible()


def test_discovery_failure_says_so_and_leads_to_manual(qtbot, postier_env: Path) -> None:
    wizard = make_wizard(qtbot, offline_settings(postier_env))
    choose_own_server(qtbot, wizard)
    page = wizard.address_page
    fill_address(qtbot, wizard, "marie@dupont.invalid", "pw")
    page.email.editingFinished.emit()  # the user leaves the field
    assert page.progress.isVisible()
    qtbot.waitUntil(lambda: not page._discovering, timeout=20000)
    assert "No settings found for dupont.invalid" in page.status.text()
    # Each probe the discovery reports is listed, in its order.
    tried = wizard.state.discovery.tried
    assert tried and [page.progress.item(i).text() for i in range(page.progress.count())] == [
        page.progress_line(t) for t in tried]
    click_next(qtbot, wizard)
    assert wizard.currentId() == PAGE_MANUAL


def test_manual_link_is_always_there_and_stops_discovery(qtbot, postier_env: Path) -> None:
    wizard = make_wizard(qtbot, offline_settings(postier_env))
    choose_own_server(qtbot, wizard)
    fill_address(qtbot, wizard, "marie@dupont.invalid", "pw")
    wizard.address_page.email.editingFinished.emit()
    assert wizard.address_page.manual_link.isVisible()
    go_manual(qtbot, wizard)
    assert wizard.state.manual
    assert wizard.manual_page.username.text() == "marie@dupont.invalid"


def test_oauth_not_configured_falls_back_to_password(qtbot, postier_env: Path) -> None:
    wizard = make_wizard(qtbot, offline_settings(postier_env))
    click(qtbot, wizard.start_page.office)
    click_next(qtbot, wizard)
    page = wizard.address_page
    assert page.oauth_box.isVisible()
    assert "not set up in this installation" in page.oauth_intro.text()
    assert "postier.toml" in page.oauth_intro.text()
    assert page.password.isVisible()
    assert not page.sign_in.isVisible()


def test_oauth_configured_hides_password_and_offers_sign_in(qtbot, postier_env: Path) -> None:
    settings = offline_settings(postier_env, POSTIER_MS_CLIENT_ID="test-client")
    wizard = make_wizard(qtbot, settings)
    click(qtbot, wizard.start_page.office)
    click_next(qtbot, wizard)
    page = wizard.address_page
    assert page.sign_in.isVisible() and "Microsoft" in page.sign_in.text()
    assert page.device_button.isVisible()
    assert not page.password.isVisible()
    type_into(qtbot, page.email, "marie@dupont.example")
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()  # not signed in


def test_oauth_browser_sign_in_can_be_cancelled(qtbot, postier_env: Path) -> None:
    settings = offline_settings(postier_env, POSTIER_MS_CLIENT_ID="test-client",
                                POSTIER_OAUTH_MICROSOFT_AUTHORITY="http://127.0.0.1:9/tenant")
    wizard = make_wizard(qtbot, settings)
    opened: list[str] = []
    wizard.open_browser = opened.append  # no real browser in tests
    click(qtbot, wizard.start_page.office)
    click_next(qtbot, wizard)
    page = wizard.address_page
    type_into(qtbot, page.email, "marie@dupont.example")
    click(qtbot, page.sign_in)
    qtbot.waitUntil(lambda: bool(opened), timeout=3000)
    assert "login_hint=marie%40dupont.example" in opened[0]
    assert page.cancel_sign_in.isVisible()
    click(qtbot, page.cancel_sign_in)
    assert page.sign_in.isEnabled()
    assert "cancelled" in page.oauth_status.text().lower()


def test_port_rules_explain_refusals() -> None:
    assert "143" in port_problem("imap", "143", "ssl")
    assert port_problem("imap", "143", "starttls") is None  # encryption demanded at once
    assert "25" in port_problem("smtp", "25", "starttls")
    assert "POP3" in port_problem("imap", "995", "ssl")
    assert "587" in port_problem("smtp", "465", "starttls")
    assert port_problem("imap", "993", "ssl") is None
    assert port_problem("smtp", "587", "starttls") is None
    assert port_problem("smtp", "465", "ssl") is None
    assert port_problem("imap", "70000", "ssl") is not None
    assert port_problem("imap", "abc", "ssl") is not None


def test_manual_page_inline_validation(qtbot, postier_env: Path) -> None:
    wizard = make_wizard(qtbot, offline_settings(postier_env))
    choose_own_server(qtbot, wizard)
    fill_address(qtbot, wizard, "marie@dupont.example", "pw")
    go_manual(qtbot, wizard)
    page = wizard.manual_page
    fill_manual(qtbot, wizard, Endpoint("mail.dupont.example", 143, "ssl"),
                Endpoint("mail.dupont.example", 587, "starttls"))
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert page.imap.error.isVisible() and "143" in page.imap.error.text()
    assert not next_button.isEnabled()
    type_into(qtbot, page.imap.port, "993")
    assert not page.imap.error.isVisible()
    type_into(qtbot, page.smtp.host, "smtp dupont")
    assert page.smtp.error.isVisible() and "spaces" in page.smtp.error.text()
    assert not next_button.isEnabled()
    type_into(qtbot, page.smtp.host, "smtp.dupont.example")
    assert next_button.isEnabled()
    # Only encrypted choices exist.
    assert [page.imap.security.itemData(i) for i in range(page.imap.security.count())] == \
        ["ssl", "starttls"]


def test_manual_security_change_follows_usual_port(qtbot, postier_env: Path) -> None:
    wizard = make_wizard(qtbot, offline_settings(postier_env))
    choose_own_server(qtbot, wizard)
    fill_address(qtbot, wizard, "marie@dupont.example", "pw")
    go_manual(qtbot, wizard)
    imap = wizard.manual_page.imap
    imap.security.setCurrentIndex(imap.security.findData("starttls"))
    assert imap.port.text() == "143"
    box = wizard.manual_page.smtp
    box.security.setCurrentIndex(box.security.findData("ssl"))
    assert box.port.text() == "465"
    box.security.setCurrentIndex(box.security.findData("starttls"))
    assert box.port.text() == "587"


def test_signature_editor_lint_and_plain_text(qtbot, postier_env: Path) -> None:
    wizard = make_wizard(qtbot, offline_settings(postier_env))
    wizard.state.email = "marie@dupont.example"
    wizard.state.display_name = "Marie Dupont"
    wizard.state.check_passed = True
    wizard.state.imap = Endpoint("127.0.0.1", 993, "ssl")
    wizard.state.smtp = Endpoint("127.0.0.1", 587, "starttls")
    wizard.setStartId(PAGE_SIGNATURE)
    wizard.restart()
    page = wizard.signature_page
    assert "Marie Dupont" in page.plain.toPlainText()  # prefilled from the address page
    assert page.warnings.text() == ""
    page.editor.moveCursor(page.editor.textCursor().MoveOperation.End)
    assert page.insert_image_bytes(png_bytes())
    assert sig.image_count(wizard.state.signature_html) == 1
    assert "data:image/png;base64," in page.preview.toHtml()  # live preview follows
    assert page.warnings.text() == ""
    page.insert_image_bytes(png_bytes(color=0xFF0000))
    assert "More than one image" in page.warnings.text()
    # Logos are scaled down to 240 px so the signature stays light.
    uri = wizard.state.signature_html.split('src="')[1].split('"')[0]
    image = QImage()
    assert image.loadFromData(base64.b64decode(uri.split(",", 1)[1]))
    assert max(image.width(), image.height()) <= 240
    assert not page.insert_image_bytes(b"not an image")


def test_signature_external_image_and_table_warnings(qtbot, postier_env: Path) -> None:
    wizard = make_wizard(qtbot, offline_settings(postier_env))
    wizard.state.email = "marie@dupont.example"
    wizard.state.check_passed = True
    wizard.setStartId(PAGE_SIGNATURE)
    wizard.restart()
    page = wizard.signature_page
    page.editor.setHtml('<table><tr><td>Marie</td></tr></table>'
                        '<img src="https://cdn.example.com/logo.png">')
    text = page.warnings.text()
    assert "table" in text and "Internet" in text


def test_signature_bold_and_link(qtbot, postier_env: Path) -> None:
    wizard = make_wizard(qtbot, offline_settings(postier_env))
    wizard.state.email = "marie@dupont.example"
    wizard.setStartId(PAGE_SIGNATURE)
    wizard.restart()
    page = wizard.signature_page
    page.editor.clear()
    page.editor.setFocus()
    click(qtbot, page.bold)
    qtbot.keyClicks(page.editor, "Dupont SARL")
    page.insert_link("dupont.example", "Notre site")
    html = wizard.state.signature_html
    assert "font-weight" in html and "Dupont SARL" in html
    assert 'href="https://dupont.example"' in html
    assert "Notre site <https://dupont.example>" in page.plain.toPlainText()
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow, timeout=2000)
    page.editor.setFocus()
    qtbot.keyClick(page.editor, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    # The shortcut "animate-clicks" the button: it toggles a moment later.
    qtbot.waitUntil(page.italic.isChecked, timeout=2000)


def test_keyboard_only_mnemonics_tab_order_and_enter_is_next(qtbot, postier_env: Path) -> None:
    wizard = make_wizard(qtbot, offline_settings(postier_env))
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow, timeout=2000)
    # Alt+G picks Gmail (mnemonic), Enter goes on.
    qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_G,
                   Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(wizard.start_page.gmail.isChecked, timeout=2000)  # (animated click)
    qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_ADDRESS, timeout=2000)
    page = wizard.address_page
    assert wizard.focusWidget() is page.email  # the first field has the focus
    qtbot.keyClicks(page.email, "marie@gmail.example")
    qtbot.keyClick(page.email, Qt.Key.Key_Tab)
    assert wizard.focusWidget() is page.password
    qtbot.keyClicks(page.password, "abcd efgh ijkl mnop")
    qtbot.keyClick(page.password, Qt.Key.Key_Tab)
    assert wizard.focusWidget() is page.show_password
    qtbot.keyClick(page.show_password, Qt.Key.Key_Tab)
    assert wizard.focusWidget() is page.display_name
    # Leaving the address started discovery (offline here: it ends at once, nothing found).
    qtbot.waitUntil(lambda: not page._discovering, timeout=10000)
    qtbot.keyClick(page.display_name, Qt.Key.Key_Return)  # Enter = Next
    qtbot.waitUntil(lambda: wizard.currentId() != PAGE_ADDRESS, timeout=2000)
    assert wizard.state.password == "abcd efgh ijkl mnop"
    assert wizard.state.email == "marie@gmail.example"


def test_a_chosen_provider_needs_no_discovery(qtbot, postier_env: Path) -> None:
    wizard = make_wizard(qtbot, offline_settings(postier_env))
    page = wizard.start_page
    click(qtbot, page.other)
    type_into(qtbot, page.search, "OVH")
    click_next(qtbot, wizard)
    fill_address(qtbot, wizard, "marie@dupont.example", "pw")
    wizard.address_page.start_discovery("marie@dupont.example")  # still searching…
    click_next(qtbot, wizard)  # …but OVH's servers are known: straight to the test
    assert wizard.currentId() == PAGE_CHECK
    assert wizard.state.imap.host.endswith("ovh.net")
    assert wizard.state.imap.security in ("ssl", "starttls")
    wizard.check_page.stop()


def test_address_at_microsoft_suggests_the_office365_sign_in(qtbot, postier_env: Path) -> None:
    from tests.support.dns_server import LocalDNS

    dns = LocalDNS("dupont.example. 300 IN MX 10 dupont-example.mail.protection.outlook.com.")
    dns.start()
    try:
        settings = offline_settings(postier_env, POSTIER_MS_CLIENT_ID="client-id")
        settings = type(settings)(home=settings.home, ispdb_url=settings.ispdb_url,
                                  dns_server=(dns.host, dns.port), autoconfig_scheme="http",
                                  extra=settings.extra)
        wizard = make_wizard(qtbot, settings)
        choose_own_server(qtbot, wizard)
        page = wizard.address_page
        fill_address(qtbot, wizard, "marie@dupont.example", "pw")
        page.email.editingFinished.emit()
        qtbot.waitUntil(lambda: not page._discovering, timeout=20000)
        assert wizard.state.provider == "office365", page.status.text()
        assert page.provider_hint.isVisible()
        assert "Microsoft 365" in page.provider_hint.text()
        page.provider_hint.linkActivated.emit("switch")
        assert wizard.currentId() == PAGE_ADDRESS
        assert wizard.state.choice == "office365"
        assert page.sign_in.isVisible() and not page.password.isVisible()
    finally:
        dns.stop()
