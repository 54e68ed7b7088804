"""The account's Sent folder over IMAP: keep a copy of what was sent, find a message in it.

Owns which folder is "Sent" (the \\Sent special-use flag, else a usual name in English or
French, else one created as "Sent" under the personal namespace, as mail clients do), the
copy the outbox puts there after a submission, and the look-up its crash recovery makes
(was a message whose final dot may have left really sent?). Works on a logged-in
``IMAPClient`` (``imap_session.open_imap``): the caller owns the connection and the
credential it was opened with.
"""

from __future__ import annotations

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from app.services.mail.failures import network_error
from app.services.mail.imap_session import special_folder

SENT_NAMES = {"sent", "sent items", "sent messages", "sent mail", "éléments envoyés",
              "elements envoyes", "envoyés", "messages envoyés", "[gmail]/sent mail"}


def _personal_prefix(client: IMAPClient) -> str:
    """Courier and older Cyrus put personal folders under "INBOX."."""
    try:
        personal = client.namespace().personal or ()
        prefix = personal[0][0] if personal else ""
        return prefix.decode() if isinstance(prefix, bytes) else str(prefix or "")
    except Exception:  # noqa: BLE001 - NAMESPACE is optional (RFC 2342)
        return ""


def append_to_sent(client: IMAPClient, raw: bytes) -> bool:
    """Put a copy of a sent message in the Sent folder (created as "Sent" if the mailbox
    has none, as mail clients do). Any failure is a PostierError: the caller decides that a
    missing copy never fails a send."""
    try:
        folder = special_folder(client, b"\\Sent", SENT_NAMES)
        if folder is None:
            folder = _personal_prefix(client) + "Sent"
            client.create_folder(folder)
        client.append(folder, raw, flags=[b"\\Seen"])
        return True
    except Exception as exc:  # noqa: BLE001 - a missing copy must never fail a send
        raise network_error(exc, "IMAP", server="imap") from exc


def find_in_sent(client: IMAPClient, message_id: str) -> bool | None:
    """Whether the Sent folder holds a message with this Message-ID (None: no Sent folder)."""
    try:
        folder = special_folder(client, b"\\Sent", SENT_NAMES)
        if folder is None:
            return None
        client.select_folder(folder, readonly=True)
        return bool(client.search(["HEADER", "Message-ID", message_id]))
    except (IMAPClientError, OSError, ValueError) as exc:
        raise network_error(exc, "IMAP", server="imap") from exc
