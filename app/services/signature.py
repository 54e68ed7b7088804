"""HTML e-mail signatures: lint (what makes a signature break or land in spam) and a
plain-text version generated from the HTML. Pure functions, no Qt.

Why these rules: mail clients (Outlook above all) render tables and external images
badly or block them; several images and heavy signatures make every message look like
a newsletter to spam filters; a message without a text/plain part scores worse.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

MAX_BYTES = 50 * 1024  # ~50 KB: above this the signature outweighs most business messages
MAX_IMAGES = 1  # one logo; more looks like marketing to filters

# Stable warning codes; the UI says them in the user's language.
TOO_MANY_IMAGES = "too_many_images"
HAS_TABLE = "has_table"
TOO_HEAVY = "too_heavy"
EXTERNAL_IMAGE = "external_image"
NO_PLAIN_TEXT = "no_plain_text"

_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "blockquote"}
_LINE_TAGS = {"tr", "li"}


@dataclass(frozen=True)
class LintWarning:
    code: str
    detail: str = ""  # an English technical detail (counts, sizes, URLs) for diagnostics


def data_uri_size(src: str) -> int:
    """Decoded size in bytes of a data: URI (0 when it is not one or is malformed)."""
    if not src.startswith("data:") or "," not in src:
        return 0
    header, _, payload = src.partition(",")
    if header.endswith(";base64"):
        cleaned = re.sub(r"\s+", "", payload)
        try:
            return len(base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=False))
        except ValueError:
            return len(payload)
    return len(payload.encode())


class _Scanner(HTMLParser):
    """Collects images, tables and the visible text of an HTML fragment in one pass."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.images: list[str] = []
        self.tables = 0
        self.parts: list[str] = []
        self._links: list[str | None] = []
        self._link_text: list[list[str]] = []
        self._skip = 0  # inside <style>/<script>/<head>: not visible text

    # -- structure ---------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: (v or "") for k, v in attrs}
        if tag in ("style", "script", "head", "title"):
            self._skip += 1
        elif tag == "img":
            # A logo adds nothing to the plain-text version (its alt text would only repeat
            # the name above it).
            self.images.append(attr.get("src", ""))
        elif tag == "table":
            self.tables += 1
            self._newline()
        elif tag == "br":
            self._emit("\n")
        elif tag in _BLOCK_TAGS:
            self._newline()
        elif tag in _LINE_TAGS:
            self._newline()
            if tag == "li":
                self._emit("- ")
        elif tag in ("td", "th"):
            self._emit(" ")
        elif tag == "a":
            self._links.append(attr.get("href"))
            self._link_text.append([])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head", "title"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS or tag in _LINE_TAGS:
            self._newline()
        elif tag == "a" and self._links:
            href = self._links.pop() or ""
            text = "".join(self._link_text.pop()).strip()
            target = href.removeprefix("mailto:")
            # Show where a link goes unless its text already says it.
            if href and target and target not in text and not href.startswith("#"):
                self._emit(f" <{target}>" if text else target)

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        text = re.sub(r"\s+", " ", data)
        if text:
            self._emit(text)

    # -- text assembly -----------------------------------------------------
    def _emit(self, text: str) -> None:
        self.parts.append(text)
        for buf in self._link_text:
            buf.append(text)

    def _newline(self) -> None:
        # A block boundary is one line break, not two: Qt's editor makes every line a <p>.
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")


def _scan(html: str) -> _Scanner:
    scanner = _Scanner()
    scanner.feed(html or "")
    scanner.close()
    return scanner


def html_fragment(html: str) -> str:
    """The inside of <body> when ``html`` is a whole document (as rich-text editors save
    it), so the signature can be dropped into a message's own HTML."""
    match = re.search(r"(?is)<body[^>]*>(.*)</body>", html or "")
    return (match.group(1) if match else (html or "")).strip()


def html_to_text(html: str) -> str:
    """A readable plain-text version of an HTML signature (links as ``text <url>``)."""
    raw = "".join(_scan(html).parts)
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in unescape(raw).split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):  # collapse runs of blank lines into one
            out.append(line)
    return "\n".join(out).strip()


def signature_weight(html: str) -> int:
    """Bytes the signature adds to every message. Embedded images are already in the HTML
    as base64, which is also how MIME transports them, so the HTML size is the weight."""
    return len((html or "").encode())


def lint(html: str, text: str | None = None) -> list[LintWarning]:
    """Warnings for an HTML signature; ``text`` is its plain-text alternative (None or
    empty = missing). An empty signature has nothing to warn about."""
    if not (html or "").strip():
        return []
    scan = _scan(html)
    warnings: list[LintWarning] = []
    if len(scan.images) > MAX_IMAGES:
        warnings.append(LintWarning(TOO_MANY_IMAGES, f"{len(scan.images)} images"))
    if scan.tables:
        warnings.append(LintWarning(HAS_TABLE, f"{scan.tables} table(s)"))
    weight = signature_weight(html)
    if weight > MAX_BYTES:
        warnings.append(LintWarning(TOO_HEAVY, f"{weight // 1024} KB"))
    external = [src for src in scan.images if re.match(r"(?i)^(https?:)?//", src)]
    if external:
        warnings.append(LintWarning(EXTERNAL_IMAGE, ", ".join(external)))
    if not (text or "").strip() and html_to_text(html):
        warnings.append(LintWarning(NO_PLAIN_TEXT))
    return warnings


def image_count(html: str) -> int:
    return len(_scan(html).images)
