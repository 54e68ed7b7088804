"""No English inside the French interface (issue 16 item 4).

A French main window with data (every status, a timeline with Postier's own notes, a
notification recorded while the app was in English, a message just sent, the export's file
dialog) is walked widget by widget; every text a user can read there is checked against
(1) the French .ts: an English source text whose translation is missing or unfinished, and
(2) a list of English words that are not French. Data (subjects, addresses, servers'
replies, headers) is left out: it is the user's and the servers' words, not the app's."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QTabBar,
    QWidget,
)

from app.services.config import Settings
from app.services.history import message_status as mst
from app.services.history import message_views as mv
from app.services.storage import open_database
from app.services.tracking import notify_rules as nr
from tests.support import sent_messages as sm

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
TS = Path(__file__).resolve().parents[2] / "resources" / "i18n" / "postier_fr.ts"

# English words that are not French words too ("message", "type", "spam" are both).
ENGLISH = {"the", "and", "with", "your", "sent", "recorded", "rows", "row", "problems",
           "problem", "updated", "waiting", "delivered", "look", "files", "of", "given",
           "provider", "public", "key", "centre", "center", "unread", "good", "all", "matches",
           "nothing", "yet", "write", "could", "not", "this", "these", "reply", "replies",
           "bounce", "bounces", "blocked", "error", "errors", "delayed", "read", "found",
           "folder", "after", "recipient", "recipients", "subject", "status",
           "account", "accounts", "search", "export", "resend", "refresh", "new", "quit",
           "help", "view", "file", "find", "select", "what", "to", "do", "timeline",
           "arrives", "desktop", "in_app"}


def _untranslated() -> set[str]:
    """English source texts of the .ts with no (or an unfinished) French translation."""
    out: set[str] = set()
    for message in ET.parse(TS).getroot().iter("message"):
        tr = message.find("translation")
        text = "".join(tr.itertext()).strip() if tr is not None else ""
        if tr is None or tr.get("type") in ("unfinished", "vanished") or not text:
            out.add(message.findtext("source") or "")
    return out


def _plain(html: str) -> str:
    """A rich text as read, without the <code>/<pre> blocks (servers' words, headers)."""
    html = re.sub(r"<(code|pre)[^>]*>.*?</\1>", " ", html, flags=re.DOTALL)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def _texts(root: QWidget) -> list[str]:
    """Every text shown by the visible widgets under ``root`` (and its menus' actions)."""
    out: list[str] = []
    for w in [root, *root.findChildren(QWidget)]:
        if not w.isVisible():
            continue
        out += [w.toolTip(), w.accessibleName()]
        if isinstance(w, QLabel):
            out.append(_plain(w.text()) if "<" in w.text() else w.text())
        elif isinstance(w, QAbstractButton):
            out.append(w.text())
        elif isinstance(w, QLineEdit):
            out.append(w.placeholderText())
        elif isinstance(w, QComboBox):
            out += [w.itemText(i) for i in range(w.count())]
        elif isinstance(w, QTabBar):
            out += [w.tabText(i) for i in range(w.count())]
        elif isinstance(w, QListWidget):  # notification history: date and title lines
            out += [w.item(i).text().splitlines()[0] for i in range(w.count())]
    return out


def _window_texts(win) -> list[str]:
    out = _texts(win)
    for menu_action in win.menuBar().actions():
        out.append(menu_action.text())
        if menu_action.menu() is not None:
            out += [a.text() for a in menu_action.menu().actions()]
            out += [a.toolTip() for a in menu_action.menu().actions()]
    model, header = win.page.model, win.page.table.horizontalHeader()
    out += [model.headerData(c, Qt.Orientation.Horizontal) for c in range(header.count())]
    for r in range(model.rowCount()):
        out.append(model.data(model.index(r, 1)))  # status words
        out.append(model.data(model.index(r, 0), Qt.ItemDataRole.ToolTipRole))
    details = win.page.details
    if details.details is not None:  # the HTML it shows, less <code> and <pre>
        out.append(_plain(details._html(details.details)))
    out += [win.statusBar().currentMessage(), win.status_label.text()]
    return out


def _english_in(texts: list[str], data: list[str]) -> list[str]:
    untranslated = _untranslated()
    found: list[str] = []
    for text in texts:
        if not text:
            continue
        for value in data:  # the user's data and the servers' words are not the UI's
            text = text.replace(value, " ")
        if text.strip() in untranslated or text.strip().replace("&", "") in untranslated:
            found.append(text.strip())
            continue
        words = set(re.findall(r"[a-z_]+", text.lower().replace("&", "")))
        if words & ENGLISH:
            found.append(f"{text.strip()!r}: {sorted(words & ENGLISH)}")
    return found


@pytest.fixture()
def french(qtbot, postier_env: Path):
    from app.ui.i18n import install_translator

    app = QApplication.instance()
    install_translator(app, "fr")
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    yield app
    install_translator(app, "en")
    QLocale.setDefault(QLocale.c())


def test_no_english_in_the_french_main_window(qtbot, french) -> None:
    from app.ui.main_window import MainWindow

    settings = Settings.from_env()
    db = open_database(settings.db_path)
    nr.collect(db, "en")  # the starting point, then notifications recorded in English
    ids = sm.demo(db)
    nr.collect(db, "en")
    # Postier's own timeline note, as message_store writes it for every new recipient.
    with db.transaction() as conn:
        conn.execute("INSERT INTO events (recipient_id, at, status, source, detail) "
                     "VALUES (?, '2026-03-01T09:00:00+00:00', 'queued', 'local', 'recorded')",
                     (ids["hard_bounce"],))
    win = MainWindow(settings, db, live_tracking=False, lang="fr")
    win.resize(1280, 800)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.page.model.refreshed, timeout=10_000):
        win.show()
    with qtbot.waitSignal(win.page.details.loaded, timeout=10_000):
        win.page.select_recipient(ids["hard_bounce"])
    win._sent(type("Result", (), {"status": "sent", "id": 7})())
    data = list(sm.DIAGNOSTICS.values())  # first: they contain addresses
    data += [row[0] for row in sm.DEMO] + [row[1] for row in sm.DEMO] + list(sm.ACCOUNTS)
    data += ["Boulangerie Martin", "Postier", "Bonjour"]
    texts = _window_texts(win)
    timeline = win.page.details.browser.toPlainText()
    assert "Enregistré, en attente d'envoi" in timeline and "recorded" not in timeline
    assert "Message 7 envoyé." in texts
    found = _english_in(texts, data)
    win.tabs.setCurrentWidget(win.notifications_panel)
    qtbot.waitUntil(lambda: win.notifications_panel.list.count() > 0, timeout=10_000)
    found += _english_in(_texts(win.notifications_panel), data)
    assert not found, "English in the French interface:\n" + "\n".join(found)


def test_no_english_in_the_french_file_dialog(qtbot, french) -> None:
    """The export's dialog when Qt draws it itself (no desktop portal): qtbase_fr misses
    Qt 6's '&Look in:' and 'Files of &type:', qt_extra_fr.qm supplies them."""
    dialog = QFileDialog(None, "Exporter", str(Path.home()), "CSV (*.csv)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    qtbot.addWidget(dialog)
    dialog.show()
    labels = [w.text() for w in dialog.findChildren(QLabel) if w.isVisible()]
    assert "&Regarder dans\u00a0:" in labels
    found = _english_in(_texts(dialog), [str(Path.home()), "CSV (*.csv)"])
    assert not found, "English in the French file dialog:\n" + "\n".join(found)


def test_status_words_and_counters_are_french(qtbot, french) -> None:
    assert mst.status_label("hard_bounce", "fr") == "Adresse invalide"
    from app.ui.filter_bar import CountersBar

    bar = CountersBar("fr")
    qtbot.addWidget(bar)
    bar.set_counts({"auto_reply": 1}, 1)
    assert " ".join(bar.plain().replace("●", "").split()) == "1 message : 1 réponse auto"
    bar.set_counts({"auto_reply": 2, "sent": 1}, 2)
    assert bar.plain().startswith("2 messages à 3 destinataires :")
    bar.set_counts({}, 0, filtered=True)
    assert bar.plain().startswith("Aucun message ne correspond.")


def test_html_is_escaped_once_in_the_main_window(qtbot, french) -> None:
    """Subjects, addresses and servers' words with & < > ' are shown as typed: never
    as markup, never as raw entities ('L&#x27;adresse')."""
    from app.ui.main_window import MainWindow

    settings = Settings.from_env()
    db = open_database(settings.db_path)
    subject = "R&D <b>Promo</b> l'été \"2026\""
    _, (rid,) = sm.add_message(db, sm.ACCOUNTS[0], subject, [("o'neil@exemple.fr", "sent")])
    sm.add_event(db, rid, "hard_bounce", "bounce", "user_unknown",
                 "550 5.1.1 <o'neil@exemple.fr> & co: unknown")
    win = MainWindow(settings, db, live_tracking=False, lang="fr")
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.page.model.refreshed, timeout=10_000):
        win.show()
    with qtbot.waitSignal(win.page.details.loaded, timeout=10_000):
        win.page.select_recipient(rid)
    details = win.page.details
    assert details.title.text() == subject
    assert details.title.textFormat() == Qt.TextFormat.PlainText
    shown = details.browser.toPlainText()
    assert "L'adresse n'existe pas." in shown and "<o'neil@exemple.fr> & co" in shown
    qtbot.keyClicks(win.page.filters.search, "<i>rien</i> & co")
    qtbot.waitUntil(lambda: win.page.empty.isVisible(), timeout=10_000)
    texts = [*_window_texts(win), details.browser.toPlainText(), win.page.empty.text()]
    assert "<i>rien</i> & co" in win.page.empty.text()
    for text in filter(None, texts):
        for entity in ("&#x27;", "&#39;", "&amp;", "&lt;", "&gt;", "&quot;", "&apos;"):
            assert entity not in text, (entity, text)


def test_resend_dialog_shows_no_raw_entities(qtbot, french) -> None:
    from app.ui.compose_dialog import ResendDialog

    settings = Settings.from_env()
    db = open_database(settings.db_path)
    ids = sm.demo(db)
    dialog = ResendDialog(settings, db, mv.message_details(db, ids["hard_bounce"]))
    qtbot.addWidget(dialog)
    dialog.show()
    texts = [w.text() for w in dialog.findChildren(QLabel) if w.isVisible()]
    # French although the system locale is not (the window's language, not _lang()'s system).
    assert any("L'adresse n'existe pas." in t for t in texts), texts
    assert not [t for t in texts if "&#" in t or "&amp;" in t], texts


def test_resend_dialog_shows_subjects_as_typed(qtbot, french, tmp_path: Path) -> None:
    """A subject with markup characters is shown as typed, in the window's language."""
    from app.ui.compose_dialog import ResendDialog
    from tests.ui.wizard_driver import screenshot

    settings = Settings.from_env()
    db = open_database(settings.db_path)
    subject = "R&D <b>Promo</b> l'été"
    _, (rid,) = sm.add_message(db, sm.ACCOUNTS[0], subject, [("o'neil@exemple.fr", "sent")])
    sm.add_event(db, rid, "hard_bounce", "bounce", "user_unknown", "550 5.1.1 unknown")
    window = QWidget()
    window.lang = "fr"  # type: ignore[attr-defined]  # as MainWindow.lang
    qtbot.addWidget(window)
    dialog = ResendDialog(settings, db, mv.message_details(db, rid), window)
    dialog.show()
    assert dialog.intro.textFormat() == Qt.TextFormat.PlainText
    text = dialog.intro.text()
    assert subject in text and "o'neil@exemple.fr" in text and "L'adresse n'existe pas." in text
    qtbot.waitExposed(dialog)
    screenshot(dialog, "main_resend_fr", tmp_path)


def test_no_english_in_the_french_accounts_tab_and_sending_notes(qtbot, french) -> None:
    """Postier's own notes in a timeline, written by sending in English (stable for the CLI
    and older databases), are said in French at display time: a message interrupted while
    the server was receiving it (recover_interrupted), one refused at connection and then
    given up on (send_message, process_queue). The Accounts tab of the same window, with an
    account whose tracking fails, speaks French too (its messages follow the window's
    language, not the system's)."""
    from datetime import UTC, datetime, timedelta

    from app.services.mail.auth import Credential
    from app.services.outbox import sending
    from app.services.setup import accounts
    from app.services.setup.endpoint import Endpoint
    from app.services.storage import AccountStore
    from app.ui.main_window import MainWindow
    from tests.support.dns_server import free_port

    settings = Settings.from_env()
    db = open_database(settings.db_path)
    email = "contact@boulangerie-martin.fr"
    closed = Endpoint("127.0.0.1", free_port(), "ssl")  # nothing listens: refused at once
    accounts.save_account(settings, email=email, credential=Credential(email, "secret"),
                          imap=closed, smtp=closed, display_name="Boulangerie Martin")
    AccountStore(db).update_fields(email, sync_state="error", sync_error="CONNECT_REFUSED",
                                   last_check_at="2026-03-01T09:00:00+00:00", last_check_ok=0)

    def message(to: str, subject: str) -> sending.OutgoingMessage:
        return sending.OutgoingMessage(account_email=email, to=[to], subject=subject,
                                       text="Bonjour")

    interrupted = sending.queue_message(settings, message("client@exemple.fr", "Devis"))
    with db.transaction() as conn:  # a sender that died after the final dot
        conn.execute("UPDATE messages SET state = 'transmitting', claimed_by = 'gone:1',"
                     " claimed_at = '2020-01-01T00:00:00+00:00' WHERE id = ?", (interrupted,))
        conn.execute("UPDATE recipients SET to_send = 2 WHERE message_id = ?", (interrupted,))
    assert sending.recover_interrupted(settings, check_sent=lambda a, m: None) == [interrupted]
    refused = sending.send_message(settings, message("compta@client.fr", "Facture"),
                                   save_to_sent=False, timeout=5)
    assert refused.error["code"] == "CONNECT_REFUSED"
    sending.process_queue(settings, now=datetime.now(UTC) + timedelta(days=3), timeout=5)
    with db.reading() as conn:
        rids = {row[0]: row[1] for row in conn.execute(
            "SELECT message_id, id FROM recipients WHERE message_id IN (?, ?)",
            (interrupted, refused.id))}
        stored = [r[0] for r in conn.execute("SELECT detail FROM events WHERE detail IS NOT "
                                             "NULL AND detail != 'recorded'")]
    assert any(d.startswith("Postier stopped while") for d in stored), stored  # as written
    assert any(d.startswith("gave up retrying; last answer: CONNECT_REFUSED") for d in stored)

    win = MainWindow(settings, db, live_tracking=False, lang="fr")
    win.resize(1280, 800)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.page.model.refreshed, timeout=10_000):
        win.show()
    # The system's words inside a failure (errno text) are data, like a server's reply.
    replies = sorted({m.group(1) for d in stored for m in [re.search(r"\((.*)\)$", d)] if m})
    data = [email, "Boulangerie Martin", "client@exemple.fr", "compta@client.fr", "Devis",
            "Facture", *replies]
    found: list[str] = []
    for rid, first_words in ((rids[interrupted], "Postier s'est arrêté pendant que le serveur"),
                             (rids[refused.id], "nouvelles tentatives abandonnées ; dernière "
                                                "réponse : Le serveur a refusé la connexion")):
        with qtbot.waitSignal(win.page.details.loaded, timeout=10_000):
            win.page.select_recipient(rid)
        panel = win.page.details
        timeline = panel.browser.toPlainText()
        assert first_words in timeline, timeline
        assert "Postier stopped" not in timeline and "gave up" not in timeline, timeline
        found += _english_in([panel._detail(e) for e in panel.details.selected.events], data)
        found += _english_in(_window_texts(win), data)
    model = win.page.model
    tips = [model.data(model.index(r, 0), Qt.ItemDataRole.ToolTipRole)
            for r in range(model.rowCount())]
    assert any(t.startswith("Postier s'est arrêté") for t in tips), tips
    found += _english_in(tips, data)

    win.tabs.setCurrentWidget(win.accounts)
    qtbot.waitUntil(lambda: win.accounts.table.rowCount() == 1, timeout=10_000)
    account_texts = _texts(win.accounts)
    account_texts += [win.accounts.table.item(0, c).text()
                      for c in range(win.accounts.table.columnCount())
                      if win.accounts.table.item(0, c) is not None]
    assert any("Le serveur a refusé la connexion" in t for t in account_texts), account_texts
    found += _english_in(account_texts, data)
    assert not found, "English in the French interface:\n" + "\n".join(found)
