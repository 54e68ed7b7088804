"""What an account check found, and how it is told: each timed ``Step``, the whole
``CheckResult`` (../shared/CLI.md's ``check`` document), the failure shown first when both
servers failed, and the CLI's text report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.services.errors import ErrorInfo
from app.services.mail.tls import TlsInfo
from app.services.setup.endpoint import Endpoint

SERVERS = ("imap", "smtp")
CERT_CODES = ("CERT_UNTRUSTED", "CERT_EXPIRED", "CERT_HOSTNAME_MISMATCH")
# Which failure to show first when both servers failed: the most specific, actionable one.
PRIORITY = ("APP_PASSWORD_REQUIRED", "WEB_LOGIN_REQUIRED", "BASIC_AUTH_DISABLED",
             "IMAP_DISABLED", "SMTP_AUTH_DISABLED", "AUTH_FAILED", "AUTH_METHOD_UNSUPPORTED",
             "SENDER_REJECTED", "PLAINTEXT_REFUSED", "STARTTLS_UNSUPPORTED", "TLS_TOO_OLD",
             *CERT_CODES, "TLS_HANDSHAKE_FAILED", "DNS_NOT_FOUND", "CONNECT_REFUSED",
             "NETWORK_UNREACHABLE", "TIMEOUT", "PROTOCOL_ERROR", "NOT_FOUND", "CANCELLED")


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


def most_useful(errors: dict[str, ErrorInfo]) -> ErrorInfo | None:
    if not errors:
        return None
    rank = {code: i for i, code in enumerate(PRIORITY)}
    return min(errors.values(), key=lambda e: (rank.get(e.code, len(rank)),
                                               SERVERS.index(e.server or "imap")))


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
