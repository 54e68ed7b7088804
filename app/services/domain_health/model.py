"""The sender-domain report: ``Check``, its statuses, ``DomainReport``, score and text.

A ``DomainReport`` holds one ``Check`` per item with a traffic-light status, a plain
title and detail, and how to fix it with the exact DNS record to publish. A check's words
are ``Text``: English (the gettext msgid, with named values), said in the user's language
when shown or serialised (``Check.text(language)``, the ``*_fr`` fields of the JSON) from
the services' catalogue (``app.services.translation``). This module imports no check: the
checks (one module per family) and the runner import it.

JSON (``DomainReport.to_dict``, printed by ``postier domain --json``)::

    {"domain": "exemple.fr", "score": 0-100,
     "checks": [{"id": "spf", "status": "ok" | "warn" | "fail",
                 "title": …, "detail": …,   # plain words (English)
                 "fix": …,                   # what to do, then the exact record(s); null if ok
                 "record": …,                # what is published now (zone-file lines) or null
                 "fix_record": …,            # the exact record(s) alone, for a Copy button
                 "title_fr": …, "detail_fr": …, "fix_fr": …}]}
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.services.translation import gettext

OK, WARN, FAIL = "ok", "warn", "fail"
STATUSES = (OK, WARN, FAIL)

# How much each check weighs in the score (sum over the checks that apply).
WEIGHTS: dict[str, int] = {
    "mx": 15, "spf": 20, "spf_all": 10, "spf_lookups": 10, "spf_provider": 15,
    "dkim": 20, "dmarc": 15, "mta_sts": 3, "tls_rpt": 2, "ptr": 10,
    "dnsbl_ip": 25, "dnsbl_domain": 20,
}
# The order a reader expects (the report is sorted this way whatever finished first).
ORDER = tuple(WEIGHTS)


class Text(str):
    """Words for the user. As a ``str`` it is the English text, so code and tests that read
    it need nothing else; ``say(text, language)`` gives it in another language.

    ``Text(msgid, **values)``: an English msgid with ``{named}`` values (values may be
    ``Text`` themselves, said in the same language; other values are data, never
    translated). ``Text.lines(items)`` / ``Text.bullets(items)``: one per line;
    ``Text.concat(*parts)``: end to end.
    ``Text.known(en, fr)``: words already said in both languages (a stored report).
    """

    _say: Callable[[str], str]

    def __new__(cls, msgid: str, /, **values: object) -> Text:
        def in_language(language: str) -> str:
            text = gettext(msgid, language)
            return text.format(**{k: say(v, language) for k, v in values.items()}) \
                if values else text

        return cls._made(in_language)

    @classmethod
    def _made(cls, in_language: Callable[[str], str]) -> Text:
        self = str.__new__(cls, in_language("en"))
        self._say = in_language
        return self

    @classmethod
    def lines(cls, items: Iterable[object], prefix: str = "") -> Text:
        kept = list(items)
        return cls._made(lambda language: "\n".join(prefix + say(i, language) for i in kept))

    @classmethod
    def bullets(cls, items: Iterable[object]) -> Text:
        return cls.lines(items, "• ")

    @classmethod
    def concat(cls, *parts: object) -> Text:
        return cls._made(lambda language: "".join(say(p, language) for p in parts))

    @classmethod
    def known(cls, en: str, fr: str | None) -> Text:
        return cls._made(lambda language: (fr or en) if language[:2] == "fr" else en)

    def say(self, language: str) -> str:
        return self._say(language)


def say(value: object, language: str) -> str:
    """``value`` in ``language``: a ``Text`` is translated, anything else is data."""
    return value.say(language) if isinstance(value, Text) else str(value)


@dataclass
class Check:
    id: str
    status: str  # "ok" | "warn" | "fail"
    title: str  # English; a ``Text`` is said in the user's language when shown
    detail: str
    how: str | None = None  # what to do, in plain words (None when nothing to do)
    record: str | None = None  # what is published now (zone-file lines), if anything
    fix_record: str | None = None  # the exact record(s) to publish, zone-file syntax

    @property
    def fix(self) -> str | None:
        return _join_fix(str(self.how) if self.how is not None else None, self.fix_record)

    @property
    def title_fr(self) -> str:
        return say(self.title, "fr")

    @property
    def detail_fr(self) -> str:
        return say(self.detail, "fr")

    @property
    def how_fr(self) -> str | None:
        return say(self.how, "fr") if self.how is not None else None

    @property
    def fix_fr(self) -> str | None:
        return _join_fix(self.how_fr, self.fix_record)

    def text(self, language: str = "en") -> tuple[str, str, str | None]:
        """(title, detail, how) in ``language``."""
        return (say(self.title, language), say(self.detail, language),
                say(self.how, language) if self.how is not None else None)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "title": str(self.title),
                "detail": str(self.detail), "fix": self.fix, "record": self.record,
                "title_fr": self.title_fr, "detail_fr": self.detail_fr,
                "fix_fr": self.fix_fr, "fix_record": self.fix_record}


def _strip_record(fix: str | None, record: str) -> str | None:
    if fix is None or fix == record:
        return None
    return fix[: -len(record) - 1] if fix.endswith("\n" + record) else fix


def _join_fix(how: str | None, record: str | None) -> str | None:
    if how and record:
        return f"{how}\n{record}"
    return how or record


@dataclass
class DomainReport:
    domain: str
    checks: list[Check] = field(default_factory=list)
    score: int = 0

    @property
    def ok(self) -> bool:
        return all(c.status != FAIL for c in self.checks)

    def get(self, check_id: str) -> Check | None:
        return next((c for c in self.checks if c.id == check_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {"domain": self.domain, "checks": [c.to_dict() for c in self.checks],
                "score": self.score}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DomainReport:
        """Back from ``to_dict`` (a stored report, the CLI's JSON) to show it again."""
        checks = []
        for c in data.get("checks", []):
            how, how_fr, record = c.get("fix"), c.get("fix_fr"), c.get("fix_record")
            if record:  # ``fix`` is the words followed by the record: take the words back
                how = _strip_record(how, record)
                how_fr = _strip_record(how_fr, record)
            # Said in both languages already: kept as they were said.
            checks.append(Check(
                c["id"], c["status"], Text.known(c.get("title", ""), c.get("title_fr")),
                Text.known(c.get("detail", ""), c.get("detail_fr")),
                Text.known(how, how_fr) if how is not None else None,
                c.get("record"), record))
        return cls(data["domain"], checks, int(data.get("score", 0)))


def score(checks: Sequence[Check], applicable: Sequence[str] | None = None) -> int:
    """0-100: each applicable check earns its weight when ok, half when warn, none when fail
    or when it could not run (e.g. the SPF details when there is no SPF record at all)."""
    ids = list(applicable) if applicable is not None else [c.id for c in checks]
    possible = sum(WEIGHTS.get(i, 5) for i in ids)
    if not possible:
        return 0
    earned = 0.0
    for c in checks:
        if c.id in ids:
            earned += WEIGHTS.get(c.id, 5) * {OK: 1.0, WARN: 0.5}.get(c.status, 0.0)
    return max(0, min(100, round(100 * earned / possible)))


_LABEL = {OK: "[ OK ]", WARN: "[WARN]", FAIL: "[FAIL]"}


def format_text(report: DomainReport, language: str = "en") -> str:
    """The report as plain text in ``language`` (``postier domain`` without ``--json``)."""
    fails = sum(c.status == FAIL for c in report.checks)
    warns = sum(c.status == WARN for c in report.checks)
    lines = [gettext("Sender domain health of {d}: {s}/100", language).format(
                 d=report.domain, s=report.score),
             gettext("{f} problem(s) to fix, {w} warning(s)", language).format(f=fails, w=warns),
             ""]
    fix_label = gettext("How to fix:", language)
    for c in report.checks:
        title, detail, how = c.text(language)
        lines.append(f"{_LABEL.get(c.status, c.status)} {title}")
        lines += [f"       {ln}" for ln in detail.splitlines()]
        if c.status != OK and (how or c.fix_record):
            lines.append(f"       {fix_label} {how or ''}".rstrip())
            lines += [f"         {ln}" for ln in (c.fix_record or "").splitlines()]
    return "\n".join(lines)
