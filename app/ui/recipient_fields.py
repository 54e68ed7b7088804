"""The composer's recipients: the address line that flags wrong addresses as you type, and
the Groups row (insert a saved group in Bcc, import a CSV as a group, save the recipients as
one). The groups themselves are app/services/outbox/recipient_groups.py."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.services.outbox import recipient_groups as groups_service
from app.services.storage import Database
from app.ui.worker import run_task

ERROR_STYLE = "QLineEdit { border: 2px solid #dc2626; }"


class AddressField(QLineEdit):
    """A line of addresses that turns red and names the wrong ones as you type."""

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.textChanged.connect(self._check)

    def addresses(self) -> tuple[list[str], list[str]]:
        return groups_service.split_addresses(self.text())

    def _check(self) -> None:
        _, invalid = self.addresses()
        self.setStyleSheet(ERROR_STYLE if invalid else "")
        self.setToolTip(self.tr("Not an e-mail address: %s") % ", ".join(invalid)
                        if invalid else "")

    def append(self, addresses: list[str]) -> None:
        current, _ = self.addresses()
        known = {a.lower() for a in current}
        extra = [a for a in addresses if a.lower() not in known]
        if extra:
            text = self.text().strip().rstrip(",;")
            self.setText(", ".join(([text] if text else []) + extra))


class RecipientGroups(QWidget):
    """The Groups row. A group's members go in ``bcc`` (they don't see each other); a group
    is saved from every valid address of ``fields``. What happened is said through ``told``
    (text, is_error) for the dialog to show under the message."""

    told = Signal(str, bool)

    def __init__(self, db: Database, fields: tuple[AddressField, ...], bcc: AddressField,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.fields = fields
        self.bcc = bcc
        self.box = QComboBox()
        self.box.setToolTip(self.tr("Group members go in Bcc so they don't see each "
                                    "other's addresses."))
        self.box.activated.connect(self._insert_group)
        self.import_button = QPushButton(self.tr("Import CSV…"))
        self.import_button.clicked.connect(self._import_csv)
        self.save_button = QPushButton(self.tr("Save recipients as a group…"))
        self.save_button.clicked.connect(self._ask_group_name)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.box, 1)
        row.addWidget(self.import_button)
        row.addWidget(self.save_button)
        self.fill()

    def fill(self) -> None:
        self.box.clear()
        self.box.addItem(self.tr("Add a group…"), None)
        for group in groups_service.list_groups(self.db):
            self.box.addItem(self.tr("%s (%d addresses)") % (group.name, len(group.members)),
                             group.name)

    def _insert_group(self, index: int) -> None:
        name = self.box.itemData(index)
        if name:
            group = groups_service.get_group(self.db, name)
            if group:
                self.bcc.append([m.address for m in group.members])
        self.box.setCurrentIndex(0)

    def _import_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import addresses"), "",
                                              self.tr("CSV files (*.csv *.txt)"))
        if not path:
            return
        name, ok = QInputDialog.getText(self, self.tr("Group name"),
                                        self.tr("Name of the group:"), text=Path(path).stem)
        if ok and name.strip():
            self.import_group(Path(path), name.strip())

    def _ask_group_name(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("New group"),
                                        self.tr("Name of the group:"))
        if ok and name.strip():
            self.save_group(name.strip())

    def save_group(self, name: str) -> bool:
        """A group of every valid address in To, Cc and Bcc."""
        addresses: list[str] = []
        for field in self.fields:
            addresses += [a for a in field.addresses()[0] if a not in addresses]
        if not addresses:
            self.told.emit(self.tr("Add recipients first, then save them as a group."), True)
            return False
        try:
            groups_service.create_group(self.db, name,
                                        [groups_service.Member(a) for a in addresses])
        except groups_service.GroupError as exc:
            self.told.emit(self.tr("A group named “%s” already exists.") % name
                           if exc.code == "GROUP_EXISTS" else str(exc), True)
            return False
        self.fill()
        self.told.emit(self.tr("Group “%s” saved with %d addresses.") % (name, len(addresses)),
                       False)
        return True

    def import_group(self, path: Path, name: str) -> None:
        db = self.db
        run_task(lambda: groups_service.import_csv(db, name, path), self._imported)

    def _imported(self, result: groups_service.ImportResult | None,
                  error: BaseException | None) -> None:
        if error is not None or result is None:
            self.told.emit(self.tr("The file could not be imported: %s") % error, True)
            return
        self.fill()
        self.bcc.append([m.address for m in result.group.members])
        note = self.tr("%d addresses added to the group “%s”.") % (result.added,
                                                                  result.group.name)
        if result.skipped:
            note += " " + self.tr("%d lines without a valid address were skipped.") % len(
                result.skipped)
        self.told.emit(note, False)
