"""Sent-message rows written straight into SQLite, as the sending/tracking services would:
bulk rows for 100k-row tests and benchmarks, and a small realistic demo with every status."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from app.services.history import message_views as mv
from app.services.history.message_status import STATUSES
from app.services.storage import Account, AccountStore, Database

ACCOUNTS = ("contact@boulangerie-martin.fr", "compta@boulangerie-martin.fr")
SOURCES = {"sent": "smtp", "deferred": "dsn", "delivered": "dsn", "opened": "mdn",
           "replied": "reply", "auto_reply": "reply", "soft_bounce": "bounce",
           "hard_bounce": "bounce", "blocked": "smtp", "spam": "bounce",
           "complaint": "bounce", "error": "smtp", "queued": "smtp"}


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="seconds")


def listed(db: Database) -> list[dict]:
    """What ``postier messages --json`` prints for the whole table (no filter, newest first)."""
    return [r.to_dict() for r in mv.listing(db)]


def expected_order(db: Database, column: str, descending: bool) -> list[int]:
    """Recipient ids in the order the table must show, worked out here from a plain read of
    the rows (not from the view's index): the column's key (dates; severity, worst first
    when descending; text folded for case and accents), then newest first among equals."""
    from app.services.history.message_status import SEVERITY_RANK

    with db.reading() as conn:
        rows = conn.execute("SELECT r.id, m.created_at, r.status, m.subject, m.account_email, "
                            "r.address, m.sent_by FROM recipients r JOIN messages m "
                            "ON m.id = r.message_id").fetchall()
    newest = sorted(rows, key=lambda r: (r[1], r[0]), reverse=True)
    if column == "date":  # equal dates: by row id, the same way round as the dates
        return [r[0] for r in (newest if descending else newest[::-1])]
    if column == "status":
        def key(r):  # noqa: ANN001,ANN202
            return -SEVERITY_RANK[r[2]]
    else:
        at = {"subject": 3, "account": 4, "recipient": 5, "sent_by": 6}[column]

        def key(r):  # noqa: ANN001,ANN202
            return mv.fold(r[at] or "")
    return [r[0] for r in sorted(newest, key=key, reverse=descending)]


def add_account(db: Database, email: str, label: str = "", sync_state: str = "idle",
                sync_error: str | None = None) -> None:
    AccountStore(db).add(Account(
        email=email, username=email, imap_host="imap.example.test", imap_port=993,
        imap_security="ssl", smtp_host="smtp.example.test", smtp_port=465,
        smtp_security="ssl", label=label, display_name="Boulangerie Martin",
        sync_state=sync_state, sync_error=sync_error,
        signature_html=("<b>Boulangerie Martin</b><br>12 rue des Halles, 69002 Lyon<br>"
                        "04 78 00 00 00"),
        signature_text="Boulangerie Martin\n12 rue des Halles, 69002 Lyon\n04 78 00 00 00"))


def bulk_rows(db: Database, n: int, *, seed: int = 7, now: datetime | None = None) -> None:
    """``n`` messages with one recipient each and one event per non-queued recipient."""
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    words = ["Devis", "Facture", "Commande", "Relance", "Livraison", "Rendez-vous",
             "Promotion", "Réclamation", "Contrat", "Bon de commande"]
    messages, recipients, events = [], [], []
    for i in range(1, n + 1):
        created = iso(now - timedelta(minutes=(n - i) * 3))
        account = ACCOUNTS[i % len(ACCOUNTS)]
        status = STATUSES[rng.randrange(len(STATUSES))]
        subject = f"{rng.choice(words)} n°{rng.randrange(100000):05d}"
        messages.append((i, account, f"<{i}@postier.test>", f"env{i}", account, subject,
                         "Bonjour", "sent", created, created))
        recipients.append((i, i, f"client{rng.randrange(n * 2)}@exemple{i % 97}.fr", "to",
                           status, None, None, created))
        if status != "queued":
            events.append((i, created, status, SOURCES[status], None, f"250 2.0.0 Ok {i}"))
    with db.transaction() as conn:
        conn.executemany(
            "INSERT INTO messages (id, account_email, message_id, envid, from_addr, subject, "
            "body_text, state, created_at, sent_at) VALUES (?,?,?,?,?,?,?,?,?,?)", messages)
        conn.executemany(
            "INSERT INTO recipients (id, message_id, address, kind, status, reason, detail, "
            "updated_at) VALUES (?,?,?,?,?,?,?,?)", recipients)
        conn.executemany(
            "INSERT INTO events (recipient_id, at, status, source, reason, detail) "
            "VALUES (?,?,?,?,?,?)", events)
        if db.engine == "postgresql":  # ids given by hand: the next generated ones follow
            for table in ("messages", "recipients"):
                conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"(SELECT MAX(id) FROM {table}))")


def add_message(db: Database, account: str, subject: str, recipients: list[tuple[str, str]],
                *, created: datetime | None = None, resend_of: int | None = None,
                raw: bytes | None = None, state: str = "sent") -> tuple[int, list[int]]:
    """One message; ``recipients`` = [(address, status)]. Returns (message id, recipient ids)."""
    created = created or datetime.now(UTC)
    with db.transaction() as conn:
        mid = conn.execute(
            "INSERT INTO messages (account_email, message_id, envid, from_addr, subject, "
            "body_text, state, created_at, sent_at, resend_of, raw) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
            (account, f"<{random.random()}@postier.test>", f"e{random.random()}", account,
             subject, "Bonjour,\nVoici le document.", state, iso(created),
             iso(created) if state != "queued" else None, resend_of, raw)).fetchone()[0]
        rids = [conn.execute(
            "INSERT INTO recipients (message_id, address, kind, status, updated_at) "
            "VALUES (?,?,?,?,?) RETURNING id", (mid, address, "to", "queued", iso(created))
        ).fetchone()[0] for address, _ in recipients]
    for rid, (_, status) in zip(rids, recipients, strict=False):
        if status != "queued":
            add_event(db, rid, "sent", "smtp", None, "250 2.0.0 Ok: queued as 4F2A1", created)
            if status != "sent":
                add_event(db, rid, status, SOURCES[status], REASONS.get(status),
                          DIAGNOSTICS.get(status, ""), created + timedelta(minutes=2))
    return mid, rids


def add_event(db: Database, recipient_id: int, status: str, source: str, reason: str | None,
              detail: str | None, at: datetime | None = None) -> int:
    """What the tracker does: append an event and move the recipient's status."""
    from app.services.history.message_store import apply_status

    with db.transaction() as conn:
        apply_status(conn, recipient_id, status, source, reason, detail,
                     at or datetime.now(UTC))
        eid = conn.execute("SELECT MAX(id) FROM events").fetchone()[0]
    return eid


REASONS = {"deferred": "delayed", "delivered": "delivered", "auto_reply": "vacation",
           "soft_bounce": "mailbox_full", "hard_bounce": "user_unknown", "blocked": "blocked",
           "spam": "spam_detected", "complaint": "feedback", "error": "mailer_error"}

DIAGNOSTICS = {
    "deferred": "451 4.7.1 Greylisted, please try again in 5 minutes",
    "delivered": "250 2.0.0 OK 1700000000 delivered to mailbox",
    "opened": "Disposition: manual-action/MDN-sent-manually; displayed",
    "replied": "Re: Devis cuisine",
    "auto_reply": "Je suis absente jusqu'au 2 décembre.",
    "soft_bounce": "552 5.2.2 Mailbox full",
    "hard_bounce": "550 5.1.1 <jean.dupnt@exemple.fr>: Recipient address rejected: "
                   "User unknown in virtual mailbox table",
    "blocked": "554 5.7.1 Service unavailable; Client host blocked using zen.spamhaus.org",
    "spam": "550 5.7.1 Message rejected as spam by Content Filtering",
    "complaint": "Feedback-Type: abuse",
    "error": "421 4.3.2 Service not available, closing transmission channel",
}

DEMO = [
    ("Devis cuisine – Mme Leroy", "a.leroy@orange.fr", "replied"),
    ("Facture F-2026-118", "jean.dupnt@exemple.fr", "hard_bounce"),
    ("Facture F-2026-117", "compta@fournil-durand.fr", "delivered"),
    ("Commande farine bio", "commandes@moulin-vert.fr", "opened"),
    ("Rendez-vous jeudi", "p.bernard@gmail.com", "auto_reply"),
    ("Relance paiement", "contact@traiteur-lyon.fr", "soft_bounce"),
    ("Promotion de Noël", "newsletter-list@exemple.fr", "spam"),
    ("Promotion de Noël", "client.mecontent@exemple.fr", "complaint"),
    ("Livraison lundi", "reception@hotel-du-parc.fr", "deferred"),
    ("Contrat de maintenance", "admin@groupe-industriel.com", "blocked"),
    ("Bon de commande 4471", "achats@cantine-municipale.fr", "error"),
    ("Horaires des fêtes", "mairie@saint-martin.fr", "sent"),
    ("Carte de fidélité", "l.moreau@free.fr", "queued"),
]


def demo(db: Database, now: datetime | None = None) -> dict[str, int]:
    """Every status once, two accounts; returns {status: recipient id}."""
    now = now or datetime.now(UTC)
    add_account(db, ACCOUNTS[0], label="Boutique")
    add_account(db, ACCOUNTS[1], label="Comptabilité", sync_state="error",
                sync_error="AUTH_FAILED")
    out: dict[str, int] = {}
    for i, (subject, address, status) in enumerate(DEMO):
        account = ACCOUNTS[1] if "Facture" in subject or "Relance" in subject else ACCOUNTS[0]
        # The first rows are from today, later ones from the previous days.
        created = now - timedelta(hours=i * 7)
        raw = (f"From: {account}\r\nTo: {address}\r\nSubject: {subject}\r\n"
               f"Message-ID: <demo{i}@boulangerie-martin.fr>\r\n\r\nBonjour\r\n").encode()
        _, rids = add_message(db, account, subject, [(address, status)], created=created,
                              raw=raw, state="queued" if status == "queued" else "sent")
        out[status] = rids[0]
    return out
