"""``parse(raw)``: one message in, one Report out; never raises."""

from __future__ import annotations

import logging

from app.services.bounce import vendors
from app.services.bounce.addresses import MSGID_HDR_RE, MSGID_RE, address_of, msgid_of
from app.services.bounce.autoreply import (
    looks_like_auto_reply,
    looks_like_challenge,
    moved_sentence,
    text_mdn,
)
from app.services.bounce.decode import header_text, parse_entity, walk
from app.services.bounce.freetext import looks_like_bounce, parse_free_text
from app.services.bounce.judge import to_recipient
from app.services.bounce.model import MAX_MESSAGE, MAX_RECIPIENTS, RecipientStatus, Report
from app.services.bounce.reasons import extract_codes
from app.services.bounce.reports import (
    is_unsubscribe,
    parse_arf,
    parse_dsn,
    parse_mdn,
    parse_unsubscribe,
)
from app.services.bounce.taxonomy import REASON_CATEGORY
from app.services.bounce.vendors.base import Context

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
    msg = parse_entity(raw)
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
    ctx = Context(msg, report, parts)
    if parts.dsn and parse_dsn(report, parts):
        report.kind = "dsn"
        _refine_dsn(ctx)
    elif parts.arf:
        parse_arf(report, parts)
    elif parts.mdn:
        parse_mdn(report, parts)
    elif is_unsubscribe(msg):
        parse_unsubscribe(report)
    elif _from_vendor(ctx):
        report.kind = "bounce"
    elif looks_like_challenge(msg, report, parts):
        _auto_reply(report, None)
    elif looks_like_bounce(msg, report, parts):
        report.kind = "bounce"
        parse_free_text(report, msg, parts)
    elif looks_like_auto_reply(msg, report, parts):
        _auto_reply(report, moved_sentence(parts))
    elif disposition := text_mdn(report, parts):
        report.kind = "mdn"
        report.mdn_disposition = disposition
        report.original_message_id = replied_id(report)
        report.recipients = [RecipientStatus(
            address=report.from_addr, category=REASON_CATEGORY[disposition], reason=disposition,
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


def _auto_reply(report: Report, moved: str | None) -> None:
    """One recipient, the one who answered. An answer saying the address is dead or replaced
    ("no longer in use, write to ...") is a bounce in all but form: hard_bounce has_moved."""
    report.kind = "bounce" if moved else "auto_reply"
    report.original_message_id = replied_id(report)
    category, reason = ("hard_bounce", "has_moved") if moved else ("auto_reply", "vacation")
    report.recipients = [RecipientStatus(
        address=report.from_addr, category=category, reason=reason,
        diagnostic=moved or report.subject, original_message_id=replied_id(report),
        action="failed" if moved else None)]


def replied_id(report: Report) -> str | None:
    if report.in_reply_to:
        return report.in_reply_to
    return report.references[-1] if report.references else None




def _from_vendor(ctx: Context) -> bool:
    """Recipients read by the vendor module that knows this report's format, if any."""
    result = vendors.find(ctx)
    if result is None:
        return False
    ctx.report.vendor, found = result
    ctx.report.recipients = [to_recipient(f) for f in found[:MAX_RECIPIENTS]]
    if ctx.report.recipients and all(r.category == "complaint"
                                     for r in ctx.report.recipients):
        ctx.report.kind = "feedback"  # e.g. a provider's JSON complaint notification
    return True


def _says_little(rcpt: RecipientStatus) -> bool:
    """A DSN recipient whose fields leave the cause open: no diagnostic, no reply code in
    it, a class-only status (5.0.0) or an undecided reason."""
    return (not rcpt.diagnostic or rcpt.reason in ("undefined", "on_hold")
            or not rcpt.status or rcpt.status.endswith(".0.0")
            or not extract_codes(rcpt.diagnostic)[0])


def _refine_dsn(ctx: Context) -> None:
    """DSN recipients whose fields say little take what the vendor module read from the
    human-readable part for the same recipient (Gmail and Microsoft 365 quote the remote
    server's reply there while their DSN says 5.0.0)."""
    vague = [r for r in ctx.report.recipients if _says_little(r)]
    if not vague:
        return
    result = vendors.find(ctx)
    if result is None:
        return
    ctx.report.vendor = result[0]
    by_address = {f.address.lower(): f for f in result[1]}
    for rcpt in vague:
        found = next((by_address[a.lower()] for a in (rcpt.address, rcpt.original_recipient)
                      if a and a.lower() in by_address), None)
        if found is None and len(by_address) == 1 and len(ctx.report.recipients) == 1:
            found = next(iter(by_address.values()))
        if found is None or not (found.diagnostic or found.reason):
            continue
        better = to_recipient(found)
        if better.diagnostic and (not rcpt.diagnostic or (
                extract_codes(better.diagnostic)[0] and not extract_codes(rcpt.diagnostic)[0])):
            rcpt.diagnostic = better.diagnostic  # the remote server's own words
        if better.status and (not rcpt.status or rcpt.status.endswith(".0.0")):
            rcpt.status = better.status
        rcpt.reply_code = rcpt.reply_code or better.reply_code
        if rcpt.action in ("delivered", "relayed", "expanded", "delayed"):
            continue
        if rcpt.reason in ("undefined", "on_hold") or better.reason not in (
                "undefined", "on_hold"):
            rcpt.category, rcpt.reason = better.category, better.reason
