"""Testing an account again (setup/retest.py) on the real rig: the saved credential and
servers are used, the outcome is recorded on the account, and a test that cannot run is
a failed test with its reason, not an exception."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.config import Settings
from app.services.credentials import CredentialStore
from app.services.mail.auth import Credential
from app.services.setup import accounts
from app.services.setup.retest import check_settings, retest_account, stored_endpoints

pytestmark = pytest.mark.rig
EMAIL = "carol@example.test"


@pytest.fixture
def settings(rig, postier_env: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:  # noqa: ANN001
    monkeypatch.setenv("POSTIER_CA_FILE", str(rig.ca_file))
    settings = Settings.from_env()
    accounts.save_account(settings, email=EMAIL, credential=Credential(EMAIL, rig.users[EMAIL]),
                          imap=rig.imaps, smtp=rig.submission)
    return settings


def _stored(settings: Settings) -> accounts.Account:
    return accounts.require_account(settings, EMAIL)


def test_retest_passes_then_fails_and_records_both(rig, settings: Settings) -> None:  # noqa: ANN001
    account = _stored(settings)
    assert stored_endpoints(account) == (rig.imaps, rig.submission)
    passed = retest_account(settings, account, timeout=20)
    assert passed.ok and passed.check is not None and passed.error is None
    assert _stored(settings).last_check_ok == 1 and _stored(settings).last_check_at
    CredentialStore().set(EMAIL, "not-the-password", "password")
    failed = retest_account(settings, account, timeout=20)
    assert not failed.ok and failed.check is not None and failed.check.error is not None
    assert failed.check.error.code == "AUTH_FAILED"
    assert _stored(settings).last_check_ok == 0


def test_retest_without_a_saved_password_is_a_failed_test(settings: Settings) -> None:
    CredentialStore().delete_all(EMAIL)
    outcome = retest_account(settings, _stored(settings), timeout=20)
    assert not outcome.ok and outcome.check is None
    assert outcome.error is not None and outcome.error.code == "AUTH_FAILED"
    assert _stored(settings).last_check_ok == 0


def test_wizard_check_uses_the_stored_password_when_none_is_typed(
        rig, settings: Settings) -> None:  # noqa: ANN001
    stored = _stored(settings)
    kept = check_settings(settings, EMAIL, None, stored=stored, imap=rig.imaps,
                          smtp=rig.submission, timeout=20)
    assert kept.ok
    typed = check_settings(settings, EMAIL, Credential(EMAIL, "wrong"), stored=stored,
                           imap=rig.imaps, smtp=rig.submission, timeout=20)
    assert not typed.ok and typed.error is not None and typed.error.code == "AUTH_FAILED"
