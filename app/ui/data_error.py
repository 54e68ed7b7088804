"""The data file is damaged or unreadable: say so and offer the restore, never a traceback.

Shown at start-up (the file cannot be opened or read) and while running (a background load
meets a damaged page: ``worker.observe_errors``; a read on the GUI thread: the exception
hook). The restore is services' ``storage.restore_database``: the newest sound backup goes
in place, the damaged file is kept beside it, renamed — never deleted, never overwritten.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.services.errors import message_for
from app.ui.i18n import current_language

log = logging.getLogger(__name__)

CODE = "DATABASE_ERROR"
modal = True  # tests set False: dialogs then show without a nested event loop




def is_data_error(exc: BaseException | None) -> bool:
    return getattr(exc, "code", None) == CODE


class DataErrorDialog(QMessageBox):
    """What happened (the file named), what to do, and a "Restore the latest backup"
    button when a sound backup exists. ``outcome`` holds the restore's report once done."""

    def __init__(self, db_path: Path, exc: BaseException, parent: QWidget | None = None,
                 language: str | None = None) -> None:
        super().__init__(QMessageBox.Icon.Critical, "Postier", QApplication.translate(
            "DataErrorDialog", "Postier's data file is damaged or cannot be read."),
            parent=parent)
        self.setObjectName("dataErrorDialog")
        self.db_path = Path(db_path)
        self.outcome: dict[str, Any] | None = None
        self.restore_error: str | None = None
        from app.services.storage import backups, integrity_problems

        message, hint = message_for(CODE, current_language(language))
        self.sound_backup = next((b for b in backups(self.db_path)
                                  if not integrity_problems(b)), None)
        if self.sound_backup is not None:
            hint = QApplication.translate(
                "DataErrorDialog", "A backup from %1 can be restored. The damaged file is "
                "kept beside it, renamed, in case your IT support needs it.").replace(
                "%1", _when(self.sound_backup))
        self.setInformativeText(f"{message}\n{hint}")
        self.setDetailedText(str(getattr(exc, "message", exc)))  # the file and SQLite's words
        self.restore_button = None
        if self.sound_backup is not None:
            self.restore_button = self.addButton(QApplication.translate(
                "DataErrorDialog", "&Restore the latest backup"),
                QMessageBox.ButtonRole.AcceptRole)
            self.restore_button.clicked.connect(self.restore)
            self.setDefaultButton(self.restore_button)
        self.close_button = self.addButton(
            QApplication.translate("DataErrorDialog", "&Close"),
            QMessageBox.ButtonRole.RejectRole)

    def restore(self) -> None:
        """One file copy the user asked for and waits on; done here, on purpose, so that
        nothing of this window reads the data file while it is being replaced."""
        from app.services.storage import StorageError, restore_database

        try:
            self.outcome = restore_database(self.db_path, self.sound_backup)
        except StorageError as exc:
            self.restore_error = exc.message
            log.error("restore failed: %s", exc.message)


def _when(path: Path) -> str:
    from datetime import datetime

    return datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")


def _non_blocking() -> bool:
    import os

    # Smoke tests (POSTIER_EXIT_AFTER) and GUI tests: never a modal loop.
    return not modal or bool(os.environ.get("POSTIER_EXIT_AFTER"))


def _inform(parent: QWidget | None, text: str, critical: bool = False) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Critical if critical else QMessageBox.Icon.Information,
                      "Postier", text, parent=parent)
    box.setObjectName("dataErrorOutcome")
    _keep.append(box)
    if _non_blocking():
        box.show()
    else:
        box.exec()
    return box


_keep: list[QWidget] = []


def offer_restore(db_path: Path, exc: BaseException, parent: QWidget | None = None) -> bool:
    """Show the dialog; True when a backup was restored. At start-up the caller then
    starts normally on the restored file."""
    dialog = DataErrorDialog(db_path, exc, parent)
    _keep.append(dialog)
    if _non_blocking():
        dialog.show()
        return False
    dialog.exec()
    return _tell_outcome(dialog, parent)


def _tell_outcome(dialog: DataErrorDialog, parent: QWidget | None) -> bool:
    if dialog.outcome is not None:
        kept = dialog.outcome.get("damaged_kept_as") or ""
        text = QApplication.translate("DataErrorDialog", "The backup was restored.")
        detail = QApplication.translate(
            "DataErrorDialog", "The damaged file is kept as %1.").replace("%1", kept) \
            if kept else ""
        _inform(parent, f"{text}\n{detail}".strip())
        return True
    if dialog.restore_error:
        _inform(parent, QApplication.translate(
            "DataErrorDialog", "The backup could not be restored.") + "\n"
            + dialog.restore_error, critical=True)
    return False


class RuntimeWatch:
    """While the windows are open: the first DATABASE_ERROR (from a background task or a
    slot on the GUI thread) shows the dialog once; after a restore Postier closes so that
    it starts again on the restored file (windows hold data read from the damaged one)."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        self.dialog: DataErrorDialog | None = None
        self._previous_hook = sys.excepthook

    def install(self) -> None:
        from app.ui.worker import observe_errors

        observe_errors(self.on_error)
        sys.excepthook = self._hook

    def _hook(self, kind: type[BaseException], exc: BaseException,
              tb: TracebackType | None) -> None:
        if is_data_error(exc):
            self.on_error(exc)
            return
        self._previous_hook(kind, exc, tb)

    def on_error(self, exc: BaseException) -> None:
        if not is_data_error(exc) or self.dialog is not None:
            return  # one dialog at a time: the loads that fail next say the same thing
        log.error("data file problem: %s", getattr(exc, "message", exc))
        parent = QApplication.activeWindow()
        self.dialog = DataErrorDialog(self.db_path, exc, parent)
        self.dialog.finished.connect(self._closed)
        self.dialog.open()  # window-modal, does not block the event loop

    def _closed(self, _result: int) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None and _tell_outcome(dialog, QApplication.activeWindow()):
            _inform(QApplication.activeWindow(), QApplication.translate(
                "DataErrorDialog",
                "Postier will now close. Open it again to continue with the restored data."))
            QApplication.instance().exit(0)
