"""The retention app's periodic job, queued by the shared scheduler in `bob worker`.

The period is the Pacific day (`Daily` cadence), due at `SYNC_AT` so the day's cases
and dashboard figures are ready before the agency opens; the scheduler queues each day
once and `openbob.retention.sync` syncs a day once, whoever runs it.
"""

from __future__ import annotations

from datetime import time

from openbob.retention import tasks
from openbob.scheduling.cadences import Daily
from openbob.scheduling.registry import periodic

SYNC_AT = time(5, 0)
"""Pacific wall-clock time the daily sync is due."""

periodic("retention.sync", Daily(SYNC_AT), tasks.sync_retention)
