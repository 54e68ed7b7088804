"""The sent-message statuses in one place: their list, which ones are failures, their
severity order, and their words in French and English (labels, counter plurals, the
explanation and what to do, and the short words for each bounce reason code).

The store (``message_store``), the read path (``message_views``), the CLI and the GUI all
import them from here, so a new status or a reworded label is one edit. Pure Python, no Qt.
"""

from __future__ import annotations

from collections.abc import Iterable

STATUSES: tuple[str, ...] = (
    "queued", "sent", "deferred", "delivered", "opened", "replied", "auto_reply",
    "soft_bounce", "hard_bounce", "blocked", "spam", "complaint", "error",
)
# Statuses a user has to act on: the resend button and the red colour are for these.
FAILED_STATUSES = frozenset({"soft_bounce", "hard_bounce", "blocked", "spam", "complaint",
                             "error"})

# Severity, most urgent first: the status sort (descending, its first click) puts on top
# what the user has to act on. Permanent failures come first because nothing will fix them
# by itself (a wrong address, a blocked sender, a spam verdict or complaint, a local error),
# then the temporary failure and the delay that may still turn bad, then what is on its way
# (queued, sent), then the answers (an auto-reply may carry a new contact), and last the good
# outcomes (delivered, read) that need nothing. The table, the CSV export and the CLI all
# sort by it.
STATUS_SEVERITY: tuple[str, ...] = (
    "hard_bounce", "blocked", "spam", "complaint", "error", "soft_bounce", "deferred",
    "queued", "sent", "auto_reply", "replied", "delivered", "opened",
)
SEVERITY_RANK: dict[str, int] = {s: i for i, s in enumerate(STATUS_SEVERITY)}

STATUS_LABELS: dict[str, dict[str, str]] = {
    "queued": {"en": "Waiting", "fr": "En attente"},
    "sent": {"en": "Sent", "fr": "Envoyé"},
    "deferred": {"en": "Delayed", "fr": "Retardé"},
    "delivered": {"en": "Delivered", "fr": "Distribué"},
    "opened": {"en": "Read", "fr": "Lu"},
    "replied": {"en": "Replied", "fr": "Répondu"},
    "auto_reply": {"en": "Auto-reply", "fr": "Réponse auto"},
    "soft_bounce": {"en": "Soft bounce", "fr": "Échec temporaire"},
    "hard_bounce": {"en": "Hard bounce", "fr": "Adresse invalide"},
    "blocked": {"en": "Blocked", "fr": "Bloqué"},
    "spam": {"en": "Spam", "fr": "Spam"},
    "complaint": {"en": "Complaint", "fr": "Plainte"},
    "error": {"en": "Error", "fr": "Erreur"},
}

# Counter wording: "3 hard bounces" / "3 adresses invalides".
_PLURALS: dict[str, dict[str, tuple[str, str]]] = {
    "queued": {"en": ("waiting", "waiting"), "fr": ("en attente", "en attente")},
    "sent": {"en": ("sent", "sent"), "fr": ("envoyé", "envoyés")},
    "deferred": {"en": ("delayed", "delayed"), "fr": ("retardé", "retardés")},
    "delivered": {"en": ("delivered", "delivered"), "fr": ("distribué", "distribués")},
    "opened": {"en": ("read", "read"), "fr": ("lu", "lus")},
    "replied": {"en": ("reply", "replies"), "fr": ("réponse", "réponses")},
    "auto_reply": {"en": ("auto-reply", "auto-replies"),
                   "fr": ("réponse auto", "réponses auto")},
    "soft_bounce": {"en": ("soft bounce", "soft bounces"),
                    "fr": ("échec temporaire", "échecs temporaires")},
    "hard_bounce": {"en": ("hard bounce", "hard bounces"),
                    "fr": ("adresse invalide", "adresses invalides")},
    "blocked": {"en": ("blocked", "blocked"), "fr": ("bloqué", "bloqués")},
    "spam": {"en": ("spam", "spam"), "fr": ("spam", "spams")},
    "complaint": {"en": ("complaint", "complaints"), "fr": ("plainte", "plaintes")},
    "error": {"en": ("error", "errors"), "fr": ("erreur", "erreurs")},
}


def lang_code(lang: str) -> str:
    """'fr' for French, 'en' for anything else (the two languages labels exist in)."""
    return "fr" if lang == "fr" else "en"


def status_label(status: str, lang: str = "en") -> str:
    return STATUS_LABELS.get(status, {}).get(lang_code(lang), status)


def count_label(status: str, count: int, lang: str = "en") -> str:
    """'3 hard bounces', '1 réponse'."""
    forms = _PLURALS.get(status, {}).get(lang_code(lang), (status, status))
    return f"{count} {forms[0] if count == 1 else forms[1]}"


# (explanation, what to do) per status, then finer per reason (CLI.md category table).
_BY_STATUS: dict[str, dict[str, tuple[str, str]]] = {
    "queued": {
        "en": ("The message is waiting to be sent.",
               "Nothing to do: it leaves at the planned time (quiet hours or scheduled send)."),
        "fr": ("Le message attend d'être envoyé.",
               "Rien à faire : il partira à l'heure prévue (heures calmes ou envoi programmé)."),
    },
    "sent": {
        "en": ("Your mail server accepted the message and passed it on.",
               "Nothing to do. Postier will show here if it bounces or gets a reply."),
        "fr": ("Votre serveur d'envoi a accepté le message et l'a transmis.",
               "Rien à faire. Postier affichera ici un éventuel rejet ou une réponse."),
    },
    "deferred": {
        "en": (("The recipient's server asked to try again later; delivery is still being "
               "retried."),
               ("Wait: the server retries by itself. If it lasts more than a day, check the "
               "address or call the recipient.")),
        "fr": (("Le serveur du destinataire a demandé de réessayer plus tard ; l'envoi est "
               "retenté automatiquement."),
               ("Patientez : le serveur réessaie tout seul. Si cela dure plus d'un jour, "
               "vérifiez l'adresse ou appelez le destinataire.")),
    },
    "delivered": {
        "en": ("The recipient's server confirmed it put the message in the mailbox.",
               "Nothing to do."),
        "fr": ("Le serveur du destinataire a confirmé avoir déposé le message dans sa boîte.",
               "Rien à faire."),
    },
    "opened": {
        "en": ("The recipient sent a read receipt: the message was opened.",
               "Nothing to do."),
        "fr": ("Le destinataire a envoyé un accusé de lecture : le message a été ouvert.",
               "Rien à faire."),
    },
    "replied": {
        "en": ("The recipient replied to this message.", "Read the reply in your mailbox."),
        "fr": ("Le destinataire a répondu à ce message.",
               "Lisez la réponse dans votre messagerie."),
    },
    "auto_reply": {
        "en": ("An automatic answer came back (for example an out-of-office message).",
               ("The message was delivered; the person may be away. Read the answer for a "
               "return date or another contact.")),
        "fr": ("Une réponse automatique est revenue (par exemple un message d'absence).",
               ("Le message est arrivé ; la personne est peut-être absente. Lisez la réponse "
               "pour une date de retour ou un autre contact.")),
    },
    "soft_bounce": {
        "en": ("The message could not be delivered for a temporary reason.",
               "Try again later; if it keeps failing, contact the recipient another way."),
        "fr": ("Le message n'a pas pu être distribué pour une raison temporaire.",
               ("Réessayez plus tard ; si l'échec se répète, contactez le destinataire "
               "autrement.")),
    },
    "hard_bounce": {
        "en": ("The address does not exist or can never receive mail.",
               "Check the spelling of the address, then resend to the corrected address."),
        "fr": ("L'adresse n'existe pas ou ne peut pas recevoir de courrier.",
               "Vérifiez l'orthographe de l'adresse, puis renvoyez à l'adresse corrigée."),
    },
    "blocked": {
        "en": (("The recipient's server refused the message because of the sender, not the "
               "address."),
               ("Run the domain health check (SPF, DKIM, DMARC); ask your provider or "
               "administrator if it persists.")),
        "fr": (("Le serveur du destinataire a refusé le message à cause de l'expéditeur, pas "
               "de l'adresse."),
               ("Lancez le contrôle du domaine (SPF, DKIM, DMARC) ; demandez à votre hébergeur "
               "ou administrateur si cela persiste.")),
    },
    "spam": {
        "en": ("The recipient's server took the message for spam (or found a virus).",
               ("Avoid links to unknown sites, large images and attachments; check your "
               "domain's SPF/DKIM/DMARC, then resend.")),
        "fr": (("Le serveur du destinataire a pris le message pour du spam (ou y a trouvé un "
               "virus)."),
               ("Évitez les liens vers des sites inconnus, les grosses images et les pièces "
               "jointes ; vérifiez SPF/DKIM/DMARC de votre domaine, puis renvoyez.")),
    },
    "complaint": {
        "en": ("The recipient marked this message as spam.",
               "Do not write to this address again unless the person asks you to."),
        "fr": ("Le destinataire a signalé ce message comme spam.",
               "N'écrivez plus à cette adresse sauf si la personne vous le demande."),
    },
    "error": {
        "en": ("Something went wrong while sending this message.",
               ("Read the server's answer below; check the account with a re-test, then "
               "resend.")),
        "fr": ("Un problème est survenu pendant l'envoi de ce message.",
               "Lisez la réponse du serveur ci-dessous ; re-testez le compte, puis renvoyez."),
    },
}

_BY_REASON: dict[str, dict[str, tuple[str, str]]] = {
    "user_unknown": {
        "en": ("The address does not exist.", ("Check the spelling: a letter may be missing "
               "or swapped. Resend to the corrected address.")),
        "fr": ("L'adresse n'existe pas.", ("Vérifiez l'orthographe : une lettre manque ou est "
               "inversée. Renvoyez à l'adresse corrigée.")),
    },
    "host_unknown": {
        "en": ("The domain after the @ does not exist or receives no mail.",
               "Check the part after the @ (for example .fr instead of .com)."),
        "fr": ("Le domaine après le @ n'existe pas ou ne reçoit pas de courrier.",
               "Vérifiez la partie après le @ (par exemple .fr au lieu de .com)."),
    },
    "has_moved": {
        "en": ("This person has moved to another address.",
               "Read the server's answer for the new address and resend there."),
        "fr": ("Cette personne a changé d'adresse.",
               "Lisez la réponse du serveur pour trouver la nouvelle adresse et renvoyez."),
    },
    "mailbox_full": {
        "en": ("The recipient's mailbox is full.",
               "Try again in a few days or warn the person another way."),
        "fr": ("La boîte du destinataire est pleine.",
               "Réessayez dans quelques jours ou prévenez la personne autrement."),
    },
    "expired": {
        "en": ("The servers kept retrying for days and gave up.",
               "Check the address; the recipient's server may be down. Resend later."),
        "fr": ("Les serveurs ont réessayé pendant des jours puis abandonné.",
               ("Vérifiez l'adresse ; le serveur du destinataire est peut-être en panne. "
               "Renvoyez plus tard.")),
    },
    "message_too_big": {
        "en": ("The message is too big for the recipient's server.",
               "Remove or shrink attachments and images, then resend."),
        "fr": ("Le message est trop gros pour le serveur du destinataire.",
               "Retirez ou réduisez les pièces jointes et images, puis renvoyez."),
    },
    "auth_failure": {
        "en": (("The recipient's server could not verify that your domain sent this "
               "(SPF, DKIM or DMARC)."),
               "Run the domain health check and fix the DNS records it names."),
        "fr": (("Le serveur du destinataire n'a pas pu vérifier que votre domaine est bien "
               "l'expéditeur (SPF, DKIM ou DMARC)."),
               "Lancez le contrôle du domaine et corrigez les enregistrements DNS indiqués."),
    },
    "vacation": {
        "en": ("The recipient is away (out-of-office answer).",
               "Read the answer for a return date or another contact."),
        "fr": ("Le destinataire est absent (message d'absence).",
               "Lisez la réponse pour une date de retour ou un autre contact."),
    },
}


def explain(status: str, reason: str | None = None, lang: str = "en") -> tuple[str, str]:
    """(what happened, what to do) in plain words; a known reason says more than its status."""
    lang = lang_code(lang)
    if reason and reason in _BY_REASON:
        return _BY_REASON[reason][lang]
    if status in _BY_STATUS:
        return _BY_STATUS[status][lang]
    return (status, "")


# Short words for each reason code of CLI.md's category table, for the export's "Reason"
# column (the code itself goes in "Reason code", for filters and support).
REASON_LABELS: dict[str, dict[str, str]] = {
    "delivered": {"en": "Delivered", "fr": "Distribué"},
    "delayed": {"en": "Delayed, still retrying", "fr": "Retardé, nouvel essai en cours"},
    "user_unknown": {"en": "Address does not exist", "fr": "L'adresse n'existe pas"},
    "host_unknown": {"en": "Domain does not exist", "fr": "Le domaine n'existe pas"},
    "has_moved": {"en": "Recipient has moved", "fr": "Le destinataire a changé d'adresse"},
    "not_accept": {"en": "Domain accepts no mail", "fr": "Le domaine ne reçoit pas de courrier"},
    "mailbox_full": {"en": "Mailbox full", "fr": "Boîte pleine"},
    "expired": {"en": "Gave up after retrying", "fr": "Abandon après plusieurs essais"},
    "system_error": {"en": "Recipient's server error", "fr": "Erreur du serveur destinataire"},
    "system_full": {"en": "Recipient's server full", "fr": "Serveur destinataire saturé"},
    "network_error": {"en": "Network or DNS error", "fr": "Erreur réseau ou DNS"},
    "too_many_conn": {"en": "Too many connections", "fr": "Trop de connexions"},
    "suspend": {"en": "Mailbox disabled", "fr": "Boîte désactivée"},
    "message_too_big": {"en": "Message too big", "fr": "Message trop gros"},
    "exceed_limit": {"en": "Over the recipient's size limit",
                     "fr": "Dépasse la taille acceptée par le destinataire"},
    "speeding": {"en": "Sending too fast", "fr": "Envois trop rapprochés"},
    "blocked": {"en": "Sender blocked", "fr": "Expéditeur bloqué"},
    "rejected": {"en": "Sender address refused", "fr": "Adresse d'expéditeur refusée"},
    "no_relaying": {"en": "Relaying refused", "fr": "Relais refusé"},
    "policy_violation": {"en": "Refused by the recipient's policy",
                         "fr": "Refusé par la politique du destinataire"},
    "auth_failure": {"en": "SPF, DKIM or DMARC failed", "fr": "Échec SPF, DKIM ou DMARC"},
    "bad_reputation": {"en": "Poor sender reputation", "fr": "Mauvaise réputation d'envoi"},
    "require_ptr": {"en": "Reverse DNS (PTR) required", "fr": "DNS inverse (PTR) exigé"},
    "not_compliant_rfc": {"en": "Message not standard-compliant",
                          "fr": "Message non conforme aux normes"},
    "security_error": {"en": "TLS or sign-in required", "fr": "TLS ou authentification exigé"},
    "filtered": {"en": "Refused by a filter", "fr": "Refusé par un filtre"},
    "content_error": {"en": "Malformed content", "fr": "Contenu mal formé"},
    "spam_detected": {"en": "Taken for spam", "fr": "Pris pour du spam"},
    "virus_detected": {"en": "Virus found", "fr": "Virus détecté"},
    "vacation": {"en": "Out of office", "fr": "Absence"},
    "feedback": {"en": "Marked as spam by the recipient",
                 "fr": "Signalé comme spam par le destinataire"},
    "syntax_error": {"en": "Syntax error", "fr": "Erreur de syntaxe"},
    "mailer_error": {"en": "Mail system error", "fr": "Erreur du système de messagerie"},
    "on_hold": {"en": "On hold", "fr": "En attente"},
    "undefined": {"en": "Unknown cause", "fr": "Cause inconnue"},
    "displayed": {"en": "Read", "fr": "Lu"},
    "processed": {"en": "Processed", "fr": "Traité"},
    "deleted": {"en": "Deleted unread", "fr": "Supprimé sans être lu"},
}


def reason_label(reason: str | None, lang: str = "en") -> str:
    """The reason in the user's language ('' for none; an unknown code stays as it is)."""
    if not reason:
        return ""
    return REASON_LABELS.get(reason, {}).get(lang_code(lang), reason)


def counts_summary(counts: dict[str, int], lang: str = "en",
                   order: Iterable[str] = STATUSES) -> list[str]:
    """Counter labels in status order, only for statuses present."""
    return [count_label(s, counts[s], lang) for s in order if counts.get(s)]
