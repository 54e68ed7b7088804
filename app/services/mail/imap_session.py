"""IMAP sessions, on one library (imapclient): greeting, STARTTLS, login and refusals.

Owns how Postier speaks IMAP up to a logged-in session: the greeting over a socket the caller
connected (and maybe wrapped), STARTTLS and the capabilities after it, the login rule
(password: LOGIN for an ASCII user name and password where allowed, else AUTHENTICATE PLAIN
in UTF-8; OAuth2: XOAUTH2 or OAUTHBEARER) and the reading of a refusal (the server's verbatim
last line, the secret scrubbed out). ``open_imap`` does all of it for the tracker and the
Sent folder (resolve, connect, TLS by ``tls.handshake``, pin, login); the connection check
calls the same steps one by one (``ImapSession``) to time and report each.
"""

from __future__ import annotations

import re
import socket
import ssl
from collections.abc import Callable
from typing import Any

from imapclient import IMAPClient, imap4
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError

from app.services.config import Settings
from app.services.errors import PostierError
from app.services.mail.auth import Credential, oauthbearer_string, xoauth2_string
from app.services.mail.failures import (
    connect_host,
    login_refused,
    network_error,
    printable,
    refusal_code,
)
from app.services.mail.tls import handshake, shared_client_context
from app.services.redaction import scrub, scrubbing_logs
from app.services.storage import Account

# imapclient logs every server line at DEBUG under these two names.
IMAPCLIENT_LOGGERS = ("imapclient.imaplib", "imapclient.imapclient")


class _GivenSocket(imap4.IMAP4WithTimeout):
    """imapclient's imaplib layer over a socket we already connected (and maybe wrapped),
    keeping the last line it reads so errors carry the server's verbatim reply."""

    def __init__(self, sock: socket.socket, host: str, port: int) -> None:
        self._given = sock
        self.last_line = b""
        super().__init__(host, port, sock.gettimeout())

    def _create_socket(self, timeout: float | None = None) -> socket.socket:  # imaplib hook
        return self._given

    def _get_line(self) -> bytes:
        line: bytes = super()._get_line()  # type: ignore[misc]  # imaplib's private reader
        self.last_line = line
        return line


class _Client(IMAPClient):
    """IMAPClient whose connection is the socket given (imapclient connects in __init__)."""

    def __init__(self, sock: socket.socket, host: str, port: int) -> None:
        self._given = sock
        super().__init__(host, port=port, ssl=False, timeout=sock.gettimeout())

    def _create_IMAP4(self) -> _GivenSocket:  # noqa: N802 - imapclient's name
        return _GivenSocket(self._given, self.host, self.port)


class ImapSession:
    """One IMAP connection, not yet logged in: ``greet`` it, maybe ``starttls`` +
    ``secured``, then ``login``. Every failure is a PostierError with the server's reply."""

    def __init__(self, client: _Client, host: str, port: int) -> None:
        self.client = client
        self.host, self.port = host, port

    @classmethod
    def greet(cls, sock: socket.socket, host: str, port: int) -> ImapSession:
        """Read the greeting (and the CAPABILITY imaplib asks for) over ``sock``; closes it
        when the server is no IMAP server or goes away."""
        try:
            return cls(_Client(sock, host, port), host, port)
        except IMAPClientError as exc:  # junk (abort), "* BYE …" or a NO greeting
            sock.close()
            raise PostierError("PROTOCOL_ERROR", reply=printable(str(exc)),
                               server="imap") from None
        except (OSError, ValueError, EOFError) as exc:
            sock.close()
            raise network_error(exc, "greeting", server="imap") from exc

    @property
    def _imap(self) -> Any:
        return self.client._imap  # imaplib's object: raw capabilities and last line

    @property
    def sock(self) -> socket.socket:
        sock: socket.socket = self._imap.sock
        return sock

    @property
    def welcome(self) -> str:
        return printable(self.client.welcome or b"", 200)

    @property
    def capabilities(self) -> tuple[str, ...]:
        """As the server last listed them (after STARTTLS: the new list)."""
        return tuple(self._imap.capabilities)

    def reply(self) -> str:
        """Last line read, without its tag: the tagged status of the last command."""
        text = printable(self._imap.last_line)
        tag, _, rest = text.partition(" ")
        return rest if tag and tag not in ("*", "+") else text

    def offers_starttls(self) -> bool:
        return "STARTTLS" in self.capabilities

    def starttls(self) -> None:
        """Ask for STARTTLS; on success the server waits for a TLS handshake on ``sock``
        (then ``secured``). Refused: STARTTLS_UNSUPPORTED with the server's reply."""
        try:
            typ, _data = self._imap._simple_command("STARTTLS")
        except IMAPClientError as exc:
            raise PostierError("STARTTLS_UNSUPPORTED", reply=self.reply() or str(exc),
                               server="imap") from None
        except OSError as exc:
            raise network_error(exc, "STARTTLS", server="imap") from exc
        if typ != "OK":
            raise PostierError("STARTTLS_UNSUPPORTED", reply=self.reply(), server="imap")

    def secured(self, tls_sock: ssl.SSLSocket) -> None:
        """Carry on over the TLS socket; the capabilities change after TLS (RFC 3501
        6.2.1), so they are asked again."""
        imap = self._imap
        imap.sock = tls_sock
        imap.file = tls_sock.makefile("rb")
        imap._tls_established = True  # imaplib's own flag
        try:
            imap._get_capabilities()
        except OSError as exc:
            raise network_error(exc, "CAPABILITY", server="imap") from exc
        except IMAPClientError:
            raise PostierError("PROTOCOL_ERROR", reply=self.reply(), server="imap") from None

    def login(self, credential: Credential) -> str:
        """Log in by Postier's one rule; returns how ("LOGIN", "AUTHENTICATE PLAIN",
        "XOAUTH2"…). A refusal is read by ``failures.login_refused``; the secret never
        reaches a log line, a reply or an error."""
        with scrubbing_logs(credential.secret, credential.username, IMAPCLIENT_LOGGERS):
            try:
                return self._login(credential)
            except PostierError as exc:
                if exc.reply:
                    exc.reply = scrub(exc.reply, credential.secret, credential.username)
                raise

    def _login(self, cred: Credential) -> str:
        caps = set(self.capabilities)
        try:
            if cred.kind == "oauth2":
                mech = next((m for m in ("XOAUTH2", "OAUTHBEARER") if f"AUTH={m}" in caps), None)
                if mech is None:
                    raise self._unsupported()
                initial = (xoauth2_string(cred.username, cred.secret) if mech == "XOAUTH2" else
                           oauthbearer_string(cred.username, cred.secret, self.host, self.port))
                self.client.sasl_login(mech, _sasl_responder(initial))
            elif "LOGINDISABLED" not in caps and cred.secret.isascii() \
                    and cred.username.isascii():
                self.client.login(cred.username, cred.secret)
                mech = "LOGIN"
            elif "AUTH=PLAIN" in caps:
                # imaplib sends LOGIN arguments as ASCII: "mot-de-passe-été" goes as PLAIN
                plain = f"\0{cred.username}\0{cred.secret}"
                self.client.sasl_login("PLAIN", _sasl_responder(plain))
                mech = "AUTHENTICATE PLAIN"
            else:
                raise self._unsupported()
        except IMAPClientError as exc:
            # imapclient turns every failure of a login into LoginError; the one it
            # wraps says whether the connection broke (abort) or the server said no.
            if isinstance(exc, IMAPClientAbortError) or \
                    isinstance(exc.__context__, IMAPClientAbortError):
                raise PostierError("PROTOCOL_ERROR", reply=self.reply() or str(exc),
                                   server="imap") from None
            raise login_refused("imap", self.reply(), cred) from None
        except (OSError, EOFError) as exc:
            raise network_error(exc, "login", server="imap") from exc
        return mech

    def _unsupported(self) -> PostierError:
        return PostierError("AUTH_METHOD_UNSUPPORTED", server="imap",
                            reply="CAPABILITY " + " ".join(self.capabilities))

    def select_inbox(self) -> str:
        """SELECT INBOX read-only: the mailbox is really there for this login. Returns its
        message count as the server gave it."""
        try:
            info = self.client.select_folder("INBOX", readonly=True)
        except IMAPClientAbortError as exc:
            raise PostierError("PROTOCOL_ERROR", reply=self.reply() or str(exc),
                               server="imap") from None
        except IMAPClientError:
            reply = self.reply()
            raise PostierError(refusal_code("imap", reply, "PROTOCOL_ERROR"), reply=reply,
                               server="imap") from None
        except (OSError, EOFError) as exc:
            raise network_error(exc, "select", server="imap") from exc
        count = info.get(b"EXISTS")
        return "?" if count is None else str(count)

    def logout(self) -> None:
        """LOGOUT, or just the connection closed when that fails (it may be gone)."""
        close(self.client)

    def shutdown(self) -> None:
        """Close the connection without a LOGOUT round trip."""
        drop(self.client)


def _sasl_responder(initial: str) -> Callable[[bytes], bytes]:
    """SASL answers: the initial response first, then an empty answer to any error
    challenge (XOAUTH2 sends its JSON error as a challenge) so the server finishes."""
    sent: list[bool] = []

    def respond(challenge: bytes) -> bytes:
        if sent:
            return b""
        sent.append(True)
        return initial.encode()

    return respond


def open_imap(account: Account, settings: Settings, credential: Credential, *,
              timeout: float = 30.0) -> IMAPClient:
    """The account's mailbox as a logged-in IMAPClient, following Postier's TLS policy (never
    plaintext, the account's certificate pin), connected through Postier's one resolver
    (``POSTIER_DNS`` when set), as the account check was. Failures are PostierErrors."""
    host, port, security = account.imap_host, account.imap_port, account.imap_security
    pin = account.imap_pin
    if security not in ("ssl", "starttls"):
        raise PostierError("PLAINTEXT_REFUSED", server="imap")
    ctx = shared_client_context(settings, pin)
    sock: socket.socket = connect_host(host, port, settings, timeout, "imap")
    try:
        if security == "ssl":
            sock = handshake(sock, host, ctx, pin)
        session = ImapSession.greet(sock, host, port)
    except (OSError, ValueError) as exc:
        sock.close()
        raise network_error(exc, "IMAP", server="imap") from exc
    except PostierError:
        sock.close()
        raise
    try:
        if security == "starttls":
            if not session.offers_starttls():
                raise PostierError("STARTTLS_UNSUPPORTED", server="imap")
            session.starttls()
            session.secured(handshake(session.sock, host, ctx, pin))
        session.login(credential)
    except PostierError:
        session.shutdown()
        raise
    except (OSError, ValueError) as exc:
        session.shutdown()
        raise network_error(exc, "IMAP", server="imap") from exc
    return session.client


def close(client: IMAPClient) -> None:
    """LOGOUT; when that fails the connection may already be gone: just close it."""
    try:
        client.logout()
    except Exception:  # noqa: BLE001 - nothing more to do with a broken connection
        drop(client)


def drop(client: IMAPClient) -> None:
    """Close the connection without a LOGOUT round trip (one that is gone)."""
    try:
        client.shutdown()
    except Exception:  # noqa: BLE001 - already closed
        pass


def special_folder(client: IMAPClient, flag: bytes, names: set[str]) -> str | None:
    """The folder marked with a special-use ``flag`` (RFC 6154: \\Sent, \\Junk), else the
    first one with one of the usual ``names`` (lower-case; also under "INBOX.")."""
    by_name = None
    for flags, _delim, name in client.list_folders():
        folder = name.decode() if isinstance(name, bytes) else str(name)
        if flag in flags:
            return folder
        lowered = folder.lower()
        last = re.split(r"[./]", lowered)[-1]
        if by_name is None and (lowered in names
                                or (lowered.startswith("inbox") and last in names)):
            by_name = folder
    return by_name
