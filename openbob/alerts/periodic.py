"""The alerts app's periodic job, queued by the shared scheduler in `bob worker`.

The period is the Pacific day (`Daily` cadence), due at `OPENBOB_ALERTS_SUMMARY_TIME`;
the scheduler queues each day once and `openbob.alerts.runs.produce` makes producing it
happen once, whoever runs it.
"""

from __future__ import annotations

from openbob.alerts import tasks
from openbob.alerts.runs import summary_time
from openbob.scheduling.cadences import Daily
from openbob.scheduling.registry import periodic

periodic("alerts.daily_summaries", Daily(summary_time()), tasks.daily_summaries)
