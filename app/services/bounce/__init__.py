"""Bounce classification: what became of each recipient, read from the reports servers send.

Owns turning one received message (DSN, free-text bounce, read receipt, abuse report,
auto-reply) into a ``Report`` with one ``RecipientStatus`` per recipient, and turning one SMTP
reply into CLI.md's (category, reason). Pure functions, no I/O but the CLI's file reading.

Modules, each with one job:
- ``decode``: one bounded walk over the MIME tree (headers, text parts, report parts);
- ``addresses``: addresses and Message-IDs inside reports;
- ``reports``: the standard reports (RFC 3464/6533 DSN, 3798 MDN, 5965 ARF, 3834 auto-reply);
- ``freetext``: the generic reader for free-text bounces; ``diagnostic_lines``: which line of
  a report is its diagnostic; ``wording``: how reports speak of
  themselves (bounce, delay and success subjects and sentences, many languages);
- ``vendors``: one small module per MTA or provider family whose format needs its own reader;
- ``reasons``: turns one diagnostic into a reason (precedence of causes); ``taxonomy``: the
  reasons' categories and the enhanced status codes' meanings; ``phrases``: the wordings that
  name each reason, grouped by public source; ``phrase_index``: those wordings compiled per
  reason, with the literals that rule a reason out before any regex runs; ``provider_codes``:
  providers' documented codes and fixed replies;
- ``judge``: one verdict per recipient whichever reader found it; ``autoreply``: RFC 3834 and
  out-of-office wordings; ``model``: the dataclasses;
- ``parser``: ``parse()``, which ties them together;
- ``files``: the CLI's ``classify`` (files in, CLI.md entries out).
"""

from app.services.bounce.files import classify_files, format_text
from app.services.bounce.model import RecipientStatus, Report
from app.services.bounce.parser import parse
from app.services.bounce.reasons import classify_reply
from app.services.bounce.taxonomy import REASON_CATEGORY

__all__ = ["REASON_CATEGORY", "RecipientStatus", "Report", "classify_files", "classify_reply",
           "format_text", "parse"]
