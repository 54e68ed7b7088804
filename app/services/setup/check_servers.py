"""One server's account check, step by step, in a thread of its own: resolve → connect →
tls → greeting → starttls → login → the protocol's proof.

``ServerCheck`` owns what both servers do alike: each step timed and reported as it ends
(``CheckRun.add``, check_run.py), a failure ending the server's check with its stable code
and the server's reply scrubbed of the secret, the connection and its TLS. The socket
opened here is watched by ``CheckRun`` so that the supervisor (connection_check.py) can cut
it at the deadline or on cancel. When TLS fails, mail/tls_probes.py names the cause (a TLS
port behind a STARTTLS setting, a server too old) and fetches a refused certificate for the
trust dialog; a certificate the user pinned is retried once, trusted by its fingerprint.
What each protocol says (greeting, STARTTLS, login, the proof) is check_protocols.py's.
"""
from __future__ import annotations

import logging
import select
import socket
import ssl
import time
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

from app.services.config import Settings
from app.services.errors import PostierError
from app.services.mail import tls_probes
from app.services.mail.auth import Credential
from app.services.mail.failures import connect_first, network_error, printable, resolve_host
from app.services.mail.tls import (
    TlsInfo,
    certificate_sha256,
    client_context,
    describe_certificate,
    handshake,
    normalize_fingerprint,
    tls_info,
)
from app.services.redaction import scrub
from app.services.setup.check_report import CERT_CODES, Step
from app.services.setup.check_run import CheckRun
from app.services.setup.endpoint import Endpoint

log = logging.getLogger(__name__)
# A STARTTLS client on an implicit-TLS port (993/465) waits for a greeting while the
# server waits for our TLS hello. After this much silence we try a TLS handshake on a
# second connection: if it works, the security setting is wrong, said at once instead of
# at the deadline. Real servers greet within milliseconds; a slow one only costs the probe.
_GREETING_GRACE = 2.0
_TLS_PROBE_TIMEOUT = 2.0
_T = TypeVar("_T")
_USUAL_PORTS = {"imap": (993, 143), "smtp": (465, 587)}


class _Stop(Exception):
    """Raised by a checker to end its server's check after a failed step."""


class ServerCheck:
    server = ""

    def __init__(self, run: CheckRun, endpoint: Endpoint, email: str, credential: Credential,
                 settings: Settings, pin: str | None) -> None:
        self.run = run
        self.endpoint = endpoint
        self.email = email
        self.credential = credential
        self.settings = settings
        self.pin = normalize_fingerprint(pin) if pin else None
        self.pinned = False  # set when the pin, not the CA, vouches for the certificate
        self.tls: TlsInfo | None = None
        self.error: PostierError | None = None
        self.certificate: dict[str, Any] | None = None
        self.effective = endpoint
        self.completed = False
        self.t_start = self.t_end = 0.0  # wall-clock span of this server's check
        self._step_name = ""
        self._t0 = 0.0

    # -- step bookkeeping --------------------------------------------------
    def begin(self, name: str) -> None:
        if self.run.cancel.is_set():
            raise PostierError("CANCELLED")
        self._step_name = name
        self.run.current[self.server] = name
        self._t0 = time.monotonic()

    def ok(self, detail: str = "") -> None:
        self.run.add(Step(self.server, self._step_name, True, self._ms(),
                          self._scrub(printable(detail)) or ""))

    def _scrub(self, text: str | None) -> str | None:
        """Some servers answer a refused login with the command they got (AUTH PLAIN
        <base64>, LOGIN user "password"): the secret never goes further than this, not to
        the wizard's "server answered" line, the diagnostics, the CLI or a log."""
        if text is None:
            return None
        return scrub(text, self.credential.secret, self.credential.username)

    def fail(self, err: PostierError) -> NoReturn:
        # A connection cut by our own deadline/cancel, or a read timeout that smtplib
        # reports as "disconnected", is not the server's protocol error.
        late = time.monotonic() >= self.run.deadline - 0.05
        if self.run.aborted or (late and err.code == "PROTOCOL_ERROR"):
            err = PostierError("CANCELLED" if self.run.cancel.is_set() else "TIMEOUT",
                               reply=f"no answer during {self._step_name}")
        if err.code == "TIMEOUT" and self._step_name == "greeting" \
                and self.endpoint.security != "ssl":
            # Silence before the greeting is what a STARTTLS client meets on an implicit-TLS
            # port (993/465): the server waits for a TLS hello that never comes.
            err = PostierError("TIMEOUT", reply=err.reply, variant="no_greeting",
                               params={"usual": _USUAL_PORTS[self.server][0]})
        err.server = self.server
        err.reply, err.message = self._scrub(err.reply), self._scrub(err.message) or ""
        self.error = err
        self.run.add(Step(self.server, self._step_name, False, self._ms(), err.message,
                          err.code, err.reply))
        raise _Stop

    def _ms(self) -> int:
        return int((time.monotonic() - self._t0) * 1000)

    # -- network -----------------------------------------------------------
    def resolve(self) -> list[str]:
        self.begin("resolve")
        try:
            addrs = resolve_host(self.endpoint.host, self.settings, self.run.remaining())
        except PostierError as exc:
            self.fail(exc)
        self.ok(", ".join(addrs))
        return addrs

    def connect(self, addrs: list[str]) -> socket.socket:
        self.begin("connect")
        try:
            sock = connect_first(addrs, self.endpoint.port, self.run.remaining())
        except PostierError as exc:
            self.fail(exc)
        self.run.watch(self.server, sock)
        self.ok(f"{sock.getpeername()[0]}:{self.endpoint.port}")
        return sock

    def context(self) -> ssl.SSLContext:
        return client_context(self.settings, pin=self.pin if self.pinned else None)

    def expect_greeting(self, sock: socket.socket) -> None:
        """Before reading a greeting in clear (STARTTLS/plain endpoints): when none comes
        within a short grace and the port speaks TLS from the start, fail at once with
        TLS_HANDSHAKE_FAILED and the right advice instead of waiting for the deadline."""
        if self.endpoint.security == "ssl":
            return
        grace = min(_GREETING_GRACE, self.run.remaining() / 2)
        try:
            readable, _, _ = select.select([sock], [], [], grace)
        except (OSError, ValueError):
            return  # closed under us (cancel/deadline): the read that follows reports it
        if readable or self.run.aborted:
            return
        version = self.tls_first(sock)
        if version is None:
            return  # not TLS either: keep waiting for the greeting until the deadline
        imp, starttls = _USUAL_PORTS[self.server]
        sock.close()
        self.fail(PostierError(
            "TLS_HANDSHAKE_FAILED", variant="implicit_tls_port",
            params={"port": self.endpoint.port, "usual": imp, "starttls": starttls},
            reply=f"no greeting within {grace:.1f} s; port {self.endpoint.port} completed "
                  f"a {version} handshake on a second connection"))

    def tls_first(self, sock: socket.socket) -> str | None:
        """TLS version a second connection to the same address negotiates (mail/tls_probes),
        or None when the port does not speak TLS first."""
        try:
            peer = sock.getpeername()[:2]
        except OSError:
            return None
        return tls_probes.tls_first(peer, self.endpoint.host,
                                    min(_TLS_PROBE_TIMEOUT, self.run.remaining()),
                                    self._probe_watch("tls-probe"))

    def _probe_watch(self, name: str) -> Callable[[socket.socket | None], None]:
        """A probe's connection, watched: cancel/deadline cut it too."""
        key = f"{self.server}:{name}"

        def watch(sock: socket.socket | None) -> None:
            if sock is None:
                self.run.unwatch(key)
            else:
                self.run.watch(key, sock)

        return watch

    def tls_handshake(self, sock: socket.socket) -> tuple[ssl.SSLSocket, str]:
        """TLS over ``sock`` (implicit or after STARTTLS): the TLS socket, now the one
        watched, and the step's detail. A failure ends the step with its code."""
        try:
            tls_sock = handshake(sock, self.endpoint.host, self.context(),
                                 self.pin if self.pinned else None)
            self.run.watch(self.server, tls_sock)
            self.tls = tls_info(tls_sock)
            return tls_sock, f"{self.tls.version} {self.tls.cipher}" + (
                " (pinned)" if self.pinned else "")
        except PostierError as exc:
            error = exc
        except (OSError, ValueError) as exc:
            error = self.handshake_error(exc)
        sock.close()  # a no-op once wrap_socket has taken the connection over
        self.fail(error)

    def no_starttls(self, reply: str) -> NoReturn:
        """The server offers no STARTTLS: a "plain" endpoint is refused (never a password in
        clear), a "starttls" one is misconfigured."""
        plain = self.endpoint.security == "plain"
        self.fail(PostierError("PLAINTEXT_REFUSED" if plain else "STARTTLS_UNSUPPORTED",
                               reply=reply))

    def upgraded(self, detail: str) -> None:
        """End the starttls step; a "plain" endpoint is kept as "starttls" from now on."""
        if self.endpoint.security == "plain":
            self.effective = Endpoint(self.endpoint.host, self.endpoint.port, "starttls")
            detail += " (upgraded: the server offers STARTTLS)"
        self.ok(detail)

    def implicit_tls(self, sock: socket.socket) -> socket.socket:
        if self.endpoint.security != "ssl":
            return sock
        self.begin("tls")
        tls_sock, detail = self.tls_handshake(sock)
        self.ok(detail)
        return tls_sock

    def handshake_error(self, exc: BaseException) -> PostierError:
        """Map a failed handshake; for a refused certificate, fetch it for the trust dialog
        and, if it is exactly the pinned one, ask for a pinned retry."""
        err = network_error(exc, "TLS handshake")
        if err.code == "TLS_HANDSHAKE_FAILED" and err.variant is None \
                and "WRONG_VERSION_NUMBER" not in str(exc):
            old = self.old_tls_version()
            if old:  # the server is too old, the port and security setting are right
                return PostierError("TLS_TOO_OLD", server=err.server,
                                    reply=f"{err.reply}; the server completes a {old} "
                                          f"handshake, nothing newer")
        if err.code in CERT_CODES and not self.pinned:
            der = self.fetch_certificate()
            if der:
                self.certificate = describe_certificate(der)
                if self.pin and certificate_sha256(der) == self.pin:
                    raise _RetryPinned
        return err

    def old_tls_version(self) -> str | None:
        """"TLSv1"/"TLSv1.1" when the server only completes an old handshake (mail/
        tls_probes), else None."""
        return self._side_probe(tls_probes.old_tls_version, _TLS_PROBE_TIMEOUT,
                                self._probe_watch("old-tls-probe"))

    def fetch_certificate(self) -> bytes | None:
        """The server's certificate, read over a connection never used to log in."""
        return self._side_probe(tls_probes.fetch_certificate, 5.0)

    def _side_probe(self, probe: Callable[..., _T | None], timeout: float,
                    *extra: Any) -> _T | None:
        """Run a mail/tls_probes probe on a connection of its own to the server's first
        address, within ``timeout`` and the check's deadline. A host that no longer
        resolves gives None: the probe only refines a failure already reported."""
        try:
            addrs = resolve_host(self.endpoint.host, self.settings, self.run.remaining())
        except PostierError:
            return None
        return probe(addrs[0], self.endpoint.port, self.endpoint.host, self.server,
                     self.effective.security != "ssl", min(timeout, self.run.remaining()),
                     *extra)

    # -- driver ------------------------------------------------------------
    def run_check(self) -> None:
        self.t_start = time.monotonic()
        try:
            try:
                self.check()
            except _RetryPinned:
                self.pinned = True
                self.run.forget(self.server)  # the retry reports its own steps
                self.check()
        except _Stop:
            pass
        except PostierError as exc:  # raised outside a step (e.g. CANCELLED)
            exc.server = self.server
            self.error = exc
        except Exception as exc:  # never a traceback for the user: report it as a step
            log.debug("%s check crashed", self.server, exc_info=True)
            self.error = PostierError("PROTOCOL_ERROR", reply=f"{type(exc).__name__}: {exc}",
                                      server=self.server)
            self.run.add(Step(self.server, self._step_name or "connect", False, self._ms(),
                              self.error.message, self.error.code, self.error.reply))
        finally:
            self.run.unwatch(self.server)
            self.t_end = time.monotonic()
            self.run.finished.release()

    def check(self) -> None:
        """resolve → connect → tls → greeting → starttls → login → the protocol's proof."""
        session = self.greeting(self.implicit_tls(self.connect(self.resolve())))
        try:
            self.starttls(session)
            self.login(session)
            self.prove(session)
            self.completed = True
        finally:
            self.close(session)

    def greeting(self, sock: socket.socket) -> Any:
        """The greeting step, alike for both protocols: the server speaks first, within the
        deadline, and the session is opened on what it said."""
        self.begin("greeting")
        self.expect_greeting(sock)
        sock.settimeout(self.run.remaining())
        try:
            session, said = self.greet(sock)
        except PostierError as exc:
            self.fail(exc)
        self.ok(said)
        return session

    # -- per protocol (session: mail.imap_session / mail.smtp_session over our socket) --
    def greet(self, sock: socket.socket) -> tuple[Any, str]:
        """Read the greeting over ``sock``: the protocol's session and the greeting said."""
        raise NotImplementedError

    def starttls(self, session: Any) -> None:
        raise NotImplementedError

    def login(self, session: Any) -> None:
        raise NotImplementedError

    def prove(self, session: Any) -> None:
        """The step that proves the account usable (IMAP: select INBOX; SMTP: MAIL FROM)."""
        raise NotImplementedError

    def close(self, session: Any) -> None:
        raise NotImplementedError


class _RetryPinned(Exception):
    """The refused certificate is the pinned one: connect again trusting the pin."""
