"""The redacted diagnostics report a user pastes to support ("Copy diagnostics").

It says everything support needs — versions, servers, each step with its time, error
codes and the servers' own replies — and never a password or token: every secret the
caller knows of is removed, in clear and in the encodings mail protocols use for it
(base64 of AUTH PLAIN / XOAUTH2, URL encoding), even inside a server's reply, and
anything that looks like a bearer token or ``password=`` is masked as well.
"""

from __future__ import annotations

import base64
import logging
import platform
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from datetime import UTC, datetime
from typing import Any
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


def _as_dict(item: Any) -> dict[str, Any]:
    if item is None:
        return {}
    if isinstance(item, Mapping):
        return dict(item)
    to_dict = getattr(item, "to_dict", None)
    if callable(to_dict):
        return dict(to_dict())
    if is_dataclass(item) and not isinstance(item, type):
        return asdict(item)
    return {k: v for k, v in vars(item).items() if not k.startswith("_")}


def _endpoint_text(endpoint: Any) -> str:
    data = _as_dict(endpoint)
    if not data:
        return "-"
    return f"{data.get('host')}:{data.get('port')} ({data.get('security')})"


def _one_line(value: Any) -> str:
    return " | ".join(str(value).splitlines()).strip()


def system_summary() -> dict[str, str]:
    return {"os": f"{platform.system()} {platform.release()} ({platform.machine()})",
            "python": sys.version.split()[0]}


def build_report(*, app_version: str, qt_version: str = "", python_version: str = "",
                 os_name: str = "", email: str = "", provider: str | None = None,
                 imap: Any = None, smtp: Any = None, steps: Sequence[Any] = (),
                 error: Any = None, tls: Mapping[str, Any] | None = None,
                 discovery_tried: Sequence[Any] = (), domain_health: Any = None,
                 notes: Sequence[str] = (),
                 secrets: Iterable[str | None] = (), usernames: Iterable[str] = (),
                 now: datetime | None = None) -> str:
    """Plain-text report for support. ``secrets`` are the password/tokens in play: they
    are removed from the whole text, wherever they appear (a server may echo them)."""
    system = system_summary()
    when = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M:%S UTC")
    lines = [
        "Postier diagnostics",
        f"Date: {when}",
        f"Postier: {app_version}",
        f"OS: {os_name or system['os']}",
        f"Python: {python_version or system['python']}",
        f"Qt: {qt_version or '-'}",
        "",
        f"Account: {email or '-'}",
        f"Provider: {provider or '-'}",
        f"Incoming (IMAP): {_endpoint_text(imap)}",
        f"Outgoing (SMTP): {_endpoint_text(smtp)}",
    ]
    if discovery_tried:
        lines += ["", "Discovery:"]
        for tried in discovery_tried:
            t = _as_dict(tried)
            lines.append(f"  {t.get('source', '?'):<11} {t.get('result', '?'):<10} "
                         f"{t.get('ms', '?'):>6} ms  {t.get('target', '')}")
    if steps:
        lines += ["", "Steps:"]
        for step in steps:
            s = _as_dict(step)
            mark = "ok  " if s.get("ok") else "FAIL"
            line = (f"  [{mark}] {s.get('server', '?')}/{s.get('step', '?'):<9} "
                    f"{s.get('ms', '?'):>6} ms")
            if s.get("detail"):
                line += f"  {_one_line(s['detail'])}"
            if s.get("code"):
                line += f"  code={s['code']}"
            lines.append(line)
            if s.get("reply"):
                lines.append(f"         reply: {_one_line(s['reply'])}")
    for server, info in (tls or {}).items():
        t = _as_dict(info)
        if t:
            lines.append(f"TLS {server}: {t.get('version', '')} {t.get('cipher', '')} "
                         f"sha256={t.get('sha256', '')} issuer={t.get('issuer', '')}")
    err = _as_dict(error)
    lines += ["", "Result: " + ("FAILED" if err else "OK")]
    if err:
        lines.append(f"Error: {err.get('code')} on {err.get('server') or '-'}: "
                     f"{_one_line(err.get('message', ''))}")
        if err.get("reply"):
            lines.append(f"Server reply: {_one_line(err['reply'])}")
        if err.get("hint"):
            lines.append(f"Hint: {_one_line(err['hint'])}")
    if domain_health is not None:
        report = _as_dict(domain_health)
        lines += ["", (f"Domain health: {report.get('domain', '?')} "
                       f"score {report.get('score', '?')}/100")]
        for check in report.get("checks", []):
            c = _as_dict(check)
            lines.append(f"  [{c.get('status', '?')!s:<4}] {c.get('id', '?')}: "
                         f"{_one_line(c.get('title', ''))}")
    if notes:
        lines += ["", *notes]
    return redact("\n".join(lines) + "\n", secrets, usernames)
