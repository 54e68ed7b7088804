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
