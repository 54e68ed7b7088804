"""Details panel: a superseded event (events.applied = 0, e.g. a "delayed" report that
arrives after the delivery) stays in the timeline, greyed, saying it did not change the
status; the events that did keep their colours."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtGui import QColor, QTextCursor

from app.services.config import Settings
from app.services.history import message_status as mst
from app.services.history import message_views as mv
from app.services.storage import open_database
from app.ui.details_panel import DetailsPanel
from app.ui.messages_model import STATUS_COLORS
from tests.support import sent_messages as sm

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
GREY = QColor("#9ca3af")
LATE = "451 4.4.7 Message delayed: the remote server did not answer"


def _save(widget, name: str, tmp_path: Path) -> Path:  # noqa: ANN001
    """Into docs/screenshots when POSTIER_SCREENSHOTS=1, else the test's tmp dir."""
    folder = SHOTS if os.environ.get("POSTIER_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    assert widget.grab().save(str(path))
    return path


def _colour_of(browser, text: str) -> QColor:  # noqa: ANN001
    """The colour the text is drawn in (its character format in the rendered document)."""
    cursor = browser.document().find(text)
    assert not cursor.isNull(), f"{text!r} not shown"
    cursor.setPosition(cursor.selectionStart() + 1, QTextCursor.MoveMode.MoveAnchor)
    return cursor.charFormat().foreground().color()


def test_superseded_event_is_greyed_with_a_note(qtbot, postier_env: Path,
                                                tmp_path: Path) -> None:
    db = open_database(Settings.from_env().db_path)
    ids = sm.demo(db)
    rid = ids["delivered"]
    # the delayed-delivery report arrives after the delivery report: kept, not applied
    sm.add_event(db, rid, "deferred", "dsn", "delayed", LATE,
                 at=datetime.now(UTC) + timedelta(minutes=1))
    events = mv.message_details(db, rid).selected.events
    assert [e.applied for e in events][-1] is False
    assert all(e.applied for e in events[:-1])
    assert mv.message_details(db, rid).selected.status == "delivered"

    panel = DetailsPanel(db, lang="en")
    qtbot.addWidget(panel)
    panel.resize(520, 640)
    panel.show()
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        panel.show_recipient(rid)
    text = panel.browser.toPlainText()
    note = "(did not change the status)"
    assert text.count(note) == 1
    late_line = next(line for line in text.splitlines() if note in line)
    assert mst.status_label("deferred", "en") in late_line
    # the whole superseded event is grey, its server words too; the applied ones are not
    assert _colour_of(panel.browser, LATE) == GREY
    assert _colour_of(panel.browser, note) == GREY
    delivered = mst.status_label("delivered", "en")
    timeline = text.index("Timeline")
    assert _colour_of(panel.browser, delivered) == QColor(STATUS_COLORS["delivered"])
    assert text.index(delivered, timeline) < text.index(note)
    _save(panel, "details_superseded_event.png", tmp_path)


def test_no_note_when_every_event_changed_the_status(qtbot, postier_env: Path) -> None:
    db = open_database(Settings.from_env().db_path)
    ids = sm.demo(db)
    panel = DetailsPanel(db, lang="en")
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        panel.show_recipient(ids["hard_bounce"])
    assert all(e.applied for e in panel.details.selected.events)
    assert "did not change the status" not in panel.browser.toPlainText()


def test_note_in_french(qtbot, postier_env: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from app.ui.i18n import install_translator

    db = open_database(Settings.from_env().db_path)
    ids = sm.demo(db)
    sm.add_event(db, ids["delivered"], "deferred", "dsn", "delayed", LATE,
                 at=datetime.now(UTC) + timedelta(minutes=1))
    app = QApplication.instance()
    install_translator(app, "fr")
    try:
        panel = DetailsPanel(db, lang="fr")
        qtbot.addWidget(panel)
        with qtbot.waitSignal(panel.loaded, timeout=10_000):
            panel.show_recipient(ids["delivered"])
        assert "(n'a pas changé le statut)" in panel.browser.toPlainText()
    finally:
        install_translator(app, "en")
