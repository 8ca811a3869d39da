"""The periodic task `bob worker` runs: one Pacific day's summaries, produced and emailed."""

from __future__ import annotations

from datetime import date

from django_tasks import task

from openbob.alerts import delivery, runs


@task()
def daily_summaries(period: str) -> dict[str, int]:
    """Produce the summaries of day `period` (once), then email what is still unsent.

    Returns what this worker did: summaries stored (0 when another worker had the day)
    and emails sent.
    """
    day = date.fromisoformat(period)
    totals = runs.produce(day)
    sent = delivery.send_pending(day)
    return {"summaries": totals.summaries if totals else 0, "emails": sent}
