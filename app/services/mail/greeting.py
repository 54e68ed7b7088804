"""The opening of an IMAP or SMTP session, spoken by hand with one deadline: greeting,
CAPABILITY / EHLO and, on request, STARTTLS up to the server's go-ahead.

Used where imaplib/smtplib would be too much or too trusting: discovery's guessing probes
(is this port IMAP/SMTP, does it offer STARTTLS?) and the connection check's certificate
fetch (reach the TLS handshake of a STARTTLS port without logging in). Lines are bounded,
so a server sending junk cannot make us read forever.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass

MAX_LINE = 8192


def remaining(deadline: float) -> float:
    return max(0.05, deadline - time.monotonic())


class LineReader:
    def __init__(self, sock: socket.socket) -> None:
        self.sock, self.buf = sock, b""

    def line(self, deadline: float) -> str:
        while b"\n" not in self.buf:
            if len(self.buf) > MAX_LINE:
                raise ValueError("line too long")
            self.sock.settimeout(remaining(deadline))
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("connection closed by the server")
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return line.decode("utf-8", "replace").rstrip("\r")


def smtp_reply(reader: LineReader, deadline: float) -> tuple[int, list[str]]:
    lines = []
    while True:
        line = reader.line(deadline)
        lines.append(line)
        if len(line) < 4 or line[3] != "-":
            break
        if len(lines) > 200:
            raise ValueError("reply too long")
    code = lines[-1][:3]
    if not code.isdigit():
        raise ValueError(f"not an SMTP reply: {lines[-1][:80]!r}")
    return int(code), lines


def imap_tagged(reader: LineReader, tag: str, deadline: float) -> tuple[str, list[str]]:
    untagged: list[str] = []
    for _ in range(500):
        line = reader.line(deadline)
        if line.startswith(tag + " "):
            return line[len(tag) + 1:], untagged
        untagged.append(line)
    raise ValueError("no tagged reply")


@dataclass(frozen=True)
class Greeting:
    status: str  # "ok" | "plain" (no STARTTLS offered, or refused) | "fail" (not this protocol)
    detail: str  # capabilities / EHLO extensions, or what went wrong


def greet(sock: socket.socket, protocol: str, deadline: float, starttls: bool) -> Greeting:
    """Read the greeting, ask CAPABILITY (IMAP) or EHLO (SMTP) and, with ``starttls``,
    send STARTTLS: "ok" then means the server waits for our TLS handshake on ``sock``.
    Network errors and junk replies raise (OSError, ValueError)."""
    sock.settimeout(remaining(deadline))
    reader = LineReader(sock)
    if protocol == "imap":
        greeting = reader.line(deadline)
        if not greeting.startswith(("* OK", "* PREAUTH")):
            return Greeting("fail", f"not an IMAP greeting: {greeting[:80]!r}")
        sock.sendall(b"p1 CAPABILITY\r\n")
        status, lines = imap_tagged(reader, "p1", deadline)
        caps = " ".join(x for x in lines if x.upper().startswith("* CAPABILITY")).upper()
        if starttls:
            if "STARTTLS" not in caps.split():
                return Greeting("plain", "no STARTTLS in CAPABILITY")
            sock.sendall(b"p2 STARTTLS\r\n")
            status, _ = imap_tagged(reader, "p2", deadline)
            if not status.upper().startswith("OK"):
                return Greeting("plain", f"STARTTLS refused: {status[:80]}")
        return Greeting("ok", caps.removeprefix("* CAPABILITY ")[:200])
    code, lines = smtp_reply(reader, deadline)
    if code != 220:
        return Greeting("fail", f"not an SMTP greeting: {lines[-1][:80]!r}")
    local_ip = sock.getsockname()[0]
    helo = f"[IPv6:{local_ip}]" if ":" in local_ip else f"[{local_ip}]"
    sock.sendall(f"EHLO {helo}\r\n".encode())
    code, lines = smtp_reply(reader, deadline)
    exts = [x[4:].upper() for x in lines[1:]]
    if code != 250:
        return Greeting("fail", f"EHLO refused: {lines[-1][:80]!r}")
    if starttls:
        if not any(e.split()[:1] == ["STARTTLS"] for e in exts if e):
            return Greeting("plain", "no STARTTLS in EHLO")
        sock.sendall(b"STARTTLS\r\n")
        code, lines = smtp_reply(reader, deadline)
        if code != 220:
            return Greeting("plain", f"STARTTLS refused: {lines[-1][:80]}")
    return Greeting("ok", " ".join(exts)[:200])
