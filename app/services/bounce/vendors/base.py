"""What every vendor module gets (``Context``) and gives back (``Found``).

A vendor module knows one MTA or provider family's bounce format. It exports:

- ``NAME``: a short id (``"exim"``, ``"gmail"``) shown in tests and debugging;
- ``detect(ctx) -> bool``: cheap, from the headers and the first lines of text (From,
  Subject, Received, X-Mailer, a marker sentence). Called for every message: no heavy regex
  over the whole body here;
- ``extract(ctx) -> list[Found]``: the recipients the report is about, each with the
  diagnostic text that belongs to it. Set ``reason`` only when the vendor's own code or
  wording names the cause better than the generic tables in ``reasons`` would (e.g. a
  provider's documented code); otherwise leave it None and let ``reasons`` judge the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from app.services.bounce.decode import Part, Parts, header_text, human_text
from app.services.bounce.freetext import CUT_RE
from app.services.bounce.model import MAX_PART_TEXT, Report


@dataclass
class Found:
    """One recipient as a vendor module read it."""

    address: str
    diagnostic: str = ""
    status: str | None = None  # enhanced status code, e.g. "5.1.1"
    reply_code: str | None = None  # SMTP reply code, e.g. "550"
    reason: str | None = None  # only when the vendor's code/wording names the cause
    remote_mta: str | None = None
    action: str | None = None  # "failed" (default), "delayed", "delivered"
    command: str | None = None  # SMTP command refused (MAIL, RCPT, DATA, EHLO...) if said


@dataclass
class Context:
    """One message, decoded once, as every vendor module sees it."""

    msg: Part
    report: Report
    parts: Parts
    _headers: dict[str, str] = field(default_factory=dict)
    _starts: dict[int, str] = field(default_factory=dict)

    def header(self, name: str) -> str:
        """A decoded top-level header ('' when absent), decoded once per message."""
        key = name.lower()
        if key not in self._headers:
            self._headers[key] = header_text(self.msg, name) or ""
        return self._headers[key]

    @property
    def subject(self) -> str:
        return self.report.subject or ""

    @property
    def from_header(self) -> str:
        return self.header("From")

    @cached_property
    def received(self) -> list[str]:
        """The first Received headers, raw (only the host names in them matter)."""
        try:
            values = self.msg.get_all("Received") or []
        except Exception:  # noqa: BLE001 - malformed header objects
            return []
        return [str(v)[:500] for v in values[:12]]

    @cached_property
    def text(self) -> str:
        """The human-readable text of the report (plain parts, else HTML made plain)."""
        return human_text(self.parts).replace("\r\n", "\n").replace("\r", "\n")

    @cached_property
    def head(self) -> str:
        """The report's own text, before the returned original message."""
        cut = CUT_RE.search(self.text)
        return self.text[:cut.start()] if cut else self.text

    def text_starts(self, limit: int = 4000) -> str:
        """The first ``limit`` characters of the text, lower-cased: for cheap detection
        (computed once per message and limit: every vendor's detect() asks for it)."""
        if limit not in self._starts:
            self._starts[limit] = self.text[:min(limit, MAX_PART_TEXT)].lower()
        return self._starts[limit]
