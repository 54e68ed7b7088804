import json
from pathlib import Path

import pytest

from app.services.config import Settings
from app.services.credentials import CredentialStore
from app.services.errors import PostierError
from app.services.mail.auth import Credential
from app.services.setup import accounts
from app.services.setup.endpoint import Endpoint

IMAP = Endpoint("imap.exemple.fr", 993, "ssl")
SMTP = Endpoint("smtp.exemple.fr", 465, "ssl")


def _save(settings: Settings, email: str = "jean@exemple.fr") -> None:
    accounts.save_account(settings, email=email, credential=Credential(email, "pw-1234"),
                          imap=IMAP, smtp=SMTP, display_name="Jean")


def test_save_puts_secret_in_keyring_and_nowhere_else(postier_env: Path) -> None:
    settings = Settings.from_env()
    _save(settings)
    assert CredentialStore().get("jean@exemple.fr") == "pw-1234"
    listed = accounts.list_accounts(settings)
    assert [a["email"] for a in listed] == ["jean@exemple.fr"]
    assert "pw-1234" not in json.dumps(listed)
    for path in postier_env.iterdir():  # the database file, WAL and SHM
        assert b"pw-1234" not in path.read_bytes()


def test_duplicate_account_is_refused_and_keeps_first_secret(postier_env: Path) -> None:
    settings = Settings.from_env()
    _save(settings)
    with pytest.raises(PostierError) as err:
        accounts.save_account(settings, email="JEAN@exemple.fr",
                              credential=Credential("jean@exemple.fr", "other"),
                              imap=IMAP, smtp=SMTP)
    assert err.value.code == "ACCOUNT_EXISTS"
    assert CredentialStore().get("jean@exemple.fr") == "pw-1234"


def test_keyring_failure_stores_nothing(postier_env: Path) -> None:
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    settings = Settings.from_env()
    with pytest.raises(PostierError) as err:
        _save(settings)
    assert err.value.code == "KEYRING_UNAVAILABLE"
    assert accounts.list_accounts(settings) == []


def test_database_failure_removes_the_secret_again(postier_env: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings.from_env()
    from app.services.storage import AccountStore, StorageError

    def broken_add(self, account, *images):  # noqa: ANN001,ANN002
        raise StorageError("DATABASE_ERROR", "disk full")

    monkeypatch.setattr(AccountStore, "add", broken_add)
    with pytest.raises(PostierError) as err:
        _save(settings)
    assert err.value.code == "DATABASE_ERROR"
    assert CredentialStore().get("jean@exemple.fr") is None


def test_remove_deletes_row_and_keyring_entries(postier_env: Path) -> None:
    settings = Settings.from_env()
    _save(settings)
    CredentialStore().set("jean@exemple.fr", "refresh", "oauth2_refresh")
    assert accounts.remove_account(settings, "jean@exemple.fr") is True
    assert accounts.list_accounts(settings) == []
    assert CredentialStore().get("jean@exemple.fr") is None
    assert CredentialStore().get("jean@exemple.fr", "oauth2_refresh") is None
    assert accounts.remove_account(settings, "jean@exemple.fr") is False
