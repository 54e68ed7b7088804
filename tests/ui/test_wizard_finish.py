"""The finish page says what became of the test e-mail — accepted, waiting for a retry, or
refused — with the server's own reply; a message still in the outbox is never "Sent!".
Against scripted SMTP servers on loopback (tests/support/misbehaving_server.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.ui.i18n import install_translator
from app.ui.wizard.step_page import PAGE_FINISH

from .wizard_driver import (
    click,
    click_next,
    make_wizard,
    offline_settings,
    run_to_test,
    wait_test_done,
)


@pytest.fixture(params=["en", "fr"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    install_translator(qapp, request.param)
    yield request.param
    install_translator(qapp, "en")


def _finish_with(qtbot, bad_servers, postier_env: Path, language: str, smtp):
    wizard = make_wizard(qtbot, offline_settings(postier_env, ca_file=bad_servers.ca_file),
                         language=language)
    run_to_test(qtbot, wizard, "marie@dupont.example", "pw",
                bad_servers.imaps().endpoint_as("ssl"), smtp.endpoint_as("ssl"))
    wait_test_done(qtbot, wizard)
    assert wizard.state.check_passed
    click_next(qtbot, wizard)
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_FINISH, timeout=5000)
    return wizard


def _send_test(qtbot, wizard) -> str:
    finish = wizard.finish_page
    click(qtbot, finish.send_button)
    qtbot.waitUntil(lambda: bool(finish.send_outcome), timeout=20000)
    return finish.send_status.text()


def test_a_temporary_refusal_is_said_to_wait_for_a_retry(qtbot, bad_servers, language: str,
                                                         postier_env: Path) -> None:
    smtp = bad_servers.smtps()
    wizard = _finish_with(qtbot, bad_servers, postier_env, language, smtp)
    smtp.mail_reply = "451 4.7.1 Greylisted, please try again later"  # after the account test
    text = _send_test(qtbot, wizard)
    assert wizard.finish_page.send_outcome == "queued"
    assert "451 4.7.1 Greylisted" in text  # the server's own words
    assert not text.startswith(("Sent", "Envoyé")) and "Sent!" not in text
    assert ("try again" in text) if language == "en" else ("réessaiera" in text)


def test_an_unreachable_server_is_queued_not_sent(qtbot, bad_servers, language: str,
                                                 postier_env: Path) -> None:
    smtp = bad_servers.smtps()
    wizard = _finish_with(qtbot, bad_servers, postier_env, language, smtp)
    from app.services.storage import AccountStore, Database

    from .wizard_driver import dead_port

    # The server went away after the account test: nobody answers on its port any more.
    AccountStore(Database(wizard.settings.db_path)).update_fields(
        "marie@dupont.example", smtp_port=dead_port())
    text = _send_test(qtbot, wizard)
    assert wizard.finish_page.send_outcome == "queued", text
    assert not text.startswith(("Sent", "Envoyé")) and "Sent!" not in text
    assert "refused" in text if language == "en" else "refus" in text


def test_a_permanent_refusal_says_not_sent_with_the_reply(qtbot, bad_servers, language: str,
                                                         postier_env: Path) -> None:
    smtp = bad_servers.smtps()
    wizard = _finish_with(qtbot, bad_servers, postier_env, language, smtp)
    smtp.mail_reply = "550 5.7.1 Sender address rejected: not owned by user"
    text = _send_test(qtbot, wizard)
    assert wizard.finish_page.send_outcome == "failed", text
    assert "550 5.7.1 Sender address rejected" in text
    assert text.startswith("Not sent" if language == "en" else "Non envoyé")
