"""The one e-mail address validator, used by the CLI, the wizard, discovery, checks and sending.

Built on ``email-validator`` (IDNA 2008 through ``idna``, RFC 5321/5322 syntax, Unicode
safety) rather than a home-made regular expression, because the hostile cases are
Unicode cases: a right-to-left override (U+202E) or a zero-width space hidden in an
address, an ``xn--`` label that is not valid Punycode, a 64-character DNS label. Each is
refused as ``INVALID_EMAIL`` before any network work. Never does a DNS look-up itself.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from email.utils import formataddr, getaddresses, parseaddr

import email_validator

from app.services.errors import InputError

# email-validator refuses special-use domains for "globally deliverable" addresses. A
# company's own server may live under .local (Active Directory domains), the test rig uses
# .test and the wizard's "nothing found" path .invalid: those are a discovery question,
# not a syntax error. .localhost, .onion and .arpa stay refused. The list is the
# library's documented knob; Postier is its only user in the process.
_ALLOWED_SPECIAL_USE = {"local", "test", "invalid"}
email_validator.SPECIAL_USE_DOMAIN_NAMES[:] = [
    d for d in email_validator.SPECIAL_USE_DOMAIN_NAMES if d not in _ALLOWED_SPECIAL_USE]


@dataclass(frozen=True)
class Address:
    """A validated address: ``email`` is ``local@ascii_domain`` (the domain lower-case,
    Punycode for DNS and SMTP); ``display`` keeps the Unicode domain for people."""

    email: str
    local: str
    domain: str  # ASCII (A-label) form
    display: str


def validate_email(text: str) -> Address:
    """Validate one bare address (no display name). Raises InputError INVALID_EMAIL."""
    given = (text or "").strip()
    try:
        info = email_validator.validate_email(
            given, check_deliverability=False,  # no DNS here: validation is instant
            allow_smtputf8=True,  # jérôme@exemple.fr is a real French mailbox
            strict=True,  # local part ≤ 64 octets (RFC 5321)
            globally_deliverable=True)
    except email_validator.EmailNotValidError as exc:
        # repr() escapes invisible characters (U+202E shows as \u202e), so the message
        # itself can never be reordered by a bidi control.
        raise InputError(f"not a valid email address: {given!r} ({exc})",
                         code="INVALID_EMAIL") from None
    return Address(email=f"{info.local_part}@{info.ascii_domain}", local=info.local_part,
                   domain=info.ascii_domain, display=info.normalized)


def is_valid_email(text: str) -> bool:
    """For live feedback while typing (the wizard's field)."""
    try:
        validate_email(text)
    except InputError:
        return False
    return True


def validate_recipient(given: str) -> str:
    """One recipient, ``addr`` or ``Name <addr>``; returns it ready for a header.

    One address per item ("a@b.fr, c@d.fr" is refused, not half-sent) and no control or
    bidi-format character anywhere, the display name included: "a@b.fr\\r\\nBcc: …" would
    otherwise lose its tail in parseaddr, and a U+202E in a name spoofs who it is."""
    text = given.strip()
    name, addr = parseaddr(text)
    bad = InputError(f"not an e-mail address: {text!r}", code="INVALID_EMAIL")
    if not addr or ("<" in text and not text.endswith(">")) or len(getaddresses([text])) > 1 \
            or any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text):
        raise bad
    try:
        validate_email(addr)
    except InputError:
        raise bad from None
    return formataddr((name, addr)) if name else addr  # as typed: the table shows it so
