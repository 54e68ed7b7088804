"""What differs between the two servers of an account check: how IMAP and SMTP greet,
upgrade to TLS (STARTTLS), log in and prove the account usable (IMAP: SELECT INBOX
read-only; SMTP: a MAIL FROM probe then RSET, nothing sent), spoken by
mail/imap_session.py and mail/smtp_session.py over the socket ``ServerCheck``
(check_servers.py) opened and watches.
"""

from __future__ import annotations

import smtplib
import socket

from app.services.errors import PostierError
from app.services.mail.failures import network_error, printable, refusal_code
from app.services.mail.imap_session import ImapSession
from app.services.mail.smtp_session import SmtpSession
from app.services.setup.check_servers import ServerCheck


class ImapCheck(ServerCheck):
    server = "imap"

    def close(self, imap: ImapSession) -> None:
        imap.shutdown()

    def greet(self, sock: socket.socket) -> tuple[ImapSession, str]:
        imap = ImapSession.greet(sock, self.endpoint.host, self.endpoint.port)
        return imap, imap.welcome

    def starttls(self, imap: ImapSession) -> None:
        if self.endpoint.security == "ssl":
            return
        self.begin("starttls")
        if not imap.offers_starttls():
            self.no_starttls(f"CAPABILITY {' '.join(imap.capabilities)}")
        try:
            imap.starttls()
            tls_sock, detail = self.tls_handshake(imap.sock)
            imap.secured(tls_sock)
        except PostierError as exc:
            self.fail(exc)
        self.upgraded(detail)

    def login(self, imap: ImapSession) -> None:
        self.begin("login")
        imap.sock.settimeout(self.run.remaining())  # imaplib keeps the socket it was given
        try:
            mech = imap.login(self.credential)
        except PostierError as exc:
            self.fail(exc)
        self.ok(f"{mech} as {self.credential.username}")

    def prove(self, imap: ImapSession) -> None:
        """SELECT INBOX (read-only): the mailbox is really there for this login."""
        self.begin("select")
        try:
            count = imap.select_inbox()
        except PostierError as exc:
            self.fail(exc)
        self.ok(f"INBOX: {count} messages")
        imap.logout()


class SmtpCheck(ServerCheck):
    server = "smtp"

    def close(self, smtp: SmtpSession) -> None:
        smtp.close()

    def greet(self, sock: socket.socket) -> tuple[SmtpSession, str]:
        return SmtpSession.greet(sock, self.endpoint.host, self.endpoint.port)

    def starttls(self, smtp: SmtpSession) -> None:
        if self.endpoint.security == "ssl":
            return
        self.begin("starttls")
        try:
            offered, extensions = smtp.offers_starttls()
            if not offered:
                self.no_starttls(extensions)
            smtp.starttls()
            tls_sock, detail = self.tls_handshake(smtp.sock)
        except PostierError as exc:
            self.fail(exc)
        smtp.secured(tls_sock)
        self.upgraded(detail)

    def login(self, smtp: SmtpSession) -> None:
        self.begin("login")
        if smtp.smtp.sock is not None:
            smtp.smtp.sock.settimeout(self.run.remaining())
        try:
            said = smtp.login(self.credential)
        except PostierError as exc:
            self.fail(exc)
        self.ok(said)

    def prove(self, smtp: SmtpSession) -> None:
        """MAIL FROM probe then RSET: proves the server lets this login send as this
        address, without sending anything."""
        self.begin("send_test")
        try:
            code, msg = smtp.smtp.mail(self.email)
            reply = printable(f"{code} {msg.decode(errors='replace')}")
            if code != 250:
                self.fail(PostierError(refusal_code("smtp", reply, "SENDER_REJECTED"),
                                       reply=reply))
            smtp.smtp.rset()
            try:
                smtp.smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
        except smtplib.SMTPServerDisconnected as exc:
            self.fail(PostierError("PROTOCOL_ERROR", reply=str(exc)))
        except OSError as exc:
            self.fail(network_error(exc, "MAIL FROM"))
        self.ok(f"MAIL FROM:<{self.email}> accepted ({reply}); nothing sent")

