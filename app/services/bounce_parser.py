"""Bounce / DSN / MDN / auto-reply / ARF classifier: what became of each recipient.

``parse(raw)`` reads one RFC 5322 message and returns a ``Report``:

* RFC 3464 delivery-status reports (``message/delivery-status``, its RFC 6533 UTF-8
  twin, and the ``text/delivery-status`` some gateways send): per-recipient Action,
  Status, Diagnostic-Code, Remote-MTA, plus Original-Envelope-Id and the returned
  headers' Message-ID;
* RFC 3798 read receipts (MDN) and RFC 5965 ARF feedback (abuse complaints);
* RFC 3834 auto-replies (vacation / out of office, FR and EN subjects, Exchange headers);
* the free-text bounces real MTAs send (qmail, Exim, Postfix without DSN, Sendmail,
  Exchange/Office 365, Gmail, Yahoo, Lotus Domino, Courier, gateways, Japanese carriers,
  French providers): recipients are the addresses the report is *about* (not the
  daemon, not the original sender) and each gets the diagnostic next to it.

It never raises: any input gives a Report (kind "other" when nothing is recognised).
Texts are capped (64 KB per part, 1 MB per message) so a huge or hostile message
costs bounded time. Classification of one diagnostic lives in ``smtp_reply``.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, field
from email import message_from_bytes
from email.header import Header, decode_header, make_header
from email.message import Message
from email.parser import HeaderParser
from email.policy import compat32
from email.utils import getaddresses, parseaddr
from typing import Any, BinaryIO

from app.services.smtp_reply import (
    REASON_CATEGORY,
    classify_reply,
    extract_codes,
    normalise_status,
    text_reason,
    text_reason_at,
)

__all__ = ["REASON_CATEGORY", "RecipientStatus", "Report", "classify_files", "classify_reply",
           "format_text", "parse"]

log = logging.getLogger(__name__)

MAX_MESSAGE = 1 << 20  # bytes of a message parsed: DSN parts come before the returned mail
MAX_PART_TEXT = 64 * 1024  # characters of one text part scanned
MAX_PARTS = 64
MAX_DEPTH = 8
MAX_RECIPIENTS = 200
MAX_DIAGNOSTIC = 500

KINDS = ("dsn", "bounce", "mdn", "auto_reply", "feedback", "other")

_DSN_TYPES = frozenset({"message/delivery-status", "message/global-delivery-status",
                        "text/delivery-status", "text/x-delivery-status"})
_MDN_TYPES = frozenset({"message/disposition-notification",
                        "message/global-disposition-notification"})
_ARF_TYPES = frozenset({"message/feedback-report"})
_HEADERS_TYPES = frozenset({"text/rfc822-headers", "message/rfc822-headers",
                            "message/global-headers", "text/rfc822-header"})
_MESSAGE_TYPES = frozenset({"message/rfc822", "message/global"})

# --- address helpers -------------------------------------------------------------
# The local part is bounded (RFC 5321: 64) and must start a token: an unbounded
# "[chars]+@" would rescan a long run of letters from every position (quadratic time).
_LOCAL_CHARS = "A-Za-z0-9!#$%&'*+/=?^_`{|}~.-"
_ADDR = (rf"(?<![{_LOCAL_CHARS}])[{_LOCAL_CHARS}]{{1,64}}"
         r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,10}[A-Za-z][A-Za-z0-9-]{0,62}")
ADDR_RE = re.compile(_ADDR)
# A line that is *about* an address: it starts with it (Postfix "<x@y>: host ... said",
# qmail "<x@y>:", Exim "  x@y", Sendmail "<x@y>... User unknown", Exchange "x@y").
_ADDR_LINE_RE = re.compile(r"^[ \t>*-]*[<\"']?(?:(?:RFC822|rfc822|SMTP|smtp);\s*)?(" + _ADDR
                           + r")[>\"']?(?=$|[\s:;,.(\[]|\.\.\.)", re.MULTILINE)
# Local parts of report senders, never recipients ("mail@", "nobody@" can be real people's).
_DAEMON_LOCAL = re.compile(
    r"^(?:mailer[-_]?daemon|postmaster|mail[-_]?daemon|mail[-_]?delivery[-_]?(?:system|subsystem)?"
    r"|microsoftexchange[0-9a-f]*|mdaemon|double-bounce|devnull)$", re.IGNORECASE)
_DAEMON_NAME = re.compile(r"mailer[-_ ]?daemon|postmaster|mail delivery (?:system|subsystem)"
                          r"|microsoft ?(?:outlook|exchange)|mail administrator|mail system"
                          r"|delivery ?(?:status|notification)|système de distribution")
_MSGID_HDR_RE = re.compile(r"^[ \t>]*Message-I[Dd]:[ \t]*(<[^<>\s]{3,250}>)",
                           re.MULTILINE | re.IGNORECASE)
_MSGID_RE = re.compile(r"<([^<>\s@]{1,200}@[^<>\s]{1,200})>")

# --- free-text markers ----------------------------------------------------------
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|undelivered|not delivered|delivery (?:status notification|failure|failed|has"
    r" failed|problem|notification|report)|failure notice|returned mail|mail delivery failed"
    r"|delivery status|nondeliverable|non[- ]?deliver|could not (?:be )?deliver|mail system error"
    r"|returned to sender|delivery (?:delayed|warning)|delayed mail|warning: could not send"
    r"|message (?:not delivered|delayed|blocked|rejected|undeliverable)|unzustellbar|non remis"
    r"|non distribuable|échec de (?:la )?(?:remise|distribution)|impossible de remettre"
    r"|message non délivré|mail failure|bounce|rejected|unable to deliver|permanent failure"
    r"|配信エラー|配信不能|エラー|送信失敗|不達|mail could not be delivered|delivery notification")
_BOUNCE_BODY = re.compile(
    r"this is the mail system at host|qmail-send program|mail delivery software"
    r"|could not be delivered to one or more|delivery has failed to these recipients"
    r"|your message (?:to .{1,80} )?(?:couldn't|could not|wasn't|was not|cannot) be delivered"
    r"|your message wasn't delivered|was not delivered to|delivery to the following recipients?"
    r" (?:failed|has been delayed)|following addresses had (?:permanent )?(?:fatal )?errors"
    r"|permanent fatal errors|unable to deliver your message|the following message to .{1,80}"
    r" was undeliverable|message could not be delivered|returned mail|non-delivery"
    r"|could not deliver|address(?:es)? failed|i'm afraid i wasn't able to deliver"
    r"|votre message n'a pas pu être (?:remis|distribué|délivré)|n'a pas pu être remis"
    r"|delivery status notification|undeliverable|transcript of session follows"
    r"|remote host said|remote server returned|smtp error from remote|配信できませんでした"
    r"|送信できませんでした|届きませんでした")
_DELAY_MARK = re.compile(
    r"warning message only|do not need to resend|will (?:continue|keep) (?:to )?(?:try|retry)"
    r"|still (?:being )?(?:retried|trying|queued)|has been delayed|delivery (?:is )?delayed"
    r"|delayed mail|could not send message for past|(?:delivery|message) delay|will be retried"
    r"|not yet been delivered|retardé|toujours en cours|nouvelle tentative|(?:delivery|message)"
    r" (?:is )?(?:pending|deferred)")
_DELAY_SUBJECT = re.compile(r"delay|warning|still being retried|retard|pending|deferred|遅延")
_SUCCESS_SUBJECT = re.compile(r"\(success\)|\brelayed\b|^\s*delivered:|successful(?:ly)? delivered"
                              r"|delivery (?:status notification )?\(relay\)")
# Where the returned original message starts in a free-text bounce.
_CUT_RE = re.compile(
    r"^[ \t]*(?:-+[ \t]*)?(?:Below this line is a copy of the message|Below is a copy of the"
    r" original message|This is a copy of the"
    r" message|(?:Original|Unsent|Returned|Undelivered) message(?: follows| headers)?\b"
    r"|The (?:header|headers) of the original message|Original message headers:"
    r"|Message original|Message d'origine|En-têtes du message d'origine"
    r"|original message follows"
    r"|The text you sent follows|Return-path:)", re.IGNORECASE | re.MULTILINE)
_DIAG_LINE_RE = re.compile(
    r"(?<![\d.])[245]\d\d[ -]#?[245]\.\d{1,3}\.\d{1,3}|(?<![\d.])[45]\d\d[ -](?=\D)"
    r"|#[45]\.\d{1,3}\.\d{1,3}|remote (?:host|server) (?:said|returned)|said:"
    r"|diagnostic[- ]code:|\breason:")
_MULTILINE_REPLY = re.compile(r"^\s*[245]\d\d-")
_LEADING_ADDR = re.compile(r"^<?" + _ADDR + r">?:\s+(?=\S)")
_REMOTE_MTA_RES = [re.compile(p, re.IGNORECASE | re.MULTILINE) for p in (
    r"\bhost ([A-Za-z0-9.-]+\.[A-Za-z]{2,})\s*\[[0-9a-fA-F.:]+\]",
    r"while talking to ([A-Za-z0-9.-]+\.[A-Za-z]{2,})\.?:",
    r"remote[- ]mta:\s*(?:dns;\s*)?\[?([A-Za-z0-9.:-]+)",
    r"remote server (?:at )?([A-Za-z0-9.-]+\.[A-Za-z]{2,})",
    r"^\s*([A-Za-z0-9.-]+\.[A-Za-z]{2,}) \[[0-9.]+\]:?$",
    r"^\s*([0-9]{1,3}(?:\.[0-9]{1,3}){3}) (?:does not like|failed after)",
    r"\bmx host ([A-Za-z0-9.-]+\.[A-Za-z]{2,})",
    r"\bby ([A-Za-z0-9.-]+\.[A-Za-z]{2,})\.? \[[0-9a-fA-F.:]+\]",
)]

# --- auto-reply markers ------------------------------------------------------------
_AUTOREPLY_SUBJECT = re.compile(
    r"^\s*(?:\[?auto(?:matic)?[ -]?(?:reply|response|answer)\]?|réponse automatique"
    r"|r[ée]ponse automatique|absence|absent|out of (?:the )?office|ooo\b|on vacation"
    r"|vacation|en congés?|congés|auto ?response|autoreply|automatische antwort|abwesend"
    r"|abwesenheit|respuesta automática|fuera de la oficina|risposta automatica"
    r"|自動応答|自動返信|不在|away from|i am (?:currently )?(?:out|away)|je suis absent"
    r"|message d'absence|hors du bureau)"
    # Lotus Notes / Domino: "Marie Curie est absent(e)." and "... is out of the office."
    r"|\best absente?\b|\best absent\(e\)|\bis out of (?:the )?office\b"
    r"|automatisch antwoord|resposta automática|autosvar")
_AUTOREPLY_BODY = re.compile(r"out of (?:the )?office|je suis absente?|absent(?:e)? du bureau"
                             r"|on vacation|en congés|away from (?:the office|my desk)"
                             r"|limited access to (?:my )?e-?mail|de retour le|back on")
_MDN_SUBJECT = re.compile(r"^\s*(?:read|lu|gelesen|leído|letto|開封済み)\s*:")
_MDN_BODY = re.compile(r"was read on|has been (?:read|displayed)|a été lu|été affiché")

_HTML_BLOCKS = tuple((re.compile(rf"<{tag}\b", re.IGNORECASE),
                      re.compile(rf"</{tag}\s*>", re.IGNORECASE))
                     for tag in ("script", "style", "head"))
_HTML_BREAK = re.compile(r"<(?:br|/p|/div|/tr|/li|/h\d|p|div|tr|li)\b[^>]*>", re.IGNORECASE)
_HTML_TAG = re.compile(r"<[^<>]{0,2000}>")
_WS = re.compile(r"\s+")
# Causes worth more than "expired" when a temporary failure ran out of retries.
_KEEP_ON_EXPIRY = frozenset({"mailbox_full", "system_full", "message_too_big", "exceed_limit",
                             "suspend", "speeding", "too_many_conn", "bad_reputation", "blocked"})
_FIELD_RE = re.compile(r"^([!-9;-~]+)[ \t]*:[ \t]*(.*)$")


@dataclass
class RecipientStatus:
    address: str | None
    status: str | None = None
    reply_code: str | None = None
    category: str = "error"
    reason: str = "undefined"
    diagnostic: str | None = None
    remote_mta: str | None = None
    original_message_id: str | None = None
    action: str | None = None
    final_recipient: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"address": self.address, "status": self.status, "reply_code": self.reply_code,
                "category": self.category, "reason": self.reason,
                "diagnostic": self.diagnostic, "remote_mta": self.remote_mta,
                "original_message_id": self.original_message_id, "action": self.action,
                "final_recipient": self.final_recipient}


@dataclass
class Report:
    kind: str = "other"
    recipients: list[RecipientStatus] = field(default_factory=list)
    original_message_id: str | None = None
    original_envid: str | None = None
    message_id: str | None = None
    subject: str | None = None
    from_addr: str | None = None
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    mdn_disposition: str | None = None
    reporting_mta: str | None = None
    feedback_type: str | None = None

    @property
    def is_bounce(self) -> bool:
        """True for delivery reports (DSNs of any action, and free-text bounces)."""
        return self.kind in ("dsn", "bounce")

    def to_dict(self) -> dict[str, Any]:
        return {"is_bounce": self.is_bounce, "kind": self.kind,
                "recipients": [r.to_dict() for r in self.recipients],
                "original_message_id": self.original_message_id,
                "original_envid": self.original_envid, "message_id": self.message_id,
                "subject": self.subject, "from": self.from_addr,
                "in_reply_to": self.in_reply_to, "references": self.references,
                "mdn_disposition": self.mdn_disposition, "reporting_mta": self.reporting_mta,
                "feedback_type": self.feedback_type}


# =====================================================================================
# small helpers
# =====================================================================================
def _clean(value: Any) -> str | None:
    """A printable one-line str, or None: undoes surrogate escapes from 8-bit headers."""
    if value is None:
        return None
    text = _WS.sub(" ", _unescape(str(value))).strip()
    return text or None


def _unescape(text: str) -> str:
    """Valid UTF-8 text from a str that may carry surrogate-escaped raw bytes."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # lone surrogates that are no escaped bytes
        return text.encode("utf-8", "replace").decode("utf-8")


def _header(msg: Message, name: str) -> str | None:
    try:
        value = msg.get(name)
    except Exception:  # noqa: BLE001 - malformed header objects
        return None
    if value is None:
        return None
    if isinstance(value, Header):  # compat32 wraps raw 8-bit header bytes in a Header
        return _clean(_header_bytes_text(value))
    value = str(value)
    if "=?" not in value:
        return _clean(value)  # also keeps raw 8-bit (surrogate-escaped) UTF-8 headers intact
    try:
        decoded = str(make_header(decode_header(value)))
    except Exception:  # noqa: BLE001 - bad encoded-words: keep the raw text
        decoded = value
    return _clean(decoded)


def _header_bytes_text(value: Header) -> str:
    out = []
    try:
        chunks = decode_header(value)
    except Exception:  # noqa: BLE001
        return str(value)
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            out.append(chunk)
            continue
        out.append(_bytes_text(chunk, None if charset in (None, "unknown-8bit") else charset))
    return "".join(out)


def _bytes_text(data: bytes, charset: str | None) -> str:
    """Bytes in their declared charset, else UTF-8, else Windows-1252 (never fails)."""
    for candidate in (charset, "utf-8"):
        if not candidate:
            continue
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError, ValueError):
            continue
    return data.decode("cp1252", "replace")


def _addr(value: str | None) -> str | None:
    """The bare address in a header value or a DSN 'rfc822;x@y' field, lower-cased domain."""
    if not value:
        return None
    if ";" in value:
        addr_type, _, value = value.partition(";")
        token = value.strip().strip("<>").strip()
        if "@" in token and not any(c.isspace() or c in "<>," for c in token):
            return _norm_addr(token)  # a DSN field holds the address as it was sent
        if addr_type.strip().lower() not in ("rfc822", "utf-8", "x-unix", "unknown", ""):
            match = ADDR_RE.search(value)
            return _norm_addr(match.group(0)) if match else None
    match = ADDR_RE.search(value)
    if match:
        return _norm_addr(match.group(0))
    token = value.strip().strip("<>")
    if "@" in token and not any(c.isspace() for c in token):
        return _norm_addr(token)  # an internationalised (SMTPUTF8) address
    _, parsed = parseaddr(value)
    return _norm_addr(parsed) if "@" in parsed else None


def _norm_addr(addr: str) -> str:
    local, _, domain = addr.strip().strip("<>").rpartition("@")
    return f"{local}@{domain.lower().rstrip('.')}"


def _msgid(value: str | None) -> str | None:
    if not value:
        return None
    match = _MSGID_RE.search(value)
    if match:
        return f"<{match.group(1)}>"
    token = value.strip().split()[0] if value.strip() else ""
    return f"<{token.strip('<>')}>" if "@" in token else None


def _decode_part(part: Message) -> str:
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001
        payload = None
    if payload is None:
        raw = part.get_payload()
        return raw[:MAX_PART_TEXT] if isinstance(raw, str) else ""
    if not isinstance(payload, bytes):
        return ""
    payload = payload[: MAX_PART_TEXT * 4]
    try:
        charset = part.get_content_charset()
    except Exception:  # noqa: BLE001
        charset = None
    return _bytes_text(payload, charset)[:MAX_PART_TEXT]


def _drop_html_blocks(text: str) -> str:
    """Remove <script>/<style>/<head> blocks in linear time (a lazy ".*?" regex is
    quadratic when a closing tag is missing)."""
    for opener, closer in _HTML_BLOCKS:
        out, pos = [], 0
        while True:
            start = opener.search(text, pos)
            if start is None:
                break
            end = closer.search(text, start.end())
            if end is None:
                break  # no closing tag anywhere after: keep the rest as it is
            out.append(text[pos:start.start()])
            pos = end.end()
        if out:
            text = "".join(out) + " " + text[pos:]
    return text


def _html_to_text(text: str) -> str:
    text = _drop_html_blocks(text)
    text = _HTML_BREAK.sub("\n", text)
    text = _HTML_TAG.sub(" ", text)
    return html.unescape(text)


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type().lower()
    except Exception:  # noqa: BLE001
        return "text/plain"


def _fields(text: str) -> list[list[tuple[str, str]]]:
    """RFC 3464 field blocks of a delivery-status / disposition / feedback body."""
    blocks: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not line.strip():
            if current:
                blocks.append(current)
                current = []
            continue
        if line[0] in " \t" and current:
            name, value = current[-1]
            current[-1] = (name, f"{value} {line.strip()}")
            continue
        match = _FIELD_RE.match(line)
        if match:
            current.append((match.group(1).lower(), match.group(2).strip()))
    if current:
        blocks.append(current)
    return blocks


def _report_blocks(part: Message) -> list[list[tuple[str, str]]]:
    payload = part.get_payload()
    if isinstance(payload, list):
        text = "\n\n".join(_message_fields_text(m) for m in payload if isinstance(m, Message))
        cte = str(part.get("Content-Transfer-Encoding", "")).lower()
        if "base64" not in cte and "quoted" not in cte:
            return _fields(text)
        # Rare: an encoded delivery-status; the parser split it before decoding.
        return _fields(_decode_raw_blocks(payload, cte))
    return _fields(_decode_part(part))


def _message_fields_text(msg: Message) -> str:
    """A parsed field block back to text; its body holds further blocks when the parser
    took the part for an embedded message (message/global-delivery-status)."""
    lines = [f"{name}: {_clean(value) or ''}" for name, value in msg.items()]
    body = msg.get_payload()
    if isinstance(body, str) and body.strip():
        lines.append("")
        lines.append(_unescape(body))
    return "\n".join(lines)


def _decode_raw_blocks(payload: list[Any], cte: str) -> str:
    import base64
    import quopri

    raw = "\n".join(m.as_string() for m in payload if isinstance(m, Message))
    data = raw.encode("ascii", "ignore")
    try:
        decoded = base64.b64decode(data) if "base64" in cte else quopri.decodestring(data)
    except Exception:  # noqa: BLE001
        return raw
    return decoded.decode("utf-8", "replace")


def _first(fields: list[tuple[str, str]], *names: str) -> str | None:
    for wanted in names:
        for name, value in fields:
            if name == wanted:
                return value
    return None


# =====================================================================================
# walking the MIME tree
# =====================================================================================
@dataclass
class _Parts:
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    dsn: list[Message] = field(default_factory=list)
    mdn: list[Message] = field(default_factory=list)
    arf: list[Message] = field(default_factory=list)
    original: Message | None = None
    original_text: str = ""
    human: str | None = None  # cached _human_text()


def _walk(msg: Message) -> _Parts:
    parts = _Parts()
    count = 0

    def visit(part: Message, depth: int, inside_original: bool) -> None:
        nonlocal count
        count += 1
        if count > MAX_PARTS or depth > MAX_DEPTH:
            return
        ctype = _content_type(part)
        if ctype in _DSN_TYPES:
            parts.dsn.append(part)
            return
        if ctype in _MDN_TYPES:
            parts.mdn.append(part)
            return
        if ctype in _ARF_TYPES:
            parts.arf.append(part)
            return
        if ctype in _HEADERS_TYPES:
            payload = part.get_payload()
            if isinstance(payload, list):  # message/global-headers parsed as a message
                if parts.original is None and payload and isinstance(payload[0], Message):
                    parts.original = payload[0]
                return
            if parts.original is None:
                text = _decode_part(part)
                parts.original = HeaderParser(policy=compat32).parsestr(text, headersonly=True)
                parts.original_text += text
            return
        if ctype in _MESSAGE_TYPES or ctype.startswith("message/"):
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            if isinstance(inner, Message):
                if parts.original is None and ctype in _MESSAGE_TYPES:
                    parts.original = inner
                visit(inner, depth + 1, True)
            return
        if part.is_multipart():
            payload = part.get_payload()
            if isinstance(payload, list):
                for sub in payload:
                    if isinstance(sub, Message):
                        visit(sub, depth + 1, inside_original)
            return
        if ctype.startswith("multipart/"):
            ctype = "text/plain"  # a multipart without boundary: its body is plain text
        if not ctype.startswith("text/") and ctype != "application/octet-stream":
            return
        if ctype == "application/octet-stream":
            return
        text = _decode_part(part)
        if inside_original:
            if len(parts.original_text) < MAX_PART_TEXT:
                parts.original_text += "\n" + text[:MAX_PART_TEXT]
            return
        if ctype == "text/html":
            parts.htmls.append(text)
        else:
            parts.texts.append(text)

    visit(msg, 0, False)
    return parts


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
        message_id=_msgid(_header(msg, "Message-ID")),
        subject=_header(msg, "Subject"),
        from_addr=_addr(_header(msg, "From")),
        in_reply_to=_msgid(_header(msg, "In-Reply-To")),
        references=[f"<{m}>" for m in _MSGID_RE.findall(_header(msg, "References") or "")][:50],
    )
    parts = _walk(msg)
    if parts.original is not None:
        report.original_message_id = _msgid(_header(parts.original, "Message-ID"))
    if parts.dsn and _parse_dsn(report, parts):
        report.kind = "dsn"
    elif parts.arf:
        _parse_arf(report, parts)
    elif parts.mdn:
        _parse_mdn(report, parts)
    elif _looks_like_bounce(msg, report, parts):
        report.kind = "bounce"
        _parse_free_text(report, msg, parts)
    elif _looks_like_auto_reply(msg, report, parts):
        report.kind = "auto_reply"
        report.original_message_id = _replied_id(report)
        report.recipients = [RecipientStatus(
            address=report.from_addr, category="auto_reply", reason="vacation",
            diagnostic=report.subject, original_message_id=_replied_id(report))]
    elif _looks_like_text_mdn(report, parts):
        report.kind = "mdn"
        report.mdn_disposition = "displayed"
        report.original_message_id = _replied_id(report)
        report.recipients = [RecipientStatus(
            address=report.from_addr, category="opened", reason="displayed",
            diagnostic=report.subject, original_message_id=_replied_id(report))]
    if report.original_message_id is None and report.kind in ("dsn", "bounce", "feedback"):
        found = _MSGID_HDR_RE.search(parts.original_text) or _MSGID_HDR_RE.search(
            "\n".join(parts.texts))
        if found:
            report.original_message_id = found.group(1)
    if report.original_message_id is None and report.kind in ("dsn", "bounce"):
        # Exim delay warnings and Gmail bounces refer to the original in their own headers.
        report.original_message_id = _replied_id(report)
    if report.kind == "other":
        report.original_message_id = None  # e.g. a forwarded message/rfc822: not a report
    for rcpt in report.recipients:
        if rcpt.original_message_id is None:
            rcpt.original_message_id = report.original_message_id
    return report


def _replied_id(report: Report) -> str | None:
    if report.in_reply_to:
        return report.in_reply_to
    return report.references[-1] if report.references else None


# --- RFC 3464 --------------------------------------------------------------------
def _parse_dsn(report: Report, parts: _Parts) -> bool:
    for part in parts.dsn:
        blocks = _report_blocks(part)
        for block in blocks:
            envid = _first(block, "original-envelope-id")
            if envid and not report.original_envid:
                report.original_envid = _clean(envid)
            mta = _first(block, "reporting-mta")
            if mta and not report.reporting_mta:
                report.reporting_mta = _mta(mta)
            if _first(block, "final-recipient", "original-recipient") is None:
                continue
            if len(report.recipients) < MAX_RECIPIENTS:
                report.recipients.append(_dsn_recipient(block))
    if not report.recipients:
        return False
    # Some MTAs (Exchange, Gmail) put a better diagnostic in the human-readable part.
    human = _human_text(parts)
    for rcpt in report.recipients:
        if not rcpt.diagnostic and human:
            rcpt.diagnostic = _clean(_diagnostic_of(_block_for(human, rcpt.address))[
                :MAX_DIAGNOSTIC])
        if rcpt.category == "error" and rcpt.reason in ("undefined", "on_hold") and human:
            block = _block_for(human, rcpt.address)
            if block:
                category, reason = classify_reply(None, block, rcpt.status)
                if (category, reason) != ("error", "undefined"):
                    rcpt.category, rcpt.reason = category, reason
                    rcpt.diagnostic = rcpt.diagnostic or _clean(block[:MAX_DIAGNOSTIC])
    return True


def _mta(value: str) -> str | None:
    _, _, host = value.rpartition(";") if ";" in value else ("", "", value)
    host = host.strip().strip("[]").split()[0] if host.strip() else ""
    return _clean(host.rstrip(".")) if host else None


def _dsn_recipient(block: list[tuple[str, str]]) -> RecipientStatus:
    original = _addr(_first(block, "original-recipient"))
    final = _addr(_first(block, "final-recipient"))
    address = original or final or _addr(_first(block, "x-actual-recipient"))
    action = (_first(block, "action") or "").strip().lower().split(" ")[0].strip("();") or None
    status = normalise_status(_first(block, "status"))
    diagnostic = _first(block, "diagnostic-code") or ""
    diag_type = ""
    if ";" in diagnostic[:20]:
        diag_type, diagnostic = diagnostic.split(";", 1)
    diagnostic = _clean(diagnostic) or ""
    reply, enhanced = extract_codes(diagnostic)
    if not status or (status.endswith(".0.0") and enhanced and enhanced[0] == status[0]):
        status = enhanced or status  # "5.0.0" says less than the diagnostic's "5.1.1"
    remote = _first(block, "remote-mta")
    rcpt = RecipientStatus(
        address=address, status=status, reply_code=str(reply) if reply else None,
        diagnostic=diagnostic[:MAX_DIAGNOSTIC] or None, remote_mta=_mta(remote) if remote else None,
        action=action, final_recipient=final)
    if action in ("delivered", "relayed", "expanded"):
        rcpt.category, rcpt.reason = "delivered", "delivered"
    elif action == "delayed":
        rcpt.category, rcpt.reason = "deferred", "delayed"
    elif diag_type.strip().lower() == "x-unix" and action == "failed":
        # A local delivery program (pipe, procmail, script) failed: the mailer's error.
        rcpt.category, rcpt.reason = "error", "mailer_error"
    else:
        category, reason = classify_reply(reply, diagnostic, status)
        if action == "failed" and _temporary(None, status) and reason not in _KEEP_ON_EXPIRY:
            # A temporary status on a failed action: the MTA retried until it gave up.
            category, reason = "soft_bounce", "expired"
        elif category == "delivered":  # failed action with a 2xx text: trust the action
            category, reason = "error", "undefined"
        rcpt.category, rcpt.reason = category, reason
    return rcpt


def _human_text(parts: _Parts) -> str:
    if parts.human is None:
        text = "\n".join(parts.texts)
        if not text.strip() and parts.htmls:
            text = _html_to_text("\n".join(parts.htmls))
        parts.human = text[:MAX_PART_TEXT]
    return parts.human


# --- RFC 5965 ARF ------------------------------------------------------------------
def _parse_arf(report: Report, parts: _Parts) -> None:
    report.kind = "feedback"
    fields = [f for block in _report_blocks(parts.arf[0]) for f in block]
    report.feedback_type = _clean(_first(fields, "feedback-type"))
    address = _addr(_first(fields, "original-rcpt-to", "removal-recipient"))
    if address is None and parts.original is not None:
        address = _addr(_header(parts.original, "To"))
    report.recipients = [RecipientStatus(
        address=address, category="complaint", reason="feedback",
        diagnostic=_clean(f"feedback-type: {report.feedback_type or 'abuse'}"),
        remote_mta=_mta(_first(fields, "reporting-mta") or "") or None)]


# --- RFC 3798 MDN ------------------------------------------------------------------
def _parse_mdn(report: Report, parts: _Parts) -> None:
    report.kind = "mdn"
    fields = [f for block in _report_blocks(parts.mdn[0]) for f in block]
    raw_disposition = _first(fields, "disposition") or ""
    disposition = raw_disposition.lower()
    words = disposition.rpartition(";")[2].strip().split("/")[0].split()
    kind = words[0] if words else "displayed"
    if kind not in REASON_CATEGORY:
        kind = "displayed" if "display" in disposition else "processed"
    report.mdn_disposition = kind
    original_id = _msgid(_first(fields, "original-message-id"))
    if original_id:
        report.original_message_id = original_id
    address = _addr(_first(fields, "original-recipient", "final-recipient")) or report.from_addr
    category = "opened" if kind == "displayed" else "delivered"
    report.recipients = [RecipientStatus(
        address=address, category=category, reason=kind if kind else "displayed",
        diagnostic=_clean(raw_disposition), action=kind,
        original_message_id=original_id or report.in_reply_to)]


def _looks_like_text_mdn(report: Report, parts: _Parts) -> bool:
    if not report.subject or not _MDN_SUBJECT.search(report.subject.lower()):
        return False
    return bool(_MDN_BODY.search(_human_text(parts)[:4000].lower()))


# --- RFC 3834 auto-replies ------------------------------------------------------------
def _looks_like_auto_reply(msg: Message, report: Report, parts: _Parts) -> bool:
    auto = (_header(msg, "Auto-Submitted") or "").lower()
    subject = report.subject or ""
    if auto.startswith("auto-replied"):
        return True
    if _header(msg, "X-Autoreply") or _header(msg, "X-Autorespond") or _header(
            msg, "X-Autoresponder") or _header(msg, "X-Vacation"):
        return True
    precedence = (_header(msg, "Precedence") or "").lower()
    if precedence == "auto_reply":
        return True
    if _AUTOREPLY_SUBJECT.search(subject.lower()):
        return True
    if auto.startswith("auto-generated") or _header(msg, "X-Auto-Response-Suppress"):
        return bool(_AUTOREPLY_BODY.search(_human_text(parts)[:4000].lower()))
    return False


# --- free-text bounces --------------------------------------------------------------------
def _looks_like_bounce(msg: Message, report: Report, parts: _Parts) -> bool:
    if _header(msg, "X-Failed-Recipients"):
        return True
    from_header = _header(msg, "From") or ""
    local = (report.from_addr or "").rpartition("@")[0]
    daemon = bool(_DAEMON_LOCAL.match(local)) or bool(_DAEMON_NAME.search(from_header.lower())) or (
        not report.from_addr)
    subject = report.subject or ""
    if _AUTOREPLY_SUBJECT.search(subject.lower()) and not daemon:
        return False
    bounce_subject = bool(_BOUNCE_SUBJECT.search(subject.lower()))
    body = _human_text(parts)[:8000]
    bounce_body = bool(_BOUNCE_BODY.search(body.lower()))
    if daemon and (bounce_subject or bounce_body):
        return True
    return bounce_subject and bounce_body


def _excluded(msg: Message, report: Report, parts: _Parts) -> set[str]:
    out: set[str] = set()
    for name in ("From", "To", "Cc", "Return-Path", "Sender", "Reply-To", "Delivered-To",
                 "X-Original-To"):
        value = _header(msg, name)
        if value:
            out.update(_norm_addr(a).lower() for a in ADDR_RE.findall(value))
    if parts.original is not None:
        for name in ("From", "Sender", "Return-Path", "Reply-To"):
            value = _header(parts.original, name)
            if value:
                out.update(_norm_addr(a).lower() for a in ADDR_RE.findall(value))
    return out


def _is_candidate(addr: str, excluded: set[str], msgids: set[str]) -> bool:
    low = addr.lower()
    if low in excluded or low in msgids:
        return False
    local = low.rpartition("@")[0]
    return not _DAEMON_LOCAL.match(local)


def _block_for(text: str, address: str | None) -> str:
    """The lines about ``address``: its own line and the indented/following ones."""
    if not address:
        return ""
    low = text.lower()
    start = low.find(address.lower())
    if start < 0:
        return ""
    line_start = text.rfind("\n", 0, start) + 1
    end = text.find("\n\n", start)
    end = len(text) if end < 0 else end
    return text[line_start:min(end, line_start + 2000)]


def _parse_free_text(report: Report, msg: Message, parts: _Parts) -> None:
    text = _human_text(parts)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    cut = _CUT_RE.search(text)
    head, tail = (text[:cut.start()], text[cut.start():]) if cut else (text, "")
    if report.original_message_id is None:
        found = _MSGID_HDR_RE.search(tail) or _MSGID_HDR_RE.search(head)
        if found:
            report.original_message_id = found.group(1)
    # Message-IDs look like addresses: never take one for a recipient.
    msgids = {m.strip("<>").lower() for m in _MSGID_HDR_RE.findall(text)}
    if report.original_message_id:
        msgids.add(report.original_message_id.strip("<>").lower())
    excluded = _excluded(msg, report, parts)
    # 1) the addresses the report is about, in order, each with its block of text
    blocks: dict[str, str] = {}
    failed = _header(msg, "X-Failed-Recipients")
    if failed:
        for _, a in getaddresses([failed]):
            if "@" in a:
                blocks.setdefault(_norm_addr(a), "")
    for match in _ADDR_LINE_RE.finditer(head):
        addr = _norm_addr(match.group(1))
        if not _is_candidate(addr, excluded, msgids):
            continue
        block = _following_block(head, match.start())
        # an address seen twice (Exchange lists it, then diagnoses it): keep the coded block
        keep_old = addr in blocks and _has_diagnosis(blocks[addr]) and not _has_code(block)
        if (_has_diagnosis(block) or addr not in blocks) and not keep_old:
            blocks[addr] = block
    if not blocks:
        for match in ADDR_RE.finditer(head):
            addr = _norm_addr(match.group(0))
            if _is_candidate(addr, excluded, msgids) and addr not in blocks:
                blocks[addr] = _block_for(head, addr)
                if len(blocks) >= MAX_RECIPIENTS:
                    break
    # 2) one diagnostic for the whole report, for blocks that carry none
    global_diag = _global_diagnostic(head)
    delayed = bool(_DELAY_MARK.search(head[:6000].lower())) or bool(
        _DELAY_SUBJECT.search((report.subject or "").lower()) and not _has_code(global_diag))
    delivered = bool(_SUCCESS_SUBJECT.search((report.subject or "").lower()))
    for addr, block in list(blocks.items())[:MAX_RECIPIENTS]:
        diag = _diagnostic_of(block) or global_diag
        if not _has_code(diag) and _has_code(global_diag) and (
                len(blocks) == 1 or addr in global_diag.lower()):
            diag = global_diag  # the report's coded reply says more than a sentence
        reply, enhanced = extract_codes(diag)
        if delivered and not _has_code(diag):
            category, reason = "delivered", "delivered"
        elif delayed and not (reply and reply >= 500):
            category, reason = "deferred", "delayed"
        else:
            category, reason = classify_reply(reply, diag, enhanced)
            if (category, reason) == ("error", "undefined") and block:
                category, reason = classify_reply(None, block + "\n" + global_diag)
            if _temporary(reply, enhanced) and reason not in _KEEP_ON_EXPIRY:
                # A final report about a temporary refusal: retried until given up.
                category, reason = "soft_bounce", "expired"
        report.recipients.append(RecipientStatus(
            address=addr, status=enhanced, reply_code=str(reply) if reply else None,
            category=category, reason=reason,
            diagnostic=_clean(diag[:MAX_DIAGNOSTIC]),
            remote_mta=_remote_mta(block) or _remote_mta(head),
            action="delayed" if category == "deferred" else (
                "delivered" if category == "delivered" else "failed")))


def _temporary(reply: int | None, status: str | None) -> bool:
    if reply is not None:
        return 400 <= reply < 500
    return bool(status and status.startswith("4."))


def _following_block(text: str, start: int) -> str:
    """From ``start`` to the next blank line or the next address line (max 30 lines)."""
    lines = text[start:start + 4000].split("\n")
    out = [lines[0]]
    for line in lines[1:30]:
        if not line.strip():
            break
        if _ADDR_LINE_RE.match(line) and not line.startswith((" ", "\t")):
            break
        out.append(line)
    return "\n".join(out)


def _diag_line(line: str) -> bool:
    return bool(_DIAG_LINE_RE.search(line.lower()))


def _has_code(text: str) -> bool:
    return bool(text) and bool(_DIAG_LINE_RE.search(text.lower()))


def _has_diagnosis(text: str) -> bool:
    return _has_code(text) or text_reason(text) is not None


def _diagnostic_of(block: str) -> str:
    """The diagnostic in a recipient's block: its first line with a code, else with a cause."""
    if not block:
        return ""
    lines = block.split("\n")
    for test in (_diag_line, text_reason):
        for index, line in enumerate(lines):
            if line.strip() and test(line):
                return _with_continuation(lines, index)
    return ""


def _with_continuation(lines: list[str], index: int) -> str:
    """A diagnostic line plus its wrapped continuation (deeper indent or "550-" lines)."""
    first = lines[index]
    indent = len(first) - len(first.lstrip())
    out = [first.strip()]
    # a line that names neither a code nor a cause ("Remote host said:") takes the next one
    bare = not (extract_codes(first)[0] or text_reason(first))
    for line in lines[index + 1:index + 8]:
        if not line.strip():
            break
        deeper = len(line) - len(line.lstrip()) > indent
        if deeper or _MULTILINE_REPLY.match(line) or bare:
            out.append(line.strip())
            bare = False
        else:
            break
    text = " ".join(out)
    return _LEADING_ADDR.sub("", text, count=1)


def _global_diagnostic(head: str) -> str:
    """The report's own diagnostic, for recipients whose block carries none."""
    lines = head.split("\n")
    for index, line in enumerate(lines):
        if _diag_line(line):
            chunk = _with_continuation(lines, index)
            if extract_codes(chunk)[0] or text_reason(chunk):
                return chunk
            follow = [x.strip() for x in lines[index + 1:index + 4] if x.strip()][:2]
            if follow:
                return f"{chunk} {' '.join(follow)}"
    # No coded reply: the line naming the most specific cause (one pass of the rules).
    reason, offset = text_reason_at(head, MAX_PART_TEXT)
    if reason is None:
        return ""
    index = head.lower().count("\n", 0, offset)
    return _with_continuation(lines, min(index, len(lines) - 1))


def _remote_mta(text: str) -> str | None:
    if not text:
        return None
    for pattern in _REMOTE_MTA_RES:
        match = pattern.search(text[:8000])
        if match:
            return match.group(1).rstrip(".").lower()
    return None


# =====================================================================================
# CLI helpers
# =====================================================================================
def classify_files(paths: list[str], stdin: BinaryIO) -> list[dict[str, Any]]:
    """One CLI.md entry per path ("-" is stdin); an unreadable file gets "error"."""
    from app.services.errors import message_for

    entries: list[dict[str, Any]] = []
    for path in paths:
        try:
            if path == "-":
                raw = stdin.read(MAX_MESSAGE * 4)
            else:
                with open(path, "rb") as handle:
                    raw = handle.read(MAX_MESSAGE * 4)
        except OSError as exc:
            _, hint = message_for("FILE_ERROR")
            entries.append({"file": path, "is_bounce": False, "recipients": [],
                            "error": {"code": "FILE_ERROR",
                                      "message": f"{path}: {exc.strerror or exc}",
                                      "hint": hint}})
            continue
        entries.append({"file": path, **parse(raw).to_dict()})
    return entries


def format_text(entries: list[dict[str, Any]]) -> str:
    """Readable lines for the CLI without --json."""
    out: list[str] = []
    for entry in entries:
        if "error" in entry:
            out.append(f"{entry['file']}: error: {entry['error']['message']}")
            continue
        head = f"{entry['file']}: {entry.get('kind', 'other')}"
        if entry.get("original_message_id"):
            head += f" (original {entry['original_message_id']})"
        out.append(head)
        if not entry["recipients"]:
            out.append("  not a bounce")
        for rcpt in entry["recipients"]:
            codes = " ".join(c for c in (rcpt.get("reply_code"), rcpt.get("status")) if c)
            line = f"  {rcpt['address'] or '?'}: {rcpt['category']} ({rcpt['reason']})"
            if codes:
                line += f" {codes}"
            out.append(line)
            if rcpt.get("diagnostic"):
                out.append(f"    {rcpt['diagnostic']}")
    return "\n".join(out)
