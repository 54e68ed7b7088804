"""Quiet hours in the window: the note under a message saying when it will leave (held by
quiet hours or scheduled), and the dialog that sets the quiet hours. The rule itself (what
is held, until when) is app/services/outbox/quiet_hours.py."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, QLocale, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.services.outbox.quiet_hours import (
    QuietHours,
    SendPlan,
    load_quiet_hours,
    save_quiet_hours,
)
from app.services.storage import Database


def local_now() -> datetime:
    return datetime.now().astimezone()


def format_time(when: datetime) -> str:
    """A date and time in the interface's locale (ISO-like without one)."""
    local = when.astimezone()
    locale = QLocale()
    if locale.language() == QLocale.Language.C:
        return local.strftime("%Y-%m-%d %H:%M")
    qdt = QDateTime(local.year, local.month, local.day, local.hour, local.minute, 0)
    return locale.toString(qdt, QLocale.FormatType.ShortFormat)


class QuietHoursNote(QLabel):
    """Says when the message will leave when quiet hours or a schedule hold it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet("QLabel { color: #92400e; }")

    def show_plan(self, plan: SendPlan, quiet: QuietHours) -> None:
        if plan.immediate:
            self.setText("")
            self.hide()
            return
        when = format_time(plan.at)
        if plan.held_by_quiet_hours:
            self.setText(self.tr("Quiet hours ({start}–{end}): this message will wait and "
                                 "leave at {when}.").format(
                start=quiet.start.strftime("%H:%M"), end=quiet.end.strftime("%H:%M"),
                when=when))
        else:
            self.setText(self.tr("Scheduled: this message will leave at {when}.").format(
                when=when))
        self.show()


class QuietHoursDialog(QDialog):
    """Quiet hours setting: nothing leaves between start and end (local time)."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        quiet = load_quiet_hours(db)
        self.setWindowTitle(self.tr("Quiet hours"))
        self.enabled = QCheckBox(self.tr("Hold messages written during quiet hours"))
        self.enabled.setChecked(quiet.enabled)
        self.start = QTimeEdit(QTime(quiet.start.hour, quiet.start.minute))
        self.end = QTimeEdit(QTime(quiet.end.hour, quiet.end.minute))
        for edit in (self.start, self.end):
            edit.setDisplayFormat("HH:mm")
        explain = QLabel(self.tr("Recipients don't get mail late in the evening or at night: "
                                 "a message written then waits and leaves when quiet hours "
                                 "end."))
        explain.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.enabled)
        form.addRow(self.tr("From"), self.start)
        form.addRow(self.tr("Until"), self.end)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def save(self) -> None:
        start, end = self.start.time().toPython(), self.end.time().toPython()
        save_quiet_hours(self.db, QuietHours(start.replace(second=0, microsecond=0),
                                             end.replace(second=0, microsecond=0),
                                             self.enabled.isChecked()))
        self.accept()
