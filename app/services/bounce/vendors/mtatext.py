"""Small text helpers shared by the vendor modules for MTAs and gateways (not a vendor itself).

MTA reports are laid out as "a marker sentence, then per recipient an address line and the
lines that explain it, then a marker where the returned message starts". These helpers cut
that section out, read the SMTP session lines ("host X [ip] said", ">>> RCPT TO", "<<< 550")
and build ``Found`` objects with the SMTP command and the remote host when the text says them.
Everything is bounded: sections are sliced from the first 64 KB the decoder keeps, regexes have
no nested unbounded quantifiers.
"""

from __future__ import annotations

import re

from app.services.bounce.addresses import ADDR, ADDR_RE, norm_addr
from app.services.bounce.decode import field_blocks
from app.services.bounce.reasons import command_of
from app.services.bounce.vendors.base import Found

# The cheap per-message signals every detect() asks for, computed once per message and
# shared with the provider modules (one cache, not one per helper module).
from app.services.bounce.vendors.providers import opening_text as opening  # noqa: F401
from app.services.bounce.vendors.providers import sender  # noqa: F401

MAX_LINES = 400  # lines of a report section read by a vendor module
_SPACES = re.compile(r"[ \t]+")
ADDR_IN_BRACKETS = re.compile(r"<(" + ADDR + r")>")
# Remote hosts as MTAs print them: "host mx.example.com [192.0.2.1]", "mx.example.com[192.0.2.1]",
# "Remote system: dns;mx.example.com", "Server mx.example.com[192.0.2.1] failed with".
# A host name as dot-free labels: each label ends at its dot, so matching cannot backtrack
# through every split of a long run of letters (a 1 MB line stays linear).
HOST = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.){1,10}[A-Za-z]{2,24}"
_REMOTE_RES = [re.compile(p, re.IGNORECASE) for p in (
    r"\bhost (" + HOST + r")\.? ?\[[0-9a-fA-F.:]{2,45}\]",
    r"(?<![A-Za-z0-9.-])(" + HOST + r")\.? ?\[[0-9a-fA-F.:]{2,45}\]",
    r"while talking to (" + HOST + r")\.?:",
    r"remote[- ](?:mta|system|server|host):?\s{0,5}(?:dns;\s{0,5})?\[?(" + HOST
    + r"|(?:[0-9]{1,3}\.){3}[0-9]{1,3}|[0-9a-fA-F:]{3,45})",
    r"\b((?:[0-9]{1,3}\.){3}[0-9]{1,3}) (?:does not like|failed after|but )",
)]
_COMMAND_WORDS = {"RCPT": "RCPT", "MAIL": "MAIL", "DATA": "DATA", "HELO": "HELO",
                  "EHLO": "EHLO", "STARTTLS": "STARTTLS", "AUTH": "AUTH", "CONN": "CONN"}


def section(text: str, starts: tuple[str, ...], ends: tuple[str, ...] = (),
            keep_start: bool = False) -> str:
    """The text after the first of ``starts`` (lower-case markers) up to the first of ``ends``
    found after it; '' when no start marker is there. ``keep_start`` keeps the marker line."""
    low = text.lower()
    begin = -1
    for marker in starts:
        at = low.find(marker)
        if at >= 0 and (begin < 0 or at < begin):
            begin = at if keep_start else at + len(marker)
    if begin < 0:
        return ""
    stop = len(text)
    for marker in ends:
        at = low.find(marker, begin + 1)
        if 0 <= at < stop:
            stop = at
    return text[begin:stop]


def lines_of(text: str) -> list[str]:
    return text.split("\n", MAX_LINES)[:MAX_LINES]


def squash(parts: list[str] | str) -> str:
    """Lines joined into one diagnostic: stripped, single spaces, bounded."""
    if isinstance(parts, str):
        parts = parts.split("\n")
    return _SPACES.sub(" ", " ".join(p.strip() for p in parts if p.strip()))[:2000]


def first_address(text: str) -> str | None:
    match = ADDR_RE.search(text[:2000])
    return norm_addr(match.group(0)) if match else None


def remote_host(text: str) -> str | None:
    """The remote MTA a diagnostic names, lower-cased, or None."""
    sample = text[:4000]
    for pattern in _REMOTE_RES:
        match = pattern.search(sample)
        if match:
            host = match.group(1).rstrip(".").lower()
            if "." in host or ":" in host:
                return host
    return None


def command_word(text: str) -> str | None:
    """An SMTP command word as a session transcript prints it ("RCPT TO:<x>", "DATA")."""
    word = text.strip().split(" ", 1)[0].split(":", 1)[0].upper() if text.strip() else ""
    return _COMMAND_WORDS.get(word)


def make(address: str, diagnostic: str, *, command: str | None = None,
         remote: str | None = None, action: str | None = None, status: str | None = None,
         reason: str | None = None, reply: str | None = None) -> Found:
    """A ``Found`` whose command and remote host are read from the diagnostic when not given."""
    diagnostic = squash(diagnostic)
    return Found(address=norm_addr(address), diagnostic=diagnostic, status=status,
                 reply_code=reply, reason=reason,
                 remote_mta=remote or remote_host(diagnostic), action=action,
                 command=command or command_of(diagnostic))


def dsn_fields(text: str) -> list[Found]:
    """Recipients from RFC 3464 fields printed inside a text part (gateways that write the
    delivery-status fields as plain text instead of a message/delivery-status part)."""
    out: list[Found] = []
    for block in field_blocks(text[:64 * 1024]):
        fields = dict(reversed(block))
        raw = fields.get("final-recipient") or fields.get("original-recipient")
        if not raw:
            continue
        address = first_address(raw)
        if not address:
            continue
        diagnostic = fields.get("diagnostic-code", "")
        if ";" in diagnostic[:12]:
            diagnostic = diagnostic.split(";", 1)[1]
        words = (fields.get("action") or "").split(maxsplit=1)
        action: str | None = words[0].lower().strip(";") if words else None
        if action not in _ACTIONS:  # a damaged field: the report's own default
            action = None
        remote = fields.get("remote-mta", "")
        remote = remote.split(";", 1)[-1].strip().split(" ")[0].strip("[]").rstrip(".").lower()
        out.append(make(address, diagnostic, status=fields.get("status"), action=action,
                        remote=remote or None))
    return out


# RFC 3464 action values (relayed/expanded read as delivered by the verdict)
_ACTIONS = frozenset({"failed", "delayed", "delivered", "relayed", "expanded"})
