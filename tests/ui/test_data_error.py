"""The GUI meets a damaged data file (issue 15, item 3): at start-up and while running it says
what happened, in French and English, and offers the restore — never a traceback, never the
damaged file deleted or overwritten."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from app.services.config import Settings
from app.services.history import message_store as ms
from app.services.storage import (
    Database,
    StorageError,
    backups,
    integrity_problems,
    open_database,
)
from app.ui import data_error, main
from app.ui.data_error import DataErrorDialog, RuntimeWatch
from app.ui.i18n import install_translator
from tests.ui.wizard_driver import screenshot


@pytest.fixture(autouse=True)
def non_blocking(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(data_error, "modal", False)
    yield
    # The dialogs and outcome boxes of this test are shown without a modal loop: close
    # them, or later tests would find them on screen (and active).
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible():
            widget.close()
    data_error._keep.clear()
    main._keep.clear()


def _dialogs() -> list[DataErrorDialog]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, DataErrorDialog) and w.isVisible()]


def _fill(path: Path, count: int = 40) -> None:
    db = open_database(path)
    with db.transaction() as conn:
        for i in range(count):
            ms.insert_message(conn, account_id=None, account_email="jean@exemple.fr",
                              message_id=f"<{uuid.uuid4().hex}@exemple.fr>",
                              envid=uuid.uuid4().hex, from_addr="jean@exemple.fr",
                              subject=f"Devis {i}", body_text="Bonjour", body_html=None,
                              raw=b"x", recipients=[ms.NewRecipient(f"c{i}-{n}@exemple.fr")
                                                    for n in range(3)])
    Database(path).set_setting("probe", "1")  # a later process's first write: daily backup
    assert backups(path)


def _overwrite_page(path: Path, page: int | None = None) -> bytes:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    if page is None:  # the recipients table's root page
        page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'recipients'"
                            ).fetchone()[0]
    conn.close()
    with open(path, "r+b") as handle:
        handle.seek((page - 1) * size)
        handle.write(bytes([0x5A]) * size)
    return path.read_bytes()


def test_start_up_on_an_unreadable_file_offers_the_restore(
        qtbot, postier_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = Settings.from_env().db_path
    _fill(path)
    damaged = _overwrite_page(path, 1)  # the header: "file is not a database"
    monkeypatch.setenv("POSTIER_EXIT_AFTER", "1")
    assert main.run_gui([]) == 1
    [dialog] = _dialogs()
    assert str(path) in dialog.detailedText()
    assert "backup" in dialog.informativeText()
    assert path.read_bytes() == damaged  # nothing touched before the user chooses
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert dialog.outcome is not None, dialog.restore_error
    kept = Path(dialog.outcome["damaged_kept_as"])
    assert kept.read_bytes() == damaged
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 40
    dialog.close()


def test_damage_found_while_running_offers_the_restore(qtbot, postier_env: Path) -> None:
    from app.ui.main_window import MainWindow

    settings = Settings.from_env()
    _fill(settings.db_path)
    watch = RuntimeWatch(settings.db_path)
    watch.install()
    try:
        window = MainWindow(settings, Database(settings.db_path), live_tracking=False,
                            lang="en")
        qtbot.addWidget(window)
        qtbot.waitUntil(lambda: window.page.model.rowCount() > 0, timeout=10000)
        _overwrite_page(settings.db_path)
        window.page.loader.reload()  # as F5 or the live refresh would
        window.refresh()
        qtbot.waitUntil(lambda: watch.dialog is not None and watch.dialog.isVisible(),
                        timeout=10000)
        dialog = watch.dialog
        assert "malformed" in dialog.detailedText()
        # (Not compared byte for byte: the window's own small writes — settings — may
        # still land in the file while it runs; the damaged page stays damaged.)
        assert integrity_problems(settings.db_path)
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: watch.dialog is None, timeout=5000)
        assert dialog.outcome is not None
        assert integrity_problems(Path(dialog.outcome["damaged_kept_as"]))  # kept, as it was
        assert not integrity_problems(settings.db_path)
    finally:
        import sys

        sys.excepthook = watch._previous_hook
        from app.ui import worker

        worker._error_observers.remove(watch.on_error)


def test_the_dialog_speaks_french(qtbot, postier_env: Path, tmp_path: Path) -> None:
    path = Settings.from_env().db_path
    _fill(path)
    app = QApplication.instance()
    install_translator(app, "fr")
    try:
        dialog = DataErrorDialog(path, StorageError("DATABASE_ERROR", f"{path}: malformed"),
                                 language="fr")
        qtbot.addWidget(dialog)
        assert "illisible ou non modifiable" in dialog.informativeText()
        assert "endommagé" in dialog.text() or "illisible" in dialog.text(), dialog.text()
        assert "sauvegarde" in dialog.restore_button.text().lower()
        assert dialog.close_button.text().replace("&", "") == "Fermer"
        dialog.show()
        screenshot(dialog, "data_error_restore_fr", tmp_path)
    finally:
        install_translator(app, "en")


def test_without_a_backup_there_is_no_restore_button(qtbot, postier_env: Path) -> None:
    path = Settings.from_env().db_path
    open_database(path)
    dialog = DataErrorDialog(path, StorageError("DATABASE_ERROR", f"{path}: malformed"))
    qtbot.addWidget(dialog)
    assert dialog.restore_button is None and dialog.close_button is not None
