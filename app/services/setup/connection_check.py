"""Prove that an account works: IMAP and SMTP, step by step, concurrently, with one deadline.

Each server is checked in its own thread (resolve → connect → tls → greeting → starttls →
login → select INBOX / MAIL FROM probe); every step is timed and reported as it finishes
(``progress``), every failure is mapped to a stable code of ../shared/CLI.md with the
server's raw reply. The calling thread supervises: at the deadline or on ``cancel`` it
shuts the sockets down, so a server that never answers cannot make a check hang.

Security: certificate verification is always on (``tls.client_context``); a pinned SHA-256
fingerprint is the only exception. A password is never sent before TLS: a ``plain``
endpoint is upgraded with STARTTLS when the server offers it, else refused
(PLAINTEXT_REFUSED). When a certificate is refused, its details are fetched over a second,
unverified connection that only reads the certificate (never logs in), for the trust
dialog.
"""

from __future__ import annotations

import logging
import select
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn

from app.services.config import Settings
from app.services.errors import ErrorInfo, InputError, PostierError
from app.services.mail.auth import Credential
from app.services.mail.failures import (
    connect_first,
    network_error,
    printable,
    refusal_code,
    resolve_host,
)
from app.services.mail.greeting import greet
from app.services.mail.imap_session import ImapSession
from app.services.mail.smtp_session import SmtpSession
from app.services.mail.tls import (
    TlsInfo,
    certificate_sha256,
    client_context,
    describe_certificate,
    handshake,
    legacy_probe_context,
    normalize_fingerprint,
    tls_info,
)
from app.services.redaction import scrub
from app.services.setup import discovery
from app.services.setup.discovery import parse_email
from app.services.setup.endpoint import Endpoint

log = logging.getLogger(__name__)

SERVERS = ("imap", "smtp")
_CERT_CODES = ("CERT_UNTRUSTED", "CERT_EXPIRED", "CERT_HOSTNAME_MISMATCH")
# Which failure to show first when both servers failed: the most specific, actionable one.
_PRIORITY = ("APP_PASSWORD_REQUIRED", "WEB_LOGIN_REQUIRED", "BASIC_AUTH_DISABLED",
             "IMAP_DISABLED", "SMTP_AUTH_DISABLED", "AUTH_FAILED", "AUTH_METHOD_UNSUPPORTED",
             "SENDER_REJECTED", "PLAINTEXT_REFUSED", "STARTTLS_UNSUPPORTED", "TLS_TOO_OLD",
             *_CERT_CODES, "TLS_HANDSHAKE_FAILED", "DNS_NOT_FOUND", "CONNECT_REFUSED",
             "NETWORK_UNREACHABLE", "TIMEOUT", "PROTOCOL_ERROR", "NOT_FOUND", "CANCELLED")
# A STARTTLS client on an implicit-TLS port (993/465) waits for a greeting while the
# server waits for our TLS hello. After this much silence we try a TLS handshake on a
# second connection: if it works, the security setting is wrong, said at once instead of
# at the deadline. Real servers greet within milliseconds; a slow one only costs the probe.
_GREETING_GRACE = 2.0
_TLS_PROBE_TIMEOUT = 2.0
_USUAL_PORTS = {"imap": (993, 143), "smtp": (465, 587)}


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------
@dataclass
class Step:
    server: str
    step: str
    ok: bool
    ms: int
    detail: str = ""
    code: str | None = None
    reply: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"server": self.server, "step": self.step, "ok": self.ok, "ms": self.ms,
                "detail": self.detail, "code": self.code, "reply": self.reply}


@dataclass
class CheckResult:
    ok: bool
    email: str
    incoming: Endpoint | None
    outgoing: Endpoint | None
    steps: list[Step] = field(default_factory=list)
    tls: dict[str, TlsInfo] = field(default_factory=dict)
    error: ErrorInfo | None = None
    # Details of a refused certificate per server (subject, issuer, validity, sha256, san),
    # for the trust dialog; read over a connection used for nothing else.
    certificates: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: dict[str, ErrorInfo] = field(default_factory=dict)  # per server
    server_ms: dict[str, int] = field(default_factory=dict)
    elapsed_ms: int = 0
    discovery: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "email": self.email,
            "incoming": self.incoming.to_dict() if self.incoming else None,
            "outgoing": self.outgoing.to_dict() if self.outgoing else None,
            "steps": [s.to_dict() for s in self.steps],
            "tls": {k: v.to_dict() for k, v in self.tls.items()},
            "error": self.error.to_dict() if self.error else None,
            # extras (CLI.md: keys may be added, never renamed)
            "certificates": {k: {**v, "san": list(v.get("san", ()))}
                             for k, v in self.certificates.items()},
            "errors": {k: v.to_dict() for k, v in self.errors.items()},
            "server_ms": dict(self.server_ms),
            "elapsed_ms": self.elapsed_ms,
            "discovery": self.discovery,
        }


class _Stop(Exception):
    """Raised by a checker to end its server's check after a failed step."""


# ---------------------------------------------------------------------------
# Shared state between the supervisor and the two checker threads
# ---------------------------------------------------------------------------
class _Run:
    def __init__(self, deadline: float, cancel: threading.Event | None,
                 progress: Callable[[Step], None] | None) -> None:
        self.deadline = deadline
        self.cancel = cancel or threading.Event()
        self.progress = progress
        self.lock = threading.Lock()
        self.steps: list[Step] = []
        self.closed = False  # set by the supervisor: late results are dropped
        self.socks: dict[str, socket.socket] = {}
        self.current: dict[str, str] = {}
        self.aborted = False
        self.finished = threading.Semaphore(0)  # released by each checker when it ends

    def remaining(self) -> float:
        return max(0.01, self.deadline - time.monotonic())

    def add(self, step: Step) -> None:
        with self.lock:
            if self.closed:
                return
            self.steps.append(step)
        if self.progress is not None:
            try:
                self.progress(step)
            except Exception:  # a broken UI callback must not break the check
                log.exception("progress callback failed")

    def forget(self, server: str) -> None:
        with self.lock:
            self.steps = [s for s in self.steps if s.server != server]

    def watch(self, server: str, sock: socket.socket) -> None:
        """Remember the socket a server's check currently reads from (re-called after
        each TLS wrap: the wrapped socket replaces the plain one)."""
        with self.lock:
            self.socks[server] = sock

    def unwatch(self, server: str) -> None:
        with self.lock:
            self.socks.pop(server, None)

    def abort_all(self) -> None:
        """Shut every watched connection down so blocked reads return at once."""
        with self.lock:
            self.aborted = True
            socks = list(self.socks.values())
            self.socks.clear()
        for sock in socks:
            if sock.fileno() < 0:  # already closed or detached by a TLS wrap
                continue
            try:
                socket.socket.shutdown(sock, socket.SHUT_RDWR)  # bypass SSLSocket's unwrap
            except OSError:
                pass


# ---------------------------------------------------------------------------
# Building blocks used by both protocols
# ---------------------------------------------------------------------------
class _Checker:
    server = ""

    def __init__(self, run: _Run, endpoint: Endpoint, email: str, credential: Credential,
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
        """TLS version negotiated by a handshake on a second connection to the same address
        (nothing sent after it, no certificate check: only "does this port speak TLS
        first?"), or None when it does not."""
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        key = f"{self.server}:tls-probe"  # watched: cancel/deadline cut it too
        try:
            peer = sock.getpeername()[:2]
            probe = socket.create_connection(
                peer, timeout=min(_TLS_PROBE_TIMEOUT, self.run.remaining()))
        except OSError:
            return None
        try:
            with ctx.wrap_socket(probe, server_hostname=self.endpoint.host,
                                 do_handshake_on_connect=False) as tls_sock:
                self.run.watch(key, tls_sock)  # the TLS socket: the wrap detached ``probe``
                tls_sock.do_handshake()
                return tls_sock.version() or "TLS"
        except (OSError, ValueError):
            return None
        finally:
            self.run.unwatch(key)
            probe.close()  # a no-op once wrapped

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
        if err.code in _CERT_CODES and not self.pinned:
            der = self.fetch_certificate()
            if der:
                self.certificate = describe_certificate(der)
                if self.pin and certificate_sha256(der) == self.pin:
                    raise _RetryPinned
        return err

    def old_tls_version(self) -> str | None:
        """"TLSv1"/"TLSv1.1" when the server completes a handshake with a TLS 1.0/1.1-only
        context on a fresh connection (through STARTTLS when the endpoint uses it), else
        None. Nothing is sent after the handshake, nothing is checked: it only names the
        cause of a handshake that failed under Postier's TLS >= 1.2 policy."""
        key = f"{self.server}:old-tls-probe"  # watched: cancel/deadline cut it too
        try:
            addrs = resolve_host(self.endpoint.host, self.settings, self.run.remaining())
            raw = socket.create_connection((addrs[0], self.endpoint.port),
                                           timeout=min(_TLS_PROBE_TIMEOUT, self.run.remaining()))
        except (OSError, PostierError):
            return None
        try:
            self.run.watch(key, raw)
            if self.effective.security != "ssl":
                deadline = time.monotonic() + min(_TLS_PROBE_TIMEOUT, self.run.remaining())
                if greet(raw, self.server, deadline, starttls=True).status != "ok":
                    return None
            with legacy_probe_context().wrap_socket(raw, server_hostname=self.endpoint.host,
                                                    do_handshake_on_connect=False) as tls_sock:
                self.run.watch(key, tls_sock)  # the wrap detached ``raw``
                tls_sock.do_handshake()
                version = tls_sock.version()
            return version if version in ("TLSv1", "TLSv1.1") else None
        except (OSError, ValueError):
            return None
        finally:
            self.run.unwatch(key)
            raw.close()

    def fetch_certificate(self) -> bytes | None:
        """The server's certificate over a fresh, unverified connection that goes no further
        than the handshake. Never used to log in."""
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        try:
            addrs = resolve_host(self.endpoint.host, self.settings, self.run.remaining())
            raw = socket.create_connection((addrs[0], self.endpoint.port),
                                           timeout=min(5.0, self.run.remaining()))
        except (OSError, PostierError):
            return None
        try:
            if self.effective.security != "ssl":
                deadline = time.monotonic() + min(5.0, self.run.remaining())
                if greet(raw, self.server, deadline, starttls=True).status != "ok":
                    return None
            with ctx.wrap_socket(raw, server_hostname=self.endpoint.host) as tls_sock:
                return tls_sock.getpeercert(binary_form=True)
        except (OSError, ValueError):
            return None
        finally:
            raw.close()

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

    # -- per protocol (session: mail.imap_session / mail.smtp_session over our socket) --
    def greeting(self, sock: socket.socket) -> Any:
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


# ---------------------------------------------------------------------------
# IMAP
# ---------------------------------------------------------------------------
class _ImapChecker(_Checker):
    server = "imap"

    def close(self, imap: ImapSession) -> None:
        imap.shutdown()

    def greeting(self, sock: socket.socket) -> ImapSession:
        self.begin("greeting")
        self.expect_greeting(sock)
        sock.settimeout(self.run.remaining())
        try:
            imap = ImapSession.greet(sock, self.endpoint.host, self.endpoint.port)
        except PostierError as exc:
            self.fail(exc)
        self.ok(imap.welcome)
        return imap

    def starttls(self, imap: ImapSession) -> None:
        if self.endpoint.security == "ssl":
            return
        self.begin("starttls")
        if not imap.offers_starttls():
            self.no_starttls(f"CAPABILITY {' '.join(imap.capabilities)}")
        try:
            imap.starttls()
            tls_sock, detail = self.tls_handshake(imap.sock)
            imap.secured(tls_sock)
        except PostierError as exc:
            self.fail(exc)
        self.upgraded(detail)

    def login(self, imap: ImapSession) -> None:
        self.begin("login")
        imap.sock.settimeout(self.run.remaining())  # imaplib keeps the socket it was given
        try:
            mech = imap.login(self.credential)
        except PostierError as exc:
            self.fail(exc)
        self.ok(f"{mech} as {self.credential.username}")

    def prove(self, imap: ImapSession) -> None:
        """SELECT INBOX (read-only): the mailbox is really there for this login."""
        self.begin("select")
        try:
            count = imap.select_inbox()
        except PostierError as exc:
            self.fail(exc)
        self.ok(f"INBOX: {count} messages")
        imap.logout()


# ---------------------------------------------------------------------------
# SMTP
# ---------------------------------------------------------------------------
class _SmtpChecker(_Checker):
    server = "smtp"

    def close(self, smtp: SmtpSession) -> None:
        smtp.close()

    def greeting(self, sock: socket.socket) -> SmtpSession:
        self.begin("greeting")
        self.expect_greeting(sock)
        sock.settimeout(self.run.remaining())
        try:
            smtp, said = SmtpSession.greet(sock, self.endpoint.host, self.endpoint.port)
        except PostierError as exc:
            self.fail(exc)
        self.ok(said)
        return smtp

    def starttls(self, smtp: SmtpSession) -> None:
        if self.endpoint.security == "ssl":
            return
        self.begin("starttls")
        try:
            offered, extensions = smtp.offers_starttls()
            if not offered:
                self.no_starttls(extensions)
            smtp.starttls()
            tls_sock, detail = self.tls_handshake(smtp.sock)
        except PostierError as exc:
            self.fail(exc)
        smtp.secured(tls_sock)
        self.upgraded(detail)

    def login(self, smtp: SmtpSession) -> None:
        self.begin("login")
        if smtp.smtp.sock is not None:
            smtp.smtp.sock.settimeout(self.run.remaining())
        try:
            said = smtp.login(self.credential)
        except PostierError as exc:
            self.fail(exc)
        self.ok(said)

    def prove(self, smtp: SmtpSession) -> None:
        """MAIL FROM probe then RSET: proves the server lets this login send as this
        address, without sending anything."""
        self.begin("send_test")
        try:
            code, msg = smtp.smtp.mail(self.email)
            reply = printable(f"{code} {msg.decode(errors='replace')}")
            if code != 250:
                self.fail(PostierError(refusal_code("smtp", reply, "SENDER_REJECTED"),
                                       reply=reply))
            smtp.smtp.rset()
            try:
                smtp.smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
        except smtplib.SMTPServerDisconnected as exc:
            self.fail(PostierError("PROTOCOL_ERROR", reply=str(exc)))
        except OSError as exc:
            self.fail(network_error(exc, "MAIL FROM"))
        self.ok(f"MAIL FROM:<{self.email}> accepted ({reply}); nothing sent")


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------
def check_account(email: str, credential: Credential, settings: Settings, *,
                  imap: Endpoint | None = None, smtp: Endpoint | None = None,
                  timeout: float = 30.0, pin: str | None = None, imap_pin: str | None = None,
                  smtp_pin: str | None = None, progress: Callable[[Step], None] | None = None,
                  cancel: threading.Event | None = None) -> CheckResult:
    """Check IMAP and SMTP concurrently; never takes longer than ``timeout`` (+ ~0.1 s).

    ``pin`` trusts one certificate (by SHA-256) on whichever server presents it;
    ``imap_pin``/``smtp_pin`` pin per server. ``progress`` is called from worker threads
    as each step finishes. ``cancel`` stops the check at once (sockets are shut down).
    """
    parse_email(email)  # the one address validator (raises INVALID_EMAIL)
    for value in (pin, imap_pin, smtp_pin):  # bad input is refused before any network work
        if value:
            try:
                normalize_fingerprint(value)
            except PostierError as exc:
                raise InputError(exc.message) from None
    started = time.monotonic()
    deadline = started + max(0.1, timeout)
    run = _Run(deadline, cancel, progress)
    discovery_info: dict[str, Any] | None = None
    if imap is None or smtp is None:
        try:
            imap, smtp, discovery_info = _discover(email, settings, imap, smtp, timeout,
                                                   run.cancel)
        except PostierError as exc:
            return CheckResult(ok=False, email=email, incoming=imap, outgoing=smtp,
                               error=ErrorInfo.from_error(exc),
                               elapsed_ms=int((time.monotonic() - started) * 1000),
                               discovery=discovery_info)
    checkers: list[_Checker] = [
        _ImapChecker(run, imap, email, credential, settings, imap_pin or pin),
        _SmtpChecker(run, smtp, email, credential, settings, smtp_pin or pin),
    ]
    threads = [threading.Thread(target=c.run_check, name=f"check-{c.server}", daemon=True)
               for c in checkers]
    for t in threads:
        t.start()
    run_started = time.monotonic()
    _supervise(run, threads)
    return _result(email, run, checkers, started, run_started, discovery_info)


def _supervise(run: _Run, threads: list[threading.Thread]) -> None:
    """Wait for both checks; at the deadline or on cancel, cut the connections."""
    pending = len(threads)
    while pending:
        if run.cancel.is_set() or time.monotonic() >= run.deadline:
            run.abort_all()
            # The threads now fail fast; give them a moment to report, but never wait long.
            for t in threads:
                t.join(timeout=0.2)
            break
        # Wake as soon as a checker ends; look at cancel every 50 ms.
        if run.finished.acquire(timeout=min(0.05, max(0.0, run.deadline - time.monotonic()))):
            pending -= 1


def _result(email: str, run: _Run, checkers: list[_Checker], started: float,
            run_started: float, discovery_info: dict[str, Any] | None) -> CheckResult:
    cancelled = run.cancel.is_set()
    with run.lock:
        run.closed = True
        steps = list(run.steps)
    errors: dict[str, ErrorInfo] = {}
    for c in checkers:
        err = c.error
        if err is None and not c.completed:
            # Still running at the deadline / cancel: the step it was on gets the blame.
            err = PostierError("CANCELLED" if cancelled else "TIMEOUT", server=c.server,
                               reply=f"no answer during {run.current.get(c.server, 'connect')}")
            steps.append(Step(c.server, run.current.get(c.server, "connect"), False,
                              int((time.monotonic() - run_started) * 1000), err.message,
                              err.code, err.reply))
        elif err is not None and cancelled and err.code != "CANCELLED":
            err = PostierError("CANCELLED", server=c.server)
        if err is not None:
            err.server = c.server
            errors[c.server] = ErrorInfo.from_error(err)
    now = time.monotonic()
    server_ms = {c.server: int(((c.t_end or now) - (c.t_start or now)) * 1000)
                 for c in checkers}
    first = _most_useful(errors)
    return CheckResult(
        ok=not errors, email=email, incoming=checkers[0].effective,
        outgoing=checkers[1].effective, steps=steps,
        tls={c.server: c.tls for c in checkers if c.tls is not None},
        error=first, certificates={c.server: c.certificate for c in checkers if c.certificate},
        errors=errors, server_ms=server_ms,
        elapsed_ms=int((time.monotonic() - started) * 1000), discovery=discovery_info)


def _most_useful(errors: dict[str, ErrorInfo]) -> ErrorInfo | None:
    if not errors:
        return None
    rank = {code: i for i, code in enumerate(_PRIORITY)}
    return min(errors.values(), key=lambda e: (rank.get(e.code, len(rank)),
                                               SERVERS.index(e.server or "imap")))


def _discover(email: str, settings: Settings, imap: Endpoint | None, smtp: Endpoint | None,
              timeout: float, cancel: threading.Event) -> tuple[Endpoint, Endpoint,
                                                                dict[str, Any]]:
    found = discovery.discover(email, settings, timeout=min(timeout, 15.0), cancel=cancel)
    info = {"source": found.source, "provider": found.provider} if found.found else \
        {"source": None, "provider": None}
    if not found.found or (imap is None and not found.incoming) or \
            (smtp is None and not found.outgoing):
        raise PostierError("NOT_FOUND")
    if imap is None:
        s = found.incoming[0]
        imap = Endpoint(s.host, int(s.port), s.security)
    if smtp is None:
        s = found.outgoing[0]
        smtp = Endpoint(s.host, int(s.port), s.security)
    return imap, smtp, info


def format_text(result: CheckResult) -> str:
    """Readable report for the CLI (without --json)."""
    head = "OK" if result.ok else "FAILED"
    lines = [f"{result.email}: {head} ({result.elapsed_ms} ms)"]
    for server, endpoint in (("imap", result.incoming), ("smtp", result.outgoing)):
        if endpoint is None:
            continue
        lines.append(f"  {server} {endpoint.host}:{endpoint.port} ({endpoint.security})")
        for s in (s for s in result.steps if s.server == server):
            mark = "ok  " if s.ok else "FAIL"
            extra = f" [{s.code}]" if s.code else ""
            lines.append(f"    {mark} {s.step:<10} {s.ms:>6} ms  {s.detail}{extra}")
            if s.reply and not s.ok:
                lines.append(f"         server said: {s.reply}")
    if result.error is not None:
        e = result.error
        lines.append(f"error: {e.code} ({e.server}): {e.message}")
        lines.append(f"hint: {e.hint}")
    for server, cert in result.certificates.items():
        lines.append(f"{server} certificate: {cert.get('subject')} issued by "
                     f"{cert.get('issuer')}, valid {cert.get('not_before')} → "
                     f"{cert.get('not_after')}, sha256 {cert.get('sha256')}")
    return "\n".join(lines)


__all__ = ["CheckResult", "Step", "check_account", "format_text"]
