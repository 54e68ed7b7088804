"""The browser sign-in: authorization code + PKCE with a loopback redirect (RFC 8252).

Owns ``sign_in_browser()``: the provider's page opens in the system browser and Postier
listens on ``http://127.0.0.1:<random port>/`` for the redirect that carries the code (or
the refusal), checks its ``state``, and exchanges the code for tokens.
"""

from __future__ import annotations

import logging
import secrets
import sys
import threading
import time
import webbrowser
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from app.services.errors import PostierError
from app.services.mail.oauth.client import TokenSet, session, to_tokens, token_request
from app.services.mail.oauth.providers import ProviderConfig
from app.services.mail.oauth.refusals import map_oauth_error
from app.services.translation import gettext

log = logging.getLogger(__name__)

_DONE_PAGE = ("<html><body style='font-family:sans-serif'><h2>Postier</h2>"
              "<p>{text}</p></body></html>")


class _RedirectHandler(BaseHTTPRequestHandler):
    server: _LoopbackServer

    def do_GET(self) -> None:
        query = parse_qs(urlparse(self.path).query)
        if "code" not in query and "error" not in query:
            self.send_response(404)
            self.end_headers()
            return
        self.server.result = {k: v[0] for k, v in query.items()}
        ok = "code" in query
        # In Postier's language (the browser's page is part of the sign-in it started).
        body = _DONE_PAGE.format(text=gettext("Signed in: you can go back to Postier.") if ok else
                                 gettext("Sign-in stopped.")).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class _LoopbackServer(HTTPServer):
    result: dict[str, str] | None = None

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that goes away mid-answer is no error of ours: never a traceback on
        # the CLI's stderr (socketserver prints one by default).
        log.debug("loopback redirect: the browser went away (%s)", sys.exc_info()[1])


def sign_in_browser(cfg: ProviderConfig, *, login_hint: str | None = None,
                    open_browser: Callable[[str], Any] = webbrowser.open,
                    cancel: threading.Event | None = None, timeout: float = 300.0) -> TokenSet:
    """Open the provider's page in the system browser and wait for the loopback redirect."""
    server = _LoopbackServer(("127.0.0.1", 0), _RedirectHandler)
    server.timeout = 0.2
    redirect_uri = f"http://127.0.0.1:{server.server_address[1]}/"
    client = session(cfg, redirect_uri)
    # RFC 7636 §4.1: 43 to 128 unreserved characters; these are 64.
    verifier = secrets.token_urlsafe(48)
    state = secrets.token_urlsafe(24)
    extra = {"login_hint": login_hint} if login_hint else {}
    if cfg.provider == "google":
        extra["access_type"] = "offline"  # Google sends a refresh token only when asked
        extra["prompt"] = "consent"
    url, _ = client.create_authorization_url(cfg.authorize_url, state=state,
                                             code_verifier=verifier, **extra)
    # The browser is started on its own thread: a BROWSER command that waits until its
    # page is loaded (lynx, w3m, a script) would otherwise wait for a listener that only
    # starts answering once it returns.
    threading.Thread(target=_open_quietly, args=(open_browser, url), daemon=True,
                     name="oauth-browser").start()
    try:
        result = _wait_for_redirect(server, cancel, timeout)
    finally:
        server.server_close()
    if result.get("state") != state:  # a redirect we did not ask for: refuse it
        raise PostierError("OAUTH_FAILED", reply="state mismatch in the redirect")
    if "error" in result:
        raise map_oauth_error(result.get("error"), result.get("error_description"), cfg)
    raw = token_request(lambda: client.fetch_token(
        cfg.token_url, code=result["code"], code_verifier=verifier,
        redirect_uri=redirect_uri), cfg)
    return to_tokens(raw)


def _open_quietly(open_browser: Callable[[str], Any], url: str) -> None:
    try:
        open_browser(url)
    except Exception as exc:  # noqa: BLE001 - the user can still open the URL by hand
        log.warning("could not start a web browser: %s", exc)


def _wait_for_redirect(server: _LoopbackServer, cancel: threading.Event | None,
                       timeout: float) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    while server.result is None:
        if cancel is not None and cancel.is_set():
            raise PostierError("OAUTH_CANCELLED")
        if time.monotonic() > deadline:
            raise PostierError("TIMEOUT", "Nobody finished the sign-in in the browser in time.")
        server.handle_request()
    return server.result


def authorization_query(url: str) -> dict[str, str]:
    """Query parameters of an authorization URL (tests and diagnostics use it)."""
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
