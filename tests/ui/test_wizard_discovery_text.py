"""What the address page says about discovery, in both languages: each probe of the
progress list names its host and port (never "usual server names: found" seven times),
the result says only what was found and from where (a provider's name only for its own
servers, "guessed" for the usual names), and a sign-in that is not set up here speaks to
a small business, not about environment variables. Against a loopback DNS server and
scripted IMAP/SMTP servers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.services.config import Settings
from app.ui.i18n import install_translator
from tests.support.dns_server import LocalDNS

from .wizard_driver import (
    all_visible_text,
    choose_own_server,
    click,
    click_next,
    dead_port,
    fill_address,
    make_wizard,
    offline_settings,
)

DOMAIN = "dupont-guess.example"


@pytest.fixture(params=["en", "fr"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    install_translator(qapp, request.param)
    yield request.param
    install_translator(qapp, "en")


@pytest.fixture()
def guessable(bad_servers, postier_env: Path) -> Iterator[tuple[Settings, int, int]]:
    """A domain with only imap./smtp. names (no MX, no autoconfig): the usual names work."""
    imap, smtp = bad_servers.imaps(), bad_servers.smtps()
    dns = LocalDNS(f"imap.{DOMAIN}. 300 IN A 127.0.0.1\nsmtp.{DOMAIN}. 300 IN A 127.0.0.1")
    dns.start()
    ports = f"{imap.port},{dead_port()},{smtp.port},{dead_port()}"
    settings = Settings(home=postier_env, ispdb_url=f"http://127.0.0.1:{dead_port()}/",
                        dns_server=(dns.host, dns.port), ca_file=bad_servers.ca_file,
                        autoconfig_scheme="http",
                        extra={"POSTIER_GUESS_PORTS": ports,
                               "POSTIER_AUTOCONFIG_PORT": str(dead_port())})
    try:
        yield settings, imap.port, smtp.port
    finally:
        dns.stop()


def _discover(qtbot, wizard, email: str) -> None:
    page = wizard.address_page
    fill_address(qtbot, wizard, email, "pw")
    page.email.editingFinished.emit()
    qtbot.waitUntil(lambda: not page._discovering, timeout=30000)


def test_progress_names_each_probe_with_host_and_port(qtbot, guessable, language: str) -> None:
    settings, imap_port, smtp_port = guessable
    wizard = make_wizard(qtbot, settings, language=language)
    choose_own_server(qtbot, wizard)
    _discover(qtbot, wizard, f"marie@{DOMAIN}")
    page = wizard.address_page
    lines = [page.progress.item(i).text() for i in range(page.progress.count())]
    assert f"IMAP imap.{DOMAIN}:{imap_port} (SSL/TLS)" in "\n".join(lines), lines
    assert f"SMTP smtp.{DOMAIN}:{smtp_port} (SSL/TLS)" in "\n".join(lines), lines
    guesses = [line for line in lines if line.startswith(page.source_name("guess"))]
    assert len(guesses) > 2 and len(set(guesses)) == len(guesses), lines  # none alike


def test_guessed_servers_are_called_guessed_not_microsoft(qtbot, guessable,
                                                          language: str) -> None:
    settings, imap_port, _smtp_port = guessable
    wizard = make_wizard(qtbot, settings, language=language)
    click(qtbot, wizard.start_page.office)  # the user thinks it is Microsoft 365
    click_next(qtbot, wizard)
    _discover(qtbot, wizard, f"marie@{DOMAIN}")
    status = wizard.address_page.status.text()
    assert f"imap.{DOMAIN}:{imap_port}" in status  # what was found…
    if language == "en":
        assert "guessed" in status and "usual server names" in status  # …and from where
        assert "Settings of Microsoft 365" not in status
        assert "These are not Microsoft 365's servers" in status
    else:
        assert "devinés" in status and "noms de serveur habituels" in status
        assert "Réglages de Microsoft 365" not in status
        assert "Ce ne sont pas les serveurs de Microsoft 365" in status


@pytest.mark.parametrize("provider", ["office", "gmail"])
def test_sign_in_not_set_up_talks_to_a_small_business(qtbot, language: str, provider: str,
                                                      postier_env: Path) -> None:
    wizard = make_wizard(qtbot, offline_settings(postier_env), language=language)
    click(qtbot, getattr(wizard.start_page, provider))
    click_next(qtbot, wizard)
    text = all_visible_text(wizard)
    intro = wizard.address_page.oauth_intro.text()
    assert "POSTIER_" not in text and "variable" not in text.lower()
    # Who can set it up: the IT support (or whoever installed Postier), named by the hint.
    assert "not set up in this installation" in intro if language == "en" \
        else "pas configurée dans cette installation" in intro
    assert ("IT support" in text) if language == "en" else ("support" in text)
    assert wizard.address_page.password.isVisible()  # the password way stays open
