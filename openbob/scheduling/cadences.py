"""When a periodic job is due, expressed as the *period* it is due for.

A cadence maps an instant to the key of the latest period that has started by then
(``"2026-11-30"`` for a daily job, the Friday's date for a weekly one). The scheduler
runs a job once per key, so "due" never depends on when a worker happened to look: a
worker that was down at 06:00 catches up at 06:07, and two workers looking at once
agree on the key. Wall-clock times are Pacific, through `openbob.lib.weeks`, so daylight
saving changes are handled in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from openbob.lib.weeks import at_pacific, pacific_day

Cadence = Callable[[datetime], str]


@dataclass(frozen=True)
class Daily:
    """Once a day, from `at` Pacific time onward."""

    at: time

    def __call__(self, now: datetime) -> str:
        today = pacific_day(now)
        start = at_pacific(today, self.at.hour, self.at.minute)
        return (today if now >= start else today - timedelta(days=1)).isoformat()


@dataclass(frozen=True)
class Weekly:
    """Once a week, from `weekday` (Monday 0) at `at` Pacific time onward."""

    weekday: int
    at: time

    def __call__(self, now: datetime) -> str:
        today = pacific_day(now)
        day = today - timedelta(days=(today.weekday() - self.weekday) % 7)
        if now < at_pacific(day, self.at.hour, self.at.minute):
            day -= timedelta(days=7)
        return day.isoformat()


@dataclass(frozen=True)
class Every:
    """Once per fixed interval (housekeeping that needs no wall-clock time)."""

    interval: timedelta

    def __call__(self, now: datetime) -> str:
        seconds = int(self.interval.total_seconds())
        return str(int(now.timestamp()) // seconds * seconds)
