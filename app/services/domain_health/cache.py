"""The last domain report of each account, kept so that reopening shows it at once.

Owns the account's side of the domain check: which domain an account sends from, running
the check for it, and remembering the result with its date in the settings table
(``domain_health/<email>`` → ``{"checked_at": ISO time, "report": DomainReport.to_dict()}``,
the same JSON as ``postier domain --json``). A damaged entry only costs the instant
display: ``load`` returns None and the fresh check replaces it. Blocking calls (SQLite,
DNS): the GUI calls them off its thread.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from app.services.config import Settings
from app.services.domain_health.model import Check, DomainReport
from app.services.domain_health.runner import check_domain
from app.services.storage import Account, Database

log = logging.getLogger(__name__)
SETTING_PREFIX = "domain_health/"


@dataclass(frozen=True)
class StoredReport:
    """A report and when it was made (UTC)."""

    report: DomainReport
    checked_at: datetime


def setting_key(email: str) -> str:
    return SETTING_PREFIX + email.strip().lower()


def account_domain(account: Account) -> str:
    """The domain the account sends from: its address's."""
    return account.email.rpartition("@")[2]


def load(db: Database, email: str) -> StoredReport | None:
    """The last stored report of ``email``, or None (none, or unreadable)."""
    raw = db.get_setting(setting_key(email))
    if not raw:
        return None
    try:
        data = json.loads(raw)
        report = DomainReport.from_dict(data["report"])
        when = datetime.fromisoformat(data["checked_at"])
    except (ValueError, KeyError, TypeError, AttributeError):
        log.debug("stored domain report of %s ignored", email, exc_info=True)
        return None
    return StoredReport(report, when)


def save(db: Database, email: str, report: DomainReport,
         when: datetime | None = None) -> StoredReport:
    stored = StoredReport(report, when or datetime.now(UTC))
    db.set_setting(setting_key(email), json.dumps(
        {"checked_at": stored.checked_at.isoformat(timespec="seconds"),
         "report": report.to_dict()}, ensure_ascii=False))
    return stored


def check_account(settings: Settings, db: Database, account: Account, *,
                  timeout: float = 10.0,
                  progress: Callable[[Check], None] | None = None) -> StoredReport:
    """Check the account's sending domain (its SMTP host and provider give the PTR,
    blocklist and provider rows) and remember the report. Bad input raises ``InputError``
    and stores nothing."""
    report = check_domain(account_domain(account), settings, smtp_host=account.smtp_host,
                          provider=account.provider, timeout=timeout, progress=progress)
    return save(db, account.email, report)
