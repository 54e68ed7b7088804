"""GUI start-up failures are shown in a window (no terminal after a double-click)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from app.ui import main


def _boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible()]


def test_database_from_a_newer_postier_is_explained_and_left_alone(
        qapp: QApplication, postier_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = postier_env / "postier.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 999")
    before = db.read_bytes()
    monkeypatch.setenv("POSTIER_EXIT_AFTER", "1")
    assert main.run_gui([]) == 1
    [box] = _boxes()
    assert "newer Postier" in box.informativeText()
    assert "999" in box.detailedText()
    assert db.read_bytes() == before
    box.close()


def test_bad_setting_is_explained(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTIER_DNS", "no-port-here")
    monkeypatch.setenv("POSTIER_EXIT_AFTER", "1")
    assert main.run_gui([]) == 1
    [box] = _boxes()
    assert "POSTIER_DNS" in box.detailedText()
    box.close()


def test_french_also_translates_qts_own_strings(qapp: QApplication) -> None:
    from app.ui.i18n import install_translator

    try:
        install_translator(qapp, "fr")
        details = QApplication.translate("QMessageBox", "Show Details...")
        assert details.startswith("Montrer les détails")
    finally:
        install_translator(qapp, "en")
    assert QApplication.translate("QMessageBox", "Show Details...") == "Show Details..."
