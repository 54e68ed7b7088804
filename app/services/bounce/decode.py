"""One walk over the MIME tree: decoded headers, human-readable text, report parts.

A small MIME reader of its own instead of the standard library's ``email`` feed parser,
because a bounce needs little of a message: the headers of each entity, the text parts, the
report parts, and only the *headers* of the returned original. Entities are split with
``bytes.find`` (linear time), bodies are decoded only when read, and everything is bounded:
header values (``MAX_HEADER`` characters, before any RFC 2047 decoding: a megabyte of
encoded words is cut first, not decoded quadratically), header count, parts, depth,
characters of text. So a hostile input costs bounded time, and an ordinary one little.
"""

from __future__ import annotations

import binascii
import html
import re
from dataclasses import dataclass, field
from email.header import decode_header, make_header
from typing import Any

from app.services.bounce.model import MAX_DEPTH, MAX_PART_TEXT, MAX_PARTS

MAX_HEADER = 4096  # characters of one header value kept (folded lines joined)
MAX_HEADERS = 400  # header fields kept per entity
_MAX_HEADER_LINES = 2000
_MAX_BODY_BYTES = MAX_PART_TEXT * 4  # encoded bytes of one text part decoded

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
_HEADER_NAME = re.compile(rb"[!-9;-~]{1,100}[ \t]*:")
_PARAM_RE = re.compile(r';\s*([!#$%&\'*+.^_`|~0-9A-Za-z-]{1,80})\s*=\s*'
                       r'(?:"((?:[^"\\]|\\.){0,4096})"|([^;\s]{0,4096}))')


class Part:
    """One MIME entity: its header fields (raw, bounded) and its body bytes (undecoded).

    Offers the few ``email.message.Message`` methods the readers use (``get``, ``get_all``,
    ``items``), so vendor modules can treat it like one.
    """

    __slots__ = ("_decoded", "_index", "body", "fields")

    def __init__(self, raw: bytes) -> None:
        self.fields, self.body = _split_entity(raw)
        self._decoded: dict[str, str | None] = {}
        self._index: dict[str, list[str]] = {}
        for name, value in self.fields:
            self._index.setdefault(name.lower(), []).append(value)

    def get(self, name: str, default: str | None = None) -> str | None:
        values = self._index.get(name.lower())
        return values[0] if values else default

    def get_all(self, name: str, default: Any = None) -> list[str] | Any:
        return list(self._index.get(name.lower(), ())) or default

    def items(self) -> list[tuple[str, str]]:
        return list(self.fields)

    def content_type(self) -> str:
        value = self.get("Content-Type") or ""
        ctype = value.split(";", 1)[0].strip().lower()
        return ctype if "/" in ctype and " " not in ctype else "text/plain"

    def param(self, name: str) -> str | None:
        """A Content-Type parameter (boundary, charset), unquoted, or None."""
        value = self.get("Content-Type") or ""
        key = name.lower()
        for match in _PARAM_RE.finditer(value):
            if match.group(1).lower() == key:
                quoted = match.group(2)
                return re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else match.group(3)
        return None

    def payload(self, limit: int = _MAX_BODY_BYTES) -> bytes:
        """The body with its Content-Transfer-Encoding undone (first ``limit`` bytes)."""
        cte = (self.get("Content-Transfer-Encoding") or "").strip().lower()
        data = self.body[: limit * 2 if cte == "base64" else limit]
        if cte == "base64":
            return _unbase64(data)[:limit]
        if cte == "quoted-printable":
            try:
                return binascii.a2b_qp(data)[:limit]
            except (binascii.Error, ValueError):
                return data
        return data

    def children(self) -> list[Part] | None:
        """The sub-entities of a multipart, or None when this is no (usable) multipart."""
        if not self.content_type().startswith("multipart/"):
            return None
        boundary = self.param("boundary")
        if not boundary:
            return None
        chunks = _split_multipart(self.body, boundary.encode("utf-8", "surrogateescape"))
        if chunks is None:
            return None
        return [Part(chunk) for chunk in chunks]


def parse_entity(raw: bytes) -> Part:
    """The top-level entity of a message (what ``email.message_from_bytes`` would give)."""
    if raw.startswith(b"From "):  # an mbox separator line before the headers
        end = raw.find(b"\n")
        raw = raw[end + 1:] if end >= 0 else b""
    return Part(raw)


def _split_entity(raw: bytes) -> tuple[list[tuple[str, str]], bytes]:
    """(header fields, body): headers end at the first blank line, or at the first line that
    is neither a field nor a continuation (as mail readers do with broken messages)."""
    fields: list[tuple[str, str]] = []
    pos, size, lines = 0, len(raw), 0
    while pos < size and lines < _MAX_HEADER_LINES:
        end = raw.find(b"\n", pos)
        end = size if end < 0 else end
        line = raw[pos:end].rstrip(b"\r")
        if not line.strip():
            return fields, raw[end + 1:]
        lines += 1
        if line[:1] in (b" ", b"\t"):
            if fields:
                name, value = fields[-1]
                if len(value) < MAX_HEADER:
                    extra = line.strip()[:MAX_HEADER].decode("ascii", "surrogateescape")
                    fields[-1] = (name, f"{value} {extra}"[:MAX_HEADER])
            pos = end + 1
            continue
        match = _HEADER_NAME.match(line)
        if match is None:
            return fields, raw[pos:]  # no header here: the body starts
        if len(fields) < MAX_HEADERS:
            field_name = match.group(0)[:-1].strip().decode("ascii")
            raw_value = line[match.end():].strip()[:MAX_HEADER]
            fields.append((field_name, raw_value.decode("ascii", "surrogateescape")))
        pos = end + 1
    return fields, raw[pos:]


def _split_multipart(body: bytes, boundary: bytes) -> list[bytes] | None:
    """The parts between ``--boundary`` lines (at most MAX_PARTS), or None if none."""
    delimiter = b"--" + boundary
    starts: list[tuple[int, int]] = []  # (start of delimiter line, start of content)
    pos = 0
    while len(starts) <= MAX_PARTS:
        index = body.find(delimiter, pos)
        if index < 0:
            break
        pos = index + len(delimiter)
        if index > 0 and body[index - 1:index] != b"\n":
            continue  # not at a line start
        line_end = body.find(b"\n", pos)
        line_end = len(body) if line_end < 0 else line_end
        closing = body[pos:pos + 2] == b"--"
        starts.append((index, line_end + 1))
        if closing:
            break
        pos = line_end + 1
    if not starts:
        return None
    chunks = []
    for (_, content), (next_delimiter, _) in zip(starts, starts[1:], strict=False):
        end = next_delimiter - 1  # the line break before the delimiter belongs to it
        if end > content and body[end - 1:end] == b"\r":
            end -= 1
        chunks.append(body[content:max(content, end)])
    last_start, last_content = starts[-1]
    if body[last_start + len(delimiter):last_start + len(delimiter) + 2] != b"--":
        chunks.append(body[last_content:])  # no closing delimiter: the rest is the last part
    return chunks


def _unbase64(data: bytes) -> bytes:
    try:
        return binascii.a2b_base64(data)
    except (binascii.Error, ValueError):
        pass
    # Broken padding or stray characters: keep the alphabet, cut to whole quanta.
    kept = re.sub(rb"[^A-Za-z0-9+/]", b"", data)
    kept = kept[: len(kept) - len(kept) % 4]
    try:
        return binascii.a2b_base64(kept)
    except (binascii.Error, ValueError):
        return b""


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


def header_text(msg: Part | None, name: str) -> str | None:
    """A header's value as readable one-line text (RFC 2047 words decoded once), or None."""
    if msg is None:
        return None
    cache = msg._decoded  # noqa: SLF001 - the cache lives with the entity it describes
    key = name.lower()
    if key not in cache:
        value = msg.get(name)
        cache[key] = None if value is None else clean(_decode_words(value))
    return cache[key]


def _decode_words(value: str) -> str:
    """RFC 2047 encoded words and raw 8-bit bytes to text (the value is already bounded)."""
    raw = value.encode("ascii", "surrogateescape")
    if not raw.isascii():
        value = bytes_text(raw, None)
    if "=?" not in value:
        return value
    try:
        chunks = decode_header(value)
    except Exception:  # noqa: BLE001 - bad encoded words: keep the raw text
        return value
    try:
        return str(make_header(chunks))  # joins adjacent words as RFC 2047 says
    except Exception:  # noqa: BLE001 - an unknown charset: decode each chunk ourselves
        return "".join(c if isinstance(c, str) else bytes_text(
            c, None if cs in (None, "unknown-8bit") else cs) for c, cs in chunks)


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


def decode_part(part: Part) -> str:
    """A part's body as text, in its charset, at most MAX_PART_TEXT characters."""
    return bytes_text(part.payload(), part.param("charset"))[:MAX_PART_TEXT]


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


def content_type(part: Part) -> str:
    return part.content_type()


def field_blocks(text: str) -> list[list[tuple[str, str]]]:
    """RFC 3464 field blocks of a delivery-status / disposition / feedback body."""
    blocks: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = next((line for line in lines if line.strip()), "")
    # Some gateways indent the whole part: then a field is any "Name: value" line, and a
    # continuation one that is none.
    indented = first[:1] in (" ", "\t") and bool(_FIELD_RE.match(first.strip()))
    for line in lines:
        if not line.strip():
            if current:
                blocks.append(current)
                current = []
            continue
        if indented:
            line = line.strip()
            if current and not _FIELD_RE.match(line):
                line = " " + line
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


def report_blocks(part: Part) -> list[list[tuple[str, str]]]:
    """The field blocks of a delivery-status / disposition / feedback-report part."""
    return field_blocks(decode_part(part))


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
    dsn: list[Part] = field(default_factory=list)
    mdn: list[Part] = field(default_factory=list)
    arf: list[Part] = field(default_factory=list)
    original: Part | None = None
    original_text: str = ""
    human: str | None = None  # cached human_text()
    answer: str | None = None  # cached autoreply's own_text(): asked up to four times a parse


def walk(msg: Part) -> Parts:
    parts = Parts()
    count = 0

    def visit(part: Part, depth: int, inside_original: bool, in_report: bool = False) -> None:
        nonlocal count
        count += 1
        if count > MAX_PARTS or depth > MAX_DEPTH:
            return
        ctype = part.content_type()
        if ctype in _DSN_TYPES or (in_report and ctype == "text/plain" and _is_status_text(part)):
            parts.dsn.append(part)
        elif ctype in _MDN_TYPES:
            parts.mdn.append(part)
        elif ctype in _ARF_TYPES:
            parts.arf.append(part)
        elif ctype in _HEADERS_TYPES:
            if parts.original is None:
                data = part.payload()
                parts.original = Part(data)
                parts.original_text += bytes_text(data, part.param("charset"))[:MAX_PART_TEXT]
        elif ctype.startswith("message/"):
            inner = Part(part.payload(limit=len(part.body)))
            # A report wrapped whole (a forwarded bounce, a gateway re-sending one) is the
            # report itself, not the returned original: its own parts say which that is.
            wrapped_report = inner.content_type() == "multipart/report" or _from_daemon(inner)
            if parts.original is None and ctype in _MESSAGE_TYPES and not wrapped_report:
                parts.original = inner
            visit(inner, depth + 1, inside_original or not wrapped_report)
        else:
            children = part.children()
            if children is not None:
                report = ctype == "multipart/report"
                for index, sub in enumerate(children):
                    # the 2nd part of a report is its machine-readable one, whatever its label
                    visit(sub, depth + 1, inside_original, report and index == 1)
            elif ctype.startswith(("text/", "multipart/")):  # a multipart without boundary
                _add_text(parts, part, "text/html" if ctype == "text/html" else "text/plain",
                          inside_original)

    visit(msg, 0, False)
    return parts


def _from_daemon(part: Part) -> bool:
    """A message sent by a mail system (MAILER-DAEMON, postmaster): a report, when one is
    attached whole, never the returned original."""
    sender = (part.get("From") or "")[:200].lower()
    if any(name in sender for name in ("mailer-daemon@", "mailer-daemon <", "postmaster@",
                                       "mail delivery subsystem", "mail delivery system")):
        return True
    subject = (part.get("Subject") or "")[:200].lower()
    return subject.startswith(_REPORT_SUBJECTS) and not part.get("In-Reply-To")


# Subjects of delivery reports (the same in every MTA family that writes them in English).
_REPORT_SUBJECTS = ("undeliverable", "undelivered mail", "returned mail", "failure notice",
                    "delivery status notification", "mail delivery failed", "delivery failure",
                    "non remis", "unzustellbar", "mail delivery failure")


def _is_status_text(part: Part) -> bool:
    """A delivery-status body labelled text/plain (some MTAs do): it opens with RFC 3464
    fields and names a recipient with an action or status."""
    head = bytes_text(part.payload(limit=2048), part.param("charset")).lower()
    first = head.lstrip()[:40]
    if not first.startswith(("reporting-mta:", "final-recipient:", "original-recipient:",
                             "received-from-mta:", "arrival-date:", "original-envelope-id:")):
        return False
    return ("final-recipient:" in head or "original-recipient:" in head) and (
        "action:" in head or "status:" in head)


def _add_text(parts: Parts, part: Part, ctype: str, inside_original: bool) -> None:
    text = decode_part(part)
    if inside_original:
        if len(parts.original_text) < MAX_PART_TEXT:
            parts.original_text += "\n" + text[:MAX_PART_TEXT]
    elif ctype == "text/html":
        parts.htmls.append(text)
    else:
        parts.texts.append(text)


def human_text(parts: Parts) -> str:
    if parts.human is None:
        text = "\n".join(parts.texts)
        if not text.strip() and parts.htmls:
            text = html_to_text("\n".join(parts.htmls))
        parts.human = text[:MAX_PART_TEXT]
    return parts.human

