"""End to end on the real rig (Postfix + Dovecot + fake remote MX): compose and send from the
main window, the rows appear, Postfix's bounce comes back through IMAP to the tracker, the
row turns red, the details show the server's diagnostic, and a resend to a corrected
address goes out linked to the failed row."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.services.config import Settings
from app.services.mail.auth import Credential
from app.services.setup import accounts
from app.services.storage import open_database
from app.ui.messages_model import FAILED_BACKGROUND, StatusRole

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
pytestmark = pytest.mark.rig

# Bob: no other test sends from him (Zoé has an accented password, which the IMAP
# watcher cannot log in with yet: LOGIN is sent as ASCII).
SENDER = "bob@example.test"


@pytest.fixture()
def rig_window(qtbot, rig, postier_env: Path, monkeypatch: pytest.MonkeyPatch):
    from app.ui.main_window import MainWindow

    monkeypatch.setenv("POSTIER_CA_FILE", str(rig.ca_file))
    settings = Settings.from_env()
    accounts.save_account(settings, email=SENDER,
                          credential=Credential(SENDER, rig.users[SENDER]),
                          imap=rig.imaps, smtp=rig.submission, display_name="Bob")
    db = open_database(settings.db_path)
    # Bounces are also notified by e-mail to the account itself.
    from app.services.tracking import notify_rules

    notify_rules.save_rules(db, {"bounce": {"in_app", "desktop", "email"}})
    win = MainWindow(settings, db, live_tracking=True, lang="en")
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.page.model.refreshed, timeout=10_000):
        win.show()
    yield win, settings, db
    win.close()  # stops the IMAP watcher


def _row_status(win, address: str) -> str | None:
    model = win.page.model
    for r in range(model.rowCount()):
        row = model.row_at(r)
        if row is not None and row.recipient == address:
            return row.status
    return None


def test_send_bounce_turns_red_details_and_resend(qtbot, rig, rig_window) -> None:
    from app.services.tracking import notify_rules
    from app.ui.compose_dialog import ComposeDialog, ResendDialog

    win, settings, db = rig_window
    noon = datetime.now().astimezone().replace(hour=12, minute=0)  # outside quiet hours
    dialog = ComposeDialog(settings, db, win.accounts.accounts, win, clock=lambda: noon)
    qtbot.addWidget(dialog)
    dialog.to_field.setText("nobody@remote.test, ok@remote.test")
    dialog.subject.setText("Devis 2026-042")
    dialog.editor.setPlainText("Bonjour,\nvoici le devis.")
    with qtbot.waitSignal(dialog.sent, timeout=30_000):
        dialog.send()
    # The rows appear…
    qtbot.waitUntil(lambda: win.page.model.rowCount() >= 2, timeout=10_000)
    assert _row_status(win, "ok@remote.test") in ("sent", "delivered")
    win.refresh_action.trigger()  # F5 restarts the mailbox watcher: it must pick up from there
    # …the fake MX refuses nobody@ (550 5.1.1): Postfix bounces to Zoé's mailbox, the
    # IMAP watcher ingests it and the live table turns that row into a hard bounce.
    qtbot.waitUntil(lambda: _row_status(win, "nobody@remote.test") == "hard_bounce",
                    timeout=60_000)
    model = win.page.model
    row = next(r for r in range(model.rowCount())
               if model.row_at(r).recipient == "nobody@remote.test")
    assert model.data(model.index(row, 0), StatusRole) == "hard_bounce"
    assert model.data(model.index(row, 2), Qt.ItemDataRole.BackgroundRole).color().name() \
        == FAILED_BACKGROUND
    assert "1 hard bounce" in win.page.counters.summary()
    rid = model.row_at(row).recipient_id
    # The bounce is in the notification history and went out by e-mail to Bob.
    qtbot.waitUntil(lambda: any(n.title == "Not delivered to nobody@remote.test"
                                for n in notify_rules.history(db)), timeout=10_000)
    qtbot.waitUntil(lambda: "Notifications (" in win.tabs.tabText(2), timeout=10_000)
    qtbot.waitUntil(lambda: _row_status(win, SENDER) in ("sent", "delivered"), timeout=20_000)
    with db.reading() as conn:
        note = conn.execute("SELECT subject, is_test FROM messages WHERE subject LIKE "
                            "'[Postier]%'").fetchone()
    assert note["subject"] == "[Postier] Not delivered to nobody@remote.test"
    assert note["is_test"] == 1
    with qtbot.waitSignal(win.page.details.loaded, timeout=10_000):
        win.page.select_recipient(rid)
    text = win.page.details.browser.toPlainText()
    assert "5.1.1" in text and "The address does not exist" in text
    assert win.page.details.resend_button.isEnabled()

    # Resend to the corrected address: it leaves, linked to the failed row.
    resend = ResendDialog(settings, db, win.page.details.details, win, clock=lambda: noon)
    qtbot.addWidget(resend)
    assert resend.address.text() == "nobody@remote.test"
    resend.address.setText("somebody@remote.test")
    with qtbot.waitSignal(resend.sent, timeout=30_000):
        resend.send()
    assert resend.result_info.status == "sent"
    qtbot.waitUntil(lambda: _row_status(win, "somebody@remote.test") in ("sent", "delivered"),
                    timeout=10_000)
    with db.reading() as conn:
        linked = conn.execute("SELECT resend_of FROM messages m JOIN recipients r ON "
                              "r.message_id = m.id WHERE r.address = 'somebody@remote.test'"
                              ).fetchone()
    assert linked["resend_of"] == rid
    # Postfix relays to the fake MX on its own time: wait for that very message.
    qtbot.waitUntil(lambda: any("somebody@remote.test" in m.rcpt_tos
                                for m in rig.fake_mx.messages), timeout=30_000)
    with qtbot.waitSignal(win.page.details.loaded, timeout=10_000):
        win.page.select_recipient(rid)
        win.page.details.show_recipient(rid)
    assert "somebody@remote.test" in win.page.details.browser.toPlainText()


def test_retest_account_ok_then_wrong_password(qtbot, rig_window) -> None:
    from app.services.credentials import CredentialStore

    win, _, _ = rig_window
    view = win.accounts
    view.select(SENDER)
    with qtbot.waitSignal(view.accountsChanged, timeout=40_000):
        view.test_button.click()
    assert "works" in view.status.text()
    assert view.table.item(0, 4).text() == "OK"
    CredentialStore().set(SENDER, "not-the-password")
    view.select(SENDER)
    with qtbot.waitSignal(view.accountsChanged, timeout=40_000):
        view.test_button.click()
    assert "does not work" in view.status.text() and "password" in view.status.text()
    assert view.table.item(0, 4).text() == "Failed"


def test_send_test_to_myself_keeps_composer_open(qtbot, rig, rig_window) -> None:
    from app.ui.compose_dialog import ComposeDialog

    win, settings, db = rig_window
    dialog = ComposeDialog(settings, db, win.accounts.accounts, win)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.subject.setText("Essai signature")
    dialog.editor.setPlainText("Ceci est un essai.")
    with qtbot.waitSignal(dialog.sent, timeout=30_000):
        dialog.send_test()
    assert dialog.isVisible()  # a test does not close the draft
    assert dialog.result_info.status == "sent"
    # The window's mailbox watcher may already have read Postfix's success DSN for it.
    assert dialog.error_label.text() in ("Test message: Sent", "Test message: Delivered")
    with db.reading() as conn:
        row = conn.execute("SELECT m.is_test, m.subject, r.address FROM messages m JOIN "
                           "recipients r ON r.message_id = m.id").fetchone()
    assert (row["is_test"], row["subject"], row["address"]) == (1, "[Test] Essai signature",
                                                                SENDER)


def test_scheduled_message_waits_then_outbox_sends_it(qtbot, rig, rig_window) -> None:
    from PySide6.QtCore import QDateTime

    from app.ui.compose_dialog import ComposeDialog

    win, settings, db = rig_window
    dialog = ComposeDialog(settings, db, win.accounts.accounts, win)
    qtbot.addWidget(dialog)
    dialog.to_field.setText("later@remote.test")
    dialog.subject.setText("Programmé")
    dialog.editor.setPlainText("Bonjour")
    dialog.ignore_quiet.setChecked(True)  # whatever the hour the suite runs at
    dialog.schedule_check.setChecked(True)
    leaves_at = QDateTime.currentDateTime().addSecs(3)
    dialog.schedule_at.setDateTime(leaves_at)
    assert "will leave at" in dialog.quiet_note.text()
    with qtbot.waitSignal(dialog.sent, timeout=30_000):
        dialog.send()
    assert dialog.result_info.status == "queued"
    qtbot.waitUntil(lambda: _row_status(win, "later@remote.test") == "queued", timeout=10_000)
    lane = win.background.lane(SENDER)
    passes = lane.done.count("outbox")
    win.process_queue()  # not due yet: nothing leaves
    qtbot.waitUntil(lambda: not lane.busy and lane.done.count("outbox") > passes,
                    timeout=30_000)  # that outbox pass is over…
    with db.reading() as conn:  # …and left the message in the queue
        state = conn.execute("SELECT state FROM messages WHERE id = ?",
                             (dialog.result_info.id,)).fetchone()[0]
    assert state == "queued"
    assert _row_status(win, "later@remote.test") == "queued"
    # Until the time it was scheduled for (the dialog keeps whole minutes or seconds).
    due = dialog.schedule_at.dateTime() if dialog.schedule_at.dateTime() > leaves_at \
        else leaves_at
    qtbot.waitUntil(lambda: QDateTime.currentDateTime() > due, timeout=70_000)
    win.process_queue()  # the window's outbox timer does this every 30 s
    qtbot.waitUntil(lambda: _row_status(win, "later@remote.test") in ("sent", "delivered"),
                    timeout=30_000)
    qtbot.waitUntil(lambda: any("later@remote.test" in m.rcpt_tos
                                for m in rig.fake_mx.messages), timeout=30_000)
