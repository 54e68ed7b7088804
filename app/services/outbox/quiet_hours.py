"""Scheduled send and quiet hours: when may a message leave?

Quiet hours (default 20:00–09:00 local time) protect recipients from evening mail: a message
composed then waits for the morning and the composer says so. Stored in the settings table
as ``quiet_hours.enabled`` / ``quiet_hours.start`` / ``quiet_hours.end`` ("HH:MM", local).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from app.services.storage import Database

DEFAULT_START = time(20, 0)
DEFAULT_END = time(9, 0)


@dataclass(frozen=True)
class QuietHours:
    start: time = DEFAULT_START
    end: time = DEFAULT_END
    enabled: bool = True

    def is_quiet(self, when: datetime) -> bool:
        """Whether ``when`` (read in its own zone: pass local time) falls in quiet hours."""
        if not self.enabled or self.start == self.end:
            return False
        t = when.time().replace(tzinfo=None)
        if self.start < self.end:  # e.g. 12:00–14:00, same day
            return self.start <= t < self.end
        return t >= self.start or t < self.end  # wraps past midnight

    def next_allowed(self, when: datetime) -> datetime:
        """``when`` itself when sending is allowed then, else the end of the quiet period."""
        if not self.is_quiet(when):
            return when
        end_today = when.replace(hour=self.end.hour, minute=self.end.minute, second=0,
                                 microsecond=0)
        return end_today if end_today > when else end_today + timedelta(days=1)


@dataclass(frozen=True)
class SendPlan:
    at: datetime  # when the message may leave (== now for "right away")
    immediate: bool
    held_by_quiet_hours: bool


def parse_hhmm(value: str) -> time:
    """'20:00' → time(20, 0); ValueError on anything else."""
    hours, sep, minutes = value.strip().partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        raise ValueError(f"expected HH:MM, got {value!r}")
    return time(int(hours), int(minutes))


def load_quiet_hours(db: Database) -> QuietHours:
    """The saved setting; a damaged value falls back to the default rather than failing."""
    try:
        start = parse_hhmm(db.get_setting("quiet_hours.start") or "20:00")
        end = parse_hhmm(db.get_setting("quiet_hours.end") or "09:00")
    except ValueError:
        start, end = DEFAULT_START, DEFAULT_END
    enabled = (db.get_setting("quiet_hours.enabled") or "1") != "0"
    return QuietHours(start, end, enabled)


def save_quiet_hours(db: Database, quiet: QuietHours) -> None:
    db.set_setting("quiet_hours.start", quiet.start.strftime("%H:%M"))
    db.set_setting("quiet_hours.end", quiet.end.strftime("%H:%M"))
    db.set_setting("quiet_hours.enabled", "1" if quiet.enabled else "0")


def plan_send(quiet: QuietHours, now: datetime, requested: datetime | None = None,
              *, respect_quiet: bool = True) -> SendPlan:
    """When a message composed at ``now`` (aware, local) leaves. ``requested`` is the
    scheduled time the user chose (None = now); a time in the past means now. Quiet hours
    push either to their end unless ``respect_quiet`` is False (a test mail to oneself)."""
    target = requested if requested is not None and requested > now else now
    held = False
    if respect_quiet and quiet.is_quiet(target):
        target = quiet.next_allowed(target)
        held = True
    return SendPlan(at=target, immediate=target <= now, held_by_quiet_hours=held)
