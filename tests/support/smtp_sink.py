"""A real SMTP submission server that counts what it accepts: aiosmtpd with STARTTLS + AUTH
on loopback (trustme CA), one DATA = one message that left. For the team-mode tests,
where "sent once" is counted at the server, not in Postier's own tables."""

from __future__ import annotations

import ssl
import threading
from dataclasses import dataclass, field
from pathlib import Path

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.support.rig import free_port

USER = "contact@acme.test"
PASSWORD = "secret"


@dataclass
class Sink:
    port: int
    ca_file: Path
    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    controller: Controller | None = None

    def subjects(self) -> list[str]:
        import email
        import email.policy

        with self.lock:
            return [str(email.message_from_bytes(raw, policy=email.policy.default)["Subject"])
                    for _, _, raw in self.received]

    def count(self, subject: str) -> int:
        return sum(1 for s in self.subjects() if s == subject)

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()


class _Handler:
    def __init__(self, sink: Sink) -> None:
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):  # noqa: N802,ANN001,ANN201
        with self.sink.lock:
            self.sink.received.append((envelope.mail_from, list(envelope.rcpt_tos),
                                       bytes(envelope.original_content)))
            return f"250 2.0.0 Ok: queued as S{len(self.sink.received)}"


def _auth(server, session, envelope, mechanism, auth_data) -> AuthResult:  # noqa: ANN001
    ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


def start_sink(folder: Path) -> Sink:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    ca_file = folder / "sink-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    sink = Sink(port=free_port(), ca_file=ca_file)
    sink.controller = Controller(_Handler(sink), hostname="127.0.0.1", port=sink.port,
                                 tls_context=context, require_starttls=True,
                                 authenticator=_auth, auth_require_tls=True)
    sink.controller.start()
    return sink
