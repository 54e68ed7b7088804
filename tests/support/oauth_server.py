"""A local OAuth2 authorization server on loopback, for tests without the internet.

Speaks enough of RFC 6749 / 7636 (PKCE S256, verified) / 8628 (device code) / 7009
(revocation) / 7662 (introspection, used by Dovecot's oauth2 passdb) to exercise
Postier's real client code. Routes are matched by suffix so one server can stand in
for Microsoft (``/<tenant>/oauth2/v2.0/token``) and Google (``/google/token``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def fake_id_token(email: str) -> str:
    return ".".join([_b64(b'{"alg":"none"}'), _b64(json.dumps({"email": email}).encode()),
                     "sig"])


# What Entra ID / Google really answer in each situation (error, error_description), so a
# test can put the local authority in that situation by name.
ENTRA_ANSWERS: dict[str, tuple[str, str]] = {
    "admin_consent": ("invalid_grant", "AADSTS65001: The user or administrator has not "
                      "consented to use the application with ID 'postier-test-client' named "
                      "'Postier'. Send an interactive authorization request for this user "
                      "and resource."),
    "admin_consent_90094": ("access_denied", "AADSTS90094: The grant requires admin "
                            "permission."),
    "user_declined": ("access_denied", "AADSTS65004: User declined to consent to access "
                      "the app."),
    "conditional_access": ("invalid_grant", "AADSTS53003: Access has been blocked by "
                           "Conditional Access policies. The access policy does not allow "
                           "token issuance."),
    "app_disabled": ("unauthorized_client", "AADSTS7000112: Application 'postier-test-"
                     "client'(Postier) is disabled."),
    "not_in_tenant": ("invalid_grant", "AADSTS50020: User account 'olivia@example.test' "
                      "from identity provider 'live.com' does not exist in tenant "
                      "'Contoso' and cannot access the application."),
    "refresh_expired": ("invalid_grant", "AADSTS700082: The refresh token has expired due "
                        "to inactivity."),
    "google_invalid_grant": ("invalid_grant", "Token has been expired or revoked."),
    "clock_skew": ("invalid_client", "AADSTS700024: Client assertion is not within its "
                   "valid time range."),
    "device_expired": ("expired_token", "AADSTS70020: The provided value for the input "
                       "parameter 'device_code' is not valid. Device codes expire after 15 "
                       "minutes."),
    "device_declined": ("authorization_declined", "AADSTS70000: The user declined the "
                        "sign-in request."),
}


@dataclass
class AuthState:
    approve_as: str = "alice@example.test"
    authorize_error: tuple[str, str] | None = None  # (error, error_description)
    token_error: tuple[str, str] | None = None
    access_ttl: int = 3600
    device_pending_polls: int = 1
    device_result: tuple[str, str] | None = None  # error to give once pending is over
    device_interval: float = 0  # seconds between polls the client is told to keep
    codes: dict[str, dict] = field(default_factory=dict)
    access: dict[str, tuple[str, float]] = field(default_factory=dict)  # token → (email, exp)
    refresh: dict[str, str] = field(default_factory=dict)  # token → email
    revoked: set[str] = field(default_factory=set)
    devices: dict[str, dict] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    # email → text a mail server shows when it refuses that mailbox (IMAP/SMTP turned off);
    # handed to Dovecot in the introspection answer (see tests/support/oauth_rig.py)
    refusals: dict[str, str] = field(default_factory=dict)
    refreshed_with: list[str] = field(default_factory=list)  # refresh tokens presented
    token_chars: int = 0  # > 0: tokens this long, like Microsoft's (1-3 kB JWTs)

    def issue(self, email: str) -> dict:
        access = self._token("at-")
        refresh = self._token("rt-")
        self.access[access] = (email, time.time() + self.access_ttl)
        self.refresh[refresh] = email
        return {"access_token": access, "refresh_token": refresh, "token_type": "Bearer",
                "expires_in": self.access_ttl, "id_token": fake_id_token(email)}

    def _token(self, prefix: str) -> str:
        token = prefix + secrets.token_urlsafe(16)
        while len(token) < self.token_chars:
            token += secrets.token_urlsafe(48)
        return token[:max(self.token_chars, len(prefix) + 16)] if self.token_chars else token

    def token_valid(self, token: str) -> str | None:
        email, expires = self.access.get(token, (None, 0.0))
        if email is None or token in self.revoked or time.time() > expires:
            return None
        return email


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    # -- plumbing --------------------------------------------------------
    def _json(self, status: int, doc: dict) -> None:
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        return {k: v[0] for k, v in parse_qs(raw).items()}

    def log_message(self, *args: object) -> None:
        pass

    # -- routes ----------------------------------------------------------
    def do_GET(self) -> None:
        st = self.server.state
        url = urlparse(self.path)
        st.requests.append(f"GET {url.path}")
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path.endswith("/authorize"):
            return self._authorize(query)
        if url.path.endswith("/introspect"):
            token = query.get("token") or self.headers.get("Authorization", "")[7:]
            return self._introspect(token)
        self._json(404, {"error": "not_found"})

    def do_POST(self) -> None:
        st = self.server.state
        path = urlparse(self.path).path
        st.requests.append(f"POST {path}")
        form = self._form()
        if path.endswith("/token"):
            return self._token(form)
        if path.endswith(("/devicecode", "/device/code")):
            return self._device(form)
        if path.endswith("/revoke"):
            st.revoked.add(form.get("token", ""))
            st.refresh.pop(form.get("token", ""), None)
            return self._json(200, {})
        if path.endswith("/introspect"):
            token = form.get("token") or self.headers.get("Authorization", "")[7:]
            return self._introspect(token)
        self._json(404, {"error": "not_found"})

    def _authorize(self, q: dict[str, str]) -> None:
        st = self.server.state
        redirect = q.get("redirect_uri", "")
        params: dict[str, str] = {"state": q.get("state", "")}
        if st.authorize_error:
            params.update(error=st.authorize_error[0], error_description=st.authorize_error[1])
        elif q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            params.update(error="invalid_request", error_description="PKCE S256 required")
        else:
            code = secrets.token_urlsafe(16)
            st.codes[code] = {"challenge": q["code_challenge"], "redirect_uri": redirect,
                              "client_id": q.get("client_id"), "email": st.approve_as}
            params["code"] = code
        self.send_response(302)
        self.send_header("Location", f"{redirect}?{urlencode(params)}")
        self.end_headers()

    def _token(self, form: dict[str, str]) -> None:
        st = self.server.state
        if st.token_error:
            return self._json(400, {"error": st.token_error[0],
                                    "error_description": st.token_error[1]})
        grant = form.get("grant_type")
        if grant == "authorization_code":
            entry = st.codes.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "")
            challenge = _b64(hashlib.sha256(verifier.encode()).digest())
            if (entry is None or entry["challenge"] != challenge
                    or entry["redirect_uri"] != form.get("redirect_uri")):
                return self._json(400, {"error": "invalid_grant",
                                        "error_description": "bad code, verifier or redirect"})
            return self._json(200, st.issue(entry["email"]))
        if grant == "refresh_token":
            token = form.get("refresh_token", "")
            st.refreshed_with.append(token)
            email = st.refresh.get(token)
            if email is None or token in st.revoked:
                return self._json(400, {"error": "invalid_grant", "error_description":
                                        "AADSTS700082: The refresh token has expired or "
                                        "was revoked."})
            doc = st.issue(email)
            return self._json(200, doc)
        if grant == "urn:ietf:params:oauth:grant-type:device_code":
            device = st.devices.get(form.get("device_code", ""))
            if device is None:
                return self._json(400, {"error": "expired_token"})
            if device["polls"] < st.device_pending_polls:
                device["polls"] += 1
                return self._json(400, {"error": "authorization_pending"})
            if st.device_result:
                return self._json(400, {"error": st.device_result[0],
                                        "error_description": st.device_result[1]})
            return self._json(200, st.issue(st.approve_as))
        self._json(400, {"error": "unsupported_grant_type"})

    def _device(self, form: dict[str, str]) -> None:
        st = self.server.state
        device_code = secrets.token_urlsafe(16)
        st.devices[device_code] = {"polls": 0, "client_id": form.get("client_id")}
        host, port = self.server.server_address[:2]
        self._json(200, {"device_code": device_code, "user_code": "ABCD-EFGH",
                         "verification_uri": f"http://{host}:{port}/device",
                         "expires_in": 600, "interval": st.device_interval,
                         "message": "Open the page and enter ABCD-EFGH"})

    def _introspect(self, token: str) -> None:
        email = self.server.state.token_valid(token.strip())
        if email is None:
            return self._json(200, {"active": False})
        self._json(200, {"active": True, "username": email, "email": email,
                         "scope": "https://mail.google.com/",
                         "postier_refusal": self.server.state.refusals.get(email, "")})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: AuthState


class LocalAuthServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.httpd = _Server((host, 0), _Handler)
        self.httpd.state = AuthState()
        self.host, self.port = self.httpd.server_address[:2]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def state(self) -> AuthState:
        return self.httpd.state

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def introspection_url(self) -> str:
        return f"{self.base_url}/introspect"

    def env(self) -> dict[str, str]:
        """Settings that point Postier's OAuth client at this server."""
        return {"POSTIER_MS_CLIENT_ID": "postier-test-client",
                "POSTIER_OAUTH_MICROSOFT_AUTHORITY": f"{self.base_url}/tenant-1",
                "POSTIER_GOOGLE_CLIENT_ID": "postier-google-test",
                "POSTIER_GOOGLE_CLIENT_SECRET": "not-secret",
                "POSTIER_OAUTH_GOOGLE_BASE": f"{self.base_url}/google"}

    def start(self) -> LocalAuthServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def follow_like_a_browser(url: str) -> None:
    """What the user's browser does: open the authorization URL, follow the redirect
    to Postier's loopback listener."""
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(url, timeout=10)
    except urllib.error.HTTPError as exc:  # 302 surfaces as an HTTPError without redirects
        location = exc.headers["Location"]
        urllib.request.urlopen(location, timeout=10).read()


def browser_in_background(url: str) -> None:
    """An ``open_browser`` for the sign-in flows: a real browser returns at once and loads
    the page on its own, so the redirect is followed on another thread."""
    import threading

    threading.Thread(target=follow_like_a_browser, args=(url,), daemon=True).start()
