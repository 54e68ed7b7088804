"""The redacted diagnostics report a user pastes to support ("Copy diagnostics").

It says everything support needs — versions, servers, each step with its time, error
codes and the servers' own replies — and never a password or token: every secret the
caller knows of is removed, in clear and in the encodings mail protocols use for it
(base64 of AUTH PLAIN / XOAUTH2, URL encoding), even inside a server's reply, and
anything that looks like a bearer token or ``password=`` is masked as well
(``redaction.redact``: the scrubbing itself lives in app/services/redaction.py).
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, is_dataclass
from datetime import UTC, datetime
from typing import Any

# scrub and scrubbing_logs are re-exported for the protocol modules that still import them
# from here (setup/connection_check, outbox/sending, tracking/watcher): redaction is their home.
from app.services.redaction import REDACTED, redact, scrub, scrubbing_logs

__all__ = ["REDACTED", "build_report", "redact", "scrub", "scrubbing_logs", "system_summary"]


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
