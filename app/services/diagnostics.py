"""The redacted diagnostics report a user pastes to support ("Copy diagnostics").

It says everything support needs — versions, servers, each step with its time, error
codes and the servers' own replies — and never a password or token: every secret the
caller knows of is removed, in clear and in the encodings mail protocols use for it
(base64 of AUTH PLAIN / XOAUTH2, URL encoding), even inside a server's reply, and
anything that looks like a bearer token or ``password=`` is masked as well
(``redaction.redact``: the scrubbing itself lives in app/services/redaction.py).

The UI only asks and copies: ``connection_report`` (the setup assistant's check page),
``configuration_report`` (About → Sign-in configuration) and ``report`` return a
``DiagnosticsReport`` whose ``text`` goes to the clipboard.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, is_dataclass
from datetime import UTC, datetime
from typing import Any

from app.services.config import OPTIONS, Settings, shown
from app.services.redaction import redact

__all__ = ["ConfigRow", "DiagnosticsReport", "build_report", "configuration_report",
           "configuration_rows", "connection_report", "report", "system_summary"]


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


def _field(item: Any, name: str) -> Any:
    """``item.name`` or ``item[name]`` (a result object or its dict), None if absent."""
    if isinstance(item, Mapping):
        return item.get(name)
    return getattr(item, name, None)


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


@dataclass(frozen=True)
class DiagnosticsReport:
    """A report for support: what it is about, and its text (every secret removed), the
    one thing the UI puts on the clipboard."""

    created_at: datetime
    account: str  # "" when the report is not about an account
    ok: bool  # no error to report
    error_code: str | None
    text: str

    def __str__(self) -> str:
        return self.text


def report(*, app_version: str, qt_version: str = "", python_version: str = "",
                 os_name: str = "", email: str = "", provider: str | None = None,
                 imap: Any = None, smtp: Any = None, steps: Sequence[Any] = (),
                 error: Any = None, tls: Mapping[str, Any] | None = None,
                 discovery_tried: Sequence[Any] = (), domain_health: Any = None,
                 notes: Sequence[str] = (),
                 secrets: Iterable[str | None] = (), usernames: Iterable[str] = (),
                 now: datetime | None = None) -> DiagnosticsReport:
    """The report for support. ``secrets`` are the password/tokens in play: they are
    removed from the whole text, wherever they appear (a server may echo them)."""
    system = system_summary()
    created = now or datetime.now(UTC)
    when = created.strftime("%Y-%m-%d %H:%M:%S UTC")
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
    return DiagnosticsReport(created, email, not err, err.get("code") if err else None,
                             redact("\n".join(lines) + "\n", secrets, usernames))


def build_report(**facts: Any) -> str:
    """``report(**facts)``'s text (the name callers used before the dataclass)."""
    return report(**facts).text


def connection_report(*, app_version: str, qt_version: str = "", email: str = "",
                      provider: str | None = None, imap: Any = None, smtp: Any = None,
                      check: Any = None, steps: Sequence[Any] = (), error: Any = None,
                      discovery: Any = None, auth: str = "", imap_pinned: bool = False,
                      smtp_pinned: bool = False, secrets: Iterable[str | None] = (),
                      usernames: Iterable[str] = ()) -> DiagnosticsReport:
    """The setup assistant's "Copy diagnostics": an account's servers, the last
    connection check (``check``: its steps and TLS details; else the ``steps`` seen so
    far), its error, what discovery tried, the sign-in kind and the pinned certificates."""
    return report(
        app_version=app_version, qt_version=qt_version, email=email, provider=provider,
        imap=imap, smtp=smtp, steps=list(_field(check, "steps") or steps), error=error,
        tls=_field(check, "tls") or {}, discovery_tried=list(_field(discovery, "tried") or ()),
        notes=[f"Auth: {auth}", f"Pinned: imap={imap_pinned} smtp={smtp_pinned}"],
        secrets=secrets, usernames=usernames)


@dataclass(frozen=True)
class ConfigRow:
    """One deployment option as support may see it."""

    key: str
    value: str  # shown as-is; "" for a secret (see ``state``) or an option not set
    source: str  # the file or variable it came from; "" when built in or not set
    state: str  # set | secret (set, never shown) | default | unset


def configuration_rows(settings: Settings) -> list[ConfigRow]:
    """Every deployment option: its value (client IDs are public; a secret only "set";
    a password inside a URL removed) and where it came from."""
    rows = []
    for key, option in OPTIONS.items():
        found = settings.deploy.values.get(key)
        if found is not None and option.secret:
            rows.append(ConfigRow(key, "", found.source, "secret"))
        elif found is not None:
            rows.append(ConfigRow(key, shown(key, found.value), found.source, "set"))
        elif option.default is not None:
            rows.append(ConfigRow(key, option.default, "", "default"))
        else:
            rows.append(ConfigRow(key, "", "", "unset"))
    return rows


def _in_english(row: ConfigRow) -> tuple[str, str, str]:
    if row.state == "secret":
        return row.key, "set (hidden)", row.source
    if row.state == "default":
        return row.key, row.value, "built-in default"
    if row.state == "unset":
        return row.key, "", "not set"
    return row.key, row.value, row.source


def configuration_report(settings: Settings, *, app_version: str,
                         shown_rows: Sequence[tuple[str, str, str]] | None = None
                         ) -> DiagnosticsReport:
    """About → Sign-in configuration → "Copy for the diagnostics report": each option, the
    files looked at (found or not, unknown keys), every secret option redacted from the
    text. ``shown_rows``: (key, value, source) as the window shows them (its words for
    "set (hidden)", "built-in default"…); by default the rows' English words."""
    rows = shown_rows if shown_rows is not None else [
        _in_english(r) for r in configuration_rows(settings)]
    notes = ["Sign-in configuration:"]
    notes += [f"  {key} = {value or '-'}  ({source})" for key, value, source in rows]
    notes += [f"  file {f.path}: {'found' if f.found else 'not found'}"
              + (f" (unknown keys: {', '.join(f.unknown)})" if f.unknown else "")
              for f in settings.deploy.files]
    secrets = [settings.option(k) for k, o in OPTIONS.items() if o.secret]
    return report(app_version=app_version, notes=notes, secrets=secrets)
