"""The one OAuth2 sign-in sequence (setup/sign_in.py) against the local authorization
server: what this installation offers, who the provider says signed in, and the refusal
of another address where the caller asks for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.services.config import Settings
from app.services.errors import PostierError
from app.services.setup.sign_in import sign_in, sign_in_offer
from tests.support.oauth_server import AuthState, LocalAuthServer, browser_in_background

EMAIL = "marie@contoso.example"


@pytest.fixture
def configured(auth_server: LocalAuthServer,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalAuthServer]:
    for key, value in auth_server.env().items():
        monkeypatch.setenv(key, value)
    yield auth_server


def test_nothing_offered_without_a_registration(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("POSTIER_MS_CLIENT_ID", "POSTIER_GOOGLE_CLIENT_ID"):
        monkeypatch.delenv(key, raising=False)
    offer = sign_in_offer(Settings.from_env(), "office365")
    assert not offer.available and not offer.device_code
    assert offer.error is not None and offer.error.code == "OAUTH_NOT_CONFIGURED"


def test_offer_says_how(configured: LocalAuthServer) -> None:
    settings = Settings.from_env()
    microsoft = sign_in_offer(settings, "office365")
    assert microsoft.available and microsoft.device_code and microsoft.error is None
    google = sign_in_offer(settings, "gmail")
    assert google.available and not google.device_code  # Google: browser only for mail


def test_browser_sign_in_names_who_signed_in(configured: LocalAuthServer) -> None:
    configured.httpd.state = AuthState(approve_as=EMAIL)
    signed = sign_in(Settings.from_env(), EMAIL, "office365",
                     open_browser=browser_in_background, timeout=30)
    assert signed.signed_in_as == EMAIL and not signed.wrong_account
    assert signed.tokens.access_token and signed.require_address() is signed.tokens
    assert not signed.signed_in_other_than(EMAIL.upper())


def test_another_address_signed_in_is_told_and_refused_on_demand(
        configured: LocalAuthServer) -> None:
    configured.httpd.state = AuthState(approve_as="boss@contoso.example")
    codes: list[str] = []
    signed = sign_in(Settings.from_env(), EMAIL, "office365", device=True,
                     on_code=lambda code: codes.append(code.user_code), timeout=30)
    assert codes and codes[0]  # the code is handed over before the wait
    assert signed.signed_in_as == "boss@contoso.example" and signed.wrong_account
    assert not signed.signed_in_other_than("boss@contoso.example")
    with pytest.raises(PostierError) as err:
        signed.require_address()
    assert err.value.code == "OAUTH_WRONG_ACCOUNT"
