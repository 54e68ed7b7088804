"""Outlook.com / Hotmail / Live: the preset switches to Microsoft's sign-in (OAuth2, the
consumers/common authority), and the wizard explains when the registration in
postier.toml only takes work accounts (EN + FR shots)."""

from __future__ import annotations

from pathlib import Path

from app.ui.wizard.step_page import PAGE_ADDRESS
from tests.ui.wizard_driver import (
    click,
    click_next,
    make_wizard,
    offline_settings,
    screenshot,
    type_into,
)


def choose_outlook(qtbot, wizard) -> None:
    page = wizard.start_page
    click(qtbot, page.other)
    type_into(qtbot, page.search, "hotmail")
    visible = [page.list.item(i) for i in range(page.list.count())
               if not page.list.item(i).isHidden()]
    [outlook] = [i for i in visible if "Outlook.com" in i.text()]
    page.list.setCurrentItem(outlook)
    click_next(qtbot, wizard)
    assert wizard.currentId() == PAGE_ADDRESS


def test_outlook_preset_uses_microsoft_sign_in(qtbot, postier_env: Path) -> None:
    settings = offline_settings(postier_env, POSTIER_MS_CLIENT_ID="client",
                                POSTIER_MS_TENANT="consumers")
    wizard = make_wizard(qtbot, settings)
    choose_outlook(qtbot, wizard)
    page = wizard.address_page
    assert wizard.state.choice == "outlook" and page.uses_oauth()
    assert page.sign_in.isVisible() and "Microsoft" in page.sign_in.text()
    assert page.device_button.isVisible()
    assert not page.password.isVisible()
    assert "consumers" in page.sign_in_offer.config.authorize_url


def test_work_only_registration_is_explained(qtbot, postier_env: Path, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from app.ui.i18n import install_translator

    for language, needle in (("en", "work and school accounts only"),
                             ("fr", "comptes professionnels ou scolaires")):
        install_translator(QApplication.instance(), language)
        settings = offline_settings(postier_env, POSTIER_MS_CLIENT_ID="client",
                                    POSTIER_MS_TENANT="organizations")
        wizard = make_wizard(qtbot, settings, language=language)
        choose_outlook(qtbot, wizard)
        page = wizard.address_page
        text = page.oauth_intro.text()
        assert needle in text and "postier.toml" in text and "organizations" in text, text
        assert not page.sign_in.isVisible()
        screenshot(wizard, f"wizard_2_outlook_work_only_{language}", tmp_path)
    install_translator(QApplication.instance(), "en")


def test_blocked_sign_in_shows_the_providers_words(qtbot, auth_server,
                                                   postier_env: Path, tmp_path: Path) -> None:
    """Conditional access: the code's words, what to do, and Microsoft's own answer (the
    AADSTS number IT looks up) — on the screen, to be read out or copied."""
    from tests.support.oauth_server import ENTRA_ANSWERS, browser_in_background

    auth_server.state.authorize_error = ENTRA_ANSWERS["conditional_access"]
    wizard = make_wizard(qtbot, offline_settings(postier_env, **auth_server.env()))
    wizard.open_browser = browser_in_background
    click(qtbot, wizard.start_page.office)
    click_next(qtbot, wizard)
    page = wizard.address_page
    type_into(qtbot, page.email, "olivia@example.test")
    click(qtbot, page.sign_in)
    qtbot.waitUntil(lambda: page.sign_in.isEnabled(), timeout=10000)
    text = page.oauth_status.text()
    assert "organisation's rules block this sign-in" in text
    assert "The provider answered: invalid_grant: AADSTS53003" in text
    assert wizard.state.auth == "password"  # not signed in
    screenshot(wizard, "wizard_2_office365_blocked_en", tmp_path)
