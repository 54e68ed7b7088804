"""SMTP sessions (smtplib): greeting, EHLO, STARTTLS, AUTH and the reading of refusals.

Owns how Postier speaks SMTP up to a logged-in submission session: the greeting over a
socket the caller connected (and maybe wrapped), STARTTLS and forgetting what was said
before it (RFC 3207), AUTH by hand (PLAIN/LOGIN in UTF-8, XOAUTH2/OAUTHBEARER for OAuth2
tokens, one mechanism only: a refused password is never tried twice) and the reading of a
refusal (the server's verbatim reply, the secret scrubbed out). ``open_smtp`` does all of it
for the outbox (resolve, connect, TLS by ``tls.handshake``, pin, login); the connection
check calls the same steps one by one (``SmtpSession``) to time and report each.
"""

from __future__ import annotations

import base64
import smtplib
import socket
import ssl
from collections.abc import Callable

from app.services.config import Settings
from app.services.errors import PostierError
from app.services.mail.auth import Credential, oauthbearer_string, xoauth2_string
from app.services.mail.failures import connect_host, login_refused, network_error, printable
from app.services.mail.tls import handshake, shared_client_context
from app.services.redaction import scrub
from app.services.storage import Account

# Longest base64 initial response sent on the AUTH line itself (see smtp_authenticate).
_MAX_INITIAL_RESPONSE = 1900


class SmtpRefusal(PostierError):
    """A refusal with the server's numeric code: the outbox retries a 4xx later, the
    connection check reports it as it is."""

    def __init__(self, error: PostierError, smtp_code: int) -> None:
        super().__init__(error.code, error.message, reply=error.reply, server="smtp",
                         hint=error.hint, variant=error.variant, params=error.params)
        self.smtp_code = smtp_code


def _local_name() -> str:
    name = socket.gethostname()
    return name if "." in name else "localhost.localdomain"  # no DNS lookup (getfqdn can hang)


class _SMTP(smtplib.SMTP):
    """smtplib over a socket we already connected (and maybe wrapped); ``_host`` is the
    name a STARTTLS handshake checks the certificate against."""

    def __init__(self, sock: socket.socket, host: str) -> None:
        self._given = sock
        super().__init__(local_hostname=_local_name(), timeout=sock.gettimeout() or 30)
        self._host = host

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:  # hook
        return self._given


def reply_text(exc: smtplib.SMTPResponseException) -> str:
    msg = exc.smtp_error
    text = msg.decode("utf-8", "backslashreplace") if isinstance(msg, bytes) else str(msg)
    return printable(f"{exc.smtp_code} {text}")


def _said(code: int, msg: bytes) -> str:
    return printable(f"{code} {msg.decode('utf-8', 'replace')}")


class SmtpSession:
    """One SMTP connection, not yet logged in: ``greet`` it, maybe ``starttls`` +
    ``secured``, then ``login``; ``smtp`` is the smtplib object for what follows. Every
    failure is a PostierError with the server's reply."""

    def __init__(self, smtp: _SMTP, host: str, port: int) -> None:
        self.smtp = smtp
        self.host, self.port = host, port

    @classmethod
    def greet(cls, sock: socket.socket, host: str, port: int) -> tuple[SmtpSession, str]:
        """Read the 220 greeting over ``sock`` (closed when it is none): the session and
        the greeting as said. A refusal (421 busy, 554) is an SmtpRefusal."""
        smtp = _SMTP(sock, host)
        try:
            code, msg = smtp.connect(host, port)
        except smtplib.SMTPConnectError as exc:
            sock.close()
            raise SmtpRefusal(PostierError("PROTOCOL_ERROR", reply=reply_text(exc)),
                              exc.smtp_code) from None
        except smtplib.SMTPServerDisconnected as exc:
            sock.close()
            raise PostierError("PROTOCOL_ERROR", "The server closed the connection "
                               "unexpectedly.", reply=str(exc), server="smtp") from None
        except smtplib.SMTPResponseException as exc:  # e.g. "500 Line too long"
            sock.close()
            raise SmtpRefusal(PostierError("PROTOCOL_ERROR", reply=reply_text(exc)),
                              exc.smtp_code) from None
        except (OSError, ValueError) as exc:
            sock.close()
            raise network_error(exc, "greeting", server="smtp") from exc
        text = _said(code, msg)
        if code != 220:  # smtplib.connect() returns any reply; -1 = not SMTP at all
            smtp.close()
            raise SmtpRefusal(PostierError("PROTOCOL_ERROR", reply=text), code)
        return cls(smtp, host, port), text

    @property
    def sock(self) -> socket.socket:
        if self.smtp.sock is None:
            raise PostierError("PROTOCOL_ERROR", reply="connection closed", server="smtp")
        return self.smtp.sock

    def ehlo(self) -> None:
        code, msg = self.smtp.ehlo()
        if code != 250:
            raise PostierError("PROTOCOL_ERROR", reply=printable(
                f"{code} {msg.decode(errors='replace')}"), server="smtp")

    def offers_starttls(self) -> tuple[bool, str]:
        """EHLO, then whether STARTTLS is offered, and the EHLO extensions as said."""
        self._guarded(self.ehlo, "STARTTLS")
        return (bool(self.smtp.has_extn("starttls")),
                printable("250 " + " ".join(self.smtp.esmtp_features)))

    def starttls(self) -> None:
        """STARTTLS after ``offers_starttls``; on success the server waits for a TLS
        handshake on ``sock`` (then ``secured``)."""
        def ask() -> None:
            code, msg = self.smtp.docmd("STARTTLS")
            if code != 220:  # RFC 3207: 454 "TLS not available due to temporary reason"
                raise SmtpRefusal(PostierError("STARTTLS_UNSUPPORTED", reply=printable(
                    f"{code} {msg.decode(errors='replace')}")), code)

        self._guarded(ask, "STARTTLS")
        if self.smtp.sock is None:
            raise PostierError("PROTOCOL_ERROR", reply="connection closed before STARTTLS",
                               server="smtp")

    def _guarded(self, step: Callable[[], None], where: str) -> None:
        try:
            step()
        except smtplib.SMTPServerDisconnected as exc:
            raise PostierError("PROTOCOL_ERROR", reply=str(exc), server="smtp") from None
        except OSError as exc:
            raise network_error(exc, where, server="smtp") from exc

    def secured(self, tls_sock: ssl.SSLSocket) -> None:
        """Carry on over the TLS socket, forgetting what was said before it (RFC 3207)."""
        smtp = self.smtp
        smtp.sock = tls_sock
        smtp.file = None
        smtp.helo_resp = smtp.ehlo_resp = None
        smtp.esmtp_features = {}
        smtp.does_esmtp = False

    def login(self, credential: Credential) -> str:
        """EHLO, then AUTH with the first mechanism offered that fits the credential
        (PLAIN or LOGIN; XOAUTH2 or OAUTHBEARER). Returns what the step reports. A refusal
        is an SmtpRefusal read by ``failures.login_refused``; the secret never reaches a
        reply or an error."""
        smtp, cred = self.smtp, credential
        try:
            self.ehlo()
            offered = smtp.esmtp_features.get("auth", "").upper().split()
            wanted = ("XOAUTH2", "OAUTHBEARER") if cred.kind == "oauth2" else ("PLAIN", "LOGIN")
            mech = next((m for m in wanted if m in offered), None)
            if mech is None:
                raise PostierError("AUTH_METHOD_UNSUPPORTED", server="smtp", reply=printable(
                    "AUTH " + " ".join(offered) if offered else "no AUTH in EHLO"))
            code, msg = smtp_authenticate(smtp, mech, cred, self.host, self.port)
        except smtplib.SMTPServerDisconnected as exc:
            raise PostierError("PROTOCOL_ERROR", "The server closed the connection "
                               "unexpectedly.", reply=str(exc), server="smtp") from None
        except smtplib.SMTPResponseException as exc:
            raise self._refused(reply_text(exc), exc.smtp_code, cred) from None
        except OSError as exc:
            raise network_error(exc, "AUTH", server="smtp") from exc
        if code != 235:
            raise self._refused(_said(code, msg), code, cred)
        said = scrub(f"{code} {msg.decode(errors='replace')}", cred.secret, cred.username)
        return f"AUTH {mech} as {cred.username}: {said}"

    @staticmethod
    def _refused(reply: str, code: int, cred: Credential) -> SmtpRefusal:
        # Some servers echo the AUTH line in their refusal: it must not reach the messages
        # table, the CLI, the GUI or a log.
        return SmtpRefusal(login_refused("smtp", scrub(reply, cred.secret, cred.username),
                                         cred), code)

    def close(self) -> None:
        try:
            self.smtp.close()
        except OSError:
            pass


def _b64(data: str) -> str:
    return base64.b64encode(data.encode("utf-8")).decode("ascii")


def smtp_authenticate(smtp: smtplib.SMTP, mech: str, cred: Credential, host: str,
                      port: int) -> tuple[int, bytes]:
    """SMTP AUTH by hand: smtplib's auth() encodes secrets as ASCII (a French password
    with an accent would crash it) and retries other mechanisms on failure (one refused
    password would count twice against lockout limits). ``host``/``port`` go into the
    OAUTHBEARER response (RFC 7628)."""
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
        initial = oauthbearer_string(cred.username, cred.secret, host, port)
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


def _starttls(session: SmtpSession) -> None:
    """STARTTLS for the outbox: a refusal is the server's session refused, temporary (4xx:
    retried later) or not (5xx)."""
    try:
        session.starttls()
    except SmtpRefusal as exc:
        code = "SMTP_TEMPORARY" if 400 <= exc.smtp_code < 500 else "PROTOCOL_ERROR"
        raise PostierError(code, "The mail server refused the session.", reply=exc.reply,
                           server="smtp") from exc


def open_smtp(account: Account, settings: Settings, credential: Credential, *,
              timeout: float = 30.0) -> smtplib.SMTP:
    """The account's submission server, connected, secured and logged in, following
    Postier's TLS policy (no plaintext, the account's certificate pin), through Postier's one
    resolver (``POSTIER_DNS`` when set), as the account check did. Made for the outbox,
    which retries later what is temporary: a 4xx at the greeting or at AUTH is
    SMTP_TEMPORARY."""
    host, port, security = account.smtp_host, account.smtp_port, account.smtp_security
    pin = account.smtp_pin
    if security not in ("ssl", "starttls"):
        raise PostierError("PLAINTEXT_REFUSED", server="smtp")
    ctx = shared_client_context(settings, pin)
    try:
        sock: socket.socket = connect_host(host, port, settings, timeout, "smtp")
        try:
            if security == "ssl":
                sock = handshake(sock, host, ctx, pin)
            session, _ = SmtpSession.greet(sock, host, port)
        except SmtpRefusal as exc:  # e.g. 421 busy: worth another try later
            code = "SMTP_TEMPORARY" if 400 <= exc.smtp_code < 500 else "PROTOCOL_ERROR"
            raise PostierError(code, "The mail server refused the connection.",
                               reply=exc.reply, server="smtp") from exc
        except BaseException:
            sock.close()
            raise
        try:
            if security == "starttls":
                offered, _ = session.offers_starttls()
                if not offered:
                    raise PostierError("STARTTLS_UNSUPPORTED", server="smtp")
                _starttls(session)
                session.secured(handshake(session.sock, host, ctx, pin))
            session.login(credential)
        except SmtpRefusal as exc:
            session.close()
            if 400 <= exc.smtp_code < 500:
                raise PostierError("SMTP_TEMPORARY", "Temporary login failure.",
                                   reply=exc.reply, server="smtp") from exc
            raise
        except BaseException:
            session.close()
            raise
    except PostierError as exc:
        exc.server = exc.server or "smtp"
        raise
    except (smtplib.SMTPException, OSError, ValueError) as exc:
        raise network_error(exc, "SMTP", server="smtp") from exc
    return session.smtp
