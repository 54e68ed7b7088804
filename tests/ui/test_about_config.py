"""About → Sign-in configuration: each value with the file it came from, client IDs
shown, secrets never in full, and a copy for the diagnostics report (EN + FR shots)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from app.services.config import Settings
from app.ui.about_dialog import AboutDialog
from tests.ui.wizard_driver import screenshot

SECRET = "GOCSPX-verysecret-123"


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    site = tmp_path / "site-config" / "Postier" / "postier.toml"  # XDG_CONFIG_DIRS (conftest)
    site.parent.mkdir(parents=True)
    site.write_text('[microsoft]\nclient_id = "7f1c2a90-1d2e-4b8f-9a51-3c0e2b6d4f10"\n'
                    'tenant = "common"\n'
                    '[google]\nclient_id = "123-abc.apps.googleusercontent.com"\n'
                    f'client_secret = "{SECRET}"\n[app]\nlanguage = "fr"\nlogo = "x"\n',
                    encoding="utf-8")
    monkeypatch.setenv("POSTIER_MS_TENANT", "consumers")
    monkeypatch.delenv("POSTIER_MS_CLIENT_ID", raising=False)
    return Settings.from_env()


def cells(dialog) -> dict[str, tuple[str, str]]:
    table = dialog.table
    return {table.item(r, 0).text(): (table.item(r, 1).text(), table.item(r, 2).text())
            for r in range(table.rowCount())}


def test_sign_in_configuration_view(qtbot, settings: Settings, tmp_path: Path) -> None:
    about = AboutDialog(settings)
    qtbot.addWidget(about)
    about.config_button.click()
    dialog = about.config_dialog
    assert dialog is not None
    site = str(tmp_path / "site-config" / "Postier" / "postier.toml")
    shown = cells(dialog)
    assert shown["microsoft.client_id"] == ("7f1c2a90-1d2e-4b8f-9a51-3c0e2b6d4f10", site)
    assert shown["microsoft.tenant"] == ("consumers", "POSTIER_MS_TENANT")
    assert shown["google.client_secret"] == ("set (hidden)", site)
    assert shown["database.url"][0] == ""
    assert "app.logo" in dialog.files.text()  # an unknown key is pointed out
    everything = "\n".join(f"{k} {v} {s}" for k, (v, s) in shown.items()) + dialog.files.text()
    assert SECRET not in everything
    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert "Postier diagnostics" in copied and "Sign-in configuration:" in copied
    assert f"microsoft.client_id = 7f1c2a90-1d2e-4b8f-9a51-3c0e2b6d4f10  ({site})" in copied
    assert SECRET not in copied
    dialog.show()
    screenshot(dialog, "about_sign_in_configuration_en", tmp_path)


def test_sign_in_configuration_view_in_french(qtbot, settings: Settings,
                                              tmp_path: Path) -> None:
    from app.ui.i18n import install_translator

    app = QApplication.instance()
    install_translator(app, "fr")
    try:
        about = AboutDialog(settings)
        qtbot.addWidget(about)
        about.config_button.click()
        dialog = about.config_dialog
        assert dialog.windowTitle() == "Configuration de la connexion"
        assert cells(dialog)["google.client_secret"][0] == "défini (masqué)"
        dialog.show()
        screenshot(dialog, "about_sign_in_configuration_fr", tmp_path)
    finally:
        install_translator(app, "en")
