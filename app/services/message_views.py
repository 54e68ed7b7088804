"""Read-only views over sent messages for the table, the details panel and CSV export.

One row per (message, recipient). Sorting and filtering happen in SQL so that 100 000 rows
stay cheap: ``view_ids`` returns only the ordered recipient ids of the filtered view (a few
MB at 100k rows); the table then asks ``fetch_rows`` for the pages it actually paints.
No Qt here: the CLI, the GUI and the benchmark all use these functions.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

from .storage import Database

STATUSES: tuple[str, ...] = (
    "queued", "sent", "deferred", "delivered", "opened", "replied", "auto_reply",
    "soft_bounce", "hard_bounce", "blocked", "spam", "complaint", "error",
)
# Statuses a user has to act on: the resend button and the red colour are for these.
FAILED_STATUSES = frozenset({"soft_bounce", "hard_bounce", "blocked", "spam", "complaint",
                             "error"})

SORT_COLUMNS: dict[str, str] = {
    "date": "m.created_at",
    "status": "r.status",
    "subject": "m.subject COLLATE NOCASE",
    "account": "m.account_email",
    "recipient": "r.address",
}

_ROW_SELECT = """
SELECT r.id AS recipient_id, m.id AS message_id, m.created_at, m.sent_at, m.scheduled_at,
       r.status, m.subject, m.account_email AS account, r.address AS recipient, r.kind,
       r.reason, r.detail,
       r.updated_at, m.resend_of
FROM recipients r JOIN messages m ON m.id = r.message_id
"""


@dataclass(frozen=True)
class ViewFilter:
    """What the user narrowed the table to. Dates are aware datetimes (any zone)."""

    statuses: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    date_from: datetime | None = None
    date_to: datetime | None = None
    text: str = ""


@dataclass
class MessageRow:
    recipient_id: int
    message_id: int
    created_at: str
    sent_at: str | None
    scheduled_at: str | None
    status: str
    subject: str
    account: str
    recipient: str
    kind: str
    reason: str | None
    detail: str | None
    updated_at: str
    resend_of: int | None

    @property
    def date(self) -> str:
        """The date shown: when it left, else when it was written."""
        return self.sent_at or self.created_at


@dataclass
class Event:
    id: int
    at: str
    status: str
    source: str
    reason: str | None
    detail: str | None
    applied: bool = True  # False: a weaker signal that came after a final status


@dataclass
class RecipientInfo:
    id: int
    address: str
    kind: str
    status: str
    reason: str | None
    detail: str | None
    events: list[Event] = field(default_factory=list)


@dataclass
class MessageDetails:
    message_id: int
    header_message_id: str
    account: str
    from_addr: str
    subject: str
    body_text: str
    body_html: str | None
    created_at: str
    sent_at: str | None
    scheduled_at: str | None
    state: str
    smtp_reply: str | None
    headers: list[tuple[str, str]]
    recipients: list[RecipientInfo]
    selected: RecipientInfo
    resend_of: int | None  # recipients.id this message was a resend of
    resent_as: list[tuple[int, str, str]]  # (message id, address, status) of later resends


def _utc_iso(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.astimezone()  # naive means local time, as the user typed it
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _where(flt: ViewFilter, *, with_status: bool = True) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if with_status and flt.statuses:
        clauses.append(f"r.status IN ({', '.join('?' for _ in flt.statuses)})")
        params.extend(flt.statuses)
    if flt.accounts:
        clauses.append(f"m.account_email IN ({', '.join('?' for _ in flt.accounts)})")
        params.extend(flt.accounts)
    if flt.date_from is not None:
        clauses.append("m.created_at >= ?")
        params.append(_utc_iso(flt.date_from))
    if flt.date_to is not None:
        clauses.append("m.created_at < ?")
        params.append(_utc_iso(flt.date_to))
    text = flt.text.strip()
    if text:
        like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append("(m.subject LIKE ? ESCAPE '\\' OR r.address LIKE ? ESCAPE '\\' "
                       "OR m.account_email LIKE ? ESCAPE '\\')")
        params.extend([like, like, like])
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _order(sort: str, descending: bool, flt: ViewFilter | None = None) -> str:
    if sort not in SORT_COLUMNS:
        raise ValueError(f"unknown sort column {sort!r}")
    direction = "DESC" if descending else "ASC"
    column = SORT_COLUMNS[sort]
    if flt is not None and flt.text.strip():
        # A text search keeps few rows: sorting them beats walking the whole sort index
        # with a look-up per row (35 ms instead of 300 ms at 100k). Unary + hides the index.
        column = "+" + column + ("" if "COLLATE" in column else " COLLATE NOCASE"
                                 if sort in ("recipient", "subject") else "")
    # r.id breaks ties so the order is stable between refreshes (selection stays put).
    return f" ORDER BY {column} {direction}, r.id {direction}"


def _recipients_only(flt: ViewFilter, sort: str) -> bool:
    return (sort in ("status", "recipient") and not flt.accounts and flt.date_from is None
            and flt.date_to is None and not flt.text.strip())


def view_ids(db: Database, flt: ViewFilter = ViewFilter(), sort: str = "date",
             descending: bool = True) -> list[int]:
    """Recipient ids of the filtered view, in display order."""
    where, params = _where(flt)
    # Every recipient has its message (NOT NULL foreign key, cascade): when neither the
    # filter nor the sort reads a message column, the join is skipped and the query runs
    # on the recipients indexes alone (3-4x faster at 100k rows).
    source = ("recipients r" if _recipients_only(flt, sort)
              else "recipients r JOIN messages m ON m.id = r.message_id")
    sql = f"SELECT r.id FROM {source}" + where + _order(sort, descending, flt)
    with db.reading() as conn:
        return [row[0] for row in conn.execute(sql, params)]


def _to_row(row: sqlite3.Row) -> MessageRow:
    return MessageRow(**dict(zip(row.keys(), row, strict=True)))


def fetch_rows(db: Database, ids: Sequence[int]) -> dict[int, MessageRow]:
    """Row contents for these recipient ids (any order), keyed by recipient id."""
    out: dict[int, MessageRow] = {}
    with db.reading() as conn:
        for start in range(0, len(ids), 500):  # SQLite caps the number of parameters
            chunk = list(ids[start:start + 500])
            sql = _ROW_SELECT + f" WHERE r.id IN ({', '.join('?' for _ in chunk)})"
            for row in conn.execute(sql, chunk):
                out[row["recipient_id"]] = _to_row(row)
    return out


def status_counts(db: Database, flt: ViewFilter = ViewFilter()) -> dict[str, int]:
    """How many rows per status within the filter, ignoring its status part: the counters
    tell what there is to look at, including the statuses not selected right now."""
    where, params = _where(flt, with_status=False)
    if _recipients_only(flt, "status"):
        sql = "SELECT r.status, COUNT(*) FROM recipients r" + where + " GROUP BY r.status"
    else:
        # With the join, walking the status index costs a look-up per row in status order;
        # a plain scan grouped in a temporary tree is 4x faster (unary + hides the index).
        sql = ("SELECT r.status, COUNT(*) FROM recipients r "
               "JOIN messages m ON m.id = r.message_id" + where + " GROUP BY +r.status")
    with db.reading() as conn:
        return {status: count for status, count in conn.execute(sql, params)}


def account_emails(db: Database) -> list[str]:
    """Accounts that appear in the table (configured ones and those since removed)."""
    with db.reading() as conn:
        rows = conn.execute("SELECT email FROM accounts UNION "
                            "SELECT DISTINCT account_email FROM messages ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def data_version(db: Database) -> tuple[int, int, int, int, str]:
    """A cheap fingerprint of what the window shows: it changes whenever a message, a
    recipient status, an event or an account's sync state is written. Index-only look-ups
    plus the (few) account rows: microseconds at 100k messages."""
    with db.reading() as conn:
        row = conn.execute(
            "SELECT (SELECT IFNULL(MAX(id), 0) FROM events), "
            "(SELECT IFNULL(MAX(id), 0) FROM recipients), "
            "(SELECT IFNULL(MAX(id), 0) FROM messages), "
            "(SELECT COUNT(*) FROM recipients), "
            "(SELECT IFNULL(group_concat(email || ':' || sync_state || ':' || "
            "IFNULL(sync_error, '') || ':' || needs_attention, ';'), '') FROM accounts)"
        ).fetchone()
    return (row[0], row[1], row[2], row[3], row[4])


def changed_recipients(db: Database, since_event_id: int) -> list[int]:
    """Recipients with events newer than ``since_event_id`` (rows to repaint)."""
    with db.reading() as conn:
        rows = conn.execute("SELECT DISTINCT recipient_id FROM events WHERE id > ?",
                            (since_event_id,)).fetchall()
    return [r[0] for r in rows]


# ---------------------------------------------------------------------------
# Details
# ---------------------------------------------------------------------------
_SHOWN_HEADERS = ("From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To",
                  "Disposition-Notification-To", "Return-Path", "X-Mailer")


def _headers(raw: bytes | None) -> list[tuple[str, str]]:
    if not raw:
        return []
    try:
        msg = BytesHeaderParser(policy=default_policy).parsebytes(bytes(raw))
    except Exception:  # noqa: BLE001 - a malformed stored message still shows the rest
        return []
    return [(name, str(msg[name])) for name in _SHOWN_HEADERS if msg[name] is not None]


def message_details(db: Database, recipient_id: int) -> MessageDetails | None:
    """Everything the details panel shows for the row of ``recipient_id``."""
    with db.reading() as conn:
        rec = conn.execute("SELECT message_id FROM recipients WHERE id = ?",
                           (recipient_id,)).fetchone()
        if rec is None:
            return None
        msg = conn.execute("SELECT * FROM messages WHERE id = ?", (rec[0],)).fetchone()
        recipients: list[RecipientInfo] = []
        for r in conn.execute("SELECT * FROM recipients WHERE message_id = ? ORDER BY id",
                              (msg["id"],)):
            info = RecipientInfo(r["id"], r["address"], r["kind"], r["status"], r["reason"],
                                 r["detail"])
            info.events = [Event(e["id"], e["at"], e["status"], e["source"], e["reason"],
                                 e["detail"], bool(e["applied"]))
                           for e in conn.execute("SELECT * FROM events WHERE recipient_id = ? "
                                                 "ORDER BY at, id", (r["id"],))]
            recipients.append(info)
        resent = conn.execute(
            "SELECT m.id, r.address, r.status FROM messages m "
            "JOIN recipients r ON r.message_id = m.id WHERE m.resend_of = ? ORDER BY m.id",
            (recipient_id,)).fetchall()
    selected = next(r for r in recipients if r.id == recipient_id)
    return MessageDetails(
        message_id=msg["id"], header_message_id=msg["message_id"],
        account=msg["account_email"], from_addr=msg["from_addr"], subject=msg["subject"],
        body_text=msg["body_text"], body_html=msg["body_html"], created_at=msg["created_at"],
        sent_at=msg["sent_at"], scheduled_at=msg["scheduled_at"], state=msg["state"],
        smtp_reply=msg["smtp_reply"], headers=_headers(msg["raw"]), recipients=recipients,
        selected=selected, resend_of=msg["resend_of"],
        resent_as=[(r[0], r[1], r[2]) for r in resent])


# ---------------------------------------------------------------------------
# Plain-language labels and explanations (FR / EN)
# ---------------------------------------------------------------------------
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


def _lang(lang: str) -> str:
    return "fr" if lang == "fr" else "en"


def status_label(status: str, lang: str = "en") -> str:
    return STATUS_LABELS.get(status, {}).get(_lang(lang), status)


def count_label(status: str, count: int, lang: str = "en") -> str:
    """'3 hard bounces', '1 réponse'."""
    forms = _PLURALS.get(status, {}).get(_lang(lang), (status, status))
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
    """(what happened, what to do) in plain words."""
    lang = _lang(lang)
    if reason and reason in _BY_REASON:
        return _BY_REASON[reason][lang]
    if status in _BY_STATUS:
        return _BY_STATUS[status][lang]
    return (status, "")


# ---------------------------------------------------------------------------
# CSV export
# ---------------------------------------------------------------------------
_CSV_HEADERS = {
    "en": ["Date", "Status", "Status code", "Subject", "Account", "Recipient", "Reason",
           "Server answer"],
    "fr": ["Date", "Statut", "Code statut", "Objet", "Compte", "Destinataire", "Raison",
           "Réponse du serveur"],
}


def iter_view(db: Database, flt: ViewFilter = ViewFilter(), sort: str = "date",
              descending: bool = True) -> Iterator[MessageRow]:
    """Every row of the view, in order, streamed (exports do not hold 100k rows)."""
    where, params = _where(flt)
    with db.reading() as conn:
        for row in conn.execute(_ROW_SELECT + where + _order(sort, descending, flt), params):
            yield _to_row(row)


def export_csv(db: Database, path: Path, flt: ViewFilter = ViewFilter(), sort: str = "date",
               descending: bool = True, delimiter: str = ",", lang: str = "en") -> int:
    """Write the filtered view to ``path`` as UTF-8 with a BOM (so Excel reads accents);
    ``delimiter=';'`` for French Excel. Returns the number of data rows."""
    if delimiter not in (",", ";", "\t"):
        raise ValueError("delimiter must be ',', ';' or a tab")
    lang = _lang(lang)
    count = 0
    tmp = Path(path).with_name(Path(path).name + ".part")
    with open(tmp, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(_CSV_HEADERS[lang])
        for row in iter_view(db, flt, sort, descending):
            writer.writerow(_csv_cells(row, lang))
            count += 1
    tmp.replace(path)  # never leave half a file under the name the user chose
    return count


def _csv_cells(row: MessageRow, lang: str) -> list[str]:
    return [_local_iso(row.date), status_label(row.status, lang), row.status,
            _csv_safe(row.subject), row.account, row.recipient, row.reason or "",
            _csv_safe(row.detail or "")]


def _csv_safe(value: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheets (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _local_iso(value: str) -> str:
    try:
        return datetime.fromisoformat(value).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return value


def counts_summary(counts: dict[str, int], lang: str = "en",
                   order: Iterable[str] = STATUSES) -> list[str]:
    """Counter labels in status order, only for statuses present."""
    return [count_label(s, counts[s], lang) for s in order if counts.get(s)]
