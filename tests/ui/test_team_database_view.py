"""Team mode in the window (issue 19, items 2 and 7) on a real PostgreSQL: the "Team
database" section of the Accounts tab (URL without password, password into the keyring,
connection test off the GUI thread, offline state, history copy with its progress bar),
and the sent table following another process's writes through NOTIFY alone (its polling
timer stopped). Screenshots: POSTIER_SCREENSHOTS=1 writes docs/screenshots/team_*.png."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.services.config import Settings
from app.services.storage import open_database
from app.services.team import connection
from app.services.team.connection import open_settings_database, settings_database
from app.ui.accounts_view import AccountsView
from tests.support import sent_messages as sm
from tests.support.postgres import PostgresServer, postgres_server, postgres_url  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "screenshots"
ROLE, SECRET = "compta", "Pa55-compta"


def _save(widget, name: str, tmp_path: Path) -> Path:  # noqa: ANN001
    folder = SHOTS if os.environ.get("POSTIER_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    assert widget.grab().save(str(path))
    return path


@pytest.fixture()
def team_url(postgres_server: PostgresServer, postgres_url: str) -> str:  # noqa: F811
    """A fresh team database reached as a role that must give a password."""
    with connection.connect(postgres_server.url(), "test") as conn:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (ROLE,)).fetchone():
            postgres_server.add_role(ROLE, SECRET)
    dbname = postgres_url.rsplit("/", 1)[1]
    postgres_server.admin(f'ALTER DATABASE "{dbname}" OWNER TO {ROLE}')
    return postgres_server.url(dbname, user=ROLE)


def _view(qtbot, settings: Settings) -> AccountsView:  # noqa: ANN001
    db = settings_database(settings) if connection.in_team_mode(settings) \
        else open_database(settings.db_path)
    view = AccountsView(settings, db, lang="en")
    qtbot.addWidget(view)
    view.resize(1000, 640)
    view.show()
    return view


def test_alone_the_section_says_this_computer_keeps_its_own_file(qtbot, postier_env: Path,  # noqa: ANN001
                                                                  tmp_path: Path) -> None:
    view = _view(qtbot, Settings(home=postier_env))
    box = view.team_database
    assert "own data file" in box.url_label.text()
    assert not box.test_button.isEnabled() and not box.migrate_button.isEnabled()
    _save(view, "team_database_none_en.png", tmp_path)


def test_password_goes_to_the_keyring_and_the_test_connects(qtbot, team_url: str,  # noqa: ANN001
                                                            postier_env: Path,
                                                            tmp_path: Path) -> None:
    from app.ui.team_database_view import TeamDatabaseBox

    # The team database is prepared by a colleague (its password given to the role here).
    open_database(team_url.replace(f"{ROLE}@", f"{ROLE}:{SECRET}@")).connect().close()
    settings = Settings(home=postier_env, extra={"POSTIER_DATABASE_URL": team_url})
    box = TeamDatabaseBox(settings)  # as the start-up dialog shows it: no database yet
    qtbot.addWidget(box)
    assert box.url_label.text() == connection.target(team_url).shown()
    assert SECRET not in box.url_label.text()

    box.test_connection()  # no password yet: refused, said plainly
    qtbot.waitUntil(lambda: box.test_button.isEnabled(), timeout=15_000)
    assert "refused the user name or password" in box.state.text()

    box.password.setText(SECRET)
    box.save_password()  # saved, field cleared, tested again
    qtbot.waitUntil(lambda: "Connected: PostgreSQL" in box.state.text(), timeout=15_000)
    assert box.password.text() == ""
    assert connection.stored_password(team_url) == SECRET  # the (test) keyring has it
    # ...and nowhere else: not in the team database's settings nor the data directory.
    db = settings_database(settings)
    with db.reading() as conn:
        values = [r[0] for r in conn.execute("SELECT value FROM settings").fetchall()]
    assert all(SECRET not in v for v in values)
    assert not any(SECRET.encode() in p.read_bytes() for p in postier_env.rglob("*")
                   if p.is_file() and p.name != "keyring.json")
    # The Accounts tab with its team section, as a colleague sees it once connected.
    sm.add_account(db, "contact@acme.test")
    view = _view(qtbot, settings)
    view.team_database.test_connection()
    qtbot.waitUntil(lambda: "Connected: PostgreSQL" in view.team_database.state.text(),
                    timeout=15_000)
    _save(view, "team_database_connected_en.png", tmp_path)


def test_server_down_shows_the_offline_state(qtbot, team_url: str, postier_env: Path,  # noqa: ANN001
                                             postgres_server: PostgresServer,  # noqa: F811
                                             tmp_path: Path) -> None:
    connection.store_password(team_url, SECRET)
    settings = Settings(home=postier_env, extra={"POSTIER_DATABASE_URL": team_url})
    from app.ui.team_database_view import TeamDatabaseBox  # the section alone: no accounts

    widget = TeamDatabaseBox(settings)
    qtbot.addWidget(widget)
    widget.resize(900, 260)
    widget.show()
    postgres_server.stop()
    try:
        widget.test_connection()
        qtbot.waitUntil(lambda: widget.test_button.isEnabled(), timeout=20_000)
        text = widget.state.text()
        assert text.startswith("Offline: the team database cannot be reached.")
        assert "nothing is lost" in text and SECRET not in text
        _save(widget, "team_database_offline_en.png", tmp_path)
    finally:
        postgres_server.start()


def test_history_copy_moves_the_progress_bar_and_reports_counts(qtbot, team_url: str,  # noqa: ANN001
                                                                postier_env: Path) -> None:
    connection.store_password(team_url, SECRET)
    local = open_database(Settings(home=postier_env).db_path)
    sm.add_account(local, "contact@acme.test")
    for i in range(3):
        sm.add_message(local, "contact@acme.test", f"Devis {i}", [("client@example.test",
                                                                    "sent")])
    settings = Settings(home=postier_env, extra={"POSTIER_DATABASE_URL": team_url})
    from app.ui.team_database_view import TeamDatabaseBox

    box = TeamDatabaseBox(settings)
    qtbot.addWidget(box)
    steps: list[tuple[int, int]] = []
    original = box._progress
    box._progress = lambda done, total: (steps.append((done, total)), original(done, total))  # type: ignore[method-assign]
    box.migrate_history()
    qtbot.waitUntil(lambda: box.migrate_button.isEnabled(), timeout=30_000)
    assert "Copied: 3 messages" in box.state.text(), box.state.text()
    assert steps[0] == (0, 3) and steps[-1] == (3, 3)


def test_the_sent_table_follows_another_process_through_notify_alone(
        qtbot, team_url: str, postier_env: Path) -> None:  # noqa: ANN001
    from app.ui.main_window import MainWindow

    connection.store_password(team_url, SECRET)
    settings = Settings(home=postier_env, extra={"POSTIER_DATABASE_URL": team_url})
    db = settings_database(settings)
    sm.add_account(db, "contact@acme.test")
    win = MainWindow(settings, db, live_tracking=False, lang="en")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.team_live.connected, timeout=20_000)
    assert not win.page.loader.timer.isActive()  # no polling while the listener is up
    assert win.accounts.team_database.live.text().startswith("on")
    model = win.page.model
    before = model.rowCount()

    # A colleague's Postier (another process) records a send.
    script = ("import sys; from app.services.storage import database_for;"
              " from tests.support import sent_messages as sm;"
              " sm.add_message(database_for(sys.argv[1]), 'contact@acme.test',"
              " 'Devis du collègue', [('client@example.test', 'sent')])")
    url_with_pw = team_url.replace(f"{ROLE}@", f"{ROLE}:{SECRET}@")
    subprocess.run([sys.executable, "-c", script, url_with_pw], cwd=ROOT, check=True,
                   timeout=60)
    qtbot.waitUntil(lambda: model.rowCount() == before + 1, timeout=10_000)
    assert not win.page.loader.timer.isActive()
    win.close()


def test_start_up_refused_by_the_team_database_offers_password_and_retry(
        qtbot, team_url: str, postier_env: Path, tmp_path: Path) -> None:  # noqa: ANN001
    from app.services.storage import StorageError
    from app.ui.team_database_view import TeamDatabaseDialog

    settings = Settings(home=postier_env, extra={"POSTIER_DATABASE_URL": team_url})
    with pytest.raises(StorageError) as info:  # what app/ui/main.py meets at start-up
        open_settings_database(settings)
    assert info.value.code == "TEAM_DATABASE_AUTH_FAILED"
    dialog = TeamDatabaseDialog(settings, info.value)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "refused the user name or password" in dialog.box.state.text()
    assert SECRET not in dialog.box.state.text()
    _save(dialog, "team_database_startup_en.png", tmp_path)
    dialog.box.password.setText(SECRET)
    dialog.box.save_password()
    qtbot.waitUntil(lambda: "Connected: PostgreSQL" in dialog.box.state.text(), timeout=15_000)
    dialog.retry_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted
    open_settings_database(settings)  # "Try again": it opens now


def test_sending_while_the_team_database_is_down_keeps_the_message_in_its_window(
        qtbot, team_url: str, postier_env: Path,  # noqa: ANN001
        postgres_server: PostgresServer, tmp_path: Path) -> None:  # noqa: F811
    """The decision of item 7: no local queue; the send is refused with the team database's
    error and the message stays in its window, as typed, to be sent once it is back."""
    from app.services.storage import AccountStore
    from app.ui.compose_dialog import ComposeDialog

    connection.store_password(team_url, SECRET)
    settings = Settings(home=postier_env, extra={"POSTIER_DATABASE_URL": team_url})
    db = settings_database(settings)
    sm.add_account(db, "contact@acme.test")
    dialog = ComposeDialog(settings, db, AccountStore(db).list())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.to_field.setText("client@example.test")
    dialog.subject.setText("Devis 2026-119")
    dialog.editor.setPlainText("Bonjour,\nvoici le devis.")
    postgres_server.stop()
    try:
        dialog.send()
        qtbot.waitUntil(lambda: dialog.send_button.isEnabled(), timeout=30_000)
        assert dialog.isVisible() and dialog.result_info is None
        assert "team database" in dialog.error_label.text()
        assert dialog.subject.text() == "Devis 2026-119"
        assert "voici le devis" in dialog.editor.toPlainText()
        _save(dialog, "team_database_compose_offline_en.png", tmp_path)
    finally:
        postgres_server.start()
    with db.reading() as conn:  # nothing half-recorded meanwhile
        assert conn.execute("SELECT COUNT(*) FROM messages").fetchone()[0] == 0


def test_in_french_offline(qtbot, team_url: str, postier_env: Path,  # noqa: ANN001
                           postgres_server: PostgresServer,  # noqa: F811
                           tmp_path: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from app.ui.i18n import install_translator
    from app.ui.team_database_view import TeamDatabaseBox

    app = QApplication.instance()
    install_translator(app, "fr")
    connection.store_password(team_url, SECRET)
    settings = Settings(home=postier_env, extra={"POSTIER_DATABASE_URL": team_url})
    postgres_server.stop()
    try:
        box = TeamDatabaseBox(settings)
        qtbot.addWidget(box)
        box.resize(900, 280)
        box.show()
        assert box.title() == "Base de données d'équipe"
        assert box.test_button.text() == "Tester la connexion"
        box.test_connection()
        qtbot.waitUntil(lambda: box.test_button.isEnabled(), timeout=20_000)
        assert box.state.text().startswith("Hors ligne : la base de données d'équipe est "
                                           "injoignable.")
        _save(box, "team_database_offline_fr.png", tmp_path)
    finally:
        postgres_server.start()
        install_translator(app, "en")
