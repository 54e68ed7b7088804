"""``parse(raw)``: one message in, one Report out; never raises."""

from __future__ import annotations

import logging
from email import message_from_bytes
from email.policy import compat32

from app.services.bounce.addresses import MSGID_HDR_RE, MSGID_RE, address_of, msgid_of
from app.services.bounce.autoreply import looks_like_auto_reply, looks_like_text_mdn
from app.services.bounce.decode import header_text, walk
from app.services.bounce.freetext import looks_like_bounce, parse_free_text
from app.services.bounce.model import MAX_MESSAGE, RecipientStatus, Report
from app.services.bounce.reports import parse_arf, parse_dsn, parse_mdn

log = logging.getLogger(__name__)

# =====================================================================================
# parse
# =====================================================================================
def parse(raw: bytes) -> Report:
    """Classify one message. Never raises: unparseable input gives kind "other"."""
    try:
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        return _parse(bytes(raw[:MAX_MESSAGE]))
    except Exception:  # last line of defence: hostile input never crashes the caller
        log.debug("bounce parser gave up on a message", exc_info=True)
        return Report()


def _parse(raw: bytes) -> Report:
    msg = message_from_bytes(raw, policy=compat32)
    report = Report(
        message_id=msgid_of(header_text(msg, "Message-ID")),
        subject=header_text(msg, "Subject"),
        from_addr=address_of(header_text(msg, "From")),
        in_reply_to=msgid_of(header_text(msg, "In-Reply-To")),
        references=[f"<{m}>" for m in MSGID_RE.findall(header_text(msg, "References") or "")][:50],
    )
    parts = walk(msg)
    if parts.original is not None:
        report.original_message_id = msgid_of(header_text(parts.original, "Message-ID"))
    if parts.dsn and parse_dsn(report, parts):
        report.kind = "dsn"
    elif parts.arf:
        parse_arf(report, parts)
    elif parts.mdn:
        parse_mdn(report, parts)
    elif looks_like_bounce(msg, report, parts):
        report.kind = "bounce"
        parse_free_text(report, msg, parts)
    elif looks_like_auto_reply(msg, report, parts):
        report.kind = "auto_reply"
        report.original_message_id = replied_id(report)
        report.recipients = [RecipientStatus(
            address=report.from_addr, category="auto_reply", reason="vacation",
            diagnostic=report.subject, original_message_id=replied_id(report))]
    elif looks_like_text_mdn(report, parts):
        report.kind = "mdn"
        report.mdn_disposition = "displayed"
        report.original_message_id = replied_id(report)
        report.recipients = [RecipientStatus(
            address=report.from_addr, category="opened", reason="displayed",
            diagnostic=report.subject, original_message_id=replied_id(report))]
    if report.original_message_id is None and report.kind in ("dsn", "bounce", "feedback"):
        found = MSGID_HDR_RE.search(parts.original_text) or MSGID_HDR_RE.search(
            "\n".join(parts.texts))
        if found:
            report.original_message_id = found.group(1)
    if report.original_message_id is None and report.kind in ("dsn", "bounce"):
        # Exim delay warnings and Gmail bounces refer to the original in their own headers.
        report.original_message_id = replied_id(report)
    if report.kind == "other":
        report.original_message_id = None  # e.g. a forwarded message/rfc822: not a report
    for rcpt in report.recipients:
        if rcpt.original_message_id is None:
            rcpt.original_message_id = report.original_message_id
    return report


def replied_id(report: Report) -> str | None:
    if report.in_reply_to:
        return report.in_reply_to
    return report.references[-1] if report.references else None


