"""Amazon SES: its bounce mails (MAILER-DAEMON@amazonses.com) and its JSON notifications.

- Mail: a DSN (read by the DSN reader) whose text says "An error occurred while trying to
  deliver the mail to the following recipients:" (Amazon WorkMail sends the same sentence in a
  multipart/mixed mail with the delivery-status fields printed as text under "Technical
  report:"), or the older text-only "The following
  message to <x> was undeliverable. / The reason for the problem: / 5.1.0 - Unknown address
  error 550-'5.1.1 ...'" (SES's own class + words, then the remote reply in quotes).
- JSON: the bounce, complaint and delivery notifications SES publishes through SNS (an SNS
  envelope whose "Message" holds the notification as a string) or event publishing
  ("eventType"), as the AWS SES Developer Guide's "Amazon SES notification contents"
  describes them: bounce.bounceType / bounceSubType, bouncedRecipients[] with emailAddress,
  action, status, diagnosticCode; bounce.remoteMtaIp, reportingMTA; and event publishing's
  DeliveryDelay (deliveryDelay.delayType, delayedRecipients[]): still retrying, deferred.
"""

from __future__ import annotations

import json
import re
from typing import Any

from app.services.bounce.vendors import mtatext
from app.services.bounce.vendors.base import Context, Found
from app.services.bounce.vendors.providers import (
    addresses_in,
    after_marker,
    has_header,
    opening_text,
    sender,
)

NAME = "amazon_ses"

# bounceType/bounceSubType (AWS docs) whose name says the cause; the others ("General",
# "Undetermined", "ContentRejected"...) leave it to the diagnostic code.
_SUBTYPE_REASON = {
    ("permanent", "noemail"): "user_unknown",
    ("permanent", "suppressed"): "user_unknown",  # SES: "recent history of bouncing as invalid"
    ("transient", "mailboxfull"): "mailbox_full",
    ("transient", "messagetoolarge"): "message_too_big",
}
_OLD_RE = re.compile(r"the following message to <([^<>\s]{3,320})> was undeliverable",
                     re.IGNORECASE)
_QUOTED_REPLY_RE = re.compile(r"([245]\d\d)[ -]'([^'\n]{1,400})'")
_MAX_JSON = 256 * 1024


def detect(ctx: Context) -> bool:
    who = sender(ctx)
    if "amazonses.com" in who or "sns.amazonaws.com" in who:
        return True
    if any(has_header(ctx, h) for h in ("X-SES-Outgoing", "X-AWS-Outgoing",
                                        "x-amz-sns-message-id")):
        return True
    opening = opening_text(ctx, 600)
    return opening.lstrip().startswith("{") and (
        '"notificationtype"' in opening or '"eventtype"' in opening)


def extract(ctx: Context) -> list[Found]:
    text = ctx.text
    brace = text.find("{", 0, 2000)
    if brace >= 0 and ("notificationType" in text[:_MAX_JSON] or "eventType" in text[:_MAX_JSON]):
        found = _from_json(text[brace:brace + _MAX_JSON])
        if found:
            return found
    return _from_mail(ctx)


def _from_mail(ctx: Context) -> list[Found]:
    head = ctx.head
    old = _OLD_RE.search(head[:8000])
    if old:
        reason_text = after_marker(head[old.end():], ("the reason for the problem:",))
        quoted = _QUOTED_REPLY_RE.search(reason_text)
        diagnostic = reason_text
        if quoted:  # "5.1.0 - Unknown address error 550-'5.1.1 ...'": the reply says more
            diagnostic = (f"{quoted.group(1)} {quoted.group(2)}"
                          f" ({reason_text[:quoted.start()].strip(' -')})")
        expired = "delivery expired" in reason_text.lower()
        return [Found(address=a, diagnostic=diagnostic,
                      reason="expired" if expired else None)
                for a in addresses_in(old.group(1))]
    low = head.lower()
    start = low.find("following recipients:")
    if start < 0:
        return []
    # WorkMail: the DSN fields as text (Final-Recipient, Status, Diagnostic-Code) follow
    fields = mtatext.dsn_fields(head[start:start + 16000])
    if fields:
        return fields
    block = head[start:start + 4000].split("\n\n", 1)[0]
    return [Found(address=a) for a in addresses_in(block)]


def _load(text: str) -> dict[str, Any] | None:
    try:
        value, _ = json.JSONDecoder().raw_decode(text)
    except ValueError:
        # SNS mail notifications fold long lines: try again without the line breaks
        try:
            value, _ = json.JSONDecoder().raw_decode(text.replace("\n", ""))
        except ValueError:
            return None
    return value if isinstance(value, dict) else None


def _from_json(text: str) -> list[Found]:
    doc = _load(text)
    if doc is None:
        return []
    if isinstance(doc.get("Message"), str):  # the SNS envelope
        inner = _load(doc["Message"][:_MAX_JSON])
        if inner is None:
            return []
        doc = inner
    kind = str(doc.get("notificationType") or doc.get("eventType") or "").lower()
    if kind == "bounce":
        return _bounces(doc.get("bounce"))
    if kind == "complaint":
        complaint = doc.get("complaint")
        complaint = complaint if isinstance(complaint, dict) else {}
        feedback = str(complaint.get("complaintFeedbackType") or "abuse")
        return [Found(address=a, diagnostic=f"feedback-type: {feedback}", reason="feedback")
                for a in _emails(complaint.get("complainedRecipients"))]
    if kind == "deliverydelay":
        return _delays(doc.get("deliveryDelay"))
    if kind == "delivery":
        delivery = doc.get("delivery")
        delivery = delivery if isinstance(delivery, dict) else {}
        reply = str(delivery.get("smtpResponse") or "")[:500]
        remote = _mta(delivery.get("remoteMtaIp"))
        recipients = delivery.get("recipients")
        if not isinstance(recipients, list):
            return []
        return [Found(address=a, diagnostic=reply, action="delivered", remote_mta=remote)
                for r in recipients[:200] if isinstance(r, str) for a in addresses_in(r)[:1]]
    return []


def _bounces(bounce: Any) -> list[Found]:
    if not isinstance(bounce, dict):
        return []
    key = (str(bounce.get("bounceType") or "").lower(),
           str(bounce.get("bounceSubType") or "").lower())
    reason = _SUBTYPE_REASON.get(key)
    remote = _mta(bounce.get("remoteMtaIp"))  # reportingMTA is SES's own host
    found = []
    for address, item, diagnostic in _recipients(bounce.get("bouncedRecipients")):
        if not diagnostic:
            diagnostic = f"Amazon SES bounce: {key[0] or '?'}/{key[1] or '?'}"
        action = str(item.get("action") or "").lower() or None
        found.append(Found(address=address, diagnostic=diagnostic,
                           status=str(item.get("status") or "") or None, reason=reason,
                           remote_mta=remote, action=action if action == "delayed" else None))
    return found


def _recipients(recipients: Any) -> list[tuple[str, dict[str, Any], str]]:
    """(address, entry, diagnostic without its type) for each well-formed entry of a
    bouncedRecipients/delayedRecipients list; anything else in the JSON is skipped."""
    out = []
    for item in recipients[:200] if isinstance(recipients, list) else []:
        if not isinstance(item, dict):
            continue
        addresses = addresses_in(str(item.get("emailAddress") or ""))
        if addresses:
            diagnostic = _without_type(str(item.get("diagnosticCode") or "")[:1000])
            out.append((addresses[0], item, diagnostic))
    return out


def _delays(delay: Any) -> list[Found]:
    """Event publishing's DeliveryDelay: SES is still retrying (delayType names why)."""
    if not isinstance(delay, dict):
        return []
    delay_type = str(delay.get("delayType") or "")
    return [Found(address=address,
                  diagnostic=diagnostic or f"Amazon SES delivery delay: {delay_type or '?'}",
                  status=str(item.get("status") or "") or None, action="delayed")
            for address, item, diagnostic in _recipients(delay.get("delayedRecipients"))]


def _without_type(diagnostic: str) -> str:
    """'smtp; 550 5.1.1 ...' -> '550 5.1.1 ...' (the DSN diagnostic type SES keeps)."""
    if ";" in diagnostic[:12]:
        return diagnostic.split(";", 1)[1].strip()
    return diagnostic.strip()


def _emails(items: Any) -> list[str]:
    out: list[str] = []
    for item in items[:200] if isinstance(items, list) else []:
        if isinstance(item, dict):
            out.extend(addresses_in(str(item.get("emailAddress") or ""))[:1])
    return out


def _mta(value: Any) -> str | None:
    """'dsn; a8-30.smtp-out.amazonses.com' -> the host."""
    if not isinstance(value, str) or not value.strip():
        return None
    host = value.rpartition(";")[2].strip().split()[0] if value.strip() else ""
    return host.lower()[:255] or None
