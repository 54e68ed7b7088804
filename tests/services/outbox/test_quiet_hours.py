from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from pathlib import Path

import pytest

from app.services.outbox.quiet_hours import (
    QuietHours,
    load_quiet_hours,
    parse_hhmm,
    plan_send,
    save_quiet_hours,
)
from app.services.storage import open_database

PARIS = timezone(timedelta(hours=1))


def at(h: int, m: int = 0, day: int = 25) -> datetime:
    return datetime(2026, 11, day, h, m, tzinfo=PARIS)


@pytest.mark.parametrize(("when", "quiet"), [
    (at(19, 59), False), (at(20, 0), True), (at(23, 30), True), (at(0, 0), True),
    (at(8, 59), True), (at(9, 0), False), (at(12, 0), False),
])
def test_default_quiet_hours_wrap_midnight(when: datetime, quiet: bool) -> None:
    assert QuietHours().is_quiet(when) is quiet


def test_next_allowed_is_next_morning_or_same_morning() -> None:
    q = QuietHours()
    assert q.next_allowed(at(21, 15)) == at(9, 0, day=26)
    assert q.next_allowed(at(3, 0)) == at(9, 0)
    assert q.next_allowed(at(10, 0)) == at(10, 0)


def test_same_day_window_and_disabled() -> None:
    lunch = QuietHours(time(12, 0), time(14, 0))
    assert lunch.is_quiet(at(13, 0)) and not lunch.is_quiet(at(14, 0))
    assert lunch.next_allowed(at(12, 30)) == at(14, 0)
    assert not QuietHours(enabled=False).is_quiet(at(22, 0))
    assert not QuietHours(time(9, 0), time(9, 0)).is_quiet(at(9, 0))


def test_plan_send_holds_in_quiet_hours_and_says_so() -> None:
    q = QuietHours()
    plan = plan_send(q, at(22, 0))
    assert plan.held_by_quiet_hours and not plan.immediate and plan.at == at(9, 0, day=26)
    plan = plan_send(q, at(10, 0))
    assert plan.immediate and not plan.held_by_quiet_hours
    plan = plan_send(q, at(10, 0), requested=at(15, 30))
    assert plan.at == at(15, 30) and not plan.immediate and not plan.held_by_quiet_hours
    plan = plan_send(q, at(10, 0), requested=at(21, 0))  # scheduled into quiet hours
    assert plan.at == at(9, 0, day=26) and plan.held_by_quiet_hours
    plan = plan_send(q, at(22, 0), respect_quiet=False)  # test mail to myself
    assert plan.immediate


def test_settings_round_trip_and_bad_values(tmp_path: Path) -> None:
    db = open_database(tmp_path / "s.sqlite3")
    assert load_quiet_hours(db) == QuietHours()
    save_quiet_hours(db, QuietHours(time(19, 30), time(8, 0), enabled=False))
    assert load_quiet_hours(db) == QuietHours(time(19, 30), time(8, 0), enabled=False)
    db.set_setting("quiet_hours.start", "soon")
    assert load_quiet_hours(db).start == time(20, 0)
    with pytest.raises(ValueError):
        parse_hhmm("25:00")
    with pytest.raises(ValueError):
        parse_hhmm("8h")
