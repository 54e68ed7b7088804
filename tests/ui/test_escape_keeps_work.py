"""Escape never throws typed work away: the wizard asks before discarding a typed address
and password; Compose keeps the message as a draft in the database, which comes back in
the next Compose — also after a restart (a new database connection) — and goes once sent."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt

from app.services.config import Settings
from app.services.storage import AccountStore, open_database
from app.ui.compose_dialog import DRAFT_KEY, ComposeDialog
from app.ui.wizard.step_page import PAGE_ADDRESS

from .wizard_driver import (
    choose_own_server,
    click,
    fill_address,
    make_wizard,
    offline_settings,
)


def _escape(qtbot, widget) -> None:
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow, timeout=2000)
    qtbot.keyClick(widget.focusWidget() or widget, Qt.Key.Key_Escape)


def test_wizard_asks_before_discarding_a_typed_address(qtbot, postier_env: Path) -> None:
    wizard = make_wizard(qtbot, offline_settings(postier_env))
    choose_own_server(qtbot, wizard)
    fill_address(qtbot, wizard, "marie@dupont.example", "MotDePasse-42")
    _escape(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.discard_box is not None and wizard.discard_box.isVisible(),
                    timeout=2000)
    assert wizard.isVisible()
    click(qtbot, wizard.keep_button)  # "Keep setting up": nothing lost
    qtbot.waitUntil(lambda: not wizard.discard_box.isVisible(), timeout=2000)
    assert wizard.isVisible() and wizard.currentId() == PAGE_ADDRESS
    assert wizard.address_page.email.text() == "marie@dupont.example"
    assert wizard.address_page.password.text() == "MotDePasse-42"
    _escape(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.discard_box.isVisible(), timeout=2000)
    click(qtbot, wizard.discard_button)
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=2000)


def test_wizard_with_nothing_typed_closes_at_once(qtbot, postier_env: Path) -> None:
    wizard = make_wizard(qtbot, offline_settings(postier_env))
    _escape(qtbot, wizard)
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=2000)
    assert wizard.discard_box is None


def _compose(qtbot, settings: Settings):
    db = open_database(settings.db_path)  # a fresh connection, as after a restart
    dialog = ComposeDialog(settings, db, AccountStore(db).list())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog, db


def test_compose_keeps_a_draft_across_a_restart(qtbot, postier_env: Path) -> None:
    from tests.support import sent_messages as sm

    settings = Settings.from_env()
    sm.demo(open_database(settings.db_path))
    dialog, db = _compose(qtbot, settings)
    assert not dialog.draft_row.isVisible()
    qtbot.keyClicks(dialog.to_field, "client@exemple.fr")
    qtbot.keyClicks(dialog.subject, "Devis 12")
    qtbot.keyClicks(dialog.editor, "Bonjour, voici le devis")  # (QTest types ASCII only)
    dialog.editor.insertPlainText(" détaillé.")
    _escape(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
    stored = json.loads(db.get_setting(DRAFT_KEY))
    assert stored["to"] == "client@exemple.fr" and stored["subject"] == "Devis 12"
    assert not {"password", "token"} & set(stored)

    again, db2 = _compose(qtbot, settings)
    assert again.draft_row.isVisible()
    assert again.to_field.text() == "client@exemple.fr"
    assert again.subject.text() == "Devis 12"
    assert "voici le devis détaillé" in again.editor.toPlainText()
    click(qtbot, again.discard_draft_button)
    assert not again.has_content() and not db2.get_setting(DRAFT_KEY)
    again.reject()
    third, _db3 = _compose(qtbot, settings)
    assert not third.has_content() and not third.draft_row.isVisible()
    third.reject()


def test_compose_saves_the_draft_while_typing(qtbot, postier_env: Path) -> None:
    from tests.support import sent_messages as sm

    settings = Settings.from_env()
    sm.demo(open_database(settings.db_path))
    dialog, db = _compose(qtbot, settings)
    qtbot.keyClicks(dialog.subject, "Facture")
    # A crash now must not lose it: saved a moment after the last key.
    qtbot.waitUntil(lambda: "Facture" in (db.get_setting(DRAFT_KEY) or ""), timeout=5000)
    dialog.reject()
