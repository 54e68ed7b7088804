"""The sent table's "Sent by" column and filter (team mode, issue 19 item 5).

On a team database (a real PostgreSQL) the table shows who sent each message and the filter
bar offers each person; on this computer's own file the column and the filter stay hidden
(it is always the same person). Screenshot: docs/screenshots/main_team_sent_by.png with
POSTIER_SCREENSHOTS=1."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QLocale, Qt

from app.services.config import Settings
from app.services.history import message_store as ms
from app.services.storage import Database, open_database
from app.services.team.connection import open_settings_database
from tests.support import sent_messages as sm

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _send(db: Database, n: int, who: str, subject: str, to: str) -> None:
    with db.transaction() as conn:
        mid = ms.insert_message(
            conn, account_id=None, account_email=sm.ACCOUNTS[0], message_id=f"<t{n}@x.test>",
            envid=f"t{n}", from_addr=sm.ACCOUNTS[0], subject=subject, body_text="Bonjour",
            body_html=None, raw=b"raw", recipients=[ms.NewRecipient(to)], sent_by=who)
        conn.execute("UPDATE messages SET state = 'sent', sent_at = created_at WHERE id = ?",
                     (mid,))
        rid = conn.execute("SELECT id FROM recipients WHERE message_id = ?", (mid,)).fetchone()
        ms.apply_status(conn, rid[0], "sent", "smtp", detail="250 2.0.0 Ok: queued")
        if n % 2 == 0:
            ms.apply_status(conn, rid[0], "delivered", "dsn", detail="250 2.0.0 delivered")


def _window(qtbot, settings: Settings, db: Database):  # noqa: ANN202 - MainWindow
    from app.ui.main_window import MainWindow

    win = MainWindow(settings, db, live_tracking=False, lang="en")
    win.page.loader.timer.setInterval(50)
    win.resize(1360, 520)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.page.model.refreshed, timeout=10_000):
        win.show()
    return win


def test_team_table_shows_who_sent_and_filters_by_person(qtbot, postgres_url: str,
                                                        tmp_path: Path, monkeypatch) -> None:
    from app.ui.messages_model import COLUMNS

    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    monkeypatch.setenv("POSTIER_DATABASE_URL", postgres_url)
    settings = Settings.from_env()
    db = open_settings_database(settings)
    sm.add_account(db, sm.ACCOUNTS[0])
    for n, (who, subject, to) in enumerate([
            ("Julie (compta)", "Facture F-2026-118", "jean.dupont@exemple.fr"),
            ("Marc", "Devis cuisine", "contact@traiteur-lyon.fr"),
            ("Julie (compta)", "Relance facture F-2026-097", "compta@garage-martin.fr"),
            ("Sophie", "Commande de farine", "commandes@moulin-bio.fr")]):
        _send(db, n, who, subject, to)
    try:
        win = _window(qtbot, settings, db)
        page = win.page
        column = COLUMNS.index("sent_by")
        assert not page.table.isColumnHidden(column)
        assert page.model.headerData(column, Qt.Orientation.Horizontal) == "Sent by"
        shown = {page.model.data(page.model.index(r, column)) for r in range(4)}
        assert shown == {"Julie (compta)", "Marc", "Sophie"}

        box = page.filters.sender_box
        assert box.isVisible()
        assert [box.itemText(i) for i in range(box.count())] == [
            "Everyone", "Julie (compta)", "Marc", "Sophie"]
        box.setCurrentIndex(box.findData("Julie (compta)"))
        qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
        assert {page.model.row_at(r).sent_by for r in range(2)} == {"Julie (compta)"}
        folder = SHOTS if os.environ.get("POSTIER_SCREENSHOTS") == "1" else tmp_path
        folder.mkdir(parents=True, exist_ok=True)
        assert win.grab().save(str(folder / "main_team_sent_by.png"))
        box.setCurrentIndex(0)
        qtbot.waitUntil(lambda: page.model.rowCount() == 4, timeout=10_000)
    finally:
        QLocale.setDefault(QLocale.c())


def test_own_file_hides_who_sent(qtbot, postier_env: Path) -> None:
    from app.ui.messages_model import COLUMNS

    settings = Settings.from_env()
    db = open_database(settings.db_path)
    sm.demo(db)
    win = _window(qtbot, settings, db)
    assert win.page.table.isColumnHidden(COLUMNS.index("sent_by"))
    assert not win.page.filters.sender_box.isVisible()
