"""A sender-domain health report as traffic lights, with "how to fix" for each item.

Thin: it only shows a ``domain_health.model.DomainReport`` (or checks arriving one by one
through ``add_check``). The caller runs ``check_domain`` off the GUI thread with
``app.ui.worker.run_task`` and hands the result to ``show_report``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QTextOption,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.services import translation
from app.ui.i18n import current_language, translate

COLOURS = {"ok": "#1e7b34", "warn": "#d98200", "fail": "#c0152a"}
SYMBOLS = {"ok": "✓", "warn": "!", "fail": "✕"}  # shape as well as colour (colour blindness)
_ORDER = {"fail": 0, "warn": 1, "ok": 2}

# The view's own words are Qt translations (resources/i18n/postier_<lang>.ts) read in the
# view's language, which may not be the application's (the wizard's report follows the
# language chosen in the wizard): CheckRow and DomainHealthView override tr() for that.
# The fix records' placeholders: the rest of a record is DNS syntax, copied as is.
_PLACEHOLDERS = (str(QT_TRANSLATE_NOOP("CheckRow", "<public key given by your mail provider>")),
                 str(QT_TRANSLATE_NOOP("CheckRow", "<your-tenant>")))


def counted(language: str, n: int, word: str) -> str:
    """'1 problem', '2 problems', '1 problème' (issue 16: no "problème(s)"; the .ts numerus
    forms, French: 0 and 1 are singular). ``word``: problem or point (DomainHealthView's
    tr("%n problem(s)"), tr("%n point(s)"))."""
    return translate("DomainHealthView", f"%n {word}(s)", language, n)


def say_record(language: str, record: str) -> str:
    """A fix record with its <placeholders> in the user's language."""
    for placeholder in _PLACEHOLDERS:
        record = record.replace(placeholder, translate("CheckRow", placeholder, language))
    return record


class StatusDot(QWidget):
    """A round light with a symbol inside: green ✓, orange !, red ✕."""

    def __init__(self, status: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = status
        self.setFixedSize(QSize(22, 22))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(COLOURS.get(self.status, "#777777")))
        painter.drawEllipse(1, 1, 20, 20)
        painter.setPen(QColor("white"))
        font = QFont(self.font())
        font.setBold(True)
        font.setPixelSize(13)
        painter.setFont(font)
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                         SYMBOLS.get(self.status, "?"))
        painter.end()


class RecordBox(QTextEdit):
    """The exact record in monospace: read-only but selectable, as tall as its text at the
    current width (long DKIM keys wrap anywhere instead of hiding behind a scroll bar)."""

    MAX_LINES = 14

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)  # read-only still lets the user select and copy
        self.setAcceptRichText(False)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setStyleSheet("QTextEdit { background: palette(alternate-base); }")
        self.setPlainText(text)
        self._fit()

    def _fit(self) -> None:
        doc = self.document()
        doc.setTextWidth(self.viewport().width())
        line = self.fontMetrics().lineSpacing()
        height = min(doc.size().height(), line * self.MAX_LINES + 2 * doc.documentMargin())
        wanted = int(height) + 2 * self.frameWidth() + 2
        if self.height() != wanted:
            self.setFixedHeight(wanted)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._fit()


def _label(text: str = "", *, bold: bool = False, selectable: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)  # DNS text is data, never markup
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold:
        font = QFont(label.font())
        font.setBold(True)
        label.setFont(font)
    return label  # keep QLabel's own size policy: it carries height-for-width when wrapping


class CheckRow(QFrame):
    """One check: light, title, detail and, when something is wrong, how to fix it."""

    def __init__(self, check: Any, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = check
        self.language = language
        self.setObjectName(f"check_{check.id}")
        self.setProperty("status", check.status)
        # A coloured edge makes the list scannable at a glance (the dot carries a symbol too).
        self.setStyleSheet(f"#{self.objectName()} {{ border: 1px solid #c8c8c8; "
                           f"border-left: 5px solid {COLOURS.get(check.status, '#777777')}; "
                           "border-radius: 4px; }")
        title, detail, how = check.text(language)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(10, 8, 10, 8)
        self.dot = StatusDot(check.status)
        self.dot.setAccessibleName(self._status_word(check.status))
        outer.addWidget(self.dot, 0, Qt.AlignmentFlag.AlignTop)
        body = QVBoxLayout()
        body.setSpacing(4)
        outer.addLayout(body, 1)
        self.title = _label(title, bold=True)
        self.title.setObjectName("title")
        body.addWidget(self.title)
        self.detail = _label(detail)
        self.detail.setObjectName("detail")
        body.addWidget(self.detail)
        self.record_box: RecordBox | None = None
        self.copy_button: QPushButton | None = None
        if check.status == "ok" or not (how or check.fix_record):
            return
        self.how = _label(self.tr("How to fix: %1").replace("%1", how or ""))
        self.how.setObjectName("how")
        body.addWidget(self.how)
        if check.record and check.fix_record:
            now = _label(self.tr("Published now: %1").replace("%1", check.record))
            now.setObjectName("published")
            now.setStyleSheet("color: #555555;")
            body.addWidget(now)
        if check.fix_record:
            body.addLayout(self._record_area(say_record(language, check.fix_record)))

    def tr(self, text: str, disambiguation: str | None = None,  # type: ignore[override]
           n: int = -1) -> str:
        """In this row's language, not necessarily the application's."""
        return translate("CheckRow", text, self.language, n)

    def _status_word(self, status: str) -> str:
        return {"ok": self.tr("OK"), "warn": self.tr("To improve"),
                "fail": self.tr("To fix")}.get(status, status)

    def _record_area(self, record: str) -> QHBoxLayout:
        row = QHBoxLayout()
        box = RecordBox(record)
        box.setObjectName("fixRecord")
        box.setAccessibleName(self.tr("DNS record to add"))
        row.addWidget(box, 1)
        button = QPushButton(self.tr("Copy"))
        button.setObjectName("copy")
        button.setToolTip(self.tr("Copy the record to paste it at your DNS host"))
        button.clicked.connect(lambda: self._copy(record, button))
        row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        self.record_box, self.copy_button = box, button
        return row

    def _copy(self, record: str, button: QPushButton) -> None:
        QGuiApplication.clipboard().setText(record)
        button.setText(self.tr("Copied"))
        # The button is the timer's context: if the view is closed first, nothing runs.
        QTimer.singleShot(2000, button, lambda: button.setText(self.tr("Copy")))


class DomainHealthView(QWidget):
    """Score at the top, then one row per check (problems first). With ``with_recheck`` a
    "Check again" button emits ``recheck_requested`` (the owner starts a new check)."""

    recheck_requested = Signal()

    def __init__(self, parent: QWidget | None = None, language: str | None = None,
                 with_recheck: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("domainHealthView")
        self._language = language
        self.rows: list[CheckRow] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        head = QHBoxLayout()
        self.score_label = QLabel()
        self.score_label.setObjectName("score")
        font = QFont(self.score_label.font())
        font.setPointSize(max(font.pointSize(), 9) + 10)
        font.setBold(True)
        self.score_label.setFont(font)
        head.addWidget(self.score_label)
        self.summary = _label()
        self.summary.setObjectName("summary")
        head.addWidget(self.summary, 1)
        # Small businesses forward the report to whoever runs their DNS (web agency, IT).
        self.copy_report = QPushButton(self.tr("Copy the report"))
        self.copy_report.setObjectName("copyReport")
        self.copy_report.setToolTip(self.tr(
            "Copy the whole report as text, to send it to whoever manages your domain"))
        self.copy_report.clicked.connect(self._copy_report)
        self.copy_report.setEnabled(False)
        head.addWidget(self.copy_report, 0, Qt.AlignmentFlag.AlignTop)
        self.recheck = QPushButton(self.tr("Check again"))
        self.recheck.setObjectName("recheck")
        self.recheck.clicked.connect(self.recheck_requested)
        self.recheck.setVisible(with_recheck)
        self.recheck.setEnabled(False)
        head.addWidget(self.recheck, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(head)
        self.report: Any = None

        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # "working" without a fake percentage
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(8)
        self.busy.hide()
        layout.addWidget(self.busy)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list_widget = QWidget()
        self.list_layout = QVBoxLayout(self.list_widget)
        self.list_layout.setContentsMargins(0, 0, 0, 0)
        self.list_layout.setSpacing(6)
        self.list_layout.addStretch(1)
        self.scroll.setWidget(self.list_widget)
        layout.addWidget(self.scroll, 1)

    # -- language ----------------------------------------------------------------
    def language(self) -> str:
        """The explicit language, else the nearest ancestor's (the wizard has one), else
        the system's."""
        if self._language:
            return self._language
        widget = self.parentWidget()
        while widget is not None:
            lang = getattr(widget, "language", None)
            lang = lang() if callable(lang) else lang
            if isinstance(lang, str) and lang[:2] in translation.available_languages():
                return lang[:2]
            widget = widget.parentWidget()
        return current_language()

    def set_language(self, language: str) -> None:
        self._language = language

    def tr(self, text: str, disambiguation: str | None = None,  # type: ignore[override]
           n: int = -1) -> str:
        """In this view's language (``language()``), not necessarily the application's."""
        return translate("DomainHealthView", text, self.language(), n)

    # -- content ----------------------------------------------------------------
    def clear(self) -> None:
        for row in self.rows:
            self.list_layout.removeWidget(row)
            row.deleteLater()
        self.rows = []

    def show_progress(self) -> None:
        """Checking has started: busy bar, no score yet; ``add_check`` may add rows live."""
        self.clear()
        self.report = None
        self._label_buttons()
        self.copy_report.setEnabled(False)
        self.recheck.setEnabled(False)
        self.score_label.setText("…")
        self.score_label.setStyleSheet("")
        self.summary.setText(
            self.tr("Checking the domain (MX, SPF, DKIM, DMARC, blocklists)…"))
        self.busy.show()

    def add_check(self, check: Any) -> None:
        """One finished check (from a ``progress`` callback wrapped with ``gui_callback``)."""
        row = CheckRow(check, self.language())
        index = sum(1 for r in self.rows if _ORDER.get(r.check.status, 3)
                    <= _ORDER.get(check.status, 3))
        self.rows.insert(index, row)
        self.list_layout.insertWidget(index, row)

    def show_report(self, report: Any) -> None:
        self.clear()
        self.busy.hide()
        self.report = report
        self._label_buttons()
        self.copy_report.setEnabled(True)
        self.recheck.setEnabled(True)
        for check in sorted(report.checks, key=lambda c: _ORDER.get(c.status, 3)):
            self.add_check(check)
        fails = sum(c.status == "fail" for c in report.checks)
        warns = sum(c.status == "warn" for c in report.checks)
        colour = COLOURS["ok"] if report.score >= 80 else (
            COLOURS["warn"] if report.score >= 50 else COLOURS["fail"])
        self.score_label.setText(self.tr("%1/100").replace("%1",
                                                                       str(report.score)))
        self.score_label.setStyleSheet(f"color: {colour};")
        if fails:
            text = self.tr("%1: %2 to fix, %3 to improve.")
        elif warns:
            text = self.tr("%1: no blocking problem, %3 to improve.")
        else:
            text = self.tr("%1: everything is in order.")
        self.summary.setText(text.replace("%1", report.domain)
                             .replace("%2", self.tr("%n problem(s)", "", fails))
                             .replace("%3", self.tr("%n point(s)", "", warns)))

    def _label_buttons(self) -> None:
        # The language may only be known once the view sits in its window (the wizard's).
        self.copy_report.setText(self.tr("Copy the report"))
        self.recheck.setText(self.tr("Check again"))

    def _copy_report(self) -> None:
        if self.report is None:
            return
        from app.services.domain_health.model import format_text

        QGuiApplication.clipboard().setText(format_text(self.report, self.language()))
        self.copy_report.setToolTip(self.tr("The report is copied."))

    def row(self, check_id: str) -> CheckRow | None:
        return next((r for r in self.rows if r.check.id == check_id), None)
