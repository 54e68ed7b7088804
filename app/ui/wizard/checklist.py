"""The check page's live checklist: for each server (IMAP, SMTP) one row per step — name
found, connected, secure connection, signed in, inbox — with its mark (○ … ✔ ✘ –) and time,
and how the service's own step names fold into those rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QSizePolicy, QWidget

from .widgets import big_font

if TYPE_CHECKING:  # types only: the check service is imported when a check starts
    from app.services.setup.connection_check import Step

# Checklist rows per server; service step names fold into them (greeting is part of the
# connection, starttls is the secure-connection row).
ROWS = {"imap": ("dns", "connect", "tls", "login", "inbox"),
        "smtp": ("dns", "connect", "tls", "login")}
STEP_TO_ROW = {"resolve": "dns", "connect": "connect", "greeting": "connect", "tls": "tls",
               "starttls": "tls", "login": "login", "select": "inbox", "send_test": "login"}
MARK = {"pending": "○", "running": "…", "ok": "✔", "fail": "✘", "skipped": "–"}
COLOR = {"pending": "#777777", "running": "#1a5fb4", "ok": "#1e7b34", "fail": "#b00020",
         "skipped": "#999999"}


class ChecklistRow:
    def __init__(self, grid: QGridLayout, row: int, text: str, name: str) -> None:
        self.mark = QLabel()
        self.mark.setObjectName(f"mark_{name}")
        self.mark.setFixedWidth(28)
        big_font(self.mark, 3)
        self.text = QLabel(text)
        self.time = QLabel()
        self.time.setObjectName(f"time_{name}")
        self.time.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(self.mark, row, 0)
        grid.addWidget(self.text, row, 1)
        grid.addWidget(self.time, row, 2)
        self.state = "pending"
        self.ms = 0
        self.set("pending")

    def set(self, state: str, ms: int | None = None) -> None:
        self.state = state
        self.mark.setText(MARK[state])
        self.mark.setStyleSheet(f"color: {COLOR[state]};")
        self.time.setText(f"{ms} ms" if ms is not None else "")


class Checklist(QWidget):
    """The two boxes of rows side by side, at their natural height (spare room goes to the
    page's error panel). ``rows`` maps (server, row) to its ChecklistRow."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lists = QHBoxLayout(self)
        lists.setContentsMargins(0, 0, 0, 0)
        self.rows: dict[tuple[str, str], ChecklistRow] = {}
        for server, title in (("imap", self.tr("Incoming mail (IMAP)")),
                              ("smtp", self.tr("Outgoing mail (SMTP)"))):
            box = QGroupBox(title)
            grid = QGridLayout(box)
            grid.setColumnStretch(1, 1)
            for i, row in enumerate(ROWS[server]):
                self.rows[(server, row)] = ChecklistRow(grid, i, self.row_text(server, row),
                                                        f"{server}_{row}")
            grid.setRowStretch(len(ROWS[server]), 1)  # rows stay at the top, aligned
            lists.addWidget(box)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    def row_text(self, server: str, row: str) -> str:
        texts = {
            "dns": self.tr("Server name found (DNS)"),
            "connect": self.tr("Connected to the server"),
            "tls": self.tr("Secure connection (TLS)"),
            "login": self.tr("Signed in") if server == "imap"
            else self.tr("Signed in for sending"),
            "inbox": self.tr("Inbox opened"),
        }
        return texts[row]

    def reset(self) -> None:
        for row in self.rows.values():
            row.set("pending")

    def skip_unfinished(self) -> None:
        """A stopped check: what had not finished will not run."""
        for row in self.rows.values():
            if row.state in ("running", "pending"):
                row.set("skipped")

    def mark_running(self) -> None:
        """The next pending row of each server runs, unless that server already failed."""
        for server, names in ROWS.items():
            rows = [self.rows[(server, n)] for n in names]
            if any(r.state in ("fail", "running") for r in rows):
                continue
            for row in rows:
                if row.state == "pending":
                    row.set("running")
                    break

    def render(self, steps: list[Step], final: bool) -> None:
        """Redraw from every step so far: a row's time is the sum of its steps'."""
        for row in self.rows.values():
            row.set("pending")
            row.ms = 0
        for step in steps:
            shown = self.rows.get((step.server, STEP_TO_ROW.get(step.step, "")))
            if shown is None:
                continue
            shown.ms += int(step.ms or 0)
            shown.set("ok" if step.ok and shown.state != "fail" else "fail", shown.ms)
        if final:
            for row in self.rows.values():
                if row.state == "pending":
                    row.set("skipped")
        else:
            self.mark_running()
