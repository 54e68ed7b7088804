"""Postier's own error hierarchy and the catalogue of stable error codes.

Every failure a user can hit is translated at the service boundary into a
``PostierError`` carrying one of the codes of ``shared/CLI.md``. The catalogue
gives each code a plain message and a concrete hint in French and English, so the
CLI, the GUI and the diagnostics report all say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.services.translation import N_, SOURCE_LANGUAGE, gettext

# (message, hint) in English, marked for the catalogues (app/services/translation.py): the
# French is in resources/locale/fr/LC_MESSAGES/postier.po, a test fails on a text without it.
# Messages stay short; hints say what to do.
CATALOGUE: dict[str, tuple[str, str]] = {
    "DNS_NOT_FOUND": (
        N_("The server name could not be found."),
        N_("Check the spelling of the server name, or of the domain after the @.")),
    "CONNECT_REFUSED": (
        N_("The server refused the connection on this port."),
        N_("Check the port number; the service may be stopped or this port closed.")),
    "TIMEOUT": (
        N_("The server did not answer in time."),
        N_("Check your Internet connection; a firewall may be blocking this port.")),
    "NETWORK_UNREACHABLE": (
        N_("The network is unreachable."),
        N_("Check that this computer is connected to the Internet.")),
    "TLS_HANDSHAKE_FAILED": (
        N_("A secure (TLS) connection could not be established."),
        N_("Check the port and security type (SSL/TLS or STARTTLS) given by your provider.")),
    "TLS_TOO_OLD": (
        N_("The server only offers an outdated encryption (older than TLS 1.2)."),
        N_("The port and security settings are right: the server is too old. Ask its "
           "administrator to enable TLS 1.2 or 1.3; Postier refuses older versions to protect "
           "your password.")),
    "CERT_UNTRUSTED": (
        N_("The server's certificate is not signed by a known authority."),
        N_("It may be self-signed. Compare its fingerprint with the one your administrator "
           "gives you before trusting it.")),
    "CERT_HOSTNAME_MISMATCH": (
        N_("The server's certificate is for another name."),
        N_("Use the server name written in the certificate, or ask your provider for the right "
           "server name.")),
    "CERT_EXPIRED": (
        N_("The server's certificate has expired."),
        N_("Tell the server's administrator: the certificate must be renewed. Also check this "
           "computer's date and time.")),
    "STARTTLS_UNSUPPORTED": (
        N_("The server does not offer STARTTLS on this port."),
        N_("Try SSL/TLS on port 993 (IMAP) or 465 (SMTP) instead.")),
    "PLAINTEXT_REFUSED": (
        N_("This server only offers an unencrypted connection."),
        N_("Postier never sends your password in clear. Ask your provider for the secure "
           "(SSL/TLS or STARTTLS) settings.")),
    "AUTH_FAILED": (
        N_("The server refused the user name or password."),
        N_("Check the password (and the user name: often the full address). Caps Lock?")),
    "APP_PASSWORD_REQUIRED": (
        N_("This account needs an app password, not your usual password."),
        N_("Two-step verification is on: create an app password in your account's security "
           "settings and paste its 16 characters here.")),
    "WEB_LOGIN_REQUIRED": (
        N_("The provider wants you to sign in through its website first."),
        N_("Sign in once with a web browser, accept any security prompt, then retry.")),
    "BASIC_AUTH_DISABLED": (
        N_("Password sign-in is disabled for this Microsoft 365 organisation."),
        N_("Use the \"Office 365\" sign-in (Microsoft's own page) instead of a password.")),
    "SMTP_AUTH_DISABLED": (
        N_("Sending with SMTP is turned off for this mailbox."),
        N_("An administrator must enable \"Authenticated SMTP\" (Microsoft 365 admin centre → "
           "user → Mail → Manage email apps).")),
    "IMAP_DISABLED": (
        N_("IMAP access is turned off for this mailbox."),
        N_("Enable IMAP in the mailbox settings (Gmail: Settings → Forwarding and POP/IMAP; "
           "Microsoft 365: admin centre → user → Mail → Manage email apps).")),
    "AUTH_METHOD_UNSUPPORTED": (
        N_("The server offers no sign-in method Postier can use safely."),
        N_("Check the security settings, or use the provider's own sign-in (OAuth2).")),
    "SENDER_REJECTED": (
        N_("The server refused this sender address."),
        N_("Send from the address of the account you signed in with, or an alias it is allowed "
           "to use.")),
    "PROTOCOL_ERROR": (
        N_("The server answered something unexpected."),
        N_("Check that the port is really an IMAP (incoming) or SMTP (outgoing) port.")),
    "NOT_FOUND": (
        N_("No settings were found for this address."),
        N_("Enter the server settings by hand (your provider's help pages list them).")),
    # Codes below are not part of the check contract but are user-facing too.
    "INVALID_INPUT": (
        N_("The input is not valid."),
        N_("Correct the value shown and try again.")),
    "INVALID_DOMAIN": (
        N_("This is not a valid domain name."),
        N_("Write it as exemple.fr (no http://, no /).")),
    "INVALID_EMAIL": (
        N_("This is not a valid email address."),
        N_("Write it as name@domain.fr.")),
    "KEYRING_UNAVAILABLE": (
        N_("No secure password store is available on this computer."),
        N_("Postier keeps passwords only in the system keyring (GNOME Keyring, KWallet, "
           "Windows Credential Manager, macOS Keychain). Install or unlock one.")),
    "KEYRING_LOCKED": (
        N_("The system keyring is locked or refused access."),
        N_("Unlock it, then retry: open \"Passwords and Keys\" (Seahorse), right-click the "
           "\"Login\" keyring and choose Unlock, typing your session password — or log out and "
           "back in. On KDE, open KWallet Manager and open the wallet.")),
    "ACCOUNT_NOT_FOUND": (
        N_("This account is not set up in Postier."),
        N_("Add it first with the setup wizard.")),
    "ACCOUNT_EXISTS": (
        N_("This account is already set up."),
        N_("Remove it first, or edit it.")),
    "DATABASE_TOO_NEW": (
        N_("The data file was made by a newer Postier."),
        N_("Install the latest Postier; your data was left untouched.")),
    "DATABASE_ERROR": (
        N_("Postier's data file could not be read or written."),
        N_("Check free disk space and that the data folder is writable. If the file is "
           "damaged, restore the latest backup (postier db restore): the damaged file is kept "
           "beside it.")),
    "TEAM_DATABASE_UNREACHABLE": (  # team mode (issue 19): the shared PostgreSQL is away
        N_("The team database cannot be reached: nothing was changed or sent."),
        N_("Check the network (VPN?) and that the database server is running, then try again; "
           "a message you were writing is still in its window. Accounts → Team database tests "
           "the connection.")),
    "TEAM_DATABASE_AUTH_FAILED": (
        N_("The team database refused the user name or password."),
        N_("Type the database password again in Accounts → Team database (it is kept in this "
           "computer's keyring), or ask whoever runs the server.")),
    "ALREADY_RESENT": (
        N_("This delivery was already resent on {at} to {address}{by}."),
        N_("Nothing was sent twice. Follow that resend in the table; if it fails too, resend "
           "from its own row.")),
    "FILE_ERROR": (
        N_("The file could not be read."),
        N_("Check the path and the file's permissions.")),
    "CANCELLED": (
        N_("Cancelled."),
        N_("Nothing was changed.")),
    "RECIPIENT_REJECTED": (
        N_("The server refused every recipient."),
        N_("Check the addresses; the details show the server's reply for each.")),
    "SMTP_TEMPORARY": (
        N_("The mail server is refusing for the moment (temporary error)."),
        N_("Nothing to do: the message stays in the outbox and Postier tries again "
           "automatically.")),
    "OAUTH_NOT_CONFIGURED": (
        N_("Sign-in with this provider is not set up in this copy of Postier."),
        N_("Ask your IT support for Postier's configuration file (postier.toml with the client "
           "ID), or use a password / app password instead.")),
    "CONFIG_INVALID": (
        N_("Postier's configuration file is not valid."),
        N_("Correct the file and the key named here (or ask whoever installed Postier), then "
           "start Postier again.")),
    "OAUTH_CANCELLED": (
        N_("Sign-in was cancelled."),
        N_("Start the sign-in again when you are ready.")),
    "OAUTH_DENIED": (
        N_("The sign-in was refused on the provider's page."),
        N_("Sign in again and accept Postier's access to your mail (reading and sending).")),
    "OAUTH_CONSENT_REQUIRED": (
        N_("An administrator must approve Postier for your organisation."),
        N_("Send the approval link shown below to your Microsoft 365 administrator; once they "
           "accept, sign in again.")),
    "OAUTH_WRONG_ACCOUNT": (
        N_("You signed in with a different address than the one being set up."),
        N_("Sign in again with the account of the address you typed.")),
    "OAUTH_EXPIRED": (
        N_("The sign-in has expired or was revoked: please sign in again."),
        N_("Your messages and history are kept; only the sign-in must be renewed.")),
    "OAUTH_BLOCKED": (
        N_("Your organisation's rules block this sign-in."),
        N_("Send this message and the provider's answer below to your IT support: a "
           "conditional-access policy (device, place, network) or a disabled application stops "
           "Postier.")),
    "OAUTH_FAILED": (
        N_("Signing in with the provider failed."),
        N_("Try again; the details say what the provider answered.")),
}

# Finer causes under one stable code: same code for scripts (CLI.md), precise words for
# people. Placeholders ({port}…) are filled from the error's ``params``.
VARIANTS: dict[str, tuple[str, str]] = {
    "TLS_HANDSHAKE_FAILED:implicit_tls_port": (
        N_("This port expects SSL/TLS from the start: choose SSL/TLS instead of STARTTLS."),
        N_("Port {port} answered a secure (TLS) connection but sent no greeting in clear: set "
           "the security of this server to SSL/TLS (usually port {usual}), or use the STARTTLS "
           "port your provider gives ({starttls}).")),
    "TIMEOUT:no_greeting": (
        N_("The server sent no greeting in time."),
        N_("If this port expects SSL/TLS from the start (usually {usual}), choose SSL/TLS "
           "instead of STARTTLS; otherwise a firewall may be blocking it.")),
    "OAUTH_NOT_CONFIGURED:work_only": (
        N_("Postier's Microsoft sign-in here is for work and school accounts only."),
        N_("Personal Outlook.com / Hotmail / Live addresses need a registration that also "
           "accepts personal accounts, with tenant = \"common\" or \"consumers\" in "
           "postier.toml (now: {tenant}). Ask whoever installed Postier.")),
    "OAUTH_WRONG_ACCOUNT:tenant": (
        N_("This account does not belong to the organisation Postier is set up for."),
        N_("Sign in with the work account of the mailbox you are setting up. A personal "
           "Outlook.com / Hotmail account needs a registration that allows personal accounts "
           "(tenant \"common\" or \"consumers\"): ask your IT support.")),
    "OAUTH_EXPIRED:device_code": (
        N_("The sign-in code expired before it was used."),
        N_("Start the sign-in again and enter the new code within a few minutes.")),
    "OAUTH_BLOCKED:app_disabled": (
        N_("Postier is disabled or not allowed in your organisation."),
        N_("Your administrator must enable the Postier application (Entra admin centre → "
           "Enterprise applications → Postier → Properties: enabled for users to sign in, and "
           "assigned to you if assignment is required).")),
    "OAUTH_FAILED:clock_skew": (
        N_("The provider refused the sign-in because this computer's clock is wrong."),
        N_("Set the date, time and time zone of this computer automatically, then sign in "
           "again.")),
}


# Codes renamed to CLI.md's names; older databases still hold the old ones (sync_error).
RENAMED = {"OAUTH_REAUTH_REQUIRED": "OAUTH_EXPIRED",
           "OAUTH_ADMIN_CONSENT_REQUIRED": "OAUTH_CONSENT_REQUIRED",
           "OAUTH_WRONG_TENANT": "OAUTH_WRONG_ACCOUNT",
           "OAUTH_ACCOUNT_MISMATCH": "OAUTH_WRONG_ACCOUNT"}


def message_for(code: str, language: str | None = None, variant: str | None = None,
                params: dict[str, Any] | None = None) -> tuple[str, str]:
    """Return (message, hint) for a code (and its finer ``variant``) in ``language`` (None:
    the current language, translation.set_language)."""
    code = RENAMED.get(code, code)
    entry = (VARIANTS.get(f"{code}:{variant}") if variant else None) \
        or CATALOGUE.get(code) or CATALOGUE["PROTOCOL_ERROR"]
    message, hint = gettext(entry[0], language), gettext(entry[1], language)
    if params:
        try:
            message, hint = message.format(**params), hint.format(**params)
        except (KeyError, IndexError, ValueError):
            pass  # a missing parameter must never hide the error itself
    return message, hint


class PostierError(Exception):
    """A failure with a stable code, safe to show to the user.

    ``reply`` is the server's raw answer when there is one: users and support staff
    need it verbatim, never paraphrased.

    ``message`` and ``hint`` are English unless ``language`` says otherwise, whatever the
    current language: they are the stored form (event notes, the database, which read them
    back by their English words) and the CLI's JSON; the GUI words the code in the user's
    language with ``message_for``.
    """

    def __init__(self, code: str, message: str | None = None, *, reply: str | None = None,
                 server: str | None = None, hint: str | None = None,
                 language: str = SOURCE_LANGUAGE, variant: str | None = None,
                 params: dict[str, Any] | None = None) -> None:
        default_message, default_hint = message_for(code, language, variant, params)
        self.code = code
        self.variant = variant
        self.params = params or {}
        self.message = message or default_message
        self.hint = hint or default_hint
        self.reply = reply
        self.server = server
        super().__init__(f"{code}: {self.message}")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message, "hint": self.hint}
        if self.server is not None:
            out["server"] = self.server
        if self.reply is not None:
            out["reply"] = self.reply
        if self.variant is not None:
            out["variant"] = self.variant
        return out


class InputError(PostierError):
    """Bad usage or bad input: CLI exit code 2."""

    def __init__(self, message: str, code: str = "INVALID_INPUT") -> None:
        super().__init__(code, message)


@dataclass(frozen=True)
class ErrorInfo:
    """Serializable form of an error, as stored in check results and the database."""

    code: str
    message: str
    hint: str
    server: str | None = None
    reply: str | None = None
    variant: str | None = None  # finer cause (errors.VARIANTS): the UI words it per language
    params: dict[str, Any] | None = None

    @classmethod
    def from_error(cls, err: PostierError) -> ErrorInfo:
        return cls(err.code, err.message, err.hint, err.server, err.reply,
                   getattr(err, "variant", None), getattr(err, "params", None) or None)

    def to_dict(self) -> dict[str, Any]:
        out = {"code": self.code, "server": self.server, "message": self.message,
               "hint": self.hint, "reply": self.reply}
        if self.variant is not None:
            out["variant"] = self.variant
        return out
