"""Step-by-step help panels shown on the test page for the failures users cannot fix
by retyping: Gmail app passwords, IMAP switched off, Microsoft basic auth switched off,
and TLS/certificate problems that only the server's administrator can solve."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject


@dataclass(frozen=True)
class Guidance:
    key: str
    title: str
    steps: list[str]
    # Buttons the panel offers: "office365" (switch to Microsoft sign-in), "trust"
    # (certificate dialog), "manual" (edit settings), "copy_request" (copy the
    # message for the administrator).
    actions: tuple[str, ...] = ()
    admin_request: str = ""
    links: dict[str, str] = field(default_factory=dict)


class GuidanceTexts(QObject):
    """The panels' texts; a QObject so they are translated under one context."""

    def gmail_app_password(self) -> Guidance:
        return Guidance("gmail_app_password", self.tr("Create a Gmail app password"), [
            self.tr("Open your Google Account: myaccount.google.com, then \"Security\"."),
            self.tr("Turn on \"2-Step Verification\" if it is off (Google requires it "
                    "for app passwords)."),
            self.tr("Open myaccount.google.com/apppasswords and create an app password "
                    "named \"Postier\"."),
            self.tr("Google shows a 16-character code: copy it."),
            self.tr("Come back here, paste the code in the \"App password\" field below "
                    "(spaces do not matter) and click \"Test with this password\"."),
        ], ("back",), links={"security": "https://myaccount.google.com/security",
                             "apppasswords": "https://myaccount.google.com/apppasswords"})

    def imap_disabled(self, provider: str | None) -> Guidance:
        if provider == "gmail":
            steps = [
                self.tr("Open Gmail in your web browser."),
                self.tr("Click the gear icon, then \"See all settings\"."),
                self.tr("Open the \"Forwarding and POP/IMAP\" tab."),
                self.tr("Under \"IMAP access\", choose \"Enable IMAP\", then \"Save "
                        "Changes\" at the bottom."),
                self.tr("Come back here and click \"Test again\"."),
            ]
        else:
            steps = [
                self.tr("Ask your Microsoft 365 administrator to open the admin centre "
                        "(admin.microsoft.com)."),
                self.tr("Users → Active users → click your name."),
                self.tr("\"Mail\" tab → \"Manage email apps\"."),
                self.tr("Tick \"IMAP\" and \"Authenticated SMTP\", then \"Save changes\"."),
                self.tr("The change can take up to an hour: then click \"Test again\"."),
            ]
        return Guidance("imap_disabled", self.tr("Turn IMAP access on"), steps)

    def smtp_disabled(self) -> Guidance:
        return Guidance("smtp_disabled", self.tr("Turn authenticated SMTP on"), [
            self.tr("Ask your Microsoft 365 administrator to open the admin centre "
                    "(admin.microsoft.com)."),
            self.tr("Users → Active users → click your name."),
            self.tr("\"Mail\" tab → \"Manage email apps\"."),
            self.tr("Tick \"Authenticated SMTP\", then \"Save changes\"."),
            self.tr("The change can take up to an hour: then click \"Test again\"."),
        ])

    def basic_auth_disabled(self) -> Guidance:
        return Guidance("basic_auth_disabled",
                        self.tr("Sign in with Microsoft instead of a password"), [
            self.tr("Your organisation only accepts Microsoft's own sign-in page: "
                    "this is normal and more secure."),
            self.tr("Click \"Use the Office 365 sign-in\" below."),
            self.tr("Sign in on Microsoft's page in your browser, then come back here."),
            self.tr("If Microsoft says an administrator must approve Postier, send them "
                    "the approval link Postier shows."),
        ], ("office365",))

    def tls_too_old(self, host: str) -> Guidance:
        request = self.tr("Hello, Postier cannot connect securely to %1: the server only "
                          "offers TLS versions older than 1.2, which are no longer safe. "
                          "Could you enable TLS 1.2 or TLS 1.3 on the mail server (IMAP and "
                          "SMTP)? Thank you.").replace("%1", host)
        return Guidance("tls_too_old", self.tr("Ask the administrator to update encryption"), [
            self.tr("The server uses an outdated encryption. Postier refuses it to protect "
                    "your password; there is nothing to change on this computer."),
            self.tr("Send the message below to the server's administrator (or your "
                    "hosting provider)."),
            self.tr("When they confirm, click \"Test again\"."),
        ], ("copy_request",), request)

    def certificate(self, code: str, host: str) -> Guidance:
        if code == "CERT_EXPIRED":
            ask = self.tr("Hello, the certificate of the mail server %1 has expired. Could "
                          "you renew it (for example with Let's Encrypt)? Thank you.")
        elif code == "CERT_HOSTNAME_MISMATCH":
            ask = self.tr("Hello, the certificate of the mail server %1 is issued for "
                          "another name. Which server name should I use, or could you "
                          "install a certificate for this name? Thank you.")
        else:
            ask = self.tr("Hello, the mail server %1 presents a certificate that is not "
                          "signed by a recognised authority (self-signed?). Could you "
                          "install a certificate from a recognised authority (for example "
                          "Let's Encrypt), or give me its SHA-256 fingerprint so that I can "
                          "check it? Thank you.")
        return Guidance("certificate", self.tr("What to ask the server's administrator"), [
            self.tr("Postier could not prove that this server is really the one you "
                    "expect, so it did not send your password."),
            self.tr("Send the message below to the server's administrator."),
            self.tr("If they confirm the certificate is theirs, click \"Trust this "
                    "certificate…\" and compare the fingerprint with theirs, character by "
                    "character."),
        ], ("copy_request", "trust"), ask.replace("%1", host))


def guidance_for(code: str | None, provider: str | None, host: str = "") -> Guidance | None:
    """The help panel for an error code (None when the message and hint are enough)."""
    texts = GuidanceTexts()
    if code == "APP_PASSWORD_REQUIRED" or (code == "AUTH_FAILED" and provider == "gmail"):
        return texts.gmail_app_password()
    if code == "IMAP_DISABLED":
        return texts.imap_disabled(provider)
    if code == "SMTP_AUTH_DISABLED":
        return texts.smtp_disabled()
    if code == "BASIC_AUTH_DISABLED" or (code == "AUTH_FAILED" and provider == "office365"):
        return texts.basic_auth_disabled()
    if code == "TLS_TOO_OLD":
        return texts.tls_too_old(host)
    if code in ("CERT_UNTRUSTED", "CERT_EXPIRED", "CERT_HOSTNAME_MISMATCH"):
        return texts.certificate(code, host)
    return None
