"""File ▸ Export CSV… (Ctrl+E): the rows the sent table shows, with its filter and sort, into
a CSV file.

It asks where, offering first the separator the user's spreadsheet expects (';' where the
decimal point is a comma), writes the file off the GUI thread (``run_task``) and says in the
window's status bar how many rows went where, or why the file could not be written.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLocale, QObject
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from app.services.history import message_views as mv
from app.services.storage import Database
from app.ui.i18n import plural
from app.ui.messages_model import SentMessagesModel
from app.ui.worker import run_task


class TableExport(QObject):
    """Exports what ``model`` shows; the last file written is kept in ``last_export``."""

    def __init__(self, window: QMainWindow, db: Database, model: SentMessagesModel,
                 lang: str) -> None:
        super().__init__(window)
        self.window, self.db, self.model, self.lang = window, db, model, lang
        self.last_export: tuple[Path, int | None] | None = None

    def export(self, path: str | None = None, delimiter: str | None = None) -> None:
        """Write the view to ``path`` (asked for when None) with ``delimiter`` (',')."""
        comma = self.tr("CSV, comma separated (*.csv)")
        semicolon = self.tr("CSV for French Excel, semicolon separated (*.csv)")
        if path is None:
            # Excel splits on ';' where the decimal point is a comma (French, German…).
            decimal_comma = QLocale(self.lang).decimalPoint() == ","
            preferred = semicolon if decimal_comma else comma
            chosen, selected = QFileDialog.getSaveFileName(
                self.window, self.tr("Export the rows shown"), str(Path.home() / "postier.csv"),
                ";;".join([preferred, comma if preferred == semicolon else semicolon]),
                preferred)
            if not chosen:
                return
            path = chosen
            delimiter = ";" if selected == semicolon else ","
        model = self.model
        db, flt, sort, desc, lang = (self.db, model.filter, model.sort_column,
                                     model.descending, self.lang)
        target = Path(path)
        sep = delimiter or ","
        run_task(lambda: mv.export_csv(db, target, flt, sort, desc, sep, lang),
                 lambda n, error: self._exported(target, n, error))

    def _exported(self, path: Path, count: int | None, error: BaseException | None) -> None:
        if error is not None:
            QMessageBox.warning(self.window, self.tr("Export"),
                                self.tr("The file could not be written: %s") % error)
            return
        n = count or 0
        done = plural(self.tr("%Ln row(s) exported to %1", "", n), n)
        self.window.statusBar().showMessage(done.replace("%1", str(path)), 8000)
        self.last_export = (path, count)
