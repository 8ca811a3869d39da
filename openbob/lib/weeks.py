"""Pacific time and the CalHEERS snapshot week.

CalHEERS' weekly book of business "reflects the week up to Friday 21:00
America/Los_Angeles", and agencies plan their day in Pacific time, while the database
stores UTC. Every conversion between the two lives here so that DST is handled once.

All functions take and return *aware* datetimes (returned ones are in UTC). A naive
datetime raises ValueError: guessing its zone is how off-by-an-hour bugs start.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PACIFIC = ZoneInfo("America/Los_Angeles")
SNAPSHOT_WEEKDAY = 4  # Friday
SNAPSHOT_HOUR = 21
_WEEK = timedelta(days=7)


def _require_aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("A naive datetime has no time zone; pass an aware one")


def pacific_day(at: datetime) -> date:
    """The calendar day in Pacific time at the instant `at`."""
    _require_aware(at)
    return at.astimezone(PACIFIC).date()


def at_pacific(day: date, hour: int, minute: int = 0) -> datetime:
    """The instant (aware UTC) when Pacific wall clocks show `hour:minute` on `day`.

    Twice a year the wall clock is not a one-to-one map, and daily schedules must still
    fire exactly once:

    * spring forward (e.g. 2026-03-08 02:00 -> 03:00), a time in the skipped hour is
      read with the offset in force before the change, giving the later of the two
      candidate instants: 02:30 -> 10:30 UTC, which clocks show as 03:30 PDT;
    * fall back (e.g. 2026-11-01 02:00 -> 01:00), a time in the repeated hour is its
      first occurrence: 01:30 -> 08:30 UTC (01:30 PDT), not 09:30 UTC.

    This is PEP 495's ``fold=0`` reading.
    """
    if isinstance(day, datetime):
        raise TypeError("Pass a date, not a datetime")
    local = datetime.combine(day, time(hour, minute), tzinfo=PACIFIC)
    return local.astimezone(UTC)


def _snapshot_friday(at: datetime) -> date:
    """The Pacific Friday whose 21:00 cutoff is the latest one at or before `at`."""
    day = pacific_day(at)
    friday = day - timedelta(days=(day.weekday() - SNAPSHOT_WEEKDAY) % 7)
    if at_pacific(friday, SNAPSHOT_HOUR) > at:
        friday -= _WEEK
    return friday


def snapshot_cutoff(at: datetime) -> datetime:
    """The latest Friday 21:00 Pacific at or before `at`, as aware UTC."""
    return at_pacific(_snapshot_friday(at), SNAPSHOT_HOUR)


def next_snapshot_cutoff(at: datetime) -> datetime:
    """The first Friday 21:00 Pacific strictly after `at`, as aware UTC."""
    return at_pacific(_snapshot_friday(at) + _WEEK, SNAPSHOT_HOUR)


def snapshot_week(at: datetime) -> date:
    """The Pacific date of the Friday that names the snapshot covering `at`."""
    return _snapshot_friday(at)
