"""How reaching a mail server fails, in stable codes: host resolution, network errors and
a server's refusals.

Owns the one ``resolve_host`` (an IP literal as is; ``settings.dns_server`` when set, else
the system resolver), the one mapping of connect / TLS / read failures to the codes of
../shared/CLI.md (``network_error``) and the one reading of a refused login, SELECT or MAIL
FROM (``refusal_code``, ``login_refused``). The connection check, discovery, sending and the
tracker all resolve and fail through here, so that sending reaches the very addresses the
account check proved and a refusal reads the same everywhere.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
import ssl
from collections.abc import Callable
from typing import Any

from app.services import dns_query
from app.services.config import Settings
from app.services.errors import PostierError
from app.services.mail.auth import Credential
from app.services.mail.tls import classify_ssl_error

MAX_REPLY = 500

# (name, rdtype, timeout) -> records: how the DNS server is asked. Discovery passes a
# stoppable one; everyone else dns_query.records.
RecordLookup = Callable[[str, str, float], list[Any]]


def resolve_host(host: str, settings: Settings, timeout: float, *,
                 lookup: RecordLookup | None = None) -> list[str]:
    """IP addresses of ``host``: an IP literal as is; through ``settings.dns_server`` when
    set (tests point names at loopback this way: A first, AAAA only when there is no A),
    else the system resolver.

    Failures as stable codes: DNS_NOT_FOUND (no such name, no address, the DNS server
    failed), TIMEOUT (the DNS server stayed silent). The dns_query exception stays the
    ``__cause__``: discovery tells "not there" from "could not ask" by it."""
    try:
        return _addresses(host, settings, timeout, lookup)
    except dns_query.DnsTimeout as exc:
        raise PostierError("TIMEOUT", reply=f"DNS lookup of {host} timed out") from exc
    except (dns_query.NameNotFound, dns_query.DnsFailure) as exc:
        raise PostierError("DNS_NOT_FOUND", reply=str(exc)) from exc


def _addresses(host: str, settings: Settings, timeout: float,
               lookup: RecordLookup | None) -> list[str]:
    try:
        ipaddress.ip_address(host)
        return [host]
    except ValueError:
        pass
    if settings.dns_server:
        ask = lookup or (lambda name, rdtype, t: dns_query.records(name, rdtype, settings, t))
        for rdtype in ("A", "AAAA"):  # NameNotFound on A: the name itself does not exist
            addrs = [r.address for r in ask(host, rdtype, timeout)]
            if addrs:
                return addrs
        raise dns_query.NameNotFound(f"{host}: no address")
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise dns_query.NameNotFound(f"{host}: {getattr(exc, 'strerror', None) or exc}") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def connect_first(addrs: list[str], port: int, timeout: float,
                  where: str | None = None) -> socket.socket:
    """A TCP connection to the first of (at most four of) ``addrs`` that answers; when none
    does, the last failure as a stable code (``where`` names it, default "ip:port")."""
    last: PostierError | None = None
    for ip in addrs[:4]:
        try:
            return socket.create_connection((ip, port), timeout=timeout)
        except OSError as exc:
            last = network_error(exc, where or f"{ip}:{port}")
    raise last or PostierError("DNS_NOT_FOUND")


def connect_host(host: str, port: int, settings: Settings, timeout: float,
                 server: str) -> socket.socket:
    """A TCP connection to ``host`` by the one resolver, for an unattended session (the
    outbox, the tracker): failures name the ``server`` ("imap"/"smtp") and where it broke."""
    try:
        return connect_first(resolve_host(host, settings, timeout), port, timeout,
                             where=server.upper())
    except PostierError as exc:
        exc.server = exc.server or server
        raise


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


# ---------------------------------------------------------------------------
# A server's refusals
# ---------------------------------------------------------------------------
def printable(data: bytes | str, limit: int = MAX_REPLY) -> str:
    """A server's reply as safe, bounded text (control characters escaped)."""
    text = data.decode("utf-8", "backslashreplace") if isinstance(data, bytes) else data
    text = text.replace("\r\n", "\n").strip()
    text = "".join(c if c.isprintable() or c == "\n" else f"\\x{ord(c):02x}" for c in text)
    return text if len(text) <= limit else text[:limit] + "…"


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


def login_refused(server: str, reply: str, credential: Credential) -> PostierError:
    """The login refusal in plain words; a refused OAuth2 token is no password problem."""
    code = refusal_code(server, reply)
    if code == "AUTH_FAILED" and credential.kind == "oauth2":
        return PostierError(
            code, "The server refused the sign-in for this mailbox.", server=server,
            hint="Sign in again with the account of this address (the provider's page must "
                 "show the same address). If it still fails, ask the administrator whether "
                 "IMAP/SMTP access is allowed for this mailbox.", reply=reply)
    return PostierError(code, reply=reply, server=server)
