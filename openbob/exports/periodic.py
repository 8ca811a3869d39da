"""The exports app's periodic jobs, queued by the scheduler in `bob worker`."""

from __future__ import annotations

from datetime import time, timedelta

from openbob.exports import tasks
from openbob.lib.weeks import SNAPSHOT_HOUR, SNAPSHOT_WEEKDAY
from openbob.scheduling.cadences import Every, Weekly
from openbob.scheduling.registry import periodic

HOUSEKEEPING_INTERVAL = timedelta(hours=1)

periodic("exports.housekeeping", Every(HOUSEKEEPING_INTERVAL), tasks.housekeeping)
periodic(
    "exports.weekly_book", Weekly(SNAPSHOT_WEEKDAY, time(SNAPSHOT_HOUR, 0)), tasks.take_weekly_book
)
