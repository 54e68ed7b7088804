import keyring
import pytest
from keyring.backends import fail

from app.services.credentials import CredentialStore, backend_problem
from app.services.errors import PostierError


def test_secret_roundtrip_in_keyring_only(postier_env) -> None:
    store = CredentialStore()
    store.set("jean@exemple.fr", "s3cret")
    assert store.get("JEAN@exemple.fr") == "s3cret"
    assert store.delete("jean@exemple.fr") is True
    assert store.get("jean@exemple.fr") is None
    assert store.delete("jean@exemple.fr") is False


def test_no_secure_backend_is_a_clear_error_not_a_plain_file() -> None:
    keyring.set_keyring(fail.Keyring())
    assert "no secure keyring backend" in (backend_problem() or "")
    with pytest.raises(PostierError) as err:
        CredentialStore().set("jean@exemple.fr", "s3cret")
    assert err.value.code == "KEYRING_UNAVAILABLE"
    assert "fail" in (err.value.reply or "")
