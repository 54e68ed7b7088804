"""Second looks at a server whose TLS went wrong, each over a connection of its own that
never logs in: does this port speak TLS first, is this server too old for TLS 1.2, what
certificate does it show?

The connection check uses them to name the real cause of a failure (a STARTTLS client on
an implicit-TLS port, TLS_TOO_OLD rather than a handshake failure) and to show a refused
certificate in the trust dialog. Nothing is sent after a handshake and nothing is checked
on these connections: they only answer one question each. ``watch`` lets the caller cut
a probe at its deadline (called with the socket to cut, then with None when done).
"""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Callable

from app.services.mail.greeting import greet
from app.services.mail.tls import legacy_probe_context

Watch = Callable[[socket.socket | None], None]


def _unverified() -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def _nothing(sock: socket.socket | None) -> None:
    return None


def tls_first(peer: tuple[str, int], host: str, timeout: float,
              watch: Watch = _nothing) -> str | None:
    """TLS version negotiated by a handshake on a new connection to ``peer``, or None when
    it does not speak TLS first (only "does this port speak TLS from the start?")."""
    try:
        probe = socket.create_connection(peer, timeout=timeout)
    except OSError:
        return None
    try:
        with _unverified().wrap_socket(probe, server_hostname=host,
                                       do_handshake_on_connect=False) as tls_sock:
            watch(tls_sock)  # the TLS socket: the wrap detached ``probe``
            tls_sock.do_handshake()
            return tls_sock.version() or "TLS"
    except (OSError, ValueError):
        return None
    finally:
        watch(None)
        probe.close()  # a no-op once wrapped


def _opened(address: str, port: int, host: str, protocol: str, starttls: bool,
            timeout: float, watch: Watch) -> socket.socket | None:
    """A connection ready for a TLS handshake (after STARTTLS when ``starttls``)."""
    try:
        raw = socket.create_connection((address, port), timeout=timeout)
    except OSError:
        return None
    watch(raw)
    try:
        if starttls and greet(raw, protocol, time.monotonic() + timeout,
                              starttls=True).status != "ok":
            raw.close()
            return None
    except (OSError, ValueError):
        raw.close()
        return None
    return raw


def old_tls_version(address: str, port: int, host: str, protocol: str, starttls: bool,
                    timeout: float, watch: Watch = _nothing) -> str | None:
    """"TLSv1"/"TLSv1.1" when the server completes a handshake with a TLS 1.0/1.1-only
    context on a fresh connection (through STARTTLS when ``starttls``), else None. It only
    names the cause of a handshake that failed under Postier's TLS >= 1.2 policy."""
    raw = _opened(address, port, host, protocol, starttls, timeout, watch)
    if raw is None:
        watch(None)
        return None
    try:
        with legacy_probe_context().wrap_socket(raw, server_hostname=host,
                                                do_handshake_on_connect=False) as tls_sock:
            watch(tls_sock)  # the wrap detached ``raw``
            tls_sock.do_handshake()
            version = tls_sock.version()
        return version if version in ("TLSv1", "TLSv1.1") else None
    except (OSError, ValueError):
        return None
    finally:
        watch(None)
        raw.close()


def fetch_certificate(address: str, port: int, host: str, protocol: str, starttls: bool,
                      timeout: float) -> bytes | None:
    """The server's certificate (DER) over a fresh, unverified connection that goes no
    further than the handshake. Never used to log in."""
    raw = _opened(address, port, host, protocol, starttls, timeout, _nothing)
    if raw is None:
        return None
    try:
        with _unverified().wrap_socket(raw, server_hostname=host) as tls_sock:
            return tls_sock.getpeercert(binary_form=True)
    except (OSError, ValueError):
        return None
    finally:
        raw.close()
