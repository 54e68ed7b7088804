"""One walk over the MIME tree: decoded headers, human-readable text, report parts.

Everything here is bounded (parts, depth, characters) so hostile input costs bounded time.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from email.header import Header, decode_header, make_header
from email.message import Message
from email.parser import HeaderParser
from email.policy import compat32
from typing import Any

from app.services.bounce.model import MAX_DEPTH, MAX_PART_TEXT, MAX_PARTS

_DSN_TYPES = frozenset({"message/delivery-status", "message/global-delivery-status",
                        "text/delivery-status", "text/x-delivery-status"})
_MDN_TYPES = frozenset({"message/disposition-notification",
                        "message/global-disposition-notification"})
_ARF_TYPES = frozenset({"message/feedback-report"})
_HEADERS_TYPES = frozenset({"text/rfc822-headers", "message/rfc822-headers",
                            "message/global-headers", "text/rfc822-header"})
_MESSAGE_TYPES = frozenset({"message/rfc822", "message/global"})

_HTML_BLOCKS = tuple((re.compile(rf"<{tag}\b", re.IGNORECASE),
                      re.compile(rf"</{tag}\s*>", re.IGNORECASE))
                     for tag in ("script", "style", "head"))
_HTML_BREAK = re.compile(r"<(?:br|/p|/div|/tr|/li|/h\d|p|div|tr|li)\b[^>]*>", re.IGNORECASE)
_HTML_TAG = re.compile(r"<[^<>]{0,2000}>")
_WS = re.compile(r"\s+")
_FIELD_RE = re.compile(r"^([!-9;-~]+)[ \t]*:[ \t]*(.*)$")


def clean(value: Any) -> str | None:
    """A printable one-line str, or None: undoes surrogate escapes from 8-bit headers."""
    if value is None:
        return None
    text = _WS.sub(" ", unescape(str(value))).strip()
    return text or None


def unescape(text: str) -> str:
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


def header_text(msg: Message, name: str) -> str | None:
    try:
        value = msg.get(name)
    except Exception:  # noqa: BLE001 - malformed header objects
        return None
    if value is None:
        return None
    if isinstance(value, Header):  # compat32 wraps raw 8-bit header bytes in a Header
        return clean(_header_bytes_text(value))
    value = str(value)
    if "=?" not in value:
        return clean(value)  # also keeps raw 8-bit (surrogate-escaped) UTF-8 headers intact
    try:
        decoded = str(make_header(decode_header(value)))
    except Exception:  # noqa: BLE001 - bad encoded-words: keep the raw text
        decoded = value
    return clean(decoded)


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
        out.append(bytes_text(chunk, None if charset in (None, "unknown-8bit") else charset))
    return "".join(out)


def bytes_text(data: bytes, charset: str | None) -> str:
    """Bytes in their declared charset, else UTF-8, else Windows-1252 (never fails)."""
    for candidate in (charset, "utf-8"):
        if not candidate:
            continue
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError, ValueError):
            continue
    return data.decode("cp1252", "replace")


def decode_part(part: Message) -> str:
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
    return bytes_text(payload, charset)[:MAX_PART_TEXT]


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


def html_to_text(text: str) -> str:
    text = _drop_html_blocks(text)
    text = _HTML_BREAK.sub("\n", text)
    text = _HTML_TAG.sub(" ", text)
    return html.unescape(text)


def content_type(part: Message) -> str:
    try:
        return part.get_content_type().lower()
    except Exception:  # noqa: BLE001
        return "text/plain"


def field_blocks(text: str) -> list[list[tuple[str, str]]]:
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


def report_blocks(part: Message) -> list[list[tuple[str, str]]]:
    payload = part.get_payload()
    if isinstance(payload, list):
        text = "\n\n".join(_message_fields_text(m) for m in payload if isinstance(m, Message))
        cte = str(part.get("Content-Transfer-Encoding", "")).lower()
        if "base64" not in cte and "quoted" not in cte:
            return field_blocks(text)
        # Rare: an encoded delivery-status; the parser split it before decoding.
        return field_blocks(_decode_raw_blocks(payload, cte))
    return field_blocks(decode_part(part))


def _message_fields_text(msg: Message) -> str:
    """A parsed field block back to text; its body holds further blocks when the parser
    took the part for an embedded message (message/global-delivery-status)."""
    lines = [f"{name}: {clean(value) or ''}" for name, value in msg.items()]
    body = msg.get_payload()
    if isinstance(body, str) and body.strip():
        lines.append("")
        lines.append(unescape(body))
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


def first_field(fields: list[tuple[str, str]], *names: str) -> str | None:
    for wanted in names:
        for name, value in fields:
            if name == wanted:
                return value
    return None


@dataclass
class Parts:
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    dsn: list[Message] = field(default_factory=list)
    mdn: list[Message] = field(default_factory=list)
    arf: list[Message] = field(default_factory=list)
    original: Message | None = None
    original_text: str = ""
    human: str | None = None  # cached human_text()


def walk(msg: Message) -> Parts:
    parts = Parts()
    count = 0

    def visit(part: Message, depth: int, inside_original: bool) -> None:
        nonlocal count
        count += 1
        if count > MAX_PARTS or depth > MAX_DEPTH:
            return
        ctype = content_type(part)
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
                text = decode_part(part)
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
        text = decode_part(part)
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



def human_text(parts: Parts) -> str:
    if parts.human is None:
        text = "\n".join(parts.texts)
        if not text.strip() and parts.htmls:
            text = html_to_text("\n".join(parts.htmls))
        parts.human = text[:MAX_PART_TEXT]
    return parts.human

