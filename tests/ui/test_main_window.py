"""pytest-qt tests of the main window on a real SQLite database seeded like the services do."""

from __future__ import annotations

import csv
import io
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from app.services.config import Settings
from app.services.credentials import CredentialStore
from app.services.history import message_status as mst
from app.services.history import message_views as mv
from app.services.storage import AccountStore, Database, open_database
from app.ui.messages_model import COLUMNS, RecipientIdRole, StatusRole
from tests.support import sent_messages as sm

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PARIS = timezone(timedelta(hours=1))
# A night two days ahead: the held message's 09:00 is always in the future, so nothing
# tries to reach a server in these tests whatever the real date.
_DAY = (datetime.now(PARIS) + timedelta(days=2)).date()


def _at(day_offset: int, hour: int, minute: int = 0) -> datetime:
    d = _DAY + timedelta(days=day_offset)
    return datetime(d.year, d.month, d.day, hour, minute, tzinfo=PARIS)


@pytest.fixture()
def env(postier_env: Path) -> tuple[Settings, Database, dict[str, int]]:
    settings = Settings.from_env()
    db = open_database(settings.db_path)
    return settings, db, sm.demo(db)


@pytest.fixture()
def window(qtbot, env):
    from app.ui.main_window import MainWindow

    settings, db, _ = env
    win = MainWindow(settings, db, live_tracking=False, lang="en")
    win.page.loader.timer.setInterval(50)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.page.model.refreshed, timeout=10_000):
        win.show()
    return win


def _statuses(win) -> set[str]:
    model = win.page.model
    return {model.data(model.index(r, 0), StatusRole) for r in range(model.rowCount())}


def _wait_rows(qtbot, win, predicate) -> None:
    qtbot.waitUntil(lambda: predicate(win.page.model), timeout=10_000)


def test_filters_status_account_text_and_counters(qtbot, window, env) -> None:
    page = window.page
    assert page.model.rowCount() == len(sm.DEMO)
    assert "1 hard bounce" in page.counters.summary()
    assert page.counters.plain().startswith("13 messages: ")
    page.filters.set_status("hard_bounce")
    _wait_rows(qtbot, window, lambda m: m.rowCount() == 1)
    assert _statuses(window) == {"hard_bounce"}
    page.filters.set_status("__problems__")
    _wait_rows(qtbot, window, lambda m: m.rowCount() == 6)
    assert _statuses(window) <= mst.FAILED_STATUSES
    page.filters.set_status(None)
    page.filters.account_box.setCurrentIndex(page.filters.account_box.findData(sm.ACCOUNTS[1]))
    _wait_rows(qtbot, window, lambda m: m.rowCount() == 3)
    qtbot.keyClicks(page.filters.search, "F-2026-118")
    _wait_rows(qtbot, window, lambda m: m.rowCount() == 1)
    assert page.model.row_at(0).recipient == "jean.dupnt@exemple.fr"
    # The counters follow account/text filters: only that row is counted.
    assert page.counters.counts == {"hard_bounce": 1}
    # Clicking a counter filters on its status.
    page.filters.search.clear()
    page.filters.account_box.setCurrentIndex(0)
    page.counters.linkActivated.emit("delivered")
    _wait_rows(qtbot, window, lambda m: m.rowCount() == 1 and _statuses(window) == {
        "delivered"})
    page.filters.set_status(None)
    page.filters.period_box.setCurrentIndex(page.filters.period_box.findData("today"))
    _wait_rows(qtbot, window, lambda m: 0 < m.rowCount() < len(sm.DEMO))


def _click_header(qtbot, window, name: str) -> None:
    header = window.page.table.horizontalHeader()
    section = COLUMNS.index(name)
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(x, header.height() // 2))


def test_sort_by_clicking_headers(qtbot, window) -> None:
    """A first click sorts dates newest first, statuses worst first and text A→Z (folded);
    a second click reverses; equal values stay newest first."""
    model = window.page.model
    for name, first_descending in (("recipient", False), ("subject", False),
                                   ("status", True), ("account", False), ("date", True)):
        for descending in (first_descending, not first_descending):
            _click_header(qtbot, window, name)
            qtbot.waitUntil(lambda n=name, d=descending: model.sort_column == n
                            and model.descending == d, timeout=10_000)

            def in_order(n: str = name, d: bool = descending) -> bool:
                # The order worked out apart from the view's index, every demo row in it.
                return model.ids() == sm.expected_order(model.db, n, d) and len(
                    model.ids()) == len(sm.DEMO)

            qtbot.waitUntil(in_order, timeout=10_000)
    # Worst first on the first click of Status.
    _click_header(qtbot, window, "status")
    qtbot.waitUntil(lambda: model.sort_column == "status" and model.descending
                    and model.row_at(0).status == "hard_bounce", timeout=10_000)


def _arrow_points_down(header, section: int) -> bool:
    """True when the sort arrow's widest row of dark pixels is its top one (a ▼)."""
    image = header.grab().toImage()
    right = header.sectionViewportPosition(section) + header.sectionSize(section)
    widths: dict[int, int] = {}
    for x in range(right - 25, right):
        for y in range(image.height()):
            if image.pixelColor(x, y).lightness() < 110:
                widths[y] = widths.get(y, 0) + 1
    assert len(widths) >= 2, "no sort arrow drawn"
    rows = sorted(widths)
    return widths[rows[0]] > widths[rows[-1]]


def test_sort_arrow_points_down_for_newest_first(qtbot, window) -> None:
    header = window.page.table.horizontalHeader()
    date = COLUMNS.index("date")
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert _arrow_points_down(header, date)  # newest first: ▼ (Qt draws ▲ by default)
    header.setSortIndicator(date, Qt.SortOrder.AscendingOrder)
    assert not _arrow_points_down(header, date)


def test_details_timeline_shows_diagnostic_and_explanation(qtbot, window, env) -> None:
    _, _, ids = env
    with qtbot.waitSignal(window.page.details.loaded, timeout=10_000):
        assert window.page.select_recipient(ids["hard_bounce"])
    text = window.page.details.browser.toPlainText()
    assert "550 5.1.1" in text and "User unknown in virtual mailbox table" in text
    assert "The address does not exist." in text and "Check the spelling" in text
    assert "Bounce message" in text  # the event's source
    assert window.page.details.resend_button.isEnabled()
    with qtbot.waitSignal(window.page.details.loaded, timeout=10_000):
        window.page.select_recipient(ids["delivered"])
    assert not window.page.details.resend_button.isEnabled()


def test_live_event_updates_row_and_keeps_selection(qtbot, window, env) -> None:
    _, db, ids = env
    page = window.page
    with qtbot.waitSignal(page.details.loaded, timeout=10_000):
        page.select_recipient(ids["sent"])
    scroll = page.table.verticalScrollBar().value()
    with qtbot.waitSignal(page.details.loaded, timeout=10_000):  # the timeline is reloaded too
        sm.add_event(db, ids["sent"], "hard_bounce", "bounce", "user_unknown",
                     "550 5.1.1 <mairie@saint-martin.fr>: no such user")
    assert page.table.current_recipient() == ids["sent"]
    row = page.model.row_of(ids["sent"])
    assert page.model.data(page.model.index(row, 0), StatusRole) == "hard_bounce"
    assert page.table.selectionModel().isRowSelected(row)
    assert page.table.verticalScrollBar().value() == scroll
    assert "no such user" in page.details.browser.toPlainText()
    assert page.counters.counts["hard_bounce"] == 2
    # A brand-new message shows up too, selection unchanged.
    sm.add_message(db, sm.ACCOUNTS[0], "Nouveau devis", [("neuf@exemple.fr", "sent")])
    _wait_rows(qtbot, window, lambda m: m.rowCount() == len(sm.DEMO) + 1)
    assert page.table.current_recipient() == ids["sent"]
    # …and the notification history got the bounce.
    qtbot.waitUntil(lambda: "Notifications (2)" in window.tabs.tabText(2), timeout=10_000)


@pytest.mark.parametrize("status", ["hard_bounce", None])  # None: the search alone hides it
def test_opening_a_notified_message_clears_the_filters_that_hide_it(qtbot, window, env,
                                                                    status) -> None:
    _, db, ids = env
    page = window.page
    page.filters.set_status(status)
    qtbot.keyClicks(page.filters.search, "F-2026-118")
    _wait_rows(qtbot, window, lambda m: m.rowCount() == 1)
    with db.reading() as conn:
        message_id = conn.execute("SELECT message_id FROM recipients WHERE id = ?",
                                  (ids["sent"],)).fetchone()[0]
    window.tabs.setCurrentWidget(window.notifications_panel)
    window.notifications_panel.openMessage.emit(message_id)  # a notification double-clicked
    assert window.tabs.currentWidget() is page
    qtbot.waitUntil(lambda: page.table.current_recipient() == ids["sent"], timeout=10_000)
    assert page.filters.status_box.currentData() is None and not page.filters.search.text()
    assert page.model.rowCount() == len(sm.DEMO)


def test_delete_key_deletes_nothing(qtbot, window, env) -> None:
    _, _, ids = env
    window.page.select_recipient(ids["spam"])
    window.page.table.setFocus()
    qtbot.keyClick(window.page.table, Qt.Key.Key_Delete)
    assert "nothing was deleted" in window.statusBar().currentMessage()
    assert window.page.model.rowCount() == len(sm.DEMO)


def test_shortcuts(qtbot, window) -> None:
    assert window.compose_action.shortcut().toString() == "Ctrl+N"
    assert window.refresh_action.shortcut().toString() == "F5"
    assert window.find_action.shortcut().toString() == "Ctrl+F"
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=10_000)
    window.tabs.setCurrentWidget(window.accounts)
    qtbot.keySequence(window, "Ctrl+F")
    assert window.tabs.currentWidget() is window.page
    assert QApplication.focusWidget() is window.page.filters.search
    with qtbot.waitSignal(window.page.model.refreshed, timeout=10_000):
        qtbot.keySequence(window, "F5")
    qtbot.keySequence(window, "Ctrl+N")
    assert window.compose_dialog.isVisible()
    window.compose_dialog.reject()


@pytest.mark.parametrize("delimiter", [";", ","])
def test_export_csv_of_filtered_view(qtbot, window, tmp_path: Path, delimiter: str) -> None:
    window.page.filters.set_status("__problems__")
    _wait_rows(qtbot, window, lambda m: m.rowCount() == 6)
    out = tmp_path / "vue.csv"
    window.exporter.export(str(out), delimiter)
    qtbot.waitUntil(lambda: window.exporter.last_export is not None, timeout=10_000)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=delimiter))
    assert len(rows) == 1 + 6
    assert {r[2] for r in rows[1:]} == {s for s in mst.STATUSES if s in mst.FAILED_STATUSES}
    assert "Promotion de Noël" in {r[3] for r in rows[1:]}  # accents survive


def test_resend_creates_linked_message_in_quiet_hours(qtbot, window, env) -> None:
    from app.ui.compose_dialog import ResendDialog

    settings, db, ids = env
    details = mv.message_details(db, ids["hard_bounce"])
    night = _at(0, 22, 30)
    dialog = ResendDialog(settings, db, details, window, clock=lambda: night)
    qtbot.addWidget(dialog)
    assert dialog.address.text() == "jean.dupnt@exemple.fr"  # pre-filled, editable
    assert "wait" in dialog.quiet_note.text()
    dialog.address.setText("jean.dupont@")
    dialog.send()
    assert "valid" in dialog.error_label.text()
    dialog.address.setText("jean.dupont@exemple.fr")
    with qtbot.waitSignal(dialog.sent, timeout=10000):
        dialog.send()
    with db.reading() as conn:
        row = conn.execute("SELECT m.resend_of, m.scheduled_at, m.state, r.address "
                           "FROM messages m JOIN recipients r ON r.message_id = m.id "
                           "WHERE m.resend_of IS NOT NULL").fetchone()
    assert row["resend_of"] == ids["hard_bounce"] and row["address"] == "jean.dupont@exemple.fr"
    assert row["state"] == "queued"
    assert datetime.fromisoformat(row["scheduled_at"]) == _at(1, 9)
    # The old row's details name the resend.
    with qtbot.waitSignal(window.page.details.loaded, timeout=10_000):
        window.page.select_recipient(ids["hard_bounce"])
    qtbot.waitUntil(lambda: "jean.dupont@exemple.fr" in
                    window.page.details.browser.toPlainText(), timeout=10_000)


def test_compose_validates_groups_and_waits_in_quiet_hours(qtbot, window, env,
                                                          tmp_path: Path) -> None:
    from app.ui.compose_dialog import ComposeDialog

    settings, db, _ = env
    night = _at(0, 21)
    dialog = ComposeDialog(settings, db, AccountStore(db).list(), window, clock=lambda: night)
    qtbot.addWidget(dialog)
    assert "Boulangerie Martin" in dialog.signature.text()
    assert "will wait and leave at" in dialog.quiet_note.text()
    assert dialog.send_button.text() == "Schedule"
    qtbot.keyClicks(dialog.to_field, "client@exemple.fr, pas-une-adresse")
    assert dialog.to_field.styleSheet()  # red border
    dialog.send()
    assert "pas-une-adresse" in dialog.error_label.text()
    csv_file = tmp_path / "salon.csv"
    csv_file.write_bytes("Nom;E-mail\nÉlodie;elodie@exemple.fr\nPaul;paul@exemple.fr\n"
                         .encode("utf-8-sig"))
    dialog.import_group(csv_file, "Salon")
    qtbot.waitUntil(lambda: "paul@exemple.fr" in dialog.bcc_field.text(), timeout=10_000)
    assert "2 addresses added" in dialog.error_label.text()
    assert dialog.group_box.findData("Salon") > 0
    dialog.to_field.setText("a@exemple.fr, b@exemple.fr")
    dialog.bcc_field.clear()
    assert dialog.save_group("Voisins")
    assert not dialog.save_group("voisins")  # names are unique, whatever the case
    assert "already exists" in dialog.error_label.text()
    dialog.group_box.activated.emit(dialog.group_box.findData("Voisins"))
    assert dialog.bcc_field.text() == "a@exemple.fr, b@exemple.fr"
    dialog.bcc_field.setText("elodie@exemple.fr, paul@exemple.fr")
    dialog.to_field.setText("client@exemple.fr")
    dialog.subject.setText("Salon du chocolat")
    dialog.editor.setHtml("<p>Bonjour, <b>venez</b> nous voir !</p>")
    with qtbot.waitSignal(dialog.sent, timeout=10000):
        dialog.send()
    with db.reading() as conn:
        msg = conn.execute("SELECT * FROM messages WHERE subject = 'Salon du chocolat'"
                           ).fetchone()
        rcpts = conn.execute("SELECT address, kind FROM recipients WHERE message_id = ?",
                             (msg["id"],)).fetchall()
    assert msg["state"] == "queued" and "<b>venez</b>" not in (msg["body_text"] or "")
    assert "font-weight" in (msg["body_html"] or "") or "<b>" in (msg["body_html"] or "")
    assert datetime.fromisoformat(msg["scheduled_at"]) == _at(1, 9)
    assert sorted((r["address"], r["kind"]) for r in rcpts) == [
        ("client@exemple.fr", "to"), ("elodie@exemple.fr", "bcc"), ("paul@exemple.fr", "bcc")]


def test_remove_account_asks_confirmation(qtbot, window, env, monkeypatch) -> None:
    import app.ui.accounts_view as av

    _, db, _ = env
    secrets = CredentialStore()
    secrets.set(sm.ACCOUNTS[0], "s3cret")
    view = window.accounts
    window.tabs.setCurrentWidget(view)
    view.select(sm.ACCOUNTS[0])
    asked: list[str] = []
    monkeypatch.setattr(av, "confirm", lambda _p, _t, text: asked.append(text) or False)
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert asked and sm.ACCOUNTS[0] in asked[0]
    assert AccountStore(db).get(sm.ACCOUNTS[0]) is not None
    monkeypatch.setattr(av, "confirm", lambda _p, _t, text: asked.append(text) or True)
    with qtbot.waitSignal(view.accountsChanged, timeout=10_000):
        view.remove_button.click()
    assert AccountStore(db).get(sm.ACCOUNTS[0]) is None
    assert secrets.get(sm.ACCOUNTS[0]) is None
    assert [a.email for a in view.accounts] == [sm.ACCOUNTS[1]]
    # History stays: the account still appears in the table's account filter.
    assert window.page.filters.account_box.findData(sm.ACCOUNTS[0]) > 0


def test_accounts_tab_shows_sync_status_and_label(qtbot, window) -> None:
    view = window.accounts
    texts = {view.table.item(r, 0).text(): (view.table.item(r, 2).text(),
                                            view.table.item(r, 3).text())
             for r in range(view.table.rowCount())}
    assert texts[sm.ACCOUNTS[1]] == (
        "Comptabilité", "Not syncing: The server refused the user name or password.")
    assert texts[sm.ACCOUNTS[0]][0] == "Boutique"


def test_about_shows_version(qtbot, window) -> None:
    from app import __version__

    window.about()
    assert window.about_dialog.version == __version__
    assert __version__ in window.about_dialog.findChildren(type(window.status_label))[0].text()


def test_start_opens_wizard_without_account_else_main(qtbot, postier_env: Path) -> None:
    from app.ui import main as gui_main

    settings = Settings.from_env()
    first = gui_main.start(settings)
    qtbot.addWidget(first)
    assert type(first).__name__ == "SetupWizard"
    # Closing the wizard (here without an account) hands over to the main window.
    first.reject()
    qtbot.waitUntil(lambda: any(type(w).__name__ == "MainWindow" and w.isVisible()
                                for w in QApplication.topLevelWidgets()), timeout=10_000)
    for w in QApplication.topLevelWidgets():
        if type(w).__name__ == "MainWindow":
            w.close()
    db = open_database(settings.db_path)
    sm.add_account(db, "a@b.fr")
    second = gui_main.start(settings)
    qtbot.addWidget(second)
    assert type(second).__name__ == "MainWindow"
    second.close()
    first.close()


def test_row_ids_match_selection_role(qtbot, window, env) -> None:
    _, _, ids = env
    window.page.select_recipient(ids["opened"])
    index = window.page.table.currentIndex()
    assert index.data(RecipientIdRole) == ids["opened"]


def test_quiet_hours_dialog_saves_setting(qtbot, window, env) -> None:
    from datetime import time

    from PySide6.QtCore import QTime

    from app.services.outbox.quiet_hours import load_quiet_hours

    _, db, _ = env
    window.quiet_hours()
    dialog = window.quiet_dialog
    assert dialog.start.time() == QTime(20, 0) and dialog.end.time() == QTime(9, 0)
    dialog.start.setTime(QTime(19, 30))
    dialog.end.setTime(QTime(8, 0))
    dialog.save()
    quiet = load_quiet_hours(db)
    assert (quiet.start, quiet.end, quiet.enabled) == (time(19, 30), time(8, 0), True)


def test_live_new_rows_keep_scrolled_view_in_place(qtbot, postier_env: Path) -> None:
    from app.ui.main_window import MainWindow

    settings = Settings.from_env()
    db = open_database(settings.db_path)
    sm.bulk_rows(db, 2000)
    win = MainWindow(settings, db, live_tracking=False, lang="en")
    win.page.loader.timer.setInterval(50)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.page.model.refreshed, timeout=10_000):
        win.show()
    table, model = win.page.table, win.page.model
    middle = model.recipient_id(1000)
    win.page.select_recipient(middle)
    table.scrollTo(model.index(1000, 0), table.ScrollHint.PositionAtTop)
    top = table.top_recipient()
    assert top is not None and table.verticalScrollBar().value() > 0
    # Three new messages sort above everything (newest first): what the user was looking
    # at stays where it was on screen, and stays selected.
    future = datetime.now(UTC) + timedelta(minutes=5)
    for i in range(3):
        sm.add_message(db, sm.ACCOUNTS[0], f"Nouveau {i}", [(f"n{i}@exemple.fr", "sent")],
                       created=future + timedelta(seconds=i))
    qtbot.waitUntil(lambda: model.rowCount() == 2003, timeout=10_000)
    qtbot.waitUntil(lambda: model.row_at(0).subject == "Nouveau 2", timeout=10_000)
    assert table.top_recipient() == top
    assert table.current_recipient() == middle
    # At the very top, new rows come into view instead.
    table.scrollToTop()
    sm.add_message(db, sm.ACCOUNTS[0], "Encore", [("e@exemple.fr", "sent")],
                   created=future + timedelta(minutes=1))
    qtbot.waitUntil(lambda: model.rowCount() == 2004, timeout=10_000)
    qtbot.waitUntil(lambda: model.row_at(0).subject == "Encore", timeout=10_000)
    assert table.verticalScrollBar().value() == 0
    assert table.top_recipient() == model.recipient_id(0)


def test_edit_account_label_and_add_opens_wizard(qtbot, window, env, monkeypatch) -> None:
    import app.ui.accounts_view as av

    _, db, _ = env
    view = window.accounts
    view.select(sm.ACCOUNTS[0])

    def fill_and_accept(dialog) -> int:
        dialog.display_name.setText("Martin & Fils")
        dialog.label.setText("Salon 2026")
        return av.QDialog.DialogCode.Accepted

    monkeypatch.setattr(av.EditAccountDialog, "exec", fill_and_accept)
    with qtbot.waitSignal(view.accountsChanged, timeout=10_000):
        view.edit_button.click()
    account = AccountStore(db).get(sm.ACCOUNTS[0])
    assert (account.display_name, account.label) == ("Martin & Fils", "Salon 2026")
    row = [a.email for a in view.accounts].index(sm.ACCOUNTS[0])
    assert view.table.item(row, 2).text() == "Salon 2026"
    view.add_button.click()
    assert type(window.wizard).__name__ == "SetupWizard" and window.wizard.isVisible()
    window.wizard.reject()


def test_export_to_unwritable_place_says_so(qtbot, window, tmp_path: Path, monkeypatch) -> None:
    import app.ui.table_export as te

    shown: list[str] = []
    monkeypatch.setattr(te.QMessageBox, "warning", lambda _p, _t, text: shown.append(text))
    window.exporter.export(str(tmp_path / "missing-folder" / "x.csv"), ";")
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert "could not be written" in shown[0]
    assert not (tmp_path / "missing-folder").exists()


def test_account_sync_state_change_shows_live(qtbot, window, env) -> None:
    _, db, _ = env
    AccountStore(db).update_fields(sm.ACCOUNTS[0], sync_state="watching")
    view = window.accounts

    def shown() -> str:
        row = [a.email for a in view.accounts].index(sm.ACCOUNTS[0])
        return view.table.item(row, 3).text()

    qtbot.waitUntil(lambda: shown() == "Watching for replies and bounces", timeout=10_000)


def test_export_action_asks_where_and_for_french_excel(qtbot, window, tmp_path: Path,
                                                      monkeypatch) -> None:
    import app.ui.table_export as te

    target = tmp_path / "choisi.csv"
    asked: list[tuple] = []

    def fake_dialog(_parent, _title, _start, filters, preferred):
        asked.append((filters, preferred))
        return str(target), filters.split(";;")[1]  # the user picks the ';' format

    monkeypatch.setattr(te.QFileDialog, "getSaveFileName", fake_dialog)
    qtbot.keySequence(window, "Ctrl+E")
    qtbot.waitUntil(target.exists, timeout=10_000)
    qtbot.waitUntil(lambda: window.exporter.last_export is not None, timeout=10_000)
    header = target.read_bytes().decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Date;Status;")
    assert "semicolon" in asked[0][0]


def test_empty_search_says_nothing_matches(qtbot, window) -> None:
    page = window.page
    qtbot.keyClicks(page.filters.search, "ÉCHÉANCIER")
    _wait_rows(qtbot, window, lambda m: m.rowCount() == 0)
    qtbot.waitUntil(lambda: page.empty.isVisible(), timeout=10_000)
    assert "Nothing matches “ÉCHÉANCIER”" in page.empty.text()
    assert "yet" not in page.empty.text() and "yet" not in page.counters.plain()
    assert page.counters.plain().startswith("No message matches.")
    # Accents and case folded: "facture" finds "Facture …" subjects.
    page.filters.search.clear()
    qtbot.keyClicks(page.filters.search, "FACTURÉ")
    _wait_rows(qtbot, window, lambda m: m.rowCount() > 0)
    assert not page.empty.isVisible()


def test_empty_table_says_no_message_yet(qtbot, postier_env: Path) -> None:
    from app.ui.main_window import MainWindow

    settings = Settings.from_env()
    win = MainWindow(settings, open_database(settings.db_path), live_tracking=False,
                     lang="en")
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.page.model.refreshed, timeout=10_000):
        win.show()
    assert "No message sent yet" in win.page.empty.text()
    assert win.page.counters.plain().startswith("No message sent yet.")


def test_counts_use_plural_forms_and_count_messages(qtbot, window, env) -> None:
    """'1 row', never '1 rows'; the head counts messages, and recipients when they differ."""
    _, db, _ = env
    page = window.page
    assert page.counters.plain().startswith("13 messages: ")
    sm.add_message(db, sm.ACCOUNTS[0], "Invitation", [("a@x.fr", "sent"), ("b@x.fr", "sent")])
    qtbot.waitUntil(lambda: page.counters.plain().startswith(
        "14 messages to 15 recipients: "), timeout=10_000)
    page.filters.set_status("hard_bounce")
    _wait_rows(qtbot, window, lambda m: m.rowCount() == 1)
    qtbot.waitUntil(lambda: window.status_label.text().startswith("1 row · updated at "),
                    timeout=10_000)
    window.exporter._exported(Path("/tmp/x.csv"), 1, None)
    assert window.statusBar().currentMessage() == "1 row exported to /tmp/x.csv"
    window._sent(type("R", (), {"status": "queued", "id": 7})())
    assert window.statusBar().currentMessage() == "Message 7 is waiting to be sent."
    page.counters.set_counts({"hard_bounce": 1}, 1)
    assert page.counters.plain().startswith("1 message: ")


def test_counters_never_wrap_inside_a_counter(qtbot, window) -> None:
    """Lines may only break between counters (at ordinary spaces), never at the hyphen of
    'auto-replies' or between a number and its word."""
    from PySide6.QtGui import QTextDocument

    bar = window.page.counters
    bar.set_counts({s: 12345 for s in mst.STATUSES}, 12000)
    doc = QTextDocument()
    doc.setDefaultFont(bar.font())
    doc.setHtml(bar.text())
    for width in (260, 420, 640, 880):
        doc.setTextWidth(width)
        doc.size()  # lays the text out
        block = doc.begin()
        layout = block.layout()
        text = block.text()
        assert layout.lineCount() > 1
        for i in range(layout.lineCount() - 1):
            line = layout.lineAt(i)
            end = line.textStart() + line.textLength()
            assert text[end - 1] == " ", (width, text[line.textStart():end])


def test_status_bar_and_table_share_one_locale_time_format(qtbot, env) -> None:
    import re

    from PySide6.QtCore import QLocale

    from app.ui.main_window import MainWindow

    settings, db, _ = env
    for locale, pattern in ((QLocale(QLocale.Language.English, QLocale.Country.UnitedStates),
                             r"\d{1,2}:\d{2}\s?[AP]M"),
                            (QLocale(QLocale.Language.French, QLocale.Country.France),
                             r"\d{2}:\d{2}")):
        QLocale.setDefault(locale)
        try:
            win = MainWindow(settings, db, live_tracking=False, lang="en")
            qtbot.addWidget(win)
            with qtbot.waitSignal(win.page.model.refreshed, timeout=10_000):
                win.show()
            model = win.page.model
            today = model.data(model.index(0, 0))  # the newest row: written just now
            assert re.fullmatch(pattern, today), today
            stamp = win.status_label.text().rsplit("updated at ", 1)[1]
            assert re.fullmatch(pattern, stamp), stamp
            win.close()
        finally:
            QLocale.setDefault(QLocale.c())
