"""A signature logo is stored once per account and sent as an inline cid: part (issue 16,
item 17); the wizard (changing an account) and Compose still show it, from the stored
bytes. Screenshots in English and French at 1280×800 and 1024×600 (into docs/screenshots/
when POSTIER_SCREENSHOTS=1, else the test's tmp dir)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication

from app.services.mail.auth import Credential
from app.services.setup import accounts
from app.services.setup import signature as sig
from app.services.setup.endpoint import Endpoint
from app.services.storage import AccountStore, open_database
from app.ui import window_geometry
from app.ui.compose_dialog import ComposeDialog
from app.ui.i18n import install_translator
from app.ui.wizard import SetupWizard
from app.ui.wizard.signature_page import image_data_uri
from app.ui.wizard.step_page import PAGE_SIGNATURE

from .test_window_geometry import assert_fits
from .test_wizard_pages import png_bytes
from .wizard_driver import offline_settings, screenshot

EMAIL = "marie@dupont-menuiserie.fr"
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


def _saved_with_logo(settings) -> tuple[object, bytes]:  # noqa: ANN001
    """An account saved as the wizard saves it: the editor's HTML with a data: logo."""
    uri = image_data_uri(png_bytes(320, 96, 0x8C4E1F))
    logo = sig.decode_data_uri(uri)[1]
    html = ('<p><b>Marie Dupont</b><br>Dupont Menuiserie SARL — 04 72 00 00 00</p>'
            f'<p><img src="{uri}" alt="Dupont Menuiserie"></p>')
    accounts.save_account(settings, email=EMAIL, credential=Credential(EMAIL, "pw"),
                          imap=Endpoint("127.0.0.1", 1, "ssl"),
                          smtp=Endpoint("127.0.0.1", 1, "starttls"),
                          display_name="Marie Dupont", signature_html=html,
                          signature_text=sig.html_to_text(html))
    account = AccountStore(open_database(settings.db_path)).require(EMAIL)
    assert "data:" not in account.signature_html  # stored apart, referred to as cid:
    return account, logo


def _shown_logo(html: str) -> bytes | None:
    images = sig.extract_data_images(html, "x")[1]
    return images[0].data if len(images) == 1 else None


def _editor_image_size(editor) -> tuple[int, int] | None:  # noqa: ANN001
    """Size of the image the editor's document actually loaded for its one logo."""
    document = editor.document()
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                name = fmt.toImageFormat().name()
                image = document.resource(QTextDocument.ResourceType.ImageResource, QUrl(name))
                return (image.width(), image.height()) if image is not None else None
            it += 1
        block = block.next()
    return None


def test_changing_the_account_shows_and_keeps_the_stored_logo(
        qtbot, postier_env: Path, language: str, screen: str, tmp_path: Path) -> None:
    settings = offline_settings(postier_env)
    account, logo = _saved_with_logo(settings)
    wizard = SetupWizard(settings, language=language, edit_account=account)
    qtbot.addWidget(wizard)
    wizard.state.check_passed = True
    wizard.setStartId(PAGE_SIGNATURE)
    wizard.restart()
    wizard.show()
    qtbot.waitExposed(wizard)
    page = wizard.signature_page
    assert wizard.currentId() == PAGE_SIGNATURE
    # The editor and the preview render the stored logo (as a data: URI, local only).
    assert _editor_image_size(page.editor) == (240, 72)  # scaled down to 240 px when added
    assert _shown_logo(page.preview.toHtml()) == logo
    assert _shown_logo(wizard.state.signature_html) == logo
    assert page.warnings.text() == ""  # one logo, light: the lint's rules still apply
    assert_fits(wizard, SCREENS[screen], "wizard")
    screenshot(wizard, f"i16_signature_logo_change_{language}_{screen}", tmp_path)
    # Saved again as it is: the same single logo, still inline.
    accounts.update_account(settings, EMAIL, imap=Endpoint("127.0.0.1", 1, "ssl"),
                            smtp=Endpoint("127.0.0.1", 1, "starttls"), username=EMAIL,
                            signature_html=wizard.state.signature_html,
                            signature_text=wizard.state.signature_text)
    again = AccountStore(open_database(settings.db_path)).require(EMAIL)
    assert "data:" not in again.signature_html
    assert [i.data for i in accounts.signature_images(settings, again)] == [logo]


def test_compose_shows_the_stored_logo(qtbot, postier_env: Path, language: str, screen: str,
                                       tmp_path: Path) -> None:
    settings = offline_settings(postier_env)
    _account, logo = _saved_with_logo(settings)
    db = open_database(settings.db_path)
    dialog = ComposeDialog(settings, db, AccountStore(db).list())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert _shown_logo(dialog.signature.text()) == logo
    qtbot.keyClicks(dialog.to_field, "bernard@client.fr")
    dialog.subject.setText("Devis fenêtres")
    dialog.editor.insertPlainText("Bonjour,\nvoici le devis pour les fenêtres.")
    assert_fits(dialog, SCREENS[screen], "compose")
    screenshot(dialog, f"i16_signature_logo_compose_{language}_{screen}", tmp_path)
    dialog.discard_draft()
    dialog.reject()
