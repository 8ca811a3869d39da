"""Cadences name the latest period started by an instant, in Pacific wall-clock time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from openbob.lib.weeks import PACIFIC, at_pacific
from openbob.scheduling.cadences import Daily, Every, Weekly

SIX_AM = Daily(time(6, 0))
FRIDAY_NINE_PM = Weekly(weekday=4, at=time(21, 0))


@pytest.mark.parametrize(
    ("utc", "period"),
    [
        (datetime(2026, 11, 30, 13, 59, tzinfo=UTC), "2026-11-29"),  # 05:59 PST
        (datetime(2026, 11, 30, 14, 0, tzinfo=UTC), "2026-11-30"),  # 06:00 PST
        (datetime(2026, 7, 1, 12, 59, tzinfo=UTC), "2026-06-30"),  # 05:59 PDT
        (datetime(2026, 7, 1, 13, 0, tzinfo=UTC), "2026-07-01"),  # 06:00 PDT
    ],
)
def test_a_daily_job_is_due_from_its_pacific_time_in_winter_and_summer(
    utc: datetime, period: str
) -> None:
    assert SIX_AM(utc) == period


@pytest.mark.parametrize("day", [date(2026, 3, 8), date(2026, 11, 1)])
def test_a_daily_job_starts_its_period_at_six_pacific_on_a_daylight_saving_day(
    day: date,
) -> None:
    minutes = [
        datetime(2026, day.month, day.day, tzinfo=UTC) + timedelta(minutes=m)
        for m in range(48 * 60)
    ]
    first = next(instant for instant in minutes if SIX_AM(instant) == day.isoformat())
    assert first == at_pacific(day, 6)
    assert first.astimezone(PACIFIC).hour == 6


def test_the_weekly_job_follows_the_calheers_friday_cutoff() -> None:
    before = datetime(2026, 11, 28, 4, 59, tzinfo=UTC)  # Fri 27 Nov 20:59 PST
    after = datetime(2026, 11, 28, 5, 0, tzinfo=UTC)  # Fri 27 Nov 21:00 PST
    assert FRIDAY_NINE_PM(before) == "2026-11-20"
    assert FRIDAY_NINE_PM(after) == "2026-11-27"
    assert FRIDAY_NINE_PM(after + timedelta(days=6)) == "2026-11-27"


def test_an_interval_job_changes_period_once_per_interval() -> None:
    hourly = Every(timedelta(hours=1))
    base = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    assert hourly(base) == hourly(base + timedelta(minutes=59))
    assert hourly(base) != hourly(base + timedelta(minutes=60))
