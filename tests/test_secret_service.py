"""Postier against a REAL Secret Service (issue 15, item 6): gnome-keyring-daemon on a private
session bus with a throwaway login keyring (tests/support/secret_service.py), keyring chosen
by keyring itself as on a desktop (no PYTHON_KEYRING_BACKEND).

- add / use / remove an account through the CLI: the password lives in the login keyring,
  is used to send, and is gone after removal;
- a locked collection: KEYRING_LOCKED (exit 2, nothing stored), and the wizard says how to
  unlock it, in English and French;
- no Secret Service at all: KEYRING_UNAVAILABLE (exit 2, nothing stored).

The rest of the suite keeps the faster file keyring (conftest). These tests need
gnome-keyring-daemon and dbus-run-session (scripts/bootstrap.sh installs them) and the rig:
missing → skip locally, fail under CI=true.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import require_tool
from tests.support.secret_service import SecretService

ROOT = Path(__file__).resolve().parents[1]
CAROL = "carol@example.test"


def _service(tmp_path: Path, with_daemon: bool) -> Iterator[SecretService]:
    require_tool("dbus-run-session")
    if with_daemon:
        require_tool("gnome-keyring-daemon")
    service = SecretService(tmp_path / "secret-service", with_daemon=with_daemon).start()
    try:
        yield service
    finally:
        service.stop()


@pytest.fixture
def secret_service(tmp_path: Path) -> Iterator[SecretService]:
    yield from _service(tmp_path, True)


@pytest.fixture
def no_secret_service(tmp_path: Path) -> Iterator[SecretService]:
    yield from _service(tmp_path, False)


def postier(service: SecretService, *args: str, **extra: str) -> tuple[int, dict]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    env.update(service.env)
    env.pop("PYTHON_KEYRING_BACKEND", None)  # keyring picks the backend, as on a desktop
    env.update(extra)
    out = subprocess.run([sys.executable, "-m", "app.cli", *args, "--json"], env=env,
                         capture_output=True, text=True, timeout=120, cwd=ROOT, check=False)
    assert "Traceback" not in out.stdout + out.stderr, out.stderr
    return out.returncode, json.loads(out.stdout)


def add_carol(service: SecretService, rig) -> tuple[int, dict]:  # noqa: ANN001
    imap, smtp = rig.imaps, rig.submission
    return postier(service, "account", "add", CAROL, "--password-env", "PW",
                   "--imap", f"{imap.host}:{imap.port}:{imap.security}",
                   "--smtp", f"{smtp.host}:{smtp.port}:{smtp.security}", "--timeout", "20",
                   PW="secret", POSTIER_CA_FILE=str(rig.ca_file))


def test_add_use_remove_an_account_with_the_real_secret_service(
        rig, secret_service: SecretService) -> None:  # noqa: ANN001
    code, added = add_carol(secret_service, rig)
    assert code == 0 and added["stored"], added
    [item] = secret_service.items()
    assert item["attributes"]["service"] == "Postier" and item["secret"] == "secret"
    assert (secret_service.data / "keyrings" / "login.keyring").exists()  # the throwaway one

    code, sent = postier(secret_service, "send", "--from", CAROL, "--to", "bob@example.test",
                         "--subject", "Secret Service", "--body", "Bonjour",
                         POSTIER_CA_FILE=str(rig.ca_file))
    assert code == 0 and sent["status"] == "sent", sent  # logged in with the stored password

    code, removed = postier(secret_service, "account", "remove", CAROL)
    assert code == 0 and removed["removed"] is True
    assert secret_service.items() == []


def test_locked_collection_is_keyring_locked_and_nothing_is_stored(
        rig, secret_service: SecretService) -> None:  # noqa: ANN001
    secret_service.lock()
    code, doc = add_carol(secret_service, rig)
    assert code == 2 and doc["error"]["code"] == "KEYRING_LOCKED", doc
    assert doc["stored"] is False
    code, listed = postier(secret_service, "account", "list")
    assert code == 0 and listed == []


def test_no_secret_service_is_keyring_unavailable_and_nothing_is_stored(
        rig, no_secret_service: SecretService) -> None:  # noqa: ANN001
    code, doc = add_carol(no_secret_service, rig)
    assert code == 2 and doc["error"]["code"] == "KEYRING_UNAVAILABLE", doc
    code, listed = postier(no_secret_service, "account", "list")
    assert code == 0 and listed == []


@pytest.mark.parametrize("language,words", [
    ("en", ["locked", "Unlock", "Passwords and Keys", "Login"]),
    ("fr", ["verrouillé", "Déverrouillez", "Mots de passe et clés", "Connexion"]),
])
def test_the_wizard_says_how_to_unlock_a_locked_keyring(
        qtbot, secret_service: SecretService, monkeypatch: pytest.MonkeyPatch,
        language: str, words: list[str]) -> None:
    import keyring
    from keyring.backends import SecretService as SecretServiceBackend

    from app.services.config import Settings
    from app.services.setup.endpoint import Endpoint
    from app.services.storage import AccountStore, open_database
    from tests.ui.wizard_driver import make_wizard

    for key, value in secret_service.env.items():
        monkeypatch.setenv(key, value)
    keyring.set_keyring(SecretServiceBackend.Keyring())  # conftest's file keyring replaced
    secret_service.lock()
    settings = Settings.from_env()
    wizard = make_wizard(qtbot, settings, language=language)
    state = wizard.state
    state.email, state.password = CAROL, "secret"
    state.imap = Endpoint("127.0.0.1", 993, "ssl")
    state.smtp = Endpoint("127.0.0.1", 465, "ssl")
    state.check_passed = True  # the account check passed: now it is saved
    page = wizard.signature_page
    assert page.validatePage() is False  # saving runs off the GUI thread
    qtbot.waitUntil(lambda: not page._saving, timeout=20000)
    text = page.save_error.text()
    for word in words:
        assert word in text, text
    assert AccountStore(open_database(settings.db_path)).list() == []  # nothing half-saved
