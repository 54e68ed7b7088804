"""A bad postier.toml at start-up: a window naming the file and the key, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from app.ui import main


def test_bad_config_file_is_explained_at_start_up(qapp: QApplication, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "postier.toml"
    bad.write_text('[microsoft]\nclient_id = 1234\n', encoding="utf-8")
    monkeypatch.setenv("POSTIER_CONFIG", str(bad))
    monkeypatch.setenv("POSTIER_EXIT_AFTER", "1")
    assert main.run_gui([]) == 1
    [box] = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, QMessageBox) and w.isVisible()]
    text = box.informativeText()
    assert str(bad) in text and "microsoft.client_id" in text and "must be a string" in text
    assert "configuration" in text.lower()
    box.close()


def test_configured_language_wins_over_the_system(qapp: QApplication, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import QLocale

    from app.ui.i18n import current_language, install_translator, set_configured_language

    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    config = tmp_path / "postier.toml"
    config.write_text('[app]\nlanguage = "fr"\n', encoding="utf-8")
    monkeypatch.setenv("POSTIER_CONFIG", str(config))
    monkeypatch.setenv("POSTIER_EXIT_AFTER", "0.2")
    try:
        assert main.run_gui([]) == 0
        assert current_language() == "fr"
        titles = [w.windowTitle() for w in QApplication.topLevelWidgets() if w.isVisible()]
        assert "Postier — configurer un compte de messagerie" in titles, titles
    finally:
        for widget in QApplication.topLevelWidgets():
            widget.close()
        set_configured_language(None)
        install_translator(qapp, "en")
        QLocale.setDefault(QLocale.c())
