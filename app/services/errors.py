"""Postier's own error hierarchy and the catalogue of stable error codes.

Every failure a user can hit is translated at the service boundary into a
``PostierError`` carrying one of the codes of ``shared/CLI.md``. The catalogue
gives each code a plain message and a concrete hint in French and English, so the
CLI, the GUI and the diagnostics report all say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# (message, hint) per language. Messages stay short; hints say what to do.
CATALOGUE: dict[str, dict[str, tuple[str, str]]] = {
    "DNS_NOT_FOUND": {
        "en": ("The server name could not be found.",
               "Check the spelling of the server name, or of the domain after the @."),
        "fr": ("Le nom du serveur est introuvable.",
               "Vérifiez l'orthographe du nom du serveur, ou du domaine après le @."),
    },
    "CONNECT_REFUSED": {
        "en": ("The server refused the connection on this port.",
               "Check the port number; the service may be stopped or this port closed."),
        "fr": ("Le serveur a refusé la connexion sur ce port.",
               "Vérifiez le numéro de port ; le service est peut-être arrêté ou ce port fermé."),
    },
    "TIMEOUT": {
        "en": ("The server did not answer in time.",
               "Check your Internet connection; a firewall may be blocking this port."),
        "fr": ("Le serveur n'a pas répondu à temps.",
               "Vérifiez votre connexion Internet ; un pare-feu bloque peut-être ce port."),
    },
    "NETWORK_UNREACHABLE": {
        "en": ("The network is unreachable.",
               "Check that this computer is connected to the Internet."),
        "fr": ("Le réseau est inaccessible.",
               "Vérifiez que cet ordinateur est bien connecté à Internet."),
    },
    "TLS_HANDSHAKE_FAILED": {
        "en": ("A secure (TLS) connection could not be established.",
               "Check the port and security type (SSL/TLS or STARTTLS) given by your provider."),
        "fr": ("Impossible d'établir une connexion sécurisée (TLS).",
               "Vérifiez le port et le type de sécurité (SSL/TLS ou STARTTLS) donnés par "
               "votre hébergeur."),
    },
    "TLS_TOO_OLD": {
        "en": ("The server only offers an outdated encryption (older than TLS 1.2).",
               "The port and security settings are right: the server is too old. Ask its "
               "administrator to enable TLS 1.2 or 1.3; Postier refuses older versions to "
               "protect your password."),
        "fr": ("Le serveur ne propose qu'un chiffrement obsolète (antérieur à TLS 1.2).",
               "Le port et la sécurité choisis sont bons : c'est le serveur qui est trop "
               "ancien. Demandez à son administrateur d'activer TLS 1.2 ou 1.3 ; Postier "
               "refuse les versions anciennes pour protéger votre mot de passe."),
    },
    "CERT_UNTRUSTED": {
        "en": ("The server's certificate is not signed by a known authority.",
               "It may be self-signed. Compare its fingerprint with the one your "
               "administrator gives you before trusting it."),
        "fr": ("Le certificat du serveur n'est pas signé par une autorité reconnue.",
               "Il est peut-être auto-signé. Comparez son empreinte avec celle fournie par "
               "votre administrateur avant de lui faire confiance."),
    },
    "CERT_HOSTNAME_MISMATCH": {
        "en": ("The server's certificate is for another name.",
               "Use the server name written in the certificate, or ask your provider for "
               "the right server name."),
        "fr": ("Le certificat du serveur correspond à un autre nom.",
               "Utilisez le nom de serveur inscrit dans le certificat, ou demandez le bon "
               "nom à votre hébergeur."),
    },
    "CERT_EXPIRED": {
        "en": ("The server's certificate has expired.",
               "Tell the server's administrator: the certificate must be renewed. Also "
               "check this computer's date and time."),
        "fr": ("Le certificat du serveur a expiré.",
               "Prévenez l'administrateur du serveur : le certificat doit être renouvelé. "
               "Vérifiez aussi la date et l'heure de cet ordinateur."),
    },
    "STARTTLS_UNSUPPORTED": {
        "en": ("The server does not offer STARTTLS on this port.",
               "Try SSL/TLS on port 993 (IMAP) or 465 (SMTP) instead."),
        "fr": ("Le serveur ne propose pas STARTTLS sur ce port.",
               "Essayez plutôt SSL/TLS sur le port 993 (IMAP) ou 465 (SMTP)."),
    },
    "PLAINTEXT_REFUSED": {
        "en": ("This server only offers an unencrypted connection.",
               "Postier never sends your password in clear. Ask your provider for the "
               "secure (SSL/TLS or STARTTLS) settings."),
        "fr": ("Ce serveur ne propose qu'une connexion non chiffrée.",
               "Postier n'envoie jamais votre mot de passe en clair. Demandez à votre "
               "hébergeur les paramètres sécurisés (SSL/TLS ou STARTTLS)."),
    },
    "AUTH_FAILED": {
        "en": ("The server refused the user name or password.",
               "Check the password (and the user name: often the full address). Caps Lock?"),
        "fr": ("Le serveur a refusé l'identifiant ou le mot de passe.",
               "Vérifiez le mot de passe (et l'identifiant : souvent l'adresse complète). "
               "Verrouillage majuscules ?"),
    },
    "APP_PASSWORD_REQUIRED": {
        "en": ("This account needs an app password, not your usual password.",
               "Two-step verification is on: create an app password in your account's "
               "security settings and paste its 16 characters here."),
        "fr": ("Ce compte demande un mot de passe d'application, pas votre mot de passe "
               "habituel.",
               "La validation en deux étapes est active : créez un mot de passe "
               "d'application dans la sécurité du compte et collez ses 16 caractères ici."),
    },
    "WEB_LOGIN_REQUIRED": {
        "en": ("The provider wants you to sign in through its website first.",
               "Sign in once with a web browser, accept any security prompt, then retry."),
        "fr": ("Le fournisseur demande d'abord une connexion par son site web.",
               "Connectez-vous une fois avec un navigateur, acceptez l'éventuelle alerte "
               "de sécurité, puis réessayez."),
    },
    "BASIC_AUTH_DISABLED": {
        "en": ("Password sign-in is disabled for this Microsoft 365 organisation.",
               "Use the \"Office 365\" sign-in (Microsoft's own page) instead of a password."),
        "fr": ("La connexion par mot de passe est désactivée pour cette organisation "
               "Microsoft 365.",
               "Utilisez la connexion « Office 365 » (la page de Microsoft) au lieu d'un mot "
               "de passe."),
    },
    "SMTP_AUTH_DISABLED": {
        "en": ("Sending with SMTP is turned off for this mailbox.",
               "An administrator must enable \"Authenticated SMTP\" (Microsoft 365 admin "
               "centre → user → Mail → Manage email apps)."),
        "fr": ("L'envoi par SMTP est désactivé pour cette boîte aux lettres.",
               "Un administrateur doit activer « SMTP authentifié » (centre d'administration "
               "Microsoft 365 → utilisateur → Courrier → Gérer les applications de courrier)."),
    },
    "IMAP_DISABLED": {
        "en": ("IMAP access is turned off for this mailbox.",
               "Enable IMAP in the mailbox settings (Gmail: Settings → Forwarding and "
               "POP/IMAP; Microsoft 365: admin centre → user → Mail → Manage email apps)."),
        "fr": ("L'accès IMAP est désactivé pour cette boîte aux lettres.",
               "Activez IMAP dans les réglages (Gmail : Paramètres → Transfert et POP/IMAP ; "
               "Microsoft 365 : centre d'administration → utilisateur → Courrier → Gérer les "
               "applications de courrier)."),
    },
    "AUTH_METHOD_UNSUPPORTED": {
        "en": ("The server offers no sign-in method Postier can use safely.",
               "Check the security settings, or use the provider's own sign-in (OAuth2)."),
        "fr": ("Le serveur ne propose aucune méthode de connexion utilisable en sécurité.",
               "Vérifiez les réglages de sécurité, ou utilisez la connexion du fournisseur "
               "(OAuth2)."),
    },
    "SENDER_REJECTED": {
        "en": ("The server refused this sender address.",
               "Send from the address of the account you signed in with, or an alias it "
               "is allowed to use."),
        "fr": ("Le serveur a refusé cette adresse d'expéditeur.",
               "Envoyez depuis l'adresse du compte connecté, ou un alias autorisé."),
    },
    "PROTOCOL_ERROR": {
        "en": ("The server answered something unexpected.",
               "Check that the port is really an IMAP (incoming) or SMTP (outgoing) port."),
        "fr": ("Le serveur a répondu quelque chose d'inattendu.",
               "Vérifiez que ce port est bien un port IMAP (réception) ou SMTP (envoi)."),
    },
    "NOT_FOUND": {
        "en": ("No settings were found for this address.",
               "Enter the server settings by hand (your provider's help pages list them)."),
        "fr": ("Aucun réglage trouvé pour cette adresse.",
               "Saisissez les réglages à la main (les pages d'aide de votre hébergeur les "
               "indiquent)."),
    },
    # Codes below are not part of the check contract but are user-facing too.
    "INVALID_INPUT": {
        "en": ("The input is not valid.", "Correct the value shown and try again."),
        "fr": ("La saisie n'est pas valide.", "Corrigez la valeur indiquée et réessayez."),
    },
    "INVALID_DOMAIN": {
        "en": ("This is not a valid domain name.", "Write it as exemple.fr (no http://, no /)."),
        "fr": ("Ce n'est pas un nom de domaine valide.",
               "Écrivez-le sous la forme exemple.fr (sans http://, sans /)."),
    },
    "INVALID_EMAIL": {
        "en": ("This is not a valid email address.", "Write it as name@domain.fr."),
        "fr": ("Cette adresse e-mail n'est pas valide.",
               "Écrivez-la sous la forme nom@domaine.fr."),
    },
    "KEYRING_UNAVAILABLE": {
        "en": ("No secure password store is available on this computer.",
               "Postier keeps passwords only in the system keyring (GNOME Keyring, KWallet, "
               "Windows Credential Manager, macOS Keychain). Install or unlock one."),
        "fr": ("Aucun coffre-fort de mots de passe sécurisé n'est disponible.",
               "Postier ne garde les mots de passe que dans le trousseau du système (GNOME "
               "Keyring, KWallet, Gestionnaire d'identification Windows, Trousseau macOS). "
               "Installez-en un ou déverrouillez-le."),
    },
    "KEYRING_LOCKED": {
        "en": ("The system keyring is locked or refused access.",
               "Unlock it, then retry: open \"Passwords and Keys\" (Seahorse), right-click "
               "the \"Login\" keyring and choose Unlock, typing your session password — or "
               "log out and back in. On KDE, open KWallet Manager and open the wallet."),
        "fr": ("Le trousseau du système est verrouillé ou a refusé l'accès.",
               "Déverrouillez-le puis réessayez : ouvrez « Mots de passe et clés » "
               "(Seahorse), clic droit sur le trousseau « Connexion » puis Déverrouiller, avec "
               "le mot de passe de votre session — ou fermez la session et rouvrez-la. Sous "
               "KDE, ouvrez le portefeuille dans le gestionnaire KWallet."),
    },
    "ACCOUNT_NOT_FOUND": {
        "en": ("This account is not set up in Postier.", "Add it first with the setup wizard."),
        "fr": ("Ce compte n'est pas configuré dans Postier.",
               "Ajoutez-le d'abord avec l'assistant de configuration."),
    },
    "ACCOUNT_EXISTS": {
        "en": ("This account is already set up.", "Remove it first, or edit it."),
        "fr": ("Ce compte est déjà configuré.", "Supprimez-le d'abord, ou modifiez-le."),
    },
    "DATABASE_TOO_NEW": {
        "en": ("The data file was made by a newer Postier.",
               "Install the latest Postier; your data was left untouched."),
        "fr": ("Le fichier de données vient d'une version plus récente de Postier.",
               "Installez la dernière version ; vos données n'ont pas été modifiées."),
    },
    "DATABASE_ERROR": {
        "en": ("Postier's data file could not be read or written.",
               "Check free disk space and that the data folder is writable. If the file is "
               "damaged, restore the latest backup (postier db restore): the damaged file "
               "is kept beside it."),
        "fr": ("Le fichier de données de Postier est illisible ou non modifiable.",
               "Vérifiez l'espace disque libre et les droits sur le dossier de données. Si le "
               "fichier est endommagé, restaurez la dernière sauvegarde (postier db restore) : "
               "le fichier endommagé est conservé à côté."),
    },
    "FILE_ERROR": {
        "en": ("The file could not be read.", "Check the path and the file's permissions."),
        "fr": ("Le fichier n'a pas pu être lu.", "Vérifiez le chemin et les droits du fichier."),
    },
    "CANCELLED": {
        "en": ("Cancelled.", "Nothing was changed."),
        "fr": ("Annulé.", "Rien n'a été modifié."),
    },
    "RECIPIENT_REJECTED": {
        "en": ("The server refused every recipient.",
               "Check the addresses; the details show the server's reply for each."),
        "fr": ("Le serveur a refusé tous les destinataires.",
               "Vérifiez les adresses ; le détail montre la réponse du serveur pour chacune."),
    },
    "SMTP_TEMPORARY": {
        "en": ("The mail server is refusing for the moment (temporary error).",
               "Nothing to do: the message stays in the outbox and Postier tries again "
               "automatically."),
        "fr": ("Le serveur d'envoi refuse pour le moment (erreur temporaire).",
               "Rien à faire : le message reste dans la boîte d'envoi et Postier réessaie "
               "automatiquement."),
    },
    "OAUTH_NOT_CONFIGURED": {
        "en": ("Sign-in with this provider is not set up in this copy of Postier.",
               "Ask your IT support for Postier's configuration file (postier.toml with the "
               "client ID), or use a password / app password instead."),
        "fr": ("La connexion avec ce fournisseur n'est pas configurée dans ce Postier.",
               "Demandez à votre support le fichier de configuration de Postier (postier.toml "
               "avec l'identifiant client), ou utilisez un mot de passe d'application."),
    },
    "CONFIG_INVALID": {
        "en": ("Postier's configuration file is not valid.",
               "Correct the file and the key named here (or ask whoever installed Postier), "
               "then start Postier again."),
        "fr": ("Le fichier de configuration de Postier n'est pas valide.",
               "Corrigez le fichier et la clé indiqués ici (ou demandez-le à la personne qui "
               "a installé Postier), puis relancez Postier."),
    },
    "OAUTH_CANCELLED": {
        "en": ("Sign-in was cancelled.", "Start the sign-in again when you are ready."),
        "fr": ("La connexion a été annulée.", "Relancez la connexion quand vous êtes prêt."),
    },
    "OAUTH_DENIED": {
        "en": ("The sign-in was refused on the provider's page.",
               "Sign in again and accept Postier's access to your mail (reading and sending)."),
        "fr": ("La connexion a été refusée sur la page du fournisseur.",
               "Reconnectez-vous et acceptez l'accès de Postier à votre messagerie (lecture "
               "et envoi)."),
    },
    "OAUTH_CONSENT_REQUIRED": {
        "en": ("An administrator must approve Postier for your organisation.",
               "Send the approval link shown below to your Microsoft 365 administrator; once "
               "they accept, sign in again."),
        "fr": ("Un administrateur doit autoriser Postier pour votre organisation.",
               "Envoyez le lien d'autorisation ci-dessous à l'administrateur Microsoft 365 ; "
               "une fois accepté, reconnectez-vous."),
    },
    "OAUTH_WRONG_ACCOUNT": {
        "en": ("You signed in with a different address than the one being set up.",
               "Sign in again with the account of the address you typed."),
        "fr": ("Vous vous êtes connecté avec une autre adresse que celle configurée.",
               "Reconnectez-vous avec le compte de l'adresse saisie."),
    },
    "OAUTH_EXPIRED": {
        "en": ("The sign-in has expired or was revoked: please sign in again.",
               "Your messages and history are kept; only the sign-in must be renewed."),
        "fr": ("La connexion a expiré ou a été révoquée : reconnectez-vous.",
               "Vos messages et l'historique sont conservés ; seule la connexion est à "
               "renouveler."),
    },
    "OAUTH_BLOCKED": {
        "en": ("Your organisation's rules block this sign-in.",
               "Send this message and the provider's answer below to your IT support: a "
               "conditional-access policy (device, place, network) or a disabled application "
               "stops Postier."),
        "fr": ("Les règles de votre organisation bloquent cette connexion.",
               "Envoyez ce message et la réponse du fournisseur ci-dessous à votre support "
               "informatique : une règle d'accès conditionnel (appareil, lieu, réseau) ou une "
               "application désactivée empêche Postier de se connecter."),
    },
    "OAUTH_FAILED": {
        "en": ("Signing in with the provider failed.",
               "Try again; the details say what the provider answered."),
        "fr": ("La connexion auprès du fournisseur a échoué.",
               "Réessayez ; le détail indique la réponse du fournisseur."),
    },
}

# Finer causes under one stable code: same code for scripts (CLI.md), precise words for
# people. Placeholders ({port}…) are filled from the error's ``params``.
VARIANTS: dict[str, dict[str, tuple[str, str]]] = {
    "TLS_HANDSHAKE_FAILED:implicit_tls_port": {
        "en": ("This port expects SSL/TLS from the start: choose SSL/TLS instead of STARTTLS.",
               "Port {port} answered a secure (TLS) connection but sent no greeting in clear: "
               "set the security of this server to SSL/TLS (usually port {usual}), or use the "
               "STARTTLS port your provider gives ({starttls})."),
        "fr": ("Ce port attend SSL/TLS dès la connexion : choisissez SSL/TLS au lieu de "
               "STARTTLS.",
               "Le port {port} a accepté une connexion sécurisée (TLS) mais n'a rien envoyé en "
               "clair : réglez la sécurité de ce serveur sur SSL/TLS (en général le port "
               "{usual}), ou utilisez le port STARTTLS donné par votre hébergeur ({starttls})."),
    },
    "TIMEOUT:no_greeting": {
        "en": ("The server sent no greeting in time.",
               "If this port expects SSL/TLS from the start (usually {usual}), choose SSL/TLS "
               "instead of STARTTLS; otherwise a firewall may be blocking it."),
        "fr": ("Le serveur n'a envoyé aucun message d'accueil à temps.",
               "Si ce port attend SSL/TLS dès la connexion (en général {usual}), choisissez "
               "SSL/TLS au lieu de STARTTLS ; sinon un pare-feu le bloque peut-être."),
    },
    "OAUTH_NOT_CONFIGURED:work_only": {
        "en": ("Postier's Microsoft sign-in here is for work and school accounts only.",
               "Personal Outlook.com / Hotmail / Live addresses need a registration that "
               "also accepts personal accounts, with tenant = \"common\" or \"consumers\" "
               "in postier.toml (now: {tenant}). Ask whoever installed Postier."),
        "fr": ("La connexion Microsoft de ce Postier n'accepte que les comptes "
               "professionnels ou scolaires.",
               "Les adresses personnelles Outlook.com / Hotmail / Live demandent un "
               "enregistrement qui accepte aussi les comptes personnels, avec tenant = "
               "« common » ou « consumers » dans postier.toml (actuellement : {tenant}). "
               "Demandez-le à la personne qui a installé Postier."),
    },
    "OAUTH_WRONG_ACCOUNT:tenant": {
        "en": ("This account does not belong to the organisation Postier is set up for.",
               "Sign in with the work account of the mailbox you are setting up. A personal "
               "Outlook.com / Hotmail account needs a registration that allows personal "
               "accounts (tenant \"common\" or \"consumers\"): ask your IT support."),
        "fr": ("Ce compte n'appartient pas à l'organisation pour laquelle Postier est "
               "configuré.",
               "Connectez-vous avec le compte professionnel de la boîte configurée. Un compte "
               "personnel Outlook.com / Hotmail demande un enregistrement qui accepte les "
               "comptes personnels (tenant « common » ou « consumers ») : demandez à votre "
               "support informatique."),
    },
    "OAUTH_EXPIRED:device_code": {
        "en": ("The sign-in code expired before it was used.",
               "Start the sign-in again and enter the new code within a few minutes."),
        "fr": ("Le code de connexion a expiré avant d'être utilisé.",
               "Relancez la connexion et saisissez le nouveau code dans les minutes qui "
               "suivent."),
    },
    "OAUTH_BLOCKED:app_disabled": {
        "en": ("Postier is disabled or not allowed in your organisation.",
               "Your administrator must enable the Postier application (Entra admin centre → "
               "Enterprise applications → Postier → Properties: enabled for users to sign in, "
               "and assigned to you if assignment is required)."),
        "fr": ("Postier est désactivé ou non autorisé dans votre organisation.",
               "Votre administrateur doit activer l'application Postier (centre "
               "d'administration Entra → Applications d'entreprise → Postier → Propriétés : "
               "activée pour la connexion des utilisateurs, et vous être attribuée si "
               "l'attribution est exigée)."),
    },
    "OAUTH_FAILED:clock_skew": {
        "en": ("The provider refused the sign-in because this computer's clock is wrong.",
               "Set the date, time and time zone of this computer automatically, then sign "
               "in again."),
        "fr": ("Le fournisseur a refusé la connexion car l'horloge de cet ordinateur est "
               "fausse.",
               "Réglez automatiquement la date, l'heure et le fuseau horaire de cet "
               "ordinateur, puis reconnectez-vous."),
    },
}

DEFAULT_LANGUAGE = "en"

# Codes renamed to CLI.md's names; older databases still hold the old ones (sync_error).
RENAMED = {"OAUTH_REAUTH_REQUIRED": "OAUTH_EXPIRED",
           "OAUTH_ADMIN_CONSENT_REQUIRED": "OAUTH_CONSENT_REQUIRED",
           "OAUTH_WRONG_TENANT": "OAUTH_WRONG_ACCOUNT",
           "OAUTH_ACCOUNT_MISMATCH": "OAUTH_WRONG_ACCOUNT"}


def message_for(code: str, language: str = DEFAULT_LANGUAGE, variant: str | None = None,
                params: dict[str, Any] | None = None) -> tuple[str, str]:
    """Return (message, hint) for a code (and its finer ``variant``) in ``language``."""
    code = RENAMED.get(code, code)
    entry = (VARIANTS.get(f"{code}:{variant}") if variant else None) \
        or CATALOGUE.get(code) or CATALOGUE["PROTOCOL_ERROR"]
    message, hint = entry.get(language[:2], entry[DEFAULT_LANGUAGE])
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
    """

    def __init__(self, code: str, message: str | None = None, *, reply: str | None = None,
                 server: str | None = None, hint: str | None = None,
                 language: str = DEFAULT_LANGUAGE, variant: str | None = None,
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
