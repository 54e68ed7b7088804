"""The message as written (``OutgoingMessage``) and as it leaves (RFC 5322 bytes, CRLF).

Owns the MIME structure Postier sends: text/plain with the account's signature after "-- ",
text/html when there is HTML to show (the message's own, or the HTML signature) as a whole
document, and the images that HTML shows as inline parts beside it (RFC 2387); UTF-8
headers only when an address needs them (RFC 6532). Also the recipients' validation and the
Date a scheduled message carries when it actually leaves.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, parseaddr

from app.services.addresses import validate_recipient
from app.services.setup.signature import (
    InlineImage,
    cid_references,
    extract_data_images,
    html_to_text,
)
from app.services.storage import Account

# 7bit: non-ASCII bodies go quoted-printable/base64, so any server takes them.
_POLICY = SMTP_POLICY.clone(cte_type="7bit")


@dataclass
class OutgoingMessage:
    account_email: str
    to: list[str]
    subject: str
    text: str
    cc: list[str] = field(default_factory=list)
    bcc: list[str] = field(default_factory=list)
    html: str | None = None
    read_receipt: bool = False
    test: bool = False
    resend_of: int | None = None  # recipients.id of the delivery this one repeats
    scheduled_at: datetime | None = None


def check_addresses(addresses: list[str]) -> list[str]:
    """Validated recipients, each "addr" or "Name <addr>" (the name goes in the header)."""
    return [validate_recipient(given) for given in addresses if given and given.strip()]


def bare_address(address: str) -> str:
    return parseaddr(address)[1] or address


def _html_with_signature(body_html: str, signature_html: str) -> str:
    if not signature_html:
        return body_html
    block = f'<div class="postier-signature">-- <br>{signature_html}</div>'
    lowered = body_html.lower()
    at = lowered.rfind("</body>")
    return body_html[:at] + block + body_html[at:] if at >= 0 else body_html + block


def _signature_text(account: Account) -> str:
    if account.signature_text:
        return account.signature_text
    if account.signature_html:
        return html_to_text(account.signature_html)
    return ""


def _html_document(html: str) -> str:
    """A whole HTML document: a bare fragment is what spam filters flag (no <html> tag)."""
    if re.search(r"(?i)<html[\s>]", html):
        return html
    return ('<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type"'
            ' content="text/html; charset=utf-8"></head>\n<body>' + html + "</body></html>\n")


def _add_inline_images(mail: EmailMessage, html: str, domain: str,
                       images: Sequence[InlineImage]) -> None:
    """Add the HTML alternative; the images it shows travel beside it as inline parts.

    Structure (RFC 2046 + RFC 2387, as Thunderbird and Apple Mail send it)::

        multipart/alternative
        ├── text/plain                  (no image: nothing to refer to)
        └── multipart/related; type="text/html"
            ├── text/html               (<img src="cid:…">)
            └── image/png               (Content-ID, Content-Disposition: inline)

    A data: image left in the HTML (a signature saved before inline images, an image
    pasted into the message) is moved out too: Gmail and Outlook show no data: image."""
    html, extracted = extract_data_images(html, domain)
    available = {image.cid: image for image in [*images, *extracted]}
    shown = [available[cid] for cid in cid_references(html) if cid in available]
    mail.add_alternative(html, subtype="html")
    if not shown:
        return
    html_part = mail.get_payload()[-1]  # type: ignore[index]  # a multipart: a list
    if not isinstance(html_part, EmailMessage):  # add_alternative just made it one
        return
    for image in shown:
        maintype, _, subtype = image.content_type.partition("/")
        html_part.add_related(image.data, maintype=maintype, subtype=subtype,
                              cid=f"<{image.cid}>", disposition="inline",
                              filename=f"logo.{'jpg' if subtype == 'jpeg' else subtype}")
    html_part.set_param("type", "text/html")  # RFC 2387: the root part's type
    for part in html_part.walk():
        del part["MIME-Version"]  # the email package repeats it on parts: top level only


def build_mime(account: Account, msg: OutgoingMessage, message_id: str,
               date: datetime | None = None,
               signature_images: Sequence[InlineImage] = ()) -> bytes:
    """RFC 5322 bytes (CRLF): text/plain, plus text/html when there is HTML to show
    (the message's own or the account's HTML signature), with the images it shows as
    inline parts (``signature_images``: the account's logo, stored once for it)."""
    addresses = [account.email, *(bare_address(a) for a in [*msg.to, *msg.cc])]
    # Non-ASCII addresses need RFC 6532 UTF-8 headers (sent with SMTPUTF8).
    policy = _POLICY if all(a.isascii() for a in addresses) else _POLICY.clone(utf8=True)
    mail = EmailMessage(policy=policy)
    local, _, domain = account.email.partition("@")
    mail["From"] = Address(account.display_name or "", local, domain)
    mail["To"] = ", ".join(msg.to)
    if msg.cc:
        mail["Cc"] = ", ".join(msg.cc)
    mail["Subject"] = msg.subject
    mail["Date"] = format_datetime((date or datetime.now(UTC)).astimezone(UTC))
    mail["Message-ID"] = message_id
    if msg.read_receipt:
        mail["Disposition-Notification-To"] = account.email
    if msg.test:
        mail["X-Postier-Test"] = "yes"
    text = msg.text.rstrip("\n") + "\n"
    sig_text = _signature_text(account)
    if sig_text:
        text += "\n-- \n" + sig_text.rstrip("\n") + "\n"  # "-- " lets clients fold it away
    mail.set_content(text)
    if msg.html is not None or account.signature_html:
        body_html = msg.html if msg.html is not None else (
            "<div>" + html_lib.escape(msg.text).replace("\n", "<br>\n") + "</div>")
        _add_inline_images(mail, _html_document(
            _html_with_signature(body_html, account.signature_html)), domain, signature_images)
    return mail.as_bytes()


def redate(raw: bytes, when: datetime) -> bytes:
    """A scheduled message carries the time it actually leaves, not when it was written."""
    mail = BytesParser(policy=_POLICY).parsebytes(raw)
    del mail["Date"]
    mail["Date"] = format_datetime(when)
    return mail.as_bytes()
