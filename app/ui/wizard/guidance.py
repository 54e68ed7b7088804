"""Step-by-step help panels shown on the test page for the failures users cannot fix
by retyping: Gmail app passwords, IMAP switched off, Microsoft basic auth switched off,
and TLS/certificate problems that only the server's administrator can solve."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication


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


def _gmail_app_password() -> Guidance:
    tr = QCoreApplication.translate
    return Guidance("gmail_app_password", tr("Guidance", "Create a Gmail app password"), [
        tr("Guidance", "Open your Google Account: myaccount.google.com, then \"Security\"."),
        tr("Guidance", "Turn on \"2-Step Verification\" if it is off (Google requires it "
                       "for app passwords)."),
        tr("Guidance", "Open myaccount.google.com/apppasswords and create an app password "
                       "named \"Postier\"."),
        tr("Guidance", "Google shows a 16-character code: copy it."),
        tr("Guidance", "Come back here, go back one step and paste the code in the "
                       "password field (spaces do not matter), then test again."),
    ], ("back",), links={"security": "https://myaccount.google.com/security",
                         "apppasswords": "https://myaccount.google.com/apppasswords"})


def _imap_disabled(provider: str | None) -> Guidance:
    tr = QCoreApplication.translate
    if provider == "gmail":
        steps = [
            tr("Guidance", "Open Gmail in your web browser."),
            tr("Guidance", "Click the gear icon, then \"See all settings\"."),
            tr("Guidance", "Open the \"Forwarding and POP/IMAP\" tab."),
            tr("Guidance", "Under \"IMAP access\", choose \"Enable IMAP\", then \"Save "
                           "Changes\" at the bottom."),
            tr("Guidance", "Come back here and click \"Test again\"."),
        ]
    else:
        steps = [
            tr("Guidance", "Ask your Microsoft 365 administrator to open the admin centre "
                           "(admin.microsoft.com)."),
            tr("Guidance", "Users → Active users → click your name."),
            tr("Guidance", "\"Mail\" tab → \"Manage email apps\"."),
            tr("Guidance", "Tick \"IMAP\" and \"Authenticated SMTP\", then \"Save changes\"."),
            tr("Guidance", "The change can take up to an hour: then click \"Test again\"."),
        ]
    return Guidance("imap_disabled", tr("Guidance", "Turn IMAP access on"), steps)


def _smtp_disabled() -> Guidance:
    tr = QCoreApplication.translate
    return Guidance("smtp_disabled", tr("Guidance", "Turn authenticated SMTP on"), [
        tr("Guidance", "Ask your Microsoft 365 administrator to open the admin centre "
                       "(admin.microsoft.com)."),
        tr("Guidance", "Users → Active users → click your name."),
        tr("Guidance", "\"Mail\" tab → \"Manage email apps\"."),
        tr("Guidance", "Tick \"Authenticated SMTP\", then \"Save changes\"."),
        tr("Guidance", "The change can take up to an hour: then click \"Test again\"."),
    ])


def _basic_auth_disabled() -> Guidance:
    tr = QCoreApplication.translate
    return Guidance("basic_auth_disabled",
                    tr("Guidance", "Sign in with Microsoft instead of a password"), [
        tr("Guidance", "Your organisation only accepts Microsoft's own sign-in page: "
                       "this is normal and more secure."),
        tr("Guidance", "Click \"Use the Office 365 sign-in\" below."),
        tr("Guidance", "Sign in on Microsoft's page in your browser, then come back here."),
        tr("Guidance", "If Microsoft says an administrator must approve Postier, send them "
                       "the approval link Postier shows."),
    ], ("office365",))


def _tls_too_old(host: str) -> Guidance:
    tr = QCoreApplication.translate
    request = tr("Guidance", "Hello, Postier cannot connect securely to %1: the server only "
                             "offers TLS versions older than 1.2, which are no longer safe. "
                             "Could you enable TLS 1.2 or TLS 1.3 on the mail server (IMAP and "
                             "SMTP)? Thank you.").replace("%1", host)
    return Guidance("tls_too_old", tr("Guidance", "Ask the administrator to update encryption"), [
        tr("Guidance", "The server uses an outdated encryption. Postier refuses it to protect "
                       "your password; there is nothing to change on this computer."),
        tr("Guidance", "Send the message below to the server's administrator (or your "
                       "hosting provider)."),
        tr("Guidance", "When they confirm, click \"Test again\"."),
    ], ("copy_request",), request)


def _certificate(code: str, host: str) -> Guidance:
    tr = QCoreApplication.translate
    if code == "CERT_EXPIRED":
        ask = tr("Guidance", "Hello, the certificate of the mail server %1 has expired. Could "
                             "you renew it (for example with Let's Encrypt)? Thank you.")
    elif code == "CERT_HOSTNAME_MISMATCH":
        ask = tr("Guidance", "Hello, the certificate of the mail server %1 is issued for "
                             "another name. Which server name should I use, or could you "
                             "install a certificate for this name? Thank you.")
    else:
        ask = tr("Guidance", "Hello, the mail server %1 presents a certificate that is not "
                             "signed by a recognised authority (self-signed?). Could you "
                             "install a certificate from a recognised authority (for example "
                             "Let's Encrypt), or give me its SHA-256 fingerprint so that I can "
                             "check it? Thank you.")
    return Guidance("certificate", tr("Guidance", "What to ask the server's administrator"), [
        tr("Guidance", "Postier could not prove that this server is really the one you "
                       "expect, so it did not send your password."),
        tr("Guidance", "Send the message below to the server's administrator."),
        tr("Guidance", "If they confirm the certificate is theirs, click \"Trust this "
                       "certificate…\" and compare the fingerprint with theirs, character by "
                       "character."),
    ], ("copy_request", "trust"), ask.replace("%1", host))


def guidance_for(code: str | None, provider: str | None, host: str = "") -> Guidance | None:
    """The help panel for an error code (None when the message and hint are enough)."""
    if code == "APP_PASSWORD_REQUIRED" or (code == "AUTH_FAILED" and provider == "gmail"):
        return _gmail_app_password()
    if code == "IMAP_DISABLED":
        return _imap_disabled(provider)
    if code == "SMTP_AUTH_DISABLED":
        return _smtp_disabled()
    if code == "BASIC_AUTH_DISABLED" or (code == "AUTH_FAILED" and provider == "office365"):
        return _basic_auth_disabled()
    if code == "TLS_TOO_OLD":
        return _tls_too_old(host)
    if code in ("CERT_UNTRUSTED", "CERT_EXPIRED", "CERT_HOSTNAME_MISMATCH"):
        return _certificate(code, host)
    return None
