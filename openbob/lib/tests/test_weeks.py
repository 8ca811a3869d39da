from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openbob.lib.weeks import (
    PACIFIC,
    at_pacific,
    next_snapshot_cutoff,
    pacific_day,
    snapshot_cutoff,
    snapshot_week,
)

# 2026 DST changes in Los Angeles:
# 2026-03-08 02:00 PST -> 03:00 PDT, and 2026-11-01 02:00 PDT -> 01:00 PST.
FRI_BEFORE_SPRING = datetime(2026, 3, 7, 5, 0, tzinfo=UTC)  # Fri 2026-03-06 21:00 PST
FRI_AFTER_SPRING = datetime(2026, 3, 14, 4, 0, tzinfo=UTC)  # Fri 2026-03-13 21:00 PDT
FRI_BEFORE_FALL = datetime(2026, 10, 31, 4, 0, tzinfo=UTC)  # Fri 2026-10-30 21:00 PDT
FRI_AFTER_FALL = datetime(2026, 11, 7, 5, 0, tzinfo=UTC)  # Fri 2026-11-06 21:00 PST

aware_instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    "function", [snapshot_cutoff, next_snapshot_cutoff, snapshot_week, pacific_day]
)
def test_it_refuses_naive_datetimes(function: Callable[[datetime], object]) -> None:
    with pytest.raises(ValueError, match="naive"):
        function(datetime(2026, 3, 8, 12, 0))


@pytest.mark.parametrize(
    ("at", "cutoff", "following"),
    [
        (utc(2026, 3, 8, 19, 0), FRI_BEFORE_SPRING, FRI_AFTER_SPRING),  # Sunday of the change
        (utc(2026, 3, 8, 9, 59), FRI_BEFORE_SPRING, FRI_AFTER_SPRING),  # 01:59 PST, just before
        (utc(2026, 11, 1, 20, 0), FRI_BEFORE_FALL, FRI_AFTER_FALL),  # Sunday of the change
        (utc(2026, 11, 1, 9, 30), FRI_BEFORE_FALL, FRI_AFTER_FALL),  # the repeated 01:30
    ],
)
def test_it_finds_the_snapshot_cutoffs_around_both_2026_dst_changes(
    at: datetime, cutoff: datetime, following: datetime
) -> None:
    assert snapshot_cutoff(at) == cutoff
    assert next_snapshot_cutoff(at) == following
    assert snapshot_cutoff(at).tzinfo is UTC


def test_the_spring_snapshot_week_is_an_hour_short_and_the_fall_one_an_hour_long() -> None:
    spring_week, fall_week = FRI_AFTER_SPRING - FRI_BEFORE_SPRING, FRI_AFTER_FALL - FRI_BEFORE_FALL
    assert spring_week == timedelta(days=7, hours=-1)
    assert fall_week == timedelta(days=7, hours=1)


def test_the_cutoff_instant_itself_belongs_to_the_new_snapshot() -> None:
    assert snapshot_cutoff(FRI_BEFORE_SPRING) == FRI_BEFORE_SPRING
    assert snapshot_week(FRI_BEFORE_SPRING) == date(2026, 3, 6)
    just_before = FRI_BEFORE_SPRING - timedelta(microseconds=1)
    assert snapshot_week(just_before) == date(2026, 2, 27)
    assert next_snapshot_cutoff(just_before) == FRI_BEFORE_SPRING


def test_it_reads_any_time_zone_the_same_way() -> None:
    eastern_saturday = datetime.fromisoformat("2026-03-07T00:30:00-05:00")  # Fri 21:30 PST
    assert snapshot_week(eastern_saturday) == date(2026, 3, 6)


@given(aware_instants)
def test_every_instant_lies_between_two_friday_cutoffs(at: datetime) -> None:
    cutoff, following = snapshot_cutoff(at), next_snapshot_cutoff(at)
    assert cutoff <= at < following
    assert following - cutoff in {timedelta(days=7, hours=h) for h in (-1, 0, 1)}
    local = cutoff.astimezone(PACIFIC)
    assert (local.weekday(), local.hour, local.minute) == (4, 21, 0)
    assert snapshot_week(at) == local.date()


def test_it_gives_the_pacific_calendar_day() -> None:
    assert pacific_day(utc(2026, 3, 7, 7, 59)) == date(2026, 3, 6)
    assert pacific_day(utc(2026, 3, 7, 8, 0)) == date(2026, 3, 7)
    assert pacific_day(utc(2026, 7, 1, 6, 59)) == date(2026, 6, 30)


@pytest.mark.parametrize(
    ("day", "hour", "minute", "expected"),
    [
        (date(2026, 1, 15), 9, 0, utc(2026, 1, 15, 17, 0)),
        (date(2026, 7, 15), 9, 0, utc(2026, 7, 15, 16, 0)),
        (date(2026, 3, 8), 1, 59, utc(2026, 3, 8, 9, 59)),
        (date(2026, 3, 8), 2, 30, utc(2026, 3, 8, 10, 30)),  # skipped: the later instant
        (date(2026, 3, 8), 3, 0, utc(2026, 3, 8, 10, 0)),
        (date(2026, 11, 1), 0, 59, utc(2026, 11, 1, 7, 59)),
        (date(2026, 11, 1), 1, 30, utc(2026, 11, 1, 8, 30)),  # repeated: the first occurrence
        (date(2026, 11, 1), 2, 0, utc(2026, 11, 1, 10, 0)),
    ],
)
def test_it_places_pacific_wall_times_across_both_2026_dst_changes(
    day: date, hour: int, minute: int, expected: datetime
) -> None:
    assert at_pacific(day, hour, minute) == expected
    assert at_pacific(day, hour, minute).tzinfo is UTC


@given(st.dates(date(2020, 1, 1), date(2035, 12, 31)), st.integers(0, 23), st.integers(0, 59))
def test_a_daily_schedule_fires_once_a_day_on_that_pacific_day(
    day: date, hour: int, minute: int
) -> None:
    instant = at_pacific(day, hour, minute)
    assert pacific_day(instant) == day
    local = instant.astimezone(PACIFIC)
    assert local.fold == 0
    if (local.hour, local.minute) != (hour, minute):  # only inside the skipped hour
        assert (local.hour, local.minute) == (hour + 1, minute)


def test_at_pacific_wants_a_date_and_a_real_time() -> None:
    with pytest.raises(TypeError):
        at_pacific(datetime(2026, 3, 8, tzinfo=UTC), 9)
    with pytest.raises(ValueError):
        at_pacific(date(2026, 3, 8), 24)
