"""Screenshots of the main window (a demo database with every status).

They are taken on every run (each test also checks what the picture must show) but go
into docs/screenshots/ only when POSTIER_SCREENSHOTS=1, as the wizard's do: a normal
test run leaves the tracked pictures alone."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale

from app.services.config import Settings
from app.services.history import message_status as mst
from app.services.history import message_views as mv
from app.services.storage import AccountStore, open_database
from tests.support import sent_messages as sm

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture()
def demo_window(qtbot, postier_env: Path):
    from app.ui.main_window import MainWindow

    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    settings = Settings.from_env()
    db = open_database(settings.db_path)
    ids = sm.demo(db)
    win = MainWindow(settings, db, live_tracking=False, lang="en")
    win.resize(1360, 720)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.page.model.refreshed, timeout=10_000):
        win.show()
    yield win, settings, db, ids
    QLocale.setDefault(QLocale.c())


def _save(widget, name: str, tmp_path: Path) -> Path:
    """Into docs/screenshots when POSTIER_SCREENSHOTS=1, else the test's tmp dir."""
    folder = SHOTS if os.environ.get("POSTIER_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    assert widget.grab().save(str(path))
    return path


def test_screenshots_stay_out_of_the_tree_unless_asked(qtbot, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QLabel

    label = QLabel("Postier")
    qtbot.addWidget(label)
    tracked = SHOTS / "main_about.png"
    before = tracked.stat().st_mtime_ns if tracked.exists() else None
    monkeypatch.delenv("POSTIER_SCREENSHOTS", raising=False)
    path = _save(label, "main_about.png", tmp_path)
    assert path == tmp_path / "main_about.png" and path.stat().st_size > 0
    assert (tracked.stat().st_mtime_ns if tracked.exists() else None) == before
    docs = tmp_path / "docs"
    monkeypatch.setitem(globals(), "SHOTS", docs)  # asked for: the docs folder (here a tmp one)
    monkeypatch.setenv("POSTIER_SCREENSHOTS", "1")
    assert _save(label, "main_about.png", tmp_path) == docs / "main_about.png"


def test_screenshot_table_every_status_and_details(qtbot, demo_window, tmp_path: Path) -> None:
    win, _, _, ids = demo_window
    model = win.page.model
    assert {model.row_at(r).status for r in range(model.rowCount())} == set(mst.STATUSES)
    with qtbot.waitSignal(win.page.details.loaded, timeout=10_000):
        win.page.select_recipient(ids["hard_bounce"])
    assert "550 5.1.1" in win.page.details.browser.toPlainText()
    _save(win, "main_table.png", tmp_path)
    _save(win.page.details, "main_details.png", tmp_path)


def test_screenshot_compose_in_quiet_hours(qtbot, demo_window, tmp_path: Path) -> None:
    from app.ui.compose_dialog import ComposeDialog

    win, settings, db, _ = demo_window
    night = (datetime.now().astimezone() + timedelta(days=1)).replace(hour=21, minute=40)
    dialog = ComposeDialog(settings, db, AccountStore(db).list(), win, clock=lambda: night)
    qtbot.addWidget(dialog)
    dialog.to_field.setText("a.leroy@orange.fr, j.dupont@exemple")
    dialog.cc_field.setText("atelier@boulangerie-martin.fr")
    dialog.subject.setText("Votre devis pour la pièce montée")
    dialog.editor.setHtml("<p>Bonjour Madame Leroy,</p><p>Veuillez trouver ci-dessous notre "
                          "proposition pour la <b>pièce montée</b> de 60 personnes :</p>"
                          "<ul><li>choux caramel</li><li>nougatine</li></ul>"
                          "<p>Bien cordialement,</p>")
    dialog.show()
    qtbot.waitExposed(dialog)
    assert "will wait" in dialog.quiet_note.text()
    _save(dialog, "main_compose.png", tmp_path)


def test_screenshot_resend_accounts_notifications_about(qtbot, demo_window,
                                                       tmp_path: Path) -> None:
    from app.ui.compose_dialog import ResendDialog

    win, settings, db, ids = demo_window
    dialog = ResendDialog(settings, db, mv.message_details(db, ids["hard_bounce"]), win)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    # The resend goes to the bounced address, offered for correction.
    assert dialog.address.text() == "jean.dupnt@exemple.fr" and dialog.send_button.isVisible()
    _save(dialog, "main_resend.png", tmp_path)
    win.tabs.setCurrentWidget(win.accounts)
    win.accounts.select(sm.ACCOUNTS[1])
    selected = win.accounts.selected()
    assert selected is not None and selected.email == sm.ACCOUNTS[1]
    assert selected.sync_error == "AUTH_FAILED"  # the account in trouble is the one shown
    _save(win, "main_accounts.png", tmp_path)
    sm.add_event(db, ids["sent"], "hard_bounce", "bounce", "user_unknown",
                 "550 5.1.1 <mairie@saint-martin.fr>: Recipient address rejected")
    sm.add_event(db, ids["delivered"], "replied", "reply", None, "Re: Facture F-2026-117")
    qtbot.waitUntil(lambda: "Notifications (3)" in win.tabs.tabText(2), timeout=10_000)
    win.tabs.setCurrentWidget(win.notifications_panel)
    # Listed, newest first: the reply and the bounce just recorded, then the account that
    # stopped syncing (the demo's AUTH_FAILED one).
    items = win.notifications_panel.list
    heads = [items.item(i).text().split("\n")[0].split("  ", 1)[1] for i in range(items.count())]
    assert heads == ["Reply from compta@fournil-durand.fr",
                     "Not delivered to mairie@saint-martin.fr",
                     f"{sm.ACCOUNTS[1]} stopped syncing"]
    _save(win, "main_notifications.png", tmp_path)
    win.about()
    qtbot.waitExposed(win.about_dialog)
    from PySide6.QtWidgets import QLabel

    from app import __version__

    shown = " ".join(label.text() for label in win.about_dialog.findChildren(QLabel))
    assert "Postier" in shown and __version__ in shown
    _save(win.about_dialog, "main_about.png", tmp_path)


def test_screenshot_french(qtbot, postier_env: Path, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from app.ui.i18n import install_translator
    from app.ui.main_window import MainWindow

    app = QApplication.instance()
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    install_translator(app, "fr")
    try:
        settings = Settings.from_env()
        db = open_database(settings.db_path)
        ids = sm.demo(db)
        win = MainWindow(settings, db, live_tracking=False, lang="fr")
        win.resize(1360, 720)
        qtbot.addWidget(win)
        with qtbot.waitSignal(win.page.model.refreshed, timeout=10_000):
            win.show()
        with qtbot.waitSignal(win.page.details.loaded, timeout=10_000):
            win.page.select_recipient(ids["hard_bounce"])
        assert win.tabs.tabText(0) == "Messages envoyés"
        assert "L'adresse n'existe pas." in win.page.details.browser.toPlainText()
        assert "1 adresse invalide" in win.page.counters.summary()
        _save(win, "main_table_fr.png", tmp_path)
        win.close()
    finally:
        install_translator(app, "en")
        QLocale.setDefault(QLocale.c())


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("size", [(1280, 800), (1024, 600)])
def test_screenshot_sent_table_search_and_counts(qtbot, postier_env: Path, tmp_path: Path,
                                                 lang: str, size: tuple[int, int]) -> None:
    """Issue 16: counters with plural forms (messages vs recipients), the status bar's time
    in the locale's format, the timeline in the user's language, the empty search."""
    from PySide6.QtWidgets import QApplication

    from app.ui.i18n import install_translator
    from app.ui.main_window import MainWindow

    app = QApplication.instance()
    install_translator(app, lang)
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France) if lang == "fr"
                       else QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    try:
        settings = Settings.from_env()
        db = open_database(settings.db_path)
        ids = sm.demo(db)
        sm.add_message(db, sm.ACCOUNTS[0], "Invitation portes ouvertes",
                       [("a.leroy@orange.fr", "delivered"), ("m.roux@free.fr", "auto_reply")])
        win = MainWindow(settings, db, live_tracking=False, lang=lang)
        win.resize(*size)
        qtbot.addWidget(win)
        with qtbot.waitSignal(win.page.model.refreshed, timeout=10_000):
            win.show()
        with qtbot.waitSignal(win.page.details.loaded, timeout=10_000):
            win.page.select_recipient(ids["hard_bounce"])
        head = win.page.counters.plain()
        assert head.startswith("14 messages à 15 destinataires :" if lang == "fr"
                               else "14 messages to 15 recipients:")
        suffix = f"{lang}" if size[0] == 1280 else f"{lang}_{size[0]}"
        _save(win, f"main_table_counts_{suffix}.png", tmp_path)
        win.page.filters.search.setText("échéancier")
        qtbot.waitUntil(lambda: win.page.empty.isVisible(), timeout=10_000)
        assert ("Rien ne correspond" if lang == "fr" else "Nothing matches") in \
            win.page.empty.text()
        # The hard bounce shown before is filtered out: the details are cleared, and the
        # picture waits for the title's new text to be laid out (its height fits it).
        details = win.page.details
        assert details.details is None and details.browser.toPlainText() == ""
        assert details.title.text() == ("Sélectionnez un message pour voir ce qu'il est devenu."
                                        if lang == "fr" else
                                        "Select a message to see what became of it.")
        assert not details.resend_button.isEnabled()
        qtbot.waitUntil(lambda: details.title.height() >= details.title.heightForWidth(
            details.title.width()), timeout=5000)
        _save(win, f"main_search_empty_{suffix}.png", tmp_path)
        win.close()
    finally:
        install_translator(app, "en")
        QLocale.setDefault(QLocale.c())
