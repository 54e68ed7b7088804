"""TLS policy shared by every connection Postier makes.

Verification is always on (system store + optional ``POSTIER_CA_FILE``), TLS >= 1.2.
The only exception is an explicit certificate pin chosen by the user in the trust
dialog: then exactly that certificate (by SHA-256 of its DER form) is accepted.
"""

from __future__ import annotations

import hashlib
import hmac
import socket
import ssl
import threading
import warnings
from dataclasses import asdict, dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization  # noqa: F401  (keeps PyInstaller honest)

from app.services.config import Settings
from app.services.errors import PostierError

# OpenSSL X509 verify codes we explain to users (see `man openssl-verify`).
_EXPIRED = {10}  # X509_V_ERR_CERT_HAS_EXPIRED
_NOT_YET_VALID = {9}
_UNTRUSTED = {18, 19, 20, 21, 2}  # self-signed, self-signed in chain, unknown issuer…
_HOSTNAME = {62}  # X509_V_ERR_HOSTNAME_MISMATCH
_OLD_TLS_MARKERS = ("unsupported protocol", "protocol version", "no protocols available",
                    "wrong version number", "version too low", "unsupported_protocol")


@dataclass(frozen=True)
class TlsInfo:
    version: str
    cipher: str
    subject: str
    issuer: str
    not_before: str
    not_after: str
    sha256: str
    san: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["san"] = list(self.san)
        return data


def normalize_fingerprint(pin: str) -> str:
    """Accept 'AB:CD…', 'abcd…' or 'sha256:…' and return lowercase hex."""
    cleaned = pin.strip().lower().removeprefix("sha256:").replace(":", "").replace(" ", "")
    if len(cleaned) != 64 or any(c not in "0123456789abcdef" for c in cleaned):
        raise PostierError("INVALID_INPUT", "A certificate pin is a SHA-256 fingerprint "
                           "(64 hexadecimal characters).")
    return cleaned


def client_context(settings: Settings | None = None, pin: str | None = None) -> ssl.SSLContext:
    """An SSLContext following Postier's policy. With ``pin``, call ``check_pin`` after
    the handshake: the chain is not verified by OpenSSL, the fingerprint is."""
    ctx = ssl.create_default_context(purpose=ssl.Purpose.SERVER_AUTH)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if settings is not None and settings.ca_file is not None:
        ctx.load_verify_locations(cafile=str(settings.ca_file))
    if pin:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


_shared_lock = threading.Lock()
_shared: dict[tuple[str, int, bool], ssl.SSLContext] = {}


def shared_client_context(settings: Settings | None = None,
                          pin: str | None = None) -> ssl.SSLContext:
    """``client_context``, built once and reused, for callers that never change it (sending,
    the tracker). Building one reads the whole system CA store (~70 ms): twice per message,
    that was a third of the outbox's time. Rebuilt when ``POSTIER_CA_FILE`` changes."""
    ca = settings.ca_file if settings is not None else None
    try:
        stamp = ca.stat().st_mtime_ns if ca is not None else 0
    except OSError:
        stamp = -1  # let client_context report the unreadable file, as before
    key = (str(ca or ""), stamp, bool(pin))
    with _shared_lock:
        if key not in _shared:
            _shared[key] = client_context(settings, pin)
        return _shared[key]


_legacy_lock = threading.Lock()
_legacy: list[ssl.SSLContext] = []


def legacy_probe_context() -> ssl.SSLContext:
    """A context that can only speak TLS 1.0/1.1, at OpenSSL security level 0, without
    certificate checks. Used for one thing: after a failed handshake, to tell "this
    server is too old" (TLS_TOO_OLD) from any other handshake failure, whatever security
    level the system's OpenSSL defaults to (at level >= 1 an old-TLS-only server just
    answers "handshake failure"). Nothing is ever sent over it: the probe stops after
    the handshake. Postier's own connections keep TLS >= 1.2 (client_context)."""
    with _legacy_lock:
        if not _legacy:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
            with warnings.catch_warnings():  # TLSv1 is deprecated: that is the point here
                warnings.simplefilter("ignore", DeprecationWarning)
                ctx.minimum_version = ssl.TLSVersion.TLSv1
                ctx.maximum_version = ssl.TLSVersion.TLSv1_1
            _legacy.append(ctx)
        return _legacy[0]


def certificate_sha256(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def check_pin(sock: ssl.SSLSocket, pin: str) -> None:
    der = sock.getpeercert(binary_form=True) or b""
    if not hmac.compare_digest(certificate_sha256(der), normalize_fingerprint(pin)):
        raise PostierError("CERT_UNTRUSTED", "The server's certificate is not the one you "
                           "trusted: it has changed since.",
                           reply=f"sha256={certificate_sha256(der)}")


def handshake(sock: socket.socket, host: str, context: ssl.SSLContext,
              pin: str | None = None) -> ssl.SSLSocket:
    """TLS over ``sock`` by Postier's policy: ``context`` (``client_context``, or its shared
    twin) checks the certificate against the host *name*; with ``pin`` (a context made for
    it) exactly that certificate is accepted instead. Never below TLS 1.2. Raises
    ssl.SSLError/OSError for the handshake itself (``failures.network_error`` maps them),
    PostierError for a pin mismatch or an old protocol."""
    tls_sock = context.wrap_socket(sock, server_hostname=host)
    try:
        if pin:
            check_pin(tls_sock, pin)
        version = tls_sock.version() or ""
        if version not in ("TLSv1.2", "TLSv1.3"):  # belt and braces: the context forbids it
            raise PostierError("TLS_TOO_OLD", reply=version)
    except PostierError:
        tls_sock.close()
        raise
    return tls_sock


def _name(name: x509.Name) -> str:
    return name.rfc4514_string()


def describe_certificate(der: bytes) -> dict[str, Any]:
    """Subject, issuer, validity and fingerprint of a DER certificate, for the trust dialog."""
    cert = x509.load_der_x509_certificate(der)
    try:
        san_ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        san = tuple(str(v) for v in san_ext.value.get_values_for_type(x509.DNSName)) + tuple(
            str(v) for v in san_ext.value.get_values_for_type(x509.IPAddress))
    except x509.ExtensionNotFound:
        san = ()
    return {
        "subject": _name(cert.subject),
        "issuer": _name(cert.issuer),
        "not_before": cert.not_valid_before_utc.isoformat(),
        "not_after": cert.not_valid_after_utc.isoformat(),
        "sha256": certificate_sha256(der),
        "san": san,
    }


def tls_info(sock: ssl.SSLSocket) -> TlsInfo:
    der = sock.getpeercert(binary_form=True) or b""
    cipher = sock.cipher()
    desc = describe_certificate(der) if der else {
        "subject": "", "issuer": "", "not_before": "", "not_after": "", "sha256": "", "san": ()}
    return TlsInfo(version=sock.version() or "", cipher=cipher[0] if cipher else "", **desc)


def classify_ssl_error(exc: BaseException) -> PostierError:
    """Map an ssl exception to the stable code that names its real cause."""
    text = str(exc)
    if isinstance(exc, ssl.SSLCertVerificationError):
        code_num = getattr(exc, "verify_code", None)
        reason = getattr(exc, "verify_message", "") or text
        if code_num in _EXPIRED or "expired" in reason:
            return PostierError("CERT_EXPIRED", reply=reason)
        if code_num in _HOSTNAME or "hostname mismatch" in reason.lower() or "match" in reason:
            return PostierError("CERT_HOSTNAME_MISMATCH", reply=reason)
        if code_num in _NOT_YET_VALID:
            return PostierError("CERT_EXPIRED", "The server's certificate is not valid yet.",
                                reply=reason)
        return PostierError("CERT_UNTRUSTED", reply=reason)
    lowered = text.lower()
    if any(marker in lowered for marker in _OLD_TLS_MARKERS):
        return PostierError("TLS_TOO_OLD", reply=text)
    return PostierError("TLS_HANDSHAKE_FAILED", reply=text)
