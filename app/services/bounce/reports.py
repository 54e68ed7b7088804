"""Standard reports: RFC 3464/6533 delivery status (DSN), RFC 3798 read receipts (MDN),
RFC 5965 abuse feedback (ARF) and RFC 3834 auto-replies."""

from __future__ import annotations

import re

from app.services.bounce.addresses import address_of, msgid_of
from app.services.bounce.decode import (
    Part,
    Parts,
    clean,
    first_field,
    header_text,
    human_text,
    report_blocks,
)
from app.services.bounce.diagnostic_lines import diagnostic_of
from app.services.bounce.freetext import addresses_named, block_for
from app.services.bounce.judge import verdict
from app.services.bounce.model import MAX_DIAGNOSTIC, MAX_RECIPIENTS, RecipientStatus, Report
from app.services.bounce.reasons import (
    classify_reply,
    extract_codes,
    normalise_status,
)
from app.services.bounce.taxonomy import REASON_CATEGORY


# --- RFC 3464 --------------------------------------------------------------------
def parse_dsn(report: Report, parts: Parts) -> bool:
    groups = 0
    comments: dict[int, str] = {}  # a Status field's comment, for recipients with no diagnostic
    for part in parts.dsn:
        for block in report_blocks(part):
            envid = first_field(block, "original-envelope-id")
            if envid and not report.original_envid:
                report.original_envid = clean(envid)
            mta = first_field(block, "reporting-mta")
            if mta and not report.reporting_mta:
                report.reporting_mta = mta_host(mta)
            for group in _recipient_groups(block):
                groups += 1  # bounded work: duplicates cost a verdict each too
                if len(report.recipients) < MAX_RECIPIENTS and groups <= 2 * MAX_RECIPIENTS:
                    rcpt = _dsn_recipient(group)
                    _add_once(report.recipients, rcpt)
                    comments[id(rcpt)] = _status_comment(first_field(group, "status"))
    if not report.recipients:
        return False
    # A recipient field with no address in it (x400, a field cut by the size limit) names
    # nobody: the other recipients, else the human-readable part, say who it was.
    if any(r.address for r in report.recipients):
        report.recipients = [r for r in report.recipients if r.address]
    else:
        _addresses_from_text(report, parts)
    # Some MTAs (Exchange, Gmail) put a better diagnostic in the human-readable part.
    human = human_text(parts)
    for rcpt in report.recipients:
        whole = _whole_reply(rcpt.diagnostic, human)
        if whole:
            rcpt.diagnostic = clean(whole[:MAX_DIAGNOSTIC])
            _rejudge(rcpt)
        if not rcpt.diagnostic and human:
            rcpt.diagnostic = clean(diagnostic_of(block_for(human, rcpt.address))[
                :MAX_DIAGNOSTIC])
            if rcpt.diagnostic:
                _rejudge(rcpt)
        if not rcpt.diagnostic and comments.get(id(rcpt)):
            rcpt.diagnostic = clean(comments[id(rcpt)][:MAX_DIAGNOSTIC])
            _rejudge(rcpt)
        if rcpt.category == "error" and rcpt.reason in ("undefined", "on_hold") and human:
            about = block_for(human, rcpt.address)
            if about:
                category, reason = classify_reply(None, about, rcpt.status)
                if (category, reason) != ("error", "undefined"):
                    rcpt.category, rcpt.reason = category, reason
                    rcpt.diagnostic = rcpt.diagnostic or clean(about[:MAX_DIAGNOSTIC])
    return True


def _addresses_from_text(report: Report, parts: Parts) -> None:
    """Recipients whose fields hold no address take those the human-readable part names,
    when it names exactly as many (in the same order: one report, one list)."""
    skip = {a.lower() for a in (report.from_addr, address_of(header_text(
        parts.original, "From")), address_of(header_text(parts.original, "Return-Path"))) if a}
    named = [a for a in addresses_named(human_text(parts)) if a.lower() not in skip]
    if named and len(named) == len(report.recipients):
        for rcpt, address in zip(report.recipients, named, strict=True):
            rcpt.address = address


def _add_once(recipients: list[RecipientStatus], rcpt: RecipientStatus) -> None:
    """One entry per address: a recipient named twice (two status parts, a gateway's copy
    of the remote report) keeps the entry that says most."""
    key = (rcpt.address or "").lower()
    for index, known in enumerate(recipients):
        if key and (known.address or "").lower() == key:
            # a final outcome (the MTA later gave up, or delivered) ends an earlier delay
            final = known.action == "delayed" and rcpt.action not in (None, "delayed")
            if final or (_says_less(known) and not _says_less(rcpt)):
                recipients[index] = rcpt
            return
    recipients.append(rcpt)


def _says_less(rcpt: RecipientStatus) -> bool:
    return (not rcpt.diagnostic or not rcpt.status or rcpt.status.endswith(".0.0")
            or rcpt.reason in ("undefined", "on_hold"))


# A reply line that another one continues ("550-5.7.1 ..."), and its last line ("550 5.7.1").
_CONTINUED = re.compile(r"\s{0,4}([245]\d\d)-")
_ENHANCED_LEAD = re.compile(r"^[245]\.\d{1,3}\.\d{1,3}\s+")
_REPLY_LINE = re.compile(r"^[ \t]{0,8}(?:<<<[ \t]{0,4})?([245]\d\d)([- ])(.{0,1000})$")


def _whole_reply(diagnostic: str | None, human: str) -> str | None:
    """A multi-line SMTP reply the DSN cut after its first line (sendmail writes only that
    one into Diagnostic-Code: "552-5.7.0 This message was blocked because its content
    presents a potential"), whole from the transcript the human-readable part quotes
    ("<<< 552-5.7.0 ..." up to "<<< 552 5.7.0 ..."); None when nothing was cut."""
    cut = _CONTINUED.match(diagnostic or "")
    if cut is None or not human or re.search(r"\b" + cut.group(1) + r" ", diagnostic or ""):
        return None  # not continued, or its last line ("550 ...") is there
    first = (diagnostic or "").strip()[:60]
    found = human.find(first)
    for _ in range(5):  # the "(reason: ...)" line quotes it too, cut the same way
        if found < 0:
            return None
        start = human.rfind("\n", 0, found) + 1
        said: list[str] = []
        for line in human[start:start + 4000].split("\n")[:20]:
            reply = _REPLY_LINE.match(line)
            if reply is None or reply.group(1) != cut.group(1):
                break
            text = reply.group(3).strip()
            said.append(_ENHANCED_LEAD.sub("", text) if said else text)  # once is enough
            if reply.group(2) == " ":  # the reply's last line
                return f"{cut.group(1)} " + " ".join(said)
        found = human.find(first, found + len(first))
    return None


def _rejudge(rcpt: RecipientStatus) -> None:
    """A DSN recipient whose diagnostic came from the human-readable part (OpenSMTPD, some
    gateways send Status 5.0.0 and no Diagnostic-Code): its codes and verdict from it."""
    diagnostic = rcpt.diagnostic or ""
    reply, enhanced = extract_codes(diagnostic)
    if enhanced and (not rcpt.status or (rcpt.status.endswith(".0.0")
                                         and enhanced[0] == rcpt.status[0])):
        rcpt.status = enhanced
    if reply and not rcpt.reply_code:
        rcpt.reply_code = str(reply)
    rcpt.category, rcpt.reason = verdict(diagnostic, status=rcpt.status, reply=reply,
                                         action=rcpt.action)


def mta_host(value: str) -> str | None:
    _, _, host = value.rpartition(";") if ";" in value else ("", "", value)
    host = host.strip().strip("[]").split()[0] if host.strip() else ""
    return clean(host.rstrip(".")) if host else None


# Fields naming a recipient: RFC 3464's, then those some MTAs write instead (Postfix's
# X-Actual-Recipient; X-Original-To copied from the delivery agent).
_RECIPIENT_FIELDS = ("final-recipient", "original-recipient", "x-actual-recipient")
_LOOSE_RECIPIENT_FIELDS = ("x-original-to", "x-original-recipient")
_PER_RECIPIENT_FIELDS = frozenset({"action", "status", "diagnostic-code", "remote-mta"})


def _recipient_groups(block: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """The per-recipient field groups of one block. RFC 3464 separates them by blank lines,
    but some MTAs run them together: a recipient field already seen in the current group, or
    one after the current recipient's Action/Status, starts the next (whichever of
    Final-/Original-Recipient an MTA writes first)."""
    names = {name for name, _ in block}
    strict = any(name in names for name in _RECIPIENT_FIELDS)
    if not strict and not (names & _PER_RECIPIENT_FIELDS
                           and any(name in names for name in _LOOSE_RECIPIENT_FIELDS)):
        return []  # the per-message block (Reporting-MTA, Arrival-Date...)
    if not strict:
        starters: tuple[str, ...] = _LOOSE_RECIPIENT_FIELDS
    elif "final-recipient" in names or "original-recipient" in names:
        starters = ("final-recipient", "original-recipient")  # X-Actual-Recipient: an alias
    else:
        starters = ("x-actual-recipient",)
    first = next((name for name, _ in block
                  if name in starters or name in _PER_RECIPIENT_FIELDS), None)
    # Action/Status written before the recipient fields (Sun/Oracle Messaging Server:
    # "Action, Status, Original-recipient, Final-recipient, Diagnostic-code"): there a field
    # seen again is what starts the next recipient
    leading = first in _PER_RECIPIENT_FIELDS
    groups: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    seen: set[str] = set()
    in_group: set[str] = set()
    described = False  # the current recipient already has its Action/Status/...
    for name, value in block:
        if (name in in_group) if leading else (
                name in starters and (name in seen or (described and seen))):
            groups.append(current)
            current, seen, in_group, described = [], set(), set(), False
        current.append((name, value))
        in_group.add(name)
        if name in starters:
            seen.add(name)
        elif name in _PER_RECIPIENT_FIELDS:
            described = True
    groups.append(current)
    # fields before the first recipient field (per-message ones) are no recipient
    return [g for g in groups if any(name in starters for name, _ in g)]


def _field_address(value: str | None) -> str | None:
    """The address of a DSN recipient field, also when a fold cut it in two
    ("rfc822; jean.du@sous-\n domaine.example" joined as "... sous- domaine.example")."""
    if not value:
        return None
    _, _, token = value.rpartition(";") if ";" in value else ("", "", value)
    pieces = token.strip().strip("<>").split()
    if len(pieces) > 1 and len(pieces) <= 4 and "@" in "".join(pieces) and all(
            c not in "<>,;" for c in "".join(pieces)):
        joined = "".join(pieces)
        if joined.count("@") == 1 and "." in joined.rpartition("@")[2]:
            return address_of(joined)
    return address_of(value)


# RFC 3464's action values, from the spellings MTAs use ("Delay", "failure", "FAILED").
_ACTIONS = (("fail", "failed"), ("delay", "delayed"), ("deliver", "delivered"),
            ("relay", "relayed"), ("expand", "expanded"), ("expire", "expired"))


def _action(value: str | None) -> str | None:
    word = (value or "").strip().lower().split(" ")[0].strip("();,.")
    for prefix, action in _ACTIONS:
        if word.startswith(prefix):
            return action
    return word or None


def _status_comment(value: str | None) -> str:
    """The comment some MTAs put after the code when they give no Diagnostic-Code:
    "Status: 4.0.0 (mx.example: host name lookup failure)" says why; "(permanent failure)"
    only repeats the class."""
    if not value or "(" not in value:
        return ""
    comment = value[value.find("(") + 1:].rstrip().rstrip(")").strip()
    if comment.lower() in ("permanent failure", "temporary failure", "persistent transient failure",
                           "success", "delayed", "failed", "permanent error", "temporary error"):
        return ""
    return comment


def _dsn_recipient(block: list[tuple[str, str]]) -> RecipientStatus:
    original = _field_address(first_field(block, "original-recipient"))
    final = _field_address(first_field(block, "final-recipient"))
    # RFC 3464: Final-Recipient is the address the reporting MTA tried (required);
    # Original-Recipient, when given, the one the sender wrote (kept for matching).
    address = final or original or _field_address(
        first_field(block, "x-actual-recipient", *_LOOSE_RECIPIENT_FIELDS))
    if final and original and "." not in final.rpartition("@")[2]:
        # a routing name the sender never wrote (Sun Messaging Server's "x@ims-ms-daemon"):
        # the address as sent is the one to report
        address = original
    action = _action(first_field(block, "action"))
    status = normalise_status(first_field(block, "status"))
    diagnostic = first_field(block, "diagnostic-code") or ""
    diag_type = ""
    head, sep, rest = diagnostic[:40].partition(";")
    if sep and head.strip() and not any(c.isspace() or c.isdigit() for c in head.strip()):
        diag_type, diagnostic = head, rest + diagnostic[40:]  # "smtp; 550 ...", not "550 x; y"
    diagnostic = clean(diagnostic) or ""
    reply, enhanced = extract_codes(diagnostic)
    if not status or (status.endswith(".0.0") and enhanced and enhanced[0] == status[0]):
        status = enhanced or status  # "5.0.0" says less than the diagnostic's "5.1.1"
    remote = first_field(block, "remote-mta")
    rcpt = RecipientStatus(
        address=address, status=status, reply_code=str(reply) if reply else None,
        diagnostic=diagnostic[:MAX_DIAGNOSTIC] or None,
        remote_mta=mta_host(remote) if remote else None,
        action=action, final_recipient=final, original_recipient=original)
    hint = "mailer_error" if diag_type.strip().lower() == "x-unix" else None
    rcpt.category, rcpt.reason = verdict(diagnostic, status=status, reply=reply, action=action,
                                         hint=hint)
    return rcpt



# --- RFC 5965 ARF ------------------------------------------------------------------
def parse_arf(report: Report, parts: Parts) -> None:
    report.kind = "feedback"
    fields = [f for block in report_blocks(parts.arf[0]) for f in block]
    report.feedback_type = clean(first_field(fields, "feedback-type"))
    # RFC 5965 3.2: Original-Rcpt-To appears once per recipient the report is about
    named = (address_of(value) for name, value in fields if name == "original-rcpt-to")
    addresses: list[str | None] = []
    addresses.extend(a for a in dict.fromkeys(named) if a)
    if not addresses:
        fallback = address_of(first_field(fields, "removal-recipient"))
        if fallback is None and parts.original is not None:
            fallback = address_of(header_text(parts.original, "To"))
        addresses = [fallback]
    remote = mta_host(first_field(fields, "reporting-mta") or "") or None
    report.recipients = [RecipientStatus(
        address=address, category="complaint", reason="feedback",
        diagnostic=clean(f"feedback-type: {report.feedback_type or 'abuse'}"),
        remote_mta=remote) for address in addresses[:MAX_RECIPIENTS]]


# --- Apple Mail's unsubscribe request ------------------------------------------------
def is_unsubscribe(msg: Part) -> bool:
    """Apple Mail's "Unsubscribe" banner mails the list's List-Unsubscribe mailto address
    with "X-Apple-Unsubscribe: true" (and "Auto-Submitted: auto-replied", so it would
    otherwise pass for an out-of-office reply)."""
    return (header_text(msg, "X-Apple-Unsubscribe") or "").strip().lower() == "true"


def parse_unsubscribe(report: Report) -> None:
    """The sender asks to be removed: RFC 5965's "opt-out" feedback, from that sender."""
    report.kind = "feedback"
    report.feedback_type = "opt-out"
    report.recipients = [RecipientStatus(
        address=report.from_addr, category="complaint", reason="feedback",
        diagnostic="feedback-type: opt-out")]


# --- RFC 3798 MDN ------------------------------------------------------------------
def parse_mdn(report: Report, parts: Parts) -> None:
    report.kind = "mdn"
    fields = [f for block in report_blocks(parts.mdn[0]) for f in block]
    raw_disposition = first_field(fields, "disposition") or ""
    disposition = raw_disposition.lower()
    words = disposition.rpartition(";")[2].strip().split("/")[0].split()
    kind = words[0] if words else "displayed"
    if kind not in REASON_CATEGORY:
        kind = "displayed" if "display" in disposition else "processed"
    report.mdn_disposition = kind
    original_id = msgid_of(first_field(fields, "original-message-id"))
    if original_id:
        report.original_message_id = original_id
    original = address_of(first_field(fields, "original-recipient"))
    address = (address_of(first_field(fields, "final-recipient")) or original
               or report.from_addr)
    category = "opened" if kind == "displayed" else "delivered"
    report.recipients = [RecipientStatus(
        address=address, category=category, reason=kind if kind else "displayed",
        diagnostic=clean(raw_disposition), action=kind, original_recipient=original,
        original_message_id=original_id or report.in_reply_to)]
