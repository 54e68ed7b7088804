"""server_greeting against tiny scripted servers on loopback (one connection each)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from app.services.mail.greeting import greet


@contextmanager
def talking(script: Callable[[socket.socket], None]) -> Iterator[socket.socket]:
    """A connected client socket; the server side runs ``script`` on its end."""
    listener = socket.create_server(("127.0.0.1", 0))
    done = threading.Event()

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            try:
                script(conn)
            except OSError:
                pass
            done.wait(5)

    threading.Thread(target=serve, daemon=True).start()
    client = socket.create_connection(listener.getsockname(), timeout=5)
    try:
        yield client
    finally:
        done.set()
        client.close()
        listener.close()


def replies(*pairs: tuple[bytes | None, bytes]) -> Callable[[socket.socket], None]:
    """Script: for each (expected command prefix or None, reply) read a line then answer."""
    def script(conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        for expected, reply in pairs:
            if expected is not None:
                assert reader.readline().startswith(expected)
            conn.sendall(reply)
    return script


def deadline(seconds: float = 3.0) -> float:
    return time.monotonic() + seconds


def test_imap_starttls_accepted() -> None:
    script = replies((None, b"* OK ready\r\n"),
                     (b"p1 CAPABILITY", b"* CAPABILITY IMAP4rev1 STARTTLS\r\np1 OK done\r\n"),
                     (b"p2 STARTTLS", b"p2 OK go ahead\r\n"))
    with talking(script) as sock:
        result = greet(sock, "imap", deadline(), starttls=True)
    assert (result.status, result.detail) == ("ok", "IMAP4REV1 STARTTLS")


def test_imap_without_starttls_is_plain_and_junk_is_fail() -> None:
    script = replies((None, b"* OK ready\r\n"),
                     (b"p1 CAPABILITY", b"* CAPABILITY IMAP4rev1\r\np1 OK done\r\n"))
    with talking(script) as sock:
        assert greet(sock, "imap", deadline(), starttls=True).status == "plain"
    with talking(replies((None, b"SSH-2.0-OpenSSH\r\n"))) as sock:
        result = greet(sock, "imap", deadline(), starttls=False)
    assert result.status == "fail" and "not an IMAP greeting" in result.detail


def test_smtp_multiline_ehlo_then_starttls_refused() -> None:
    script = replies((None, b"220 mx ESMTP\r\n"),
                     (b"EHLO [127.0.0.1]", b"250-mx\r\n250-SIZE 1000\r\n250 STARTTLS\r\n"),
                     (b"STARTTLS", b"454 TLS not available\r\n"))
    with talking(script) as sock:
        result = greet(sock, "smtp", deadline(), starttls=True)
    assert (result.status, result.detail) == ("plain", "STARTTLS refused: 454 TLS not available")


def test_smtp_without_starttls_reports_extensions() -> None:
    script = replies((None, b"220 mx ESMTP\r\n"), (b"EHLO", b"250-mx\r\n250 AUTH PLAIN\r\n"))
    with talking(script) as sock:
        result = greet(sock, "smtp", deadline(), starttls=False)
    assert (result.status, result.detail) == ("ok", "AUTH PLAIN")


def test_endless_line_and_silence_are_bounded() -> None:
    endless = talking(lambda conn: conn.sendall(b"* OK " + b"x" * 20000))
    with endless as sock, pytest.raises(ValueError, match="line too long"):
        greet(sock, "imap", deadline(), starttls=False)
    with talking(lambda conn: None) as sock:
        start = time.monotonic()
        with pytest.raises(TimeoutError):
            greet(sock, "smtp", deadline(0.3), starttls=False)
        assert time.monotonic() - start < 1.5
