"""Small IMAP/SMTP servers that misbehave on purpose, on loopback with free ports.

Each ``ScriptedServer`` speaks just enough IMAP or SMTP to get a client to the step under
test, then answers what a real broken or strict server answers there: an outdated TLS,
a bad certificate, silence, binary junk, or one of the big providers' verbatim error
replies (Gmail, Microsoft 365). No root needed: these run in-process, in threads.

``BadServers`` owns a per-run CA (``ca_file``: trust it like the rig's CA) and makes the
certificates: good, self-signed, expired, for the wrong host.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import socket
import ssl
import tempfile
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from app.services.setup.endpoint import Endpoint

GOOD_TOKEN = "good-token"
LOOPBACK_NAMES = ("localhost", "127.0.0.1")

# Verbatim replies of big providers (from their servers / documentation), by case.
GMAIL_SMTP_APP_PASSWORD = (
    "534-5.7.9 Application-specific password required. For more information, go to\r\n"
    "534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor d2sm1234567wrb.12 - gsmtp")
GMAIL_IMAP_APP_PASSWORD = ("NO [ALERT] Application-specific password required: "
                           "https://support.google.com/accounts/answer/185833 (Failure)")
GMAIL_IMAP_DISABLED = ("NO [ALERT] Your account is not enabled for IMAP use. Please visit your "
                       "Gmail settings page and enable your account for IMAP access. (Failure)")
GMAIL_SMTP_WEB_LOGIN = (
    "534-5.7.14 <https://accounts.google.com/signin/continue?sarp=1&scc=1&plt=AKgnsbt>\r\n"
    "534-5.7.14 Please log in via your web browser and then try again.\r\n"
    "534-5.7.14  Learn more at\r\n"
    "534 5.7.14  https://support.google.com/mail/answer/78754 a1sm2345678wrb.3 - gsmtp")
GMAIL_IMAP_WEB_LOGIN = ("NO [ALERT] Please log in via your web browser: "
                        "https://support.google.com/mail/accounts/answer/78754 (Failure)")
MS_IMAP_NOT_CONNECTED = "BAD User is authenticated but not connected."
MS_SMTP_BASIC_AUTH_DISABLED = (
    "535 5.7.139 Authentication unsuccessful, basic authentication is disabled. "
    "[PR3P191CA0021.EURP191.PROD.OUTLOOK.COM 2024-05-01T10:00:00.000Z 08DC69C6B1D0B4C1]")
MS_SMTP_AUTH_DISABLED_TENANT = (
    "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the "
    "Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. "
    "[AM0PR10CA0001.EURPRD10.PROD.OUTLOOK.COM 2024-05-01T10:00:00.000Z 08DC69C6B1D0B4C1]")
MS_SMTP_CLIENT_NOT_AUTHENTICATED = (
    "530 5.7.57 Client not authenticated to send mail. [AM0PR10CA0001.EURPRD10.PROD.OUTLOOK.COM]")
JUNK = bytes(range(256)) * 4 + b"\x00\xff\xfe\r\n"


@dataclass
class ScriptedServer:
    """One IMAP or SMTP listener with scripted replies.

    protocol: "imap" or "smtp". ``tls``: implicit TLS context; ``starttls``: context
    offered through STARTTLS. ``mode``: "normal", "silent" (accept TCP, never answer),
    "junk" (send binary junk as the greeting). Replies (IMAP: the tagged status, e.g.
    ``"NO [ALERT] …"``; SMTP: the full reply lines) override the happy path.
    """

    protocol: str
    tls: ssl.SSLContext | None = None
    starttls: ssl.SSLContext | None = None
    mode: str = "normal"
    host: str = "127.0.0.1"
    capabilities: str = "IMAP4rev1 AUTH=PLAIN"  # IMAP, before STARTTLS/LOGINDISABLED extras
    login_disabled: bool = False  # IMAP LOGINDISABLED
    auth_mechanisms: tuple[str, ...] = ("PLAIN", "LOGIN")  # SMTP AUTH= list; IMAP: AUTH= in caps
    login_reply: str | None = None  # IMAP LOGIN/AUTHENTICATE tagged reply; SMTP AUTH reply
    select_reply: str | None = None  # IMAP SELECT tagged reply
    mail_reply: str | None = None  # SMTP MAIL FROM reply
    starttls_reply: str | None = None  # SMTP STARTTLS refusal (e.g. 454), TLS offered in EHLO
    greeting: str | None = None
    greeting_delay: float = 0.0  # seconds before the greeting (a slow, far-away server)
    port: int = 0
    # Old servers that answer a TLS >= 1.2 ClientHello with a "handshake failure" alert
    # instead of "protocol version" (what an OpenSSL 3 server says): the client then
    # cannot tell "too old" from the alert alone.
    modern_hello_alert: bool = False
    commands: list[str] = field(default_factory=list)  # what clients sent (secrets included!)
    connections: int = 0

    def __post_init__(self) -> None:
        self._listener = socket.create_server((self.host, self.port))
        self.port = self._listener.getsockname()[1]
        self._clients: list[socket.socket] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        threading.Thread(target=self._accept_loop, daemon=True,
                         name=f"bad-{self.protocol}-{self.port}").start()

    # -- public ------------------------------------------------------------
    @property
    def security(self) -> str:
        return "ssl" if self.tls else ("starttls" if self.starttls else "plain")

    @property
    def endpoint(self) -> Endpoint:
        return Endpoint(self.host, self.port, self.security)

    def endpoint_as(self, security: str) -> Endpoint:
        return Endpoint(self.host, self.port, security)

    def stop(self) -> None:
        self._stop.set()
        try:
            self._listener.close()
        except OSError:
            pass
        with self._lock:
            for c in self._clients:
                try:
                    c.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                c.close()

    # -- plumbing ----------------------------------------------------------
    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            with self._lock:
                self._clients.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(30)
            if self.mode == "silent":
                self._stop.wait(60)  # hold the connection open, say nothing
                return
            if self.tls is not None:
                if self.modern_hello_alert and _refuse_modern_hello(conn):
                    return
                conn = self.tls.wrap_socket(conn, server_side=True)
                with self._lock:
                    self._clients.append(conn)
            if self.greeting_delay:
                self._stop.wait(self.greeting_delay)
            if self.mode == "junk":
                conn.sendall(JUNK)
                self._stop.wait(2)
                return
            (self._imap if self.protocol == "imap" else self._smtp)(conn)
        except (OSError, ssl.SSLError, ValueError):
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def _upgrade(self, conn: socket.socket) -> socket.socket:
        assert self.starttls is not None
        if self.modern_hello_alert and _refuse_modern_hello(conn):
            raise OSError("modern ClientHello refused")
        tls_conn = self.starttls.wrap_socket(conn, server_side=True)
        with self._lock:
            self._clients.append(tls_conn)
        return tls_conn

    # -- IMAP --------------------------------------------------------------
    def _imap_caps(self, secure: bool) -> str:
        caps = self.capabilities
        caps += "".join(f" AUTH={m}" for m in self.auth_mechanisms if f"AUTH={m}" not in caps
                        and m not in ("PLAIN", "LOGIN"))
        if self.starttls is not None and not secure:
            caps += " STARTTLS"
        if self.login_disabled:
            caps += " LOGINDISABLED"
        return caps

    def _imap(self, conn: socket.socket) -> None:
        secure = self.tls is not None
        reader = conn.makefile("rb")
        greeting = self.greeting or f"* OK [CAPABILITY {self._imap_caps(secure)}] Test IMAP ready"
        conn.sendall(greeting.encode() + b"\r\n")
        authed = False
        while True:
            line = reader.readline()
            if not line:
                return
            text = line.decode(errors="replace").rstrip("\r\n")
            self.commands.append(text)
            tag, _, rest = text.partition(" ")
            cmd, _, args = rest.partition(" ")
            cmd = cmd.upper()
            if cmd == "CAPABILITY":
                out = f"* CAPABILITY {self._imap_caps(secure)}\r\n{tag} OK CAPABILITY completed"
            elif cmd == "STARTTLS" and self.starttls is not None and not secure:
                conn.sendall(f"{tag} OK Begin TLS negotiation now\r\n".encode())
                conn = self._upgrade(conn)
                reader = conn.makefile("rb")
                secure = True
                continue
            elif cmd == "LOGIN":
                if self.login_disabled:
                    out = f"{tag} NO [PRIVACYREQUIRED] LOGIN disabled, use AUTHENTICATE"
                else:
                    out = f"{tag} {self.login_reply or 'OK LOGIN completed'}"
                authed = out.split(" ", 2)[1] == "OK"
            elif cmd == "AUTHENTICATE":
                mech, _, initial = args.partition(" ")
                out, authed = self._imap_authenticate(conn, reader, tag, mech.upper(), initial)
            elif cmd in ("SELECT", "EXAMINE"):
                if self.select_reply:
                    out = f"{tag} {self.select_reply}"
                elif authed:
                    out = f"* 0 EXISTS\r\n* 0 RECENT\r\n{tag} OK [READ-WRITE] SELECT completed"
                else:
                    out = f"{tag} BAD not authenticated"
            elif cmd == "NOOP":
                out = f"{tag} OK NOOP completed"
            elif cmd == "LOGOUT":
                conn.sendall(f"* BYE logging out\r\n{tag} OK LOGOUT completed\r\n".encode())
                return
            else:
                out = f"{tag} BAD unknown command"
            conn.sendall(out.encode() + b"\r\n")

    def _imap_authenticate(self, conn: socket.socket, reader, tag: str, mech: str,
                           initial: str) -> tuple[str, bool]:
        if mech not in self.auth_mechanisms:
            return f"{tag} NO [CANNOT] Unsupported authentication mechanism", False
        if not initial:
            conn.sendall(b"+ \r\n")
            initial = reader.readline().decode(errors="replace").strip()
        self.commands.append(f"AUTH-DATA {initial}")
        if self.login_reply:
            return f"{tag} {self.login_reply}", self.login_reply.startswith("OK")
        if mech in ("XOAUTH2", "OAUTHBEARER"):
            if _bearer_token(initial) == GOOD_TOKEN:
                return f"{tag} OK Success", True
            err = base64.b64encode(json.dumps({"status": "401", "schemes": "Bearer",
                                               "scope": "https://mail.google.com/"}).encode())
            conn.sendall(b"+ " + err + b"\r\n")
            reader.readline()
            return f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)", False
        return f"{tag} OK AUTHENTICATE completed", True

    # -- SMTP --------------------------------------------------------------
    def _smtp(self, conn: socket.socket) -> None:
        secure = self.tls is not None
        reader = conn.makefile("rb")
        conn.sendall((self.greeting or "220 bad.example.test ESMTP test server").encode() + b"\r\n")
        while True:
            line = reader.readline()
            if not line:
                return
            text = line.decode(errors="replace").rstrip("\r\n")
            self.commands.append(text)
            verb, _, args = text.partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                ext = ["SIZE 35882577", "8BITMIME", "ENHANCEDSTATUSCODES"]
                if self.starttls is not None and not secure:
                    ext.append("STARTTLS")
                if self.auth_mechanisms:
                    ext.append("AUTH " + " ".join(self.auth_mechanisms))
                lines = ["bad.example.test at your service", *ext]
                out = "\r\n".join(f"250{'-' if i < len(lines) - 1 else ' '}{x}"
                                  for i, x in enumerate(lines))
            elif verb == "HELO":
                out = "250 bad.example.test"
            elif verb == "STARTTLS" and self.starttls is not None and not secure \
                    and self.starttls_reply:
                out = self.starttls_reply
            elif verb == "STARTTLS" and self.starttls is not None and not secure:
                conn.sendall(b"220 2.0.0 Ready to start TLS\r\n")
                conn = self._upgrade(conn)
                reader = conn.makefile("rb")
                secure = True
                continue
            elif verb == "AUTH":
                out = self._smtp_auth(conn, reader, args)
            elif verb == "MAIL":
                out = self.mail_reply or "250 2.1.0 Sender OK"
            elif verb == "RCPT":
                out = "250 2.1.5 Recipient OK"
            elif verb in ("RSET", "NOOP"):
                out = "250 2.0.0 OK"
            elif verb == "QUIT":
                conn.sendall(b"221 2.0.0 Bye\r\n")
                return
            else:
                out = "502 5.5.2 Command not implemented"
            conn.sendall(out.encode() + b"\r\n")

    def _smtp_auth(self, conn: socket.socket, reader, args: str) -> str:
        mech, _, initial = args.partition(" ")
        mech = mech.upper()
        if mech not in self.auth_mechanisms:
            return "504 5.5.4 Unrecognized authentication type"
        if mech == "LOGIN":
            for prompt in ([] if initial else [b"334 VXNlcm5hbWU6"]) + [b"334 UGFzc3dvcmQ6"]:
                conn.sendall(prompt + b"\r\n")
                self.commands.append("AUTH-DATA " + reader.readline().decode().strip())
        elif not initial:
            conn.sendall(b"334 \r\n")
            initial = reader.readline().decode(errors="replace").strip()
        self.commands.append(f"AUTH-DATA {initial}")
        if self.login_reply:
            return self.login_reply
        if mech in ("XOAUTH2", "OAUTHBEARER"):
            if _bearer_token(initial) == GOOD_TOKEN:
                return "235 2.7.0 Accepted"
            err = base64.b64encode(json.dumps({"status": "400", "schemes": "Bearer"}).encode())
            conn.sendall(b"334 " + err + b"\r\n")
            reader.readline()
            return "535-5.7.8 Username and Password not accepted.\r\n535 5.7.8 BadCredentials"
        return "235 2.7.0 Authentication successful"


_HANDSHAKE_FAILURE_ALERT = bytes([21, 3, 1, 0, 2, 2, 40])  # fatal, handshake_failure


def _refuse_modern_hello(conn: socket.socket) -> bool:
    """Peek at the ClientHello: one that lists only TLS >= 1.2 in supported_versions gets
    a handshake_failure alert (True: the connection is done); others go on to the real
    TLS 1.0/1.1 handshake."""
    data = b""
    while len(data) < 5 or len(data) < 5 + int.from_bytes(data[3:5], "big"):
        chunk = conn.recv(16384, socket.MSG_PEEK)
        if not chunk or len(chunk) == len(data):
            break
        data = chunk
    versions = _supported_versions(data[5:])
    if versions and min(versions) >= 0x0303:
        conn.sendall(_HANDSHAKE_FAILURE_ALERT)
        return True
    return False


def _supported_versions(hello: bytes) -> list[int]:
    """The versions a ClientHello lists in its supported_versions extension (RFC 8446)."""
    try:
        pos = 4 + 2 + 32  # handshake header, legacy_version, random
        pos += 1 + hello[pos]  # session id
        pos += 2 + int.from_bytes(hello[pos:pos + 2], "big")  # cipher suites
        pos += 1 + hello[pos]  # compression methods
        end = pos + 2 + int.from_bytes(hello[pos:pos + 2], "big")
        pos += 2
        while pos + 4 <= end:
            kind = int.from_bytes(hello[pos:pos + 2], "big")
            size = int.from_bytes(hello[pos + 2:pos + 4], "big")
            body = hello[pos + 4:pos + 4 + size]
            if kind == 0x002B:
                return [int.from_bytes(body[i:i + 2], "big") for i in range(1, 1 + body[0], 2)]
            pos += 4 + size
    except IndexError:
        pass
    return []


def _bearer_token(b64: str) -> str | None:
    try:
        raw = base64.b64decode(b64).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    for part in raw.split("\x01"):
        if part.startswith("auth="):
            return part[5:].removeprefix("Bearer ").strip()
    return None


# ---------------------------------------------------------------------------
# Certificates and the collection of servers
# ---------------------------------------------------------------------------
def _server_context(cert_pem: bytes, key_pem: bytes, directory: Path, name: str,
                    legacy_tls10: bool = False,
                    max_version: ssl.TLSVersion = ssl.TLSVersion.TLSv1) -> ssl.SSLContext:
    cert_file, key_file = directory / f"{name}.crt", directory / f"{name}.key"
    cert_file.write_bytes(cert_pem)
    key_file.write_bytes(key_pem)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(cert_file), str(key_file))
    if legacy_tls10:
        # OpenSSL 3 refuses TLS < 1.2 at security level >= 1: SECLEVEL=0 is required.
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        with warnings.catch_warnings():  # deprecated on purpose: this server is the bad example
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx.minimum_version = ssl.TLSVersion.TLSv1
            ctx.maximum_version = max_version
    else:
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def self_signed_pem(names: tuple[str, ...] = LOOPBACK_NAMES) -> tuple[bytes, bytes]:
    """A certificate that is its own issuer (what a home-made server presents)."""
    import ipaddress

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    sans: list[x509.GeneralName] = []
    for n in names:
        try:
            sans.append(x509.IPAddress(ipaddress.ip_address(n)))
        except ValueError:
            sans.append(x509.DNSName(n))
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


class BadServers:
    """Factory + owner of misbehaving servers; ``stop()`` ends them all.

    ``ca_file`` is the CA that signed the "good", "expired" and "wrong host" certificates;
    a client trusting it sees exactly the one defect each server is meant to have.
    """

    def __init__(self, ca: trustme.CA | None = None, directory: Path | None = None) -> None:
        self.ca = ca or trustme.CA(organization_name="Postier bad-servers CA")
        self.dir = directory or Path(tempfile.mkdtemp(prefix="postier-bad-"))
        self.dir.mkdir(parents=True, exist_ok=True)
        self.ca_file = self.dir / "ca.crt"
        self.ca.cert_pem.write_to_path(str(self.ca_file))
        self.servers: list[ScriptedServer] = []
        good = self.ca.issue_cert(*LOOPBACK_NAMES)
        self.good_pem = b"".join(b.bytes() for b in good.cert_chain_pems)
        self.good_ctx = _server_context(self.good_pem, good.private_key_pem.bytes(), self.dir,
                                        "good")
        self.tls10_ctx = _server_context(self.good_pem, good.private_key_pem.bytes(), self.dir,
                                         "tls10", legacy_tls10=True)
        self.tls11_ctx = _server_context(self.good_pem, good.private_key_pem.bytes(), self.dir,
                                         "tls11", legacy_tls10=True,
                                         max_version=ssl.TLSVersion.TLSv1_1)
        past = dt.datetime.now(dt.UTC) - dt.timedelta(days=400)
        expired = self.ca.issue_cert(*LOOPBACK_NAMES, not_before=past,
                                     not_after=past + dt.timedelta(days=90))
        self.expired_ctx = _server_context(b"".join(b.bytes() for b in expired.cert_chain_pems),
                                           expired.private_key_pem.bytes(), self.dir, "expired")
        wrong = self.ca.issue_cert("wrong.example.org")
        self.wrong_host_ctx = _server_context(b"".join(b.bytes() for b in wrong.cert_chain_pems),
                                              wrong.private_key_pem.bytes(), self.dir, "wrong")
        cert_pem, key_pem = self_signed_pem()
        self.self_signed_pem = cert_pem
        self.self_signed_ctx = _server_context(cert_pem, key_pem, self.dir, "selfsigned")

    def start(self, protocol: str, **kwargs: object) -> ScriptedServer:
        server = ScriptedServer(protocol, **kwargs)  # type: ignore[arg-type]
        self.servers.append(server)
        return server

    # Convenience constructors for the cases of issue 3 ---------------------
    def imaps(self, **kwargs: object) -> ScriptedServer:
        return self.start("imap", tls=self.good_ctx, **kwargs)

    def smtps(self, **kwargs: object) -> ScriptedServer:
        return self.start("smtp", tls=self.good_ctx, **kwargs)

    def tls10(self, protocol: str = "imap") -> ScriptedServer:
        return self.start(protocol, tls=self.tls10_ctx)

    def old_tls(self, protocol: str = "imap", *, starttls: bool = False, tls10: bool = False,
                modern_hello_alert: bool = False) -> ScriptedServer:
        """A server whose newest TLS is 1.1 (or 1.0), implicit or through STARTTLS."""
        ctx = self.tls10_ctx if tls10 else self.tls11_ctx
        return self.start(protocol, **({"starttls": ctx} if starttls else {"tls": ctx}),
                          modern_hello_alert=modern_hello_alert)

    def self_signed(self, protocol: str = "imap") -> ScriptedServer:
        return self.start(protocol, tls=self.self_signed_ctx)

    def expired(self, protocol: str = "imap") -> ScriptedServer:
        return self.start(protocol, tls=self.expired_ctx)

    def wrong_host(self, protocol: str = "imap") -> ScriptedServer:
        return self.start(protocol, tls=self.wrong_host_ctx)

    def silent(self, protocol: str = "imap") -> ScriptedServer:
        return self.start(protocol, mode="silent")

    def junk(self, protocol: str = "imap", tls: bool = False) -> ScriptedServer:
        return self.start(protocol, mode="junk", tls=self.good_ctx if tls else None)

    def oauth_only_imap(self) -> ScriptedServer:
        """Gmail-like: LOGIN disabled, AUTHENTICATE XOAUTH2/OAUTHBEARER only."""
        return self.imaps(capabilities="IMAP4rev1 SASL-IR", login_disabled=True,
                          auth_mechanisms=("XOAUTH2", "OAUTHBEARER"))

    def oauth_only_smtp(self) -> ScriptedServer:
        return self.smtps(auth_mechanisms=("XOAUTH2", "OAUTHBEARER"))

    def stop(self) -> None:
        for s in self.servers:
            s.stop()
        self.servers.clear()
