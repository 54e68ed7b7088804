"""Removing secrets from text: the project's one security-critical scrubber.

Two strengths, for two uses:

- ``scrub(text, secret, username)``: only the one secret the caller holds, in every form a
  server can echo it back (clear, base64 of AUTH PLAIN / LOGIN / XOAUTH2, URL-encoded, IMAP
  quoted). Used on server replies and error messages shown to the user, printed by the CLI
  or logged; it never masks harmless details ("AUTH PLAIN as jean@exemple.fr").
- ``redact(text, secrets, usernames)``: every known secret as above, plus anything that
  looks like one (bearer tokens, ``password=``, an AUTH line's argument). Used on the
  diagnostics report a user pastes to support.

``scrubbing_logs`` applies ``scrub`` to protocol libraries' DEBUG logs while logging in.
Pure Python, no project import: every layer (services, CLI, UI) may use it.
"""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from urllib.parse import quote, quote_plus

REDACTED = "[redacted]"

# Shapes of secrets we may not have been told about: bearer tokens, key=value secrets.
_GENERIC_PATTERNS = [
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9\-._~+/]+=*"),
    re.compile(r"(?i)((?:password|passwd|pwd|secret|token|access_token|refresh_token|"
               r"client_secret|code_verifier)\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|[^\s,;&\"']+)"),
    re.compile(r"(?i)(AUTH\s+(?:PLAIN|LOGIN|XOAUTH2|OAUTHBEARER)\s+)[A-Za-z0-9+/=]+"),
]


def _variants(secret: str, usernames: Iterable[str]) -> set[str]:
    """The forms a secret can take on the wire or in a reply."""
    forms = {secret, quote(secret, safe=""), quote_plus(secret),
             secret.replace("\\", "\\\\").replace('"', '\\"')}  # IMAP quoted string
    b64 = base64.b64encode(secret.encode()).decode()
    forms.update({b64, b64.rstrip("=")})
    for user in usernames:
        for raw in (f"\0{user}\0{secret}", f"{user}\0{user}\0{secret}",
                    f"user={user}\x01auth=Bearer {secret}\x01\x01"):
            encoded = base64.b64encode(raw.encode()).decode()
            forms.update({encoded, encoded.rstrip("=")})
    return {f for f in forms if f}


def redact(text: str, secrets: Iterable[str | None] = (), usernames: Iterable[str] = ()) -> str:
    """``text`` with every known secret (and its encodings) and every secret-looking
    value replaced by ``[redacted]``."""
    users = [u for u in usernames if u]
    forms: set[str] = set()
    for secret in secrets:
        if secret:
            forms |= _variants(secret, users)
    # Longest first so a secret inside a longer encoded form does not leave a tail behind.
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, REDACTED)
    for pattern in _GENERIC_PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return text


def scrub(text: str, secret: str | None, username: str = "") -> str:
    """``text`` (a server's reply, an error message) without ``secret`` in any form a
    server could echo back: some answer a refused login with the command they got, e.g.
    ``535 5.7.8 Authentication failed for: AUTH PLAIN <base64>`` or ``NO bad: LOGIN user
    "password"``. Only the known secret is removed: the generic patterns of ``redact``
    would also mask harmless details such as "AUTH PLAIN as jean@exemple.fr"."""
    if not secret or not text:
        return text
    for form in sorted(_variants(secret, [username] if username else []), key=len,
                       reverse=True):
        if len(form) >= _MIN_SCRUBBED:
            text = text.replace(form, REDACTED)
    return text


# A one- to three-letter "password" matches everywhere (every "x" in an address): such a
# form is left alone rather than make every reply unreadable; its base64 forms are longer.
_MIN_SCRUBBED = 4


class _ScrubFilter(logging.Filter):
    def __init__(self, secret: str, username: str) -> None:
        super().__init__()
        self.secret, self.username = secret, username

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message, self.secret, self.username)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


@contextmanager
def scrubbing_logs(secret: str | None, username: str,
                   logger_names: Iterable[str]) -> Iterator[None]:
    """While logging in: protocol libraries log the server's lines at DEBUG, and a server
    that echoes the refused LOGIN/AUTH line would put the password into the log. A logger's
    filter sees only its own records (not its children's), so name each logger."""
    if not secret:
        yield
        return
    loggers = [logging.getLogger(name) for name in logger_names]
    flt = _ScrubFilter(secret, username)
    for lg in loggers:
        lg.addFilter(flt)
    try:
        yield
    finally:
        for lg in loggers:
            lg.removeFilter(flt)
