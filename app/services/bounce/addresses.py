"""Addresses and Message-IDs inside reports: find them, normalise them, tell daemons apart."""

from __future__ import annotations

import re
from email.utils import parseaddr

# --- address helpers -------------------------------------------------------------
# The local part is bounded (RFC 5321: 64) and must start a token: an unbounded
# "[chars]+@" would rescan a long run of letters from every position (quadratic time).
_LOCAL_CHARS = "A-Za-z0-9!#$%&'*+/=?^_`{|}~.-"
# An apostrophe may sit inside a local part (o'brien@) but not open one: Exchange and Kerio
# quote recipients as 'x@y', and the quote is not part of the address.
_FIRST_CHARS = _LOCAL_CHARS.replace("'", "").replace(".", "")
ADDR = (rf"(?<![{_LOCAL_CHARS.replace(chr(39), '')}])[{_FIRST_CHARS}][{_LOCAL_CHARS}]{{0,63}}"
         r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,10}[A-Za-z][A-Za-z0-9-]{0,62}")
ADDR_RE = re.compile(ADDR)
# A line that is *about* an address: it starts with it (Postfix "<x@y>: host ... said",
# qmail "<x@y>:", Exim "  x@y", Sendmail "<x@y>... User unknown", Exchange "x@y").
ADDR_LINE_RE = re.compile(r"^[ \t>*-]*[<\"']?(?:(?:RFC822|rfc822|SMTP|smtp);\s*)?(" + ADDR
                           + r")[>\"']?(?=$|[\s:;,.(\[]|\.\.\.)", re.MULTILINE)
# Local parts of report senders, never recipients ("mail@", "nobody@" can be real people's).
DAEMON_LOCAL = re.compile(
    r"^(?:mailer[-_]?daemon|postmaster|mail[-_]?daemon|mail[-_]?delivery[-_]?(?:system|subsystem)?"
    r"|microsoftexchange[0-9a-f]*|mdaemon|double-bounce|devnull)$", re.IGNORECASE)
DAEMON_NAME = re.compile(r"mailer[-_ ]?daemon|postmaster|mail delivery (?:system|subsystem)"
                          r"|microsoft ?(?:outlook|exchange)|mail administrator|mail system"
                          r"|delivery ?(?:status|notification)|système de distribution")
MSGID_HDR_RE = re.compile(r"^[ \t>]*Message-I[Dd]:[ \t]*(<[^<>\s]{3,250}>)",
                           re.MULTILINE | re.IGNORECASE)
MSGID_RE = re.compile(r"<([^<>\s@]{1,200}@[^<>\s]{1,200})>")


def address_of(value: str | None) -> str | None:
    """The bare address in a header value or a DSN 'rfc822;x@y' field, lower-cased domain."""
    if not value:
        return None
    if ";" in value:
        addr_type, _, value = value.partition(";")
        token = value.strip().strip("<>").strip()
        if "@" in token and not any(c.isspace() or c in "<>," for c in token):
            return norm_addr(token)  # a DSN field holds the address as it was sent
        if addr_type.strip().lower() not in ("rfc822", "utf-8", "x-unix", "unknown", ""):
            match = ADDR_RE.search(value)
            return norm_addr(match.group(0)) if match else None
    match = ADDR_RE.search(value)
    if match:
        return norm_addr(match.group(0))
    token = value.strip().strip("<>")
    if "@" in token and not any(c.isspace() for c in token):
        return norm_addr(token)  # an internationalised (SMTPUTF8) address
    _, parsed = parseaddr(value)
    return norm_addr(parsed) if "@" in parsed else None


def norm_addr(addr: str) -> str:
    local, _, domain = addr.strip().strip("<>").rpartition("@")
    return f"{local}@{domain.lower().rstrip('.')}"


def msgid_of(value: str | None) -> str | None:
    if not value:
        return None
    match = MSGID_RE.search(value)
    if match:
        return f"<{match.group(1)}>"
    token = value.strip().split()[0] if value.strip() else ""
    return f"<{token.strip('<>')}>" if "@" in token else None

