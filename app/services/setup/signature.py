"""HTML e-mail signatures: lint (what makes a signature break or land in spam) and a
plain-text version generated from the HTML. Pure functions, no Qt.

Why these rules: mail clients (Outlook above all) render tables and external images
badly or block them; several images and heavy signatures make every message look like
a newsletter to spam filters; a message without a text/plain part scores worse.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
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


@dataclass(frozen=True)
class InlineImage:
    """A logo sent as an inline MIME part (RFC 2392 ``cid:``): stored once per account, the
    signature's HTML refers to it as ``src="cid:<cid>"``."""

    cid: str  # the Content-ID without its angle brackets
    content_type: str  # image/png, image/jpeg, image/gif
    data: bytes

    def encoded_size(self) -> int:
        """Bytes it adds to a message: base64 in 76-character lines with CRLF (RFC 2045)."""
        chars = 4 * -(-len(self.data) // 3)
        return chars + 2 * -(-chars // 76)


# Types every mail client shows inline; anything else stays where it is.
_INLINE_TYPES = {"image/png", "image/jpeg", "image/jpg", "image/gif"}
_IMG_SRC = re.compile(r"""(?is)(<img\b[^>]*?\bsrc\s*=\s*)(?:"([^"]*)"|'([^']*)')""")


def decode_data_uri(src: str) -> tuple[str, bytes] | None:
    """(content type, bytes) of a base64 ``data:image/…`` URI; None for anything else."""
    match = re.match(r"(?is)^data:([a-z0-9.+/-]+)((?:;[^,;]*)*);base64,(.*)$", src.strip())
    if not match or match.group(1).lower() not in _INLINE_TYPES:
        return None
    payload = re.sub(r"\s+", "", match.group(3))
    try:
        data = base64.b64decode(payload + "=" * (-len(payload) % 4), validate=True)
    except ValueError:
        return None
    kind = match.group(1).lower().replace("image/jpg", "image/jpeg")
    return (kind, data) if data else None


def image_cid(data: bytes, domain: str) -> str:
    """A Content-ID named after the image's content: the same logo keeps the same id on
    every save and every message; the sender's domain makes it globally unique (RFC 2392)."""
    digest = hashlib.sha256(data).hexdigest()[:20]
    return f"logo.{digest}@{domain or 'postier.invalid'}"


def _replace_srcs(html: str, replace: Callable[[str], str | None]) -> str:
    def sub(match: re.Match[str]) -> str:
        src = match.group(2) if match.group(2) is not None else match.group(3)
        new = replace(src)
        return match.group(0) if new is None else f'{match.group(1)}"{new}"'

    return _IMG_SRC.sub(sub, html or "")


def extract_data_images(html: str, domain: str) -> tuple[str, list[InlineImage]]:
    """Move the ``data:`` images of a signature out of its HTML: the HTML then refers to
    them as ``cid:`` and the images travel as inline parts. Gmail and Outlook show no
    ``data:`` image, so a logo left there is lost for most recipients."""
    found: dict[str, InlineImage] = {}

    def to_cid(src: str) -> str | None:
        decoded = decode_data_uri(src)
        if decoded is None:
            return None
        kind, data = decoded
        cid = image_cid(data, domain)
        found.setdefault(cid, InlineImage(cid, kind, data))
        return "cid:" + cid

    return _replace_srcs(html, to_cid), list(found.values())


def cid_references(html: str) -> list[str]:
    """The Content-IDs an HTML fragment refers to, in order, without duplicates."""
    refs: list[str] = []
    for match in _IMG_SRC.finditer(html or ""):
        src = (match.group(2) if match.group(2) is not None else match.group(3)).strip()
        if src.lower().startswith("cid:") and src[4:] not in refs:
            refs.append(src[4:])
    return refs


def with_data_uris(html: str, images: Iterable[InlineImage]) -> str:
    """The HTML with its ``cid:`` images written back as ``data:`` URIs, for showing or
    editing on this machine only (Qt's rich-text widgets render data: URIs); never sent."""
    by_cid = {image.cid: image for image in images}

    def to_data(src: str) -> str | None:
        image = by_cid.get(src.strip()[4:]) if src.strip().lower().startswith("cid:") else None
        if image is None:
            return None
        return f"data:{image.content_type};base64," + base64.b64encode(image.data).decode()

    return _replace_srcs(html, to_data)


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


def signature_weight(html: str, images: Sequence[InlineImage] = ()) -> int:
    """Bytes the signature adds to every message: its HTML plus its inline images as MIME
    carries them (base64). An image still embedded as a data: URI is already base64 inside
    the HTML, so the same logo weighs the same either way."""
    referenced = set(cid_references(html))
    return len((html or "").encode()) + sum(
        image.encoded_size() for image in images if image.cid in referenced)


def lint(html: str, text: str | None = None,
         images: Sequence[InlineImage] = ()) -> list[LintWarning]:
    """Warnings for an HTML signature; ``text`` is its plain-text alternative (None or
    empty = missing); ``images`` the inline images its ``cid:`` references name. An empty
    signature has nothing to warn about."""
    if not (html or "").strip():
        return []
    scan = _scan(html)
    warnings: list[LintWarning] = []
    if len(scan.images) > MAX_IMAGES:
        warnings.append(LintWarning(TOO_MANY_IMAGES, f"{len(scan.images)} images"))
    if scan.tables:
        warnings.append(LintWarning(HAS_TABLE, f"{scan.tables} table(s)"))
    weight = signature_weight(html, images)
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
