"""Details of the selected row: the message, the recipient's timeline of events with each
server diagnostic, and a plain-language explanation of the status with what to do."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from app.services.history import event_notes
from app.services.history import message_status as mst
from app.services.history import message_views as mv
from app.services.storage import Database
from app.ui.messages_model import STATUS_COLORS
from app.ui.worker import run_task

GREY = "#9ca3af"  # superseded events: kept in the timeline, but not the status


def _when(value: str | None, locale: QLocale) -> str:
    if not value:
        return ""
    try:
        local = datetime.fromisoformat(value).astimezone()
    except ValueError:
        return value
    from PySide6.QtCore import QDateTime

    if locale.language() == QLocale.Language.C:
        return local.strftime("%Y-%m-%d %H:%M")
    qdt = QDateTime(local.year, local.month, local.day, local.hour, local.minute,
                    local.second)
    return locale.toString(qdt, QLocale.FormatType.ShortFormat)


def _tint(color: str, keep: float = 0.12) -> str:
    """A pale version of ``color`` (mixed with white) for backgrounds."""
    c = color.lstrip("#")
    rgb = [int(c[i:i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{round(255 - (255 - v) * keep):02x}" for v in rgb)


class DetailsPanel(QWidget):
    """Shows ``MessageDetails`` for one recipient row; loads them off the GUI thread."""

    resendRequested = Signal(int)  # recipients.id
    loaded = Signal(int)

    def __init__(self, db: Database, lang: str = "en", parent: Any = None) -> None:
        super().__init__(parent)
        self.db = db
        self.lang = lang
        self.details: mv.MessageDetails | None = None
        self._wanted: int | None = None
        self.title = QLabel(self.tr("Select a message to see what became of it."))
        self.title.setWordWrap(True)
        # A subject is shown as typed: "<b>Promo</b>" or "R&amp;D" must not be read as HTML
        # (Qt's AutoText guesses); escaping happens once, where HTML is built (_html).
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.browser.setAccessibleName(self.tr("Message details"))
        self.resend_button = QPushButton(self.tr("Resend to a corrected address…"))
        self.resend_button.setEnabled(False)
        self.resend_button.clicked.connect(self._resend)
        buttons = QHBoxLayout()
        buttons.addWidget(self.resend_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.browser, 1)
        layout.addLayout(buttons)

    # -- loading ---------------------------------------------------------------
    def show_recipient(self, recipient_id: int | None) -> None:
        self._wanted = recipient_id
        if recipient_id is None:
            self.clear()
            return
        db = self.db
        run_task(lambda: mv.message_details(db, recipient_id),
                 lambda result, error: self._on_loaded(recipient_id, result, error))

    def _on_loaded(self, recipient_id: int, details: mv.MessageDetails | None,
                   error: BaseException | None) -> None:
        if recipient_id != self._wanted:
            return  # the user moved on to another row meanwhile
        if error is not None or details is None:
            self.clear()
            return
        self.render(details)
        self.loaded.emit(recipient_id)

    def clear(self) -> None:
        self.details = None
        self.title.setText(self.tr("Select a message to see what became of it."))
        self.browser.clear()
        self.resend_button.setEnabled(False)

    def _resend(self) -> None:
        if self.details is not None:
            self.resendRequested.emit(self.details.selected.id)

    # -- rendering ---------------------------------------------------------------
    def render(self, d: mv.MessageDetails) -> None:
        same = self.details is not None and self.details.selected.id == d.selected.id
        scroll = self.browser.verticalScrollBar().value()
        self.details = d
        rec = d.selected
        self.title.setText(d.subject or self.tr("(no subject)"))
        self.resend_button.setEnabled(rec.status in mst.FAILED_STATUSES
                                      or rec.status == "deferred")
        self.browser.setHtml(self._html(d))
        if same:  # a live refresh of the row being read: stay where the reader was
            self.browser.verticalScrollBar().setValue(scroll)

    def _html(self, d: mv.MessageDetails) -> str:
        locale = QLocale()
        # Looked up here, outside the f-strings, so that lupdate finds them.
        t = {"what_to_do": self.tr("What to do:"), "timeline": self.tr("Timeline"),
             "no_event": self.tr("No event yet."), "resent_to": self.tr("Resent to:"),
             "message": self.tr("Message"), "headers": self.tr("Headers"),
             "text": self.tr("Text")}
        kinds = {"to": self.tr("To"), "cc": self.tr("Cc"), "bcc": self.tr("Bcc")}
        rec = d.selected
        color = STATUS_COLORS.get(rec.status, "#374151")
        what, todo = mst.explain(rec.status, rec.reason, self.lang)
        parts: list[str] = []
        parts.append(
            f"<table width='100%' cellpadding='8' bgcolor='{_tint(color)}'><tr><td>"
            f"<span style='color:{color};font-weight:bold;font-size:large'>"
            f"{escape(mst.status_label(rec.status, self.lang))}</span> — "
            f"{escape(rec.address)}<br><b>{escape(what)}</b><br>"
            f"{escape(t['what_to_do'])} {escape(todo)}</td></tr></table>")
        parts.append(f"<h3>{escape(t['timeline'])}</h3>")
        # One block per event (time · status · source, then the server's words): readable
        # even when the panel is narrow, unlike a four-column table.
        parts.append("<table width='100%' cellspacing='0' cellpadding='3'>")
        note = self.tr("(did not change the status)")
        for e in rec.events:
            # A superseded event (a weaker signal after a stronger one, applied = 0) stays
            # visible, all in grey, so nobody reads it as the current status.
            ecolor = STATUS_COLORS.get(e.status, "#374151") if e.applied else GREY
            muted = "#6b7280" if e.applied else GREY
            superseded = "" if e.applied else \
                f" <i style='color:{GREY}'>{escape(note)}</i>"
            parts.append(
                f"<tr><td style='border-left:3px solid {ecolor};padding-left:8px'>"
                f"<span style='color:{muted}'>{escape(_when(e.at, locale))}</span> · "
                f"<b style='color:{ecolor}'>{escape(mst.status_label(e.status, self.lang))}"
                f"</b> · <span style='color:{muted}'>{escape(self._source(e.source))}</span>"
                f"{superseded}")
            detail = self._detail(e)
            if detail:
                style = "" if e.applied else f" style='color:{GREY}'"
                parts.append(f"<br><code{style}>{escape(detail)}</code>")
            parts.append("</td></tr>")
        if not rec.events:
            parts.append(f"<tr><td>{escape(t['no_event'])}</td></tr>")
        parts.append("</table>")
        if d.resent_as:
            parts.append(f"<p><b>{escape(t['resent_to'])}</b> " + ", ".join(
                f"{escape(addr)} ({escape(mst.status_label(st, self.lang))})"
                for _, addr, st in d.resent_as) + "</p>")
        if d.resend_of is not None:
            note = self.tr("This message is a resend of an earlier failed delivery.")
            parts.append(f"<p><i>{escape(note)}</i></p>")
        parts.append(f"<h3>{escape(t['message'])}</h3><table cellpadding='2'>")
        rows = [(self.tr("From"), d.from_addr), (self.tr("Account"), d.account),
                (self.tr("Created"), _when(d.created_at, locale)),
                (self.tr("Sent"), _when(d.sent_at, locale))]
        if d.scheduled_at:
            rows.append((self.tr("Scheduled for"), _when(d.scheduled_at, locale)))
        for r in d.recipients:
            rows.append((kinds.get(r.kind, r.kind), (f"{r.address} — "
                         f"{mst.status_label(r.status, self.lang)}")))
        if d.smtp_reply:
            rows.append((self.tr("Server reply"), d.smtp_reply))
        for label, value in rows:
            if value:
                parts.append(f"<tr><td valign='top' style='color:#6b7280'>{escape(label)}</td>"
                             f"<td>{escape(value)}</td></tr>")
        parts.append("</table>")
        if d.headers:
            lines = "\n".join(f"{name}: {value}" for name, value in d.headers)
            parts.append(f"<h3>{escape(t['headers'])}</h3>"
                         f"<pre style='white-space:pre-wrap'>{escape(lines)}</pre>")
        if d.body_text:
            preview = d.body_text if len(d.body_text) < 2000 else d.body_text[:2000] + "…"
            parts.append(f"<h3>{escape(t['text'])}</h3><pre style='white-space:pre-wrap'>"
                         f"{escape(preview)}</pre>")
        return "".join(parts)

    def _detail(self, e: mv.Event) -> str:
        """A server's words stay as they are; Postier's own notes are said in the user's
        language (the database keeps a stable English word such as 'recorded')."""
        if e.source == "local" and e.detail == "recorded":
            return self.tr("Recorded, waiting to be sent")
        # Sending's and recovery's notes ("Postier stopped while…", "gave up retrying…",
        # "CONNECT_REFUSED: …") are stored in English: said here in the window's language.
        return event_notes.localize(e.detail, self.lang)

    def _source(self, source: str) -> str:
        names = {"smtp": self.tr("Sending server"), "dsn": self.tr("Delivery report"),
                 "bounce": self.tr("Bounce message"), "mdn": self.tr("Read receipt"),
                 "reply": self.tr("Reply"), "local": self.tr("Postier")}
        return names.get(source, source)
