"""When summaries are produced, and the claim that lets only one worker produce a day.

Schedule: every day at `OPENBOB_ALERTS_SUMMARY_TIME` (wall-clock time in
America/Los_Angeles, "06:00" by default). Instants are stored in UTC and computed with
`openbob.lib.weeks.at_pacific`, so 06:00 is 14:00 UTC in winter and 13:00 UTC in
summer and a DST change day gets exactly one run.

Trigger: `openbob.alerts.periodic` declares the job to the shared scheduler
(`openbob.scheduling`), which `bob worker` ticks every minute; it queues each Pacific
day once, from the due time on (a worker down at 06:00 catches up when it starts).

Exactly once (healthchecks' `sendreports` pattern): a worker claims a day with a
compare-and-set UPDATE that succeeds only while the run is unclaimed, or its holder's
lease ran out (a worker killed mid-run); everything of the day is then written in one
transaction, and `DailySummary` is unique per recipient, day and kind besides.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from openbob.alerts.models import RunStatus, SummaryRun
from openbob.alerts.summaries import DayTotals, store_day
from openbob.lib.weeks import at_pacific


def summary_time() -> time:
    """The configured wall-clock time (Pacific) at which summaries are produced."""
    return time.fromisoformat(settings.OPENBOB_ALERTS_SUMMARY_TIME)


def due_at(day: date) -> datetime:
    """The instant (UTC) at which `day`'s summaries are due."""
    at = summary_time()
    return at_pacific(day, at.hour, at.minute)


def lease() -> timedelta:
    return timedelta(seconds=settings.OPENBOB_ALERTS_LEASE_SECONDS)


def _get_or_create(day: date) -> SummaryRun:
    try:
        with transaction.atomic():
            return SummaryRun.objects.create(day=day, due_at=due_at(day))
    except IntegrityError:
        return SummaryRun.objects.get(day=day)


def claim(day: date, worker: str, now: datetime | None = None) -> bool:
    """Take `day`'s run for `worker` unless another worker holds a live lease on it."""
    now = now or timezone.now()
    _get_or_create(day)
    free = Q(status=RunStatus.SCHEDULED) | Q(status=RunStatus.RUNNING, claimed_at__lt=now - lease())
    taken = (
        SummaryRun.objects.filter(day=day)
        .filter(free)
        .update(status=RunStatus.RUNNING, claimed_by=worker, claimed_at=now)
    )
    return taken == 1


def produce(day: date) -> DayTotals | None:
    """Produce `day`'s summaries once; None when another worker has it or it is done."""
    worker = uuid.uuid4().hex
    if not claim(day, worker):
        return None
    try:
        with transaction.atomic():
            totals = store_day(day)
            finished = SummaryRun.objects.filter(day=day, claimed_by=worker).update(
                status=RunStatus.DONE,
                finished_at=timezone.now(),
                summaries=totals.summaries,
                items=totals.items,
            )
            if finished != 1:  # our lease was taken over: let the new holder write it
                transaction.set_rollback(True)
                return None
    except BaseException:
        SummaryRun.objects.filter(day=day, claimed_by=worker).update(
            status=RunStatus.SCHEDULED, claimed_by="", claimed_at=None
        )
        raise
    return totals
