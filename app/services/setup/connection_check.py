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

import base64
import errno
import imaplib
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

from app.services import dns_query
from app.services.config import Settings
from app.services.errors import ErrorInfo, InputError, PostierError
from app.services.mail.auth import Credential, oauthbearer_string, xoauth2_string
from app.services.mail.greeting import greet
from app.services.mail.tls import (
    TlsInfo,
    certificate_sha256,
    check_pin,
    classify_ssl_error,
    client_context,
    describe_certificate,
    legacy_probe_context,
    normalize_fingerprint,
    tls_info,
)
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
_MAX_REPLY = 500
# Longest base64 initial response sent on the AUTH line itself (see smtp_authenticate).
_MAX_INITIAL_RESPONSE = 1900
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


# ---------------------------------------------------------------------------
# Reply classification
# ---------------------------------------------------------------------------
def refusal_code(server: str, text: str, default: str = "AUTH_FAILED") -> str:
    """Stable code for a server's refusal of a login, SELECT or MAIL FROM, from its verbatim
    reply (provider texts first). Not to be confused with smtp_reply.refusal_code, which
    sorts delivery failures (bounces) into categories."""
    t = text.lower()
    if "application-specific password" in t or "invalidsecondfactor" in t or "app password" in t:
        return "APP_PASSWORD_REQUIRED"
    if "not enabled for imap" in t or "authenticated but not connected" in t:
        return "IMAP_DISABLED"
    if ("smtpclientauthentication is disabled" in t or "smtp_auth_disabled" in t
            or "5.7.57" in t):
        return "SMTP_AUTH_DISABLED"
    if "basic authentication is disabled" in t or (
            "5.7.139" in t and "credentials were incorrect" not in t):
        return "BASIC_AUTH_DISABLED"
    if "log in via your web browser" in t or "webalert" in t or "5.7.14" in t:
        return "WEB_LOGIN_REQUIRED"
    if "[cannot]" in t or "unrecognized authentication type" in t or t.startswith("504"):
        return "AUTH_METHOD_UNSUPPORTED"
    if "[privacyrequired]" in t or "must issue a starttls" in t:
        return "PLAINTEXT_REFUSED"
    return default


def _login_refused(server: str, reply: str, credential: Credential) -> PostierError:
    """The login refusal in plain words; a refused OAuth2 token is no password problem."""
    code = refusal_code(server, reply)
    if code == "AUTH_FAILED" and credential.kind == "oauth2":
        return PostierError(
            code, "The server refused the sign-in for this mailbox.",
            hint="Sign in again with the account of this address (the provider's page must "
                 "show the same address). If it still fails, ask the administrator whether "
                 "IMAP/SMTP access is allowed for this mailbox.", reply=reply)
    return PostierError(code, reply=reply)


def _printable(data: bytes | str, limit: int = _MAX_REPLY) -> str:
    text = data.decode("utf-8", "backslashreplace") if isinstance(data, bytes) else data
    text = text.replace("\r\n", "\n").strip()
    text = "".join(c if c.isprintable() or c == "\n" else f"\\x{ord(c):02x}" for c in text)
    return text if len(text) <= limit else text[:limit] + "…"


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
                          self._scrub(_printable(detail)) or ""))

    def _scrub(self, text: str | None) -> str | None:
        """Some servers answer a refused login with the command they got (AUTH PLAIN
        <base64>, LOGIN user "password"): the secret never goes further than this, not to
        the wizard's "server answered" line, the diagnostics, the CLI or a log."""
        from app.services.diagnostics import scrub

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
        last: PostierError | None = None
        for ip in addrs[:4]:
            try:
                sock = socket.create_connection((ip, self.endpoint.port),
                                                timeout=self.run.remaining())
            except OSError as exc:
                last = network_error(exc, f"{ip}:{self.endpoint.port}")
                continue
            self.run.watch(self.server, sock)
            self.ok(f"{ip}:{self.endpoint.port}")
            return sock
        self.fail(last or PostierError("DNS_NOT_FOUND"))

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
            tls_sock = self.context().wrap_socket(sock, server_hostname=self.endpoint.host)
            self.run.watch(self.server, tls_sock)
            return tls_sock, self.after_handshake(tls_sock)
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

    def after_handshake(self, sock: ssl.SSLSocket) -> str:
        if self.pinned and self.pin:
            check_pin(sock, self.pin)
        self.tls = tls_info(sock)
        if self.tls.version not in ("TLSv1.2", "TLSv1.3"):  # belt and braces: ctx forbids it
            raise PostierError("TLS_TOO_OLD", reply=self.tls.version)
        return f"{self.tls.version} {self.tls.cipher}" + (" (pinned)" if self.pinned else "")

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

    # -- per protocol (session: the imaplib/smtplib object over our socket) ----------
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


def network_error(exc: BaseException, where: str, server: str | None = None) -> PostierError:
    """Map a failure of connect / TLS / read to a stable code (the check, sending and
    tracking all speak through this one mapping)."""
    err = _network_error(exc, where)
    if server is not None and err.server is None:
        err.server = server
    return err


_UNREACHABLE = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL, errno.ENETDOWN,
                10051, 10065}  # the last two: WSAENETUNREACH, WSAEHOSTUNREACH on Windows


def _network_error(exc: BaseException, where: str) -> PostierError:
    if isinstance(exc, PostierError):
        return exc
    if isinstance(exc, ssl.SSLError):
        if "WRONG_VERSION_NUMBER" in str(exc):
            # The port answered in clear (e.g. SSL/TLS chosen for a STARTTLS port): not an
            # old TLS, a wrong security setting.
            return PostierError("TLS_HANDSHAKE_FAILED", "The server did not start a secure "
                                "(TLS) session on this port.", reply=str(exc))
        return classify_ssl_error(exc)
    if isinstance(exc, ConnectionRefusedError):
        return PostierError("CONNECT_REFUSED", reply=f"{where}: connection refused")
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return PostierError("TIMEOUT", reply=f"{where}: no answer in time")
    if isinstance(exc, socket.gaierror):
        return PostierError("DNS_NOT_FOUND", reply=f"{where}: {exc.strerror or exc}")
    if isinstance(exc, OSError) and exc.errno in _UNREACHABLE:
        return PostierError("NETWORK_UNREACHABLE", reply=f"{where}: {exc.strerror}")
    if isinstance(exc, (ConnectionResetError, BrokenPipeError, ConnectionAbortedError,
                        EOFError)):
        return PostierError("PROTOCOL_ERROR", "The server closed the connection unexpectedly.",
                            reply=f"{where}: {exc}")
    return PostierError("PROTOCOL_ERROR", reply=f"{where}: {type(exc).__name__}: {exc}")


def resolve_host(host: str, settings: Settings, timeout: float) -> list[str]:
    """Addresses of ``host`` (see dns_query.resolve_host), failures as stable codes."""
    try:
        return dns_query.resolve_host(host, settings, timeout)
    except dns_query.DnsTimeout:
        raise PostierError("TIMEOUT", reply=f"DNS lookup of {host} timed out") from None
    except (dns_query.NameNotFound, dns_query.DnsFailure) as exc:
        raise PostierError("DNS_NOT_FOUND", reply=str(exc)) from None


# ---------------------------------------------------------------------------
# IMAP
# ---------------------------------------------------------------------------
class _IMAP(imaplib.IMAP4):
    """imaplib over a socket we already connected (and maybe wrapped), keeping the raw
    lines it reads so errors carry the server's verbatim reply."""

    def __init__(self, sock: socket.socket, host: str, port: int) -> None:
        self._given = sock
        self.last_line = b""
        super().__init__(host, port, timeout=sock.gettimeout())

    def _create_socket(self, timeout: float | None) -> socket.socket:  # imaplib hook
        return self._given

    def _get_line(self) -> bytes:
        line: bytes = super()._get_line()  # type: ignore[misc]  # imaplib's private reader
        self.last_line = line
        return line

    def reply(self) -> str:
        """Last line read, without its tag: the tagged status of the last command."""
        text = _printable(self.last_line)
        tag, _, rest = text.partition(" ")
        return rest if tag and tag not in ("*", "+") else text


class _ImapChecker(_Checker):
    server = "imap"

    def close(self, imap: _IMAP) -> None:
        try:
            imap.shutdown()
        except (OSError, imaplib.IMAP4.error):
            pass

    def greeting(self, sock: socket.socket) -> _IMAP:
        self.begin("greeting")
        self.expect_greeting(sock)
        sock.settimeout(self.run.remaining())
        try:
            imap = _IMAP(sock, self.endpoint.host, self.endpoint.port)
        except imaplib.IMAP4.error as exc:  # junk (abort), "* BYE …" or a NO greeting
            sock.close()
            self.fail(PostierError("PROTOCOL_ERROR", reply=_printable(str(exc))))
        except (OSError, ValueError, EOFError) as exc:
            sock.close()
            self.fail(network_error(exc, "greeting"))
        self.ok(_printable(imap.welcome, 200))
        return imap

    def starttls(self, imap: _IMAP) -> None:
        if self.endpoint.security == "ssl":
            return
        self.begin("starttls")
        if "STARTTLS" not in imap.capabilities:
            self.no_starttls(f"CAPABILITY {' '.join(imap.capabilities)}")
        try:
            typ, _data = imap._simple_command("STARTTLS")
        except imaplib.IMAP4.error as exc:
            self.fail(PostierError("STARTTLS_UNSUPPORTED", reply=imap.reply() or str(exc)))
        except OSError as exc:
            self.fail(network_error(exc, "STARTTLS"))
        if typ != "OK":
            self.fail(PostierError("STARTTLS_UNSUPPORTED", reply=imap.reply()))
        imap.sock, detail = self.tls_handshake(imap.sock)
        imap.file = imap.sock.makefile("rb")
        imap._tls_established = True  # type: ignore[attr-defined]  # imaplib's own flag
        try:
            imap._get_capabilities()  # capabilities change after TLS (RFC 3501 6.2.1)
        except (imaplib.IMAP4.error, OSError) as exc:
            self.fail(network_error(exc, "CAPABILITY") if isinstance(exc, OSError)
                      else PostierError("PROTOCOL_ERROR", reply=imap.reply()))
        self.upgraded(detail)

    def login(self, imap: _IMAP) -> None:
        self.begin("login")
        imap.sock.settimeout(self.run.remaining())
        caps = set(imap.capabilities)
        cred = self.credential
        try:
            if cred.kind == "oauth2":
                mech = next((m for m in ("XOAUTH2", "OAUTHBEARER") if f"AUTH={m}" in caps), None)
                if mech is None:
                    self.fail(PostierError("AUTH_METHOD_UNSUPPORTED",
                                           reply="CAPABILITY " + " ".join(imap.capabilities)))
                initial = (xoauth2_string(cred.username, cred.secret) if mech == "XOAUTH2" else
                           oauthbearer_string(cred.username, cred.secret, self.endpoint.host,
                                              self.endpoint.port))
                typ, _ = imap.authenticate(mech, _sasl_responder(initial))
            elif "LOGINDISABLED" not in caps and cred.secret.isascii() \
                    and cred.username.isascii():
                typ, _ = imap.login(cred.username, cred.secret)
                mech = "LOGIN"
            elif "AUTH=PLAIN" in caps:
                initial = f"\0{cred.username}\0{cred.secret}"
                typ, _ = imap.authenticate("PLAIN", _sasl_responder(initial))
                mech = "AUTHENTICATE PLAIN"
            else:
                self.fail(PostierError("AUTH_METHOD_UNSUPPORTED",
                                       reply="CAPABILITY " + " ".join(imap.capabilities)))
        except imaplib.IMAP4.abort as exc:
            self.fail(PostierError("PROTOCOL_ERROR", reply=imap.reply() or str(exc)))
        except imaplib.IMAP4.error:
            reply = imap.reply()
            self.fail(_login_refused("imap", reply, self.credential))
        except (OSError, EOFError) as exc:
            self.fail(network_error(exc, "login"))
        if typ != "OK":
            reply = imap.reply()
            self.fail(_login_refused("imap", reply, self.credential))
        self.ok(f"{mech} as {cred.username}")

    def prove(self, imap: _IMAP) -> None:
        """SELECT INBOX (read-only): the mailbox is really there for this login."""
        self.begin("select")
        try:
            typ, data = imap.select("INBOX", readonly=True)
        except imaplib.IMAP4.abort as exc:
            self.fail(PostierError("PROTOCOL_ERROR", reply=imap.reply() or str(exc)))
        except imaplib.IMAP4.error:
            reply = imap.reply()
            self.fail(PostierError(refusal_code("imap", reply, "PROTOCOL_ERROR"), reply=reply))
        except (OSError, EOFError) as exc:
            self.fail(network_error(exc, "select"))
        if typ != "OK":
            reply = imap.reply()
            self.fail(PostierError(refusal_code("imap", reply, "PROTOCOL_ERROR"), reply=reply))
        count = data[0].decode(errors="replace") if data and data[0] else "?"
        self.ok(f"INBOX: {count} messages")
        try:
            imap.logout()
        except (imaplib.IMAP4.error, OSError):
            pass


def _sasl_responder(initial: str) -> Callable[[bytes], bytes]:
    """imaplib authobject: the initial response first, then an empty answer to any error
    challenge (XOAUTH2 sends its JSON error as a challenge) so the server finishes."""
    sent: list[bool] = []

    def respond(challenge: bytes) -> bytes:
        if sent:
            return b""
        sent.append(True)
        return initial.encode()

    return respond


# ---------------------------------------------------------------------------
# SMTP
# ---------------------------------------------------------------------------
def _local_name() -> str:
    name = socket.gethostname()
    return name if "." in name else "localhost.localdomain"  # no DNS lookup (getfqdn can hang)


class _SMTP(smtplib.SMTP):
    def __init__(self, sock: socket.socket, host: str) -> None:
        self._given = sock
        super().__init__(local_hostname=_local_name(), timeout=sock.gettimeout() or 30)
        self._host = host

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:  # hook
        return self._given


def _smtp_reply(exc: smtplib.SMTPResponseException) -> str:
    msg = exc.smtp_error
    text = msg.decode("utf-8", "backslashreplace") if isinstance(msg, bytes) else str(msg)
    return _printable(f"{exc.smtp_code} {text}")


class _SmtpChecker(_Checker):
    server = "smtp"

    def close(self, smtp: _SMTP) -> None:
        try:
            smtp.close()
        except OSError:
            pass

    def greeting(self, sock: socket.socket) -> _SMTP:
        self.begin("greeting")
        self.expect_greeting(sock)
        sock.settimeout(self.run.remaining())
        smtp = _SMTP(sock, self.endpoint.host)
        try:
            code, msg = smtp.connect(self.endpoint.host, self.endpoint.port)
        except smtplib.SMTPConnectError as exc:
            sock.close()
            self.fail(PostierError("PROTOCOL_ERROR", reply=_smtp_reply(exc)))
        except smtplib.SMTPServerDisconnected as exc:
            sock.close()
            self.fail(PostierError("PROTOCOL_ERROR", "The server closed the connection "
                                   "unexpectedly.", reply=str(exc)))
        except smtplib.SMTPResponseException as exc:  # e.g. "500 Line too long"
            sock.close()
            self.fail(PostierError("PROTOCOL_ERROR", reply=_smtp_reply(exc)))
        except (OSError, ValueError) as exc:
            sock.close()
            self.fail(network_error(exc, "greeting"))
        text = _printable(f"{code} {msg.decode('utf-8', 'backslashreplace')}")
        if code != 220:  # smtplib.connect() returns any reply; -1 = not SMTP at all
            smtp.close()
            self.fail(PostierError("PROTOCOL_ERROR", reply=text))
        self.ok(text)
        return smtp

    def ehlo(self, smtp: _SMTP) -> None:
        code, msg = smtp.ehlo()
        if code != 250:
            self.fail(PostierError("PROTOCOL_ERROR", reply=_printable(
                f"{code} {msg.decode(errors='replace')}")))

    def starttls(self, smtp: _SMTP) -> None:
        if self.endpoint.security == "ssl":
            return
        self.begin("starttls")
        try:
            self.ehlo(smtp)
            if not smtp.has_extn("starttls"):
                self.no_starttls(_printable("250 " + " ".join(smtp.esmtp_features)))
            code, msg = smtp.docmd("STARTTLS")
            if code != 220:
                self.fail(PostierError("STARTTLS_UNSUPPORTED", reply=_printable(
                    f"{code} {msg.decode(errors='replace')}")))
        except smtplib.SMTPServerDisconnected as exc:
            self.fail(PostierError("PROTOCOL_ERROR", reply=str(exc)))
        except OSError as exc:
            self.fail(network_error(exc, "STARTTLS"))
        if smtp.sock is None:
            self.fail(PostierError("PROTOCOL_ERROR", reply="connection closed before STARTTLS"))
        smtp.sock, detail = self.tls_handshake(smtp.sock)
        # RFC 3207: forget what we knew before TLS.
        smtp.file = None
        smtp.helo_resp = smtp.ehlo_resp = None
        smtp.esmtp_features = {}
        smtp.does_esmtp = False
        self.upgraded(detail)

    def login(self, smtp: _SMTP) -> None:
        self.begin("login")
        if smtp.sock is not None:
            smtp.sock.settimeout(self.run.remaining())
        cred = self.credential
        try:
            self.ehlo(smtp)
            offered = smtp.esmtp_features.get("auth", "").upper().split()
            if cred.kind == "oauth2":
                wanted = ("XOAUTH2", "OAUTHBEARER")
            else:
                wanted = ("PLAIN", "LOGIN")
            mech = next((m for m in wanted if m in offered), None)
            if mech is None:
                self.fail(PostierError("AUTH_METHOD_UNSUPPORTED", reply=_printable(
                    "AUTH " + " ".join(offered) if offered else "no AUTH in EHLO")))
            code, msg = smtp_authenticate(smtp, mech, cred, self.endpoint)
        except smtplib.SMTPServerDisconnected as exc:
            self.fail(PostierError("PROTOCOL_ERROR", "The server closed the connection "
                                   "unexpectedly.", reply=str(exc)))
        except smtplib.SMTPResponseException as exc:
            reply = _smtp_reply(exc)
            self.fail(_login_refused("smtp", reply, self.credential))
        except OSError as exc:
            self.fail(network_error(exc, "AUTH"))
        if code != 235:
            reply = _printable(f"{code} {msg.decode('utf-8', 'replace')}")
            self.fail(_login_refused("smtp", reply, self.credential))
        self.ok(f"AUTH {mech} as {cred.username}: {code} {msg.decode(errors='replace')}")

    def prove(self, smtp: _SMTP) -> None:
        """MAIL FROM probe then RSET: proves the server lets this login send as this
        address, without sending anything."""
        self.begin("send_test")
        try:
            code, msg = smtp.mail(self.email)
            reply = _printable(f"{code} {msg.decode(errors='replace')}")
            if code != 250:
                self.fail(PostierError(refusal_code("smtp", reply, "SENDER_REJECTED"),
                                       reply=reply))
            smtp.rset()
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
        except smtplib.SMTPServerDisconnected as exc:
            self.fail(PostierError("PROTOCOL_ERROR", reply=str(exc)))
        except OSError as exc:
            self.fail(network_error(exc, "MAIL FROM"))
        self.ok(f"MAIL FROM:<{self.email}> accepted ({reply}); nothing sent")


def _b64(data: str) -> str:
    return base64.b64encode(data.encode("utf-8")).decode("ascii")


def smtp_authenticate(smtp: _SMTP, mech: str, cred: Credential,
                       endpoint: Endpoint) -> tuple[int, bytes]:
    """SMTP AUTH by hand: smtplib's auth() encodes secrets as ASCII (a French password
    with an accent would crash it) and retries other mechanisms on failure (one refused
    password would count twice against lockout limits)."""
    if mech == "LOGIN":
        code, msg = smtp.docmd("AUTH", "LOGIN " + _b64(cred.username))
        if code == 334:
            code, msg = smtp.docmd(_b64(cred.secret))
        return code, msg
    if mech == "PLAIN":
        initial = f"\0{cred.username}\0{cred.secret}"
    elif mech == "XOAUTH2":
        initial = xoauth2_string(cred.username, cred.secret)
    else:
        initial = oauthbearer_string(cred.username, cred.secret, endpoint.host, endpoint.port)
    encoded = _b64(initial)
    if len(encoded) > _MAX_INITIAL_RESPONSE:
        # Postfix reads a command line of at most 2048 octets and Microsoft-sized OAuth2
        # tokens are longer: send the response after the server's empty 334 (RFC 4954 §4).
        code, msg = smtp.docmd("AUTH", mech)
        if code == 334:
            code, msg = smtp.docmd(encoded)
    else:
        code, msg = smtp.docmd("AUTH", f"{mech} {encoded}")
    if code == 334:
        # XOAUTH2/OAUTHBEARER: an error comes as a challenge; an empty line ends it.
        code, msg = smtp.docmd("")
    return code, msg


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
    from app.services.setup.discovery import (
        parse_email,  # the one address validator (raises INVALID_EMAIL)
    )

    parse_email(email)
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
    from app.services.setup import discovery  # lazy: discovery pulls in HTTP/DNS machinery

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


__all__ = ["CheckResult", "Step", "check_account", "format_text", "refusal_code"]
