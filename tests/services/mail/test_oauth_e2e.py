"""OAuth2 end to end on real servers: local authorization server → Postier's browser flow
(the test plays the browser and hits the loopback redirect) → Dovecot's oauth2 passdb
(token introspection) for IMAP and Postfix SASL through it for SMTP. The OAuth mailbox
cannot sign in with a password at all (tests/support/oauth_rig.py)."""

from __future__ import annotations

import imaplib
import json
import ssl
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.services.config import Settings
from app.services.credentials import CredentialStore
from app.services.errors import PostierError, message_for
from app.services.mail import oauth
from app.services.mail.auth import Credential, oauthbearer_string
from app.services.outbox import sending
from app.services.setup import accounts, connection_check
from app.services.storage import AccountStore, Database
from app.services.tracking import watcher as tracking
from tests.support.oauth_rig import (
    GMAIL_IMAP_OFF,
    MS_SMTP_OFF,
    OAUTH_USER,
    OAUTH_USER_PASSWORD,
    OAuthRig,
)
from tests.support.oauth_server import AuthState, LocalAuthServer, follow_like_a_browser
from tests.support.track import track_until

EMAIL = OAUTH_USER


# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def fresh_auth_state(auth: LocalAuthServer) -> None:
    """Each test starts with a fresh authorization server (no tokens, no errors)."""
    auth.httpd.state = AuthState(approve_as=EMAIL)


@pytest.fixture
def settings(oauth_rig: OAuthRig, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for key, value in oauth_rig.env().items():
        monkeypatch.setenv(key, value)
    return Settings.from_env()


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
class Browser:
    """The user's browser: opens the authorization URL, follows the provider's redirect to
    Postier's loopback listener. Returns at once, as webbrowser.open does."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def __call__(self, url: str) -> None:
        self.urls.append(url)
        threading.Thread(target=self._load, args=(url,), daemon=True).start()

    @staticmethod
    def _load(url: str) -> None:
        try:
            follow_like_a_browser(url)
        except OSError:
            pass  # a page that fails to load in the browser: the test checks the outcome


def sign_in(settings: Settings, provider: str = "office365",
            browser: Browser | None = None) -> oauth.TokenSet:
    cfg = oauth.provider_config(provider, settings)
    return oauth.sign_in_browser(cfg, login_hint=EMAIL, open_browser=browser or Browser(),
                                 timeout=20)


def set_up_account(settings: Settings, oauth_rig: OAuthRig, provider: str = "office365"
                   ) -> tuple[oauth.TokenSet, connection_check.CheckResult]:
    """What the wizard does: sign in, check with the token, store the account."""
    tokens = sign_in(settings, provider)
    credential = Credential(EMAIL, tokens.access_token, "oauth2")
    check = connection_check.check_account(EMAIL, credential, settings, imap=oauth_rig.rig.imaps,
                                           smtp=oauth_rig.rig.submission, timeout=15)
    assert check.ok, check.to_dict()
    accounts.save_account(settings, email=EMAIL, credential=credential, imap=check.incoming,
                          smtp=check.outgoing, provider=provider, oauth_tokens=tokens,
                          display_name="Olivia")
    return tokens, check


def send(settings: Settings, to: list[str], subject: str = "Bonjour") -> sending.SendResult:
    msg = sending.OutgoingMessage(account_email=EMAIL, to=to, subject=subject,
                                  text="Bonjour, ceci est un essai.")
    return sending.send_message(settings, msg, timeout=15)


def account(settings: Settings) -> Any:
    return AccountStore(Database(settings.db_path)).require(EMAIL)


def keyring_entries(home: Path) -> dict[str, str]:
    path = home.parent / "keyring.json"
    return json.loads(path.read_text()) if path.exists() else {}


def database_bytes(settings: Settings) -> bytes:
    """The SQLite file and its WAL: where a token must never appear."""
    return b"".join(p.read_bytes() for p in settings.home.glob("postier.sqlite3*"))


def delivered(oauth_rig: OAuthRig, mailbox: str, subject: str, timeout: float = 10.0) -> bool:
    """Whether a message with this subject reached the mailbox (the rig is shared by the
    module's tests: older messages are there too)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(subject.encode() in p.read_bytes() for p in oauth_rig.rig.maildir_messages(mailbox)):
            return True
        time.sleep(0.05)
    return False


def postfix_sasl_methods(oauth_rig: OAuthRig) -> set[str]:
    return {part.split("=", 1)[1].strip(",") for line in oauth_rig.rig.postfix_log().splitlines()
            if f"sasl_username={EMAIL}" in line
            for part in line.split() if part.startswith("sasl_method=")}


# ---------------------------------------------------------------------------
# The happy path: check, send, track with XOAUTH2 only
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("provider", ["office365", "gmail"])
def test_oauth_account_checks_sends_and_tracks_with_xoauth2_only(
        settings: Settings, oauth_rig: OAuthRig, auth: LocalAuthServer, provider: str) -> None:
    browser = Browser()
    tokens = sign_in(settings, provider, browser)
    query = oauth.authorization_query(browser.urls[0])
    assert query["redirect_uri"].startswith("http://127.0.0.1:")  # RFC 8252 loopback
    assert query["code_challenge_method"] == "S256" and query["login_hint"] == EMAIL
    assert tokens.email == EMAIL

    credential = Credential(EMAIL, tokens.access_token, "oauth2")
    check = connection_check.check_account(EMAIL, credential, settings, imap=oauth_rig.rig.imaps,
                                           smtp=oauth_rig.rig.submission, timeout=15)
    assert check.ok, check.to_dict()
    logins = {s.server: s.detail for s in check.steps if s.step == "login"}
    assert logins["imap"].startswith("XOAUTH2") and "AUTH XOAUTH2" in logins["smtp"]
    accounts.save_account(settings, email=EMAIL, credential=credential, imap=check.incoming,
                          smtp=check.outgoing, provider=provider, oauth_tokens=tokens)

    # tokens: in the keyring, never in the database
    assert tokens.refresh_token and tokens.access_token
    stored = "\n".join(keyring_entries(settings.home).values())
    assert tokens.refresh_token in stored and tokens.access_token in stored
    db = database_bytes(settings)
    assert tokens.refresh_token.encode() not in db and tokens.access_token.encode() not in db

    result = send(settings, ["bob@example.test", "nobody@remote.test"], f"via {provider}")
    assert result.status == "sent", result.to_dict()
    assert delivered(oauth_rig, "bob@example.test", f"via {provider}")

    updates = track_until(settings, EMAIL,
                          lambda u: any(x["recipient"] == "nobody@remote.test"
                                        for x in u))
    assert {"id": result.id, "recipient": "nobody@remote.test",
            "status": "hard_bounce"} in updates

    # Only XOAUTH2 ever reached the servers for this mailbox.
    methods = {line.split("method=")[1].split(",")[0] for line in oauth_rig.logins()}
    assert methods == {"XOAUTH2"}
    assert postfix_sasl_methods(oauth_rig) == {"XOAUTH2"}


def test_microsoft_sized_tokens_through_a_windows_sized_keyring(
        settings: Settings, oauth_rig: OAuthRig, auth: LocalAuthServer) -> None:
    """2.5 kB tokens (Microsoft's are JWTs of that size) through a keyring that, like
    Windows Credential Manager, refuses values over 1280 characters, then XOAUTH2 on the
    real servers with the token read back from it."""
    import keyring

    from tests.services.mail.test_oauth import WindowsLikeKeyring

    keyring.set_keyring(WindowsLikeKeyring())
    auth.state.token_chars = 2500
    tokens, _ = set_up_account(settings, oauth_rig)
    assert len(tokens.access_token) == 2500 and len(tokens.refresh_token or "") == 2500
    assert max(len(v) for v in keyring_entries(settings.home).values()) <= 1280
    result = send(settings, ["bob@example.test"], "long token")
    assert result.status == "sent", result.to_dict()
    assert tracking.track(settings, EMAIL, once=True).errors == []
    assert accounts.remove_account(settings, EMAIL)
    assert keyring_entries(settings.home) == {}


def test_password_sign_in_is_refused_for_the_oauth_mailbox(settings: Settings,
                                                          oauth_rig: OAuthRig) -> None:
    """The rig's OAuth mailbox really is OAuth-only: its (right) password is refused on
    IMAP and SMTP alike, while password users still sign in."""
    check = connection_check.check_account(
        EMAIL, Credential(EMAIL, OAUTH_USER_PASSWORD), settings, imap=oauth_rig.rig.imaps,
        smtp=oauth_rig.rig.submission, timeout=15)
    assert not check.ok
    assert check.errors["imap"].code == "AUTH_FAILED"
    assert check.errors["smtp"].code == "AUTH_FAILED"
    other = connection_check.check_account(
        "alice@example.test", Credential("alice@example.test", "secret"), settings,
        imap=oauth_rig.rig.imaps, smtp=oauth_rig.rig.submission, timeout=15)
    assert other.ok


def test_oauthbearer_is_accepted_too(settings: Settings, oauth_rig: OAuthRig) -> None:
    """RFC 7628 OAUTHBEARER as built by auth.oauthbearer_string works on the real server."""
    tokens = sign_in(settings, "gmail")
    ctx = ssl.create_default_context(cafile=str(oauth_rig.rig.ca_file))
    imap = imaplib.IMAP4_SSL(oauth_rig.rig.imaps.host, oauth_rig.rig.imaps.port, ssl_context=ctx)
    assert "AUTH=OAUTHBEARER" in imap.capabilities
    initial = oauthbearer_string(EMAIL, tokens.access_token, oauth_rig.rig.imaps.host,
                                 oauth_rig.rig.imaps.port)
    typ, _ = imap.authenticate("OAUTHBEARER", lambda _c: initial.encode())
    assert typ == "OK"
    imap.logout()


def test_token_of_another_mailbox_is_refused(settings: Settings, oauth_rig: OAuthRig,
                                             auth: LocalAuthServer) -> None:
    """Signed in as someone else: the wizard warns (OAUTH_WRONG_ACCOUNT) and the server
    refuses the token for this mailbox anyway."""
    auth.state.approve_as = "alice@example.test"
    tokens = sign_in(settings)
    assert tokens.email == "alice@example.test"
    check = connection_check.check_account(
        EMAIL, Credential(EMAIL, tokens.access_token, "oauth2"), settings,
        imap=oauth_rig.rig.imaps, smtp=oauth_rig.rig.submission, timeout=15)
    assert check.errors["imap"].code == "AUTH_FAILED"
    assert check.errors["smtp"].code == "AUTH_FAILED"
    for error in check.errors.values():  # token words, not "check the password / Caps Lock"
        assert "Sign in again" in error.hint and "Caps Lock" not in error.hint


# ---------------------------------------------------------------------------
# Refresh, expiry, revocation
# ---------------------------------------------------------------------------
def test_expired_access_token_is_refreshed_and_kept_in_the_keyring_only(
        settings: Settings, oauth_rig: OAuthRig, auth: LocalAuthServer) -> None:
    auth.state.access_ttl = 1  # already inside the refresh margin when stored
    tokens, _ = set_up_account(settings, oauth_rig)
    auth.state.access_ttl = 3600
    deadline = time.monotonic() + 10  # the server says "expired" one second after issuing
    while auth.state.token_valid(tokens.access_token) is not None:
        assert time.monotonic() < deadline, "the access token never expired"
        time.sleep(0.05)

    result = send(settings, ["bob@example.test"], "after refresh")
    assert result.status == "sent", result.to_dict()
    assert auth.state.refreshed_with == [tokens.refresh_token]  # the stored one was used

    fresh = oauth.load_tokens(EMAIL, CredentialStore())
    assert fresh is not None and fresh.access_token != tokens.access_token
    assert auth.state.token_valid(fresh.access_token) == EMAIL
    assert fresh.access_token in "\n".join(keyring_entries(settings.home).values())
    assert fresh.access_token.encode() not in database_bytes(settings)

    # tracking uses the refreshed token without another refresh
    assert tracking.track(settings, EMAIL, once=True).errors == []
    assert len(auth.state.refreshed_with) == 1


def test_revoked_refresh_token_asks_to_sign_in_again_and_loses_nothing(
        settings: Settings, oauth_rig: OAuthRig, auth: LocalAuthServer) -> None:
    auth.state.access_ttl = 1
    tokens, _ = set_up_account(settings, oauth_rig)
    auth.state.access_ttl = 3600
    auth.state.revoked.add(tokens.refresh_token or "")  # e.g. password changed, admin revoked

    result = send(settings, ["bob@example.test"], "waits for a new sign-in")
    assert result.error is not None and result.error["code"] == "OAUTH_EXPIRED"
    assert result.status == "queued"  # kept in the outbox, not failed
    assert account(settings).needs_attention == 1
    assert account(settings).sync_error == "OAUTH_EXPIRED"
    message, _hint = message_for("OAUTH_EXPIRED", "fr")
    assert "reconnectez-vous" in message

    tracked = tracking.track(settings, EMAIL, once=True)
    assert [e["code"] for e in tracked.errors] == ["OAUTH_EXPIRED"]
    # nothing lost: account, tokens and the message are all still there
    assert CredentialStore().get(EMAIL, "oauth2_refresh") == tokens.refresh_token
    assert result.id in [r["id"] for r in sending_rows(settings)]

    browser = Browser()  # the "Sign in again" action
    renewed = accounts.sign_in_again(settings, EMAIL, open_browser=browser)
    assert renewed.needs_attention == 0 and account(settings).needs_attention == 0
    assert oauth.authorization_query(browser.urls[0])["login_hint"] == EMAIL
    later = datetime.now(UTC) + timedelta(hours=1)
    sent = sending.process_queue(settings, now=later, timeout=15)
    assert [(r.id, r.status) for r in sent] == [(result.id, "sent")]
    assert delivered(oauth_rig, "bob@example.test", "waits for a new sign-in")


def test_access_token_refused_before_expiry_is_refreshed_once(
        settings: Settings, oauth_rig: OAuthRig, auth: LocalAuthServer) -> None:
    """The provider killed the access token early (e.g. access removed then granted again):
    the server refuses it, Postier refreshes once and goes on, no password hint."""
    tokens, _ = set_up_account(settings, oauth_rig, "gmail")
    auth.state.revoked.add(tokens.access_token)
    result = send(settings, ["bob@example.test"], "after an early refusal")
    assert result.status == "sent", result.to_dict()
    assert auth.state.refreshed_with == [tokens.refresh_token]
    assert tracking.track(settings, EMAIL, once=True).errors == []
    assert len(auth.state.refreshed_with) == 1  # the new token is kept and reused
    assert account(settings).needs_attention == 0


def test_token_refused_even_after_refresh_asks_to_sign_in_again(
        settings: Settings, oauth_rig: OAuthRig, auth: LocalAuthServer) -> None:
    """A fresh token the mail server still refuses (here: the provider now answers for
    another user): the sign-in is no longer good for this mailbox. Sign in again, the
    message waits in the outbox, no "check your password"."""
    set_up_account(settings, oauth_rig)
    auth.state.access.clear()  # every access token the server knew is gone
    auth.state.approve_as = "alice@example.test"
    for refresh_token in auth.state.refresh:
        auth.state.refresh[refresh_token] = "alice@example.test"
    result = send(settings, ["bob@example.test"], "refused twice")
    assert result.error is not None and result.error["code"] == "OAUTH_EXPIRED"
    assert result.status == "queued"
    assert account(settings).needs_attention == 1
    tracked = tracking.track(settings, EMAIL, once=True)
    assert [e["code"] for e in tracked.errors] == ["OAUTH_EXPIRED"]


def sending_rows(settings: Settings) -> list[dict]:
    with Database(settings.db_path).reading() as conn:
        return [dict(r) for r in conn.execute("SELECT id, state FROM messages").fetchall()]


def test_sign_in_again_with_a_device_code(settings: Settings, oauth_rig: OAuthRig,
                                          auth: LocalAuthServer) -> None:
    """Support renews the sign-in over a screen share: a code instead of a browser here."""
    tokens, _ = set_up_account(settings, oauth_rig)
    auth.state.revoked.add(tokens.refresh_token or "")
    auth.state.access.clear()
    assert send(settings, ["bob@example.test"], "after the code").status == "queued"
    codes: list[oauth.DeviceCode] = []
    accounts.sign_in_again(settings, EMAIL, device=True, show_code=codes.append)
    assert [c.user_code for c in codes] == ["ABCD-EFGH"]
    assert account(settings).needs_attention == 0
    later = datetime.now(UTC) + timedelta(hours=1)
    assert [r.status for r in sending.process_queue(settings, now=later, timeout=15)] == ["sent"]


def test_renewing_with_another_address_is_refused(settings: Settings, oauth_rig: OAuthRig,
                                                  auth: LocalAuthServer) -> None:
    tokens, _ = set_up_account(settings, oauth_rig)
    auth.state.approve_as = "alice@example.test"
    other = sign_in(settings)
    with pytest.raises(PostierError) as err:
        accounts.renew_sign_in(settings, EMAIL, other)
    assert err.value.code == "OAUTH_WRONG_ACCOUNT"
    assert CredentialStore().get(EMAIL, "oauth2_refresh") == tokens.refresh_token


def test_removing_the_account_revokes_at_google_and_forgets_tokens(
        settings: Settings, oauth_rig: OAuthRig, auth: LocalAuthServer) -> None:
    tokens, _ = set_up_account(settings, oauth_rig, "gmail")
    assert accounts.remove_account(settings, EMAIL) is True
    assert tokens.refresh_token in auth.state.revoked
    assert not any(k.endswith((":oauth2_refresh", ":oauth2_access"))
                   for k in keyring_entries(settings.home))


# ---------------------------------------------------------------------------
# Provider refusals, in plain words
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("stage", ["authorize", "token"])
@pytest.mark.parametrize("aadsts", [
    "AADSTS65001: The user or administrator has not consented to use the application.",
    "AADSTS90094: The grant requires admin permission.",
])
def test_admin_consent_required_gives_the_link_for_the_administrator(
        settings: Settings, auth: LocalAuthServer, stage: str, aadsts: str) -> None:
    if stage == "authorize":
        auth.state.authorize_error = ("consent_required", aadsts)
    else:
        auth.state.token_error = ("invalid_grant", aadsts)
    with pytest.raises(PostierError) as err:
        sign_in(settings)
    assert err.value.code == "OAUTH_CONSENT_REQUIRED"
    assert err.value.message == "An administrator must approve Postier for your organisation."
    link = err.value.hint.splitlines()[-1]
    assert link.startswith(auth.base_url) and "adminconsent?client_id=postier-test-client" in link
    assert aadsts.split(":")[0] in (err.value.reply or "")
    assert oauth.load_tokens(EMAIL, CredentialStore()) is None


def test_user_cancelled_on_the_provider_page(settings: Settings, auth: LocalAuthServer) -> None:
    auth.state.authorize_error = ("access_denied", "AADSTS65004: User declined to consent")
    with pytest.raises(PostierError) as err:
        sign_in(settings)
    assert err.value.code == "OAUTH_DENIED"  # refused there, not cancelled in Postier


def test_user_cancelled_in_postier_while_the_browser_waits(settings: Settings) -> None:
    cfg = oauth.provider_config("gmail", settings)
    cancel = threading.Event()
    opened: list[str] = []
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(PostierError) as err:
        oauth.sign_in_browser(cfg, login_hint=EMAIL, open_browser=opened.append, cancel=cancel,
                              timeout=30)
    assert err.value.code == "OAUTH_CANCELLED" and time.monotonic() - started < 3
    # the loopback listener is gone: a late redirect finds nobody
    redirect = oauth.authorization_query(opened[0])["redirect_uri"]
    with pytest.raises(OSError):
        import urllib.request

        urllib.request.urlopen(redirect + "?code=late&state=x", timeout=2)


def test_wrong_tenant(settings: Settings, auth: LocalAuthServer) -> None:
    auth.state.authorize_error = (
        "invalid_request", ("AADSTS50020: User account 'olivia@example.test' from identity "
        "provider 'live.com' does not exist in tenant 'Contoso' and cannot access the "
        "application."))
    with pytest.raises(PostierError) as err:
        sign_in(settings)
    assert err.value.code == "OAUTH_WRONG_ACCOUNT"
    assert "AADSTS50020" in (err.value.reply or "")


def test_forged_redirect_is_refused(settings: Settings) -> None:
    """Someone else's redirect to our loopback port (wrong state) is not a sign-in."""
    def forge(redirect: str) -> None:
        import urllib.request

        try:
            urllib.request.urlopen(redirect + "?code=stolen&state=not-ours", timeout=5).read()
        except OSError:
            pass  # the listener may close as soon as it has read the request

    def forger(url: str) -> None:
        redirect = oauth.authorization_query(url)["redirect_uri"]
        threading.Thread(target=forge, args=(redirect,), daemon=True).start()

    with pytest.raises(PostierError) as err:
        oauth.sign_in_browser(oauth.provider_config("office365", settings),
                              open_browser=forger, timeout=20)
    assert err.value.code == "OAUTH_FAILED" and "state" in (err.value.reply or "")


# ---------------------------------------------------------------------------
# IMAP / SMTP turned off for the mailbox: the server's refusal, mapped
# ---------------------------------------------------------------------------
def test_imap_disabled_for_the_mailbox(settings: Settings, oauth_rig: OAuthRig) -> None:
    tokens = sign_in(settings, "gmail")
    oauth_rig.set_access(imap=False, refusal=GMAIL_IMAP_OFF)
    try:
        check = connection_check.check_account(
            EMAIL, Credential(EMAIL, tokens.access_token, "oauth2"), settings,
            imap=oauth_rig.rig.imaps, smtp=oauth_rig.rig.submission, timeout=15)
    finally:
        oauth_rig.set_access()
    assert check.errors["imap"].code == "IMAP_DISABLED"
    assert "not enabled for IMAP" in (check.errors["imap"].reply or "")
    assert "smtp" not in check.errors  # only IMAP is off


def test_imap_disabled_later_is_reported_by_tracking(settings: Settings,
                                                     oauth_rig: OAuthRig) -> None:
    set_up_account(settings, oauth_rig, "gmail")
    oauth_rig.set_access(imap=False, refusal=GMAIL_IMAP_OFF)
    try:
        tracked = tracking.track(settings, EMAIL, once=True)
    finally:
        oauth_rig.set_access()
    assert [e["code"] for e in tracked.errors] == ["IMAP_DISABLED"]
    assert account(settings).sync_error == "IMAP_DISABLED"


def test_smtp_disabled_for_the_mailbox(settings: Settings, oauth_rig: OAuthRig) -> None:
    tokens, _ = set_up_account(settings, oauth_rig)
    oauth_rig.set_access(smtp=False, refusal=MS_SMTP_OFF)
    try:
        check = connection_check.check_account(
            EMAIL, Credential(EMAIL, tokens.access_token, "oauth2"), settings,
            imap=oauth_rig.rig.imaps, smtp=oauth_rig.rig.submission, timeout=15)
        result = send(settings, ["bob@example.test"], "smtp is off")
    finally:
        oauth_rig.set_access()
    assert check.errors["smtp"].code == "SMTP_AUTH_DISABLED"
    assert "SmtpClientAuthentication is disabled" in (check.errors["smtp"].reply or "")
    assert "imap" not in check.errors
    assert result.status != "sent"
    assert result.error is not None and result.error["code"] == "SMTP_AUTH_DISABLED"

