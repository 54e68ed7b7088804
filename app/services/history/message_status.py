"""The sent-message statuses in one place: their list, which ones are failures, their
severity order, and their words (labels, counter plurals, the explanation and what to do,
and the short words for each bounce reason code), in English marked for the catalogues
(app/services/translation.py), said in the user's language when shown.

The store (``message_store``), the read path (``message_views``), the CLI and the GUI all
import them from here, so a new status or a reworded label is one edit. Pure Python, no Qt.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.services.translation import N_, N_plural, gettext, ngettext

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

STATUS_LABELS: dict[str, str] = {
    "queued": N_("Waiting"),
    "sent": N_("Sent"),
    "deferred": N_("Delayed"),
    "delivered": N_("Delivered"),
    "opened": N_("Read"),
    "replied": N_("Replied"),
    "auto_reply": N_("Auto-reply"),
    "soft_bounce": N_("Soft bounce"),
    "hard_bounce": N_("Hard bounce"),
    "blocked": N_("Blocked"),
    "spam": N_("Spam"),
    "complaint": N_("Complaint"),
    "error": N_("Error"),
}

# Counter wording: "3 hard bounces" / "3 adresses invalides".
_PLURALS: dict[str, tuple[str, str]] = {
    "queued": N_plural("{count} waiting", "{count} waiting"),
    "sent": N_plural("{count} sent", "{count} sent"),
    "deferred": N_plural("{count} delayed", "{count} delayed"),
    "delivered": N_plural("{count} delivered", "{count} delivered"),
    "opened": N_plural("{count} read", "{count} read"),
    "replied": N_plural("{count} reply", "{count} replies"),
    "auto_reply": N_plural("{count} auto-reply", "{count} auto-replies"),
    "soft_bounce": N_plural("{count} soft bounce", "{count} soft bounces"),
    "hard_bounce": N_plural("{count} hard bounce", "{count} hard bounces"),
    "blocked": N_plural("{count} blocked", "{count} blocked"),
    "spam": N_plural("{count} spam", "{count} spam"),
    "complaint": N_plural("{count} complaint", "{count} complaints"),
    "error": N_plural("{count} error", "{count} errors"),
}


def status_label(status: str, lang: str | None = None) -> str:
    """The status in ``lang`` (None: the current language); an unknown status as it is."""
    label = STATUS_LABELS.get(status)
    return gettext(label, lang) if label else status


def count_label(status: str, count: int, lang: str | None = None) -> str:
    """'3 hard bounces', '1 réponse'."""
    forms = _PLURALS.get(status)
    if forms is None:
        return f"{count} {status}"
    return ngettext(*forms, count, lang).format(count=count)


# (explanation, what to do) per status, then finer per reason (CLI.md category table).
_BY_STATUS: dict[str, tuple[str, str]] = {
    "queued": (
        N_("The message is waiting to be sent."),
        N_("Nothing to do: it leaves at the planned time (quiet hours or scheduled send).")),
    "sent": (
        N_("Your mail server accepted the message and passed it on."),
        N_("Nothing to do. Postier will show here if it bounces or gets a reply.")),
    "deferred": (
        N_("The recipient's server asked to try again later; delivery is still being retried."),
        N_("Wait: the server retries by itself. If it lasts more than a day, check the address "
           "or call the recipient.")),
    "delivered": (
        N_("The recipient's server confirmed it put the message in the mailbox."),
        N_("Nothing to do.")),
    "opened": (
        N_("The recipient sent a read receipt: the message was opened."),
        N_("Nothing to do.")),
    "replied": (
        N_("The recipient replied to this message."),
        N_("Read the reply in your mailbox.")),
    "auto_reply": (
        N_("An automatic answer came back (for example an out-of-office message)."),
        N_("The message was delivered; the person may be away. Read the answer for a return "
           "date or another contact.")),
    "soft_bounce": (
        N_("The message could not be delivered for a temporary reason."),
        N_("Try again later; if it keeps failing, contact the recipient another way.")),
    "hard_bounce": (
        N_("The address does not exist or can never receive mail."),
        N_("Check the spelling of the address, then resend to the corrected address.")),
    "blocked": (
        N_("The recipient's server refused the message because of the sender, not the address."),
        N_("Run the domain health check (SPF, DKIM, DMARC); ask your provider or administrator "
           "if it persists.")),
    "spam": (
        N_("The recipient's server took the message for spam (or found a virus)."),
        N_("Avoid links to unknown sites, large images and attachments; check your domain's "
           "SPF/DKIM/DMARC, then resend.")),
    "complaint": (
        N_("The recipient marked this message as spam."),
        N_("Do not write to this address again unless the person asks you to.")),
    "error": (
        N_("Something went wrong while sending this message."),
        N_("Read the server's answer below; check the account with a re-test, then resend.")),
}

_BY_REASON: dict[str, tuple[str, str]] = {
    "user_unknown": (
        N_("The address does not exist."),
        N_("Check the spelling: a letter may be missing or swapped. Resend to the corrected "
           "address.")),
    "host_unknown": (
        N_("The domain after the @ does not exist or receives no mail."),
        N_("Check the part after the @ (for example .fr instead of .com).")),
    "has_moved": (
        N_("This person has moved to another address."),
        N_("Read the server's answer for the new address and resend there.")),
    "mailbox_full": (
        N_("The recipient's mailbox is full."),
        N_("Try again in a few days or warn the person another way.")),
    "expired": (
        N_("The servers kept retrying for days and gave up."),
        N_("Check the address; the recipient's server may be down. Resend later.")),
    "message_too_big": (
        N_("The message is too big for the recipient's server."),
        N_("Remove or shrink attachments and images, then resend.")),
    "auth_failure": (
        N_("The recipient's server could not verify that your domain sent this (SPF, DKIM or "
           "DMARC)."),
        N_("Run the domain health check and fix the DNS records it names.")),
    "vacation": (
        N_("The recipient is away (out-of-office answer)."),
        N_("Read the answer for a return date or another contact.")),
}


def explain(status: str, reason: str | None = None,
            lang: str | None = None) -> tuple[str, str]:
    """(what happened, what to do) in plain words; a known reason says more than its status."""
    texts = _BY_REASON.get(reason or "") or _BY_STATUS.get(status)
    if texts is None:
        return (status, "")
    return gettext(texts[0], lang), gettext(texts[1], lang)


# Short words for each reason code of CLI.md's category table, for the export's "Reason"
# column (the code itself goes in "Reason code", for filters and support).
REASON_LABELS: dict[str, str] = {
    "delivered": N_("Delivered"),
    "delayed": N_("Delayed, still retrying"),
    "user_unknown": N_("Address does not exist"),
    "host_unknown": N_("Domain does not exist"),
    "has_moved": N_("Recipient has moved"),
    "not_accept": N_("Domain accepts no mail"),
    "mailbox_full": N_("Mailbox full"),
    "expired": N_("Gave up after retrying"),
    "system_error": N_("Recipient's server error"),
    "system_full": N_("Recipient's server full"),
    "network_error": N_("Network or DNS error"),
    "too_many_conn": N_("Too many connections"),
    "suspend": N_("Mailbox disabled"),
    "message_too_big": N_("Message too big"),
    "exceed_limit": N_("Over the recipient's size limit"),
    "speeding": N_("Sending too fast"),
    "blocked": N_("Sender blocked"),
    "rejected": N_("Sender address refused"),
    "no_relaying": N_("Relaying refused"),
    "policy_violation": N_("Refused by the recipient's policy"),
    "auth_failure": N_("SPF, DKIM or DMARC failed"),
    "bad_reputation": N_("Poor sender reputation"),
    "require_ptr": N_("Reverse DNS (PTR) required"),
    "not_compliant_rfc": N_("Message not standard-compliant"),
    "security_error": N_("TLS or sign-in required"),
    "filtered": N_("Refused by a filter"),
    "content_error": N_("Malformed content"),
    "spam_detected": N_("Taken for spam"),
    "virus_detected": N_("Virus found"),
    "vacation": N_("Out of office"),
    "feedback": N_("Marked as spam by the recipient"),
    "syntax_error": N_("Syntax error"),
    "mailer_error": N_("Mail system error"),
    "on_hold": N_("On hold"),
    "undefined": N_("Unknown cause"),
    "displayed": N_("Read"),
    "processed": N_("Processed"),
    "deleted": N_("Deleted unread"),
}


def reason_label(reason: str | None, lang: str | None = None) -> str:
    """The reason in the user's language ('' for none; an unknown code stays as it is)."""
    if not reason:
        return ""
    label = REASON_LABELS.get(reason)
    return gettext(label, lang) if label else reason


def counts_summary(counts: dict[str, int], lang: str | None = None,
                   order: Iterable[str] = STATUSES) -> list[str]:
    """Counter labels in status order, only for statuses present."""
    return [count_label(s, counts[s], lang) for s in order if counts.get(s)]
