"""The periodic jobs, declared in code by the app that owns each one.

An app declares its jobs in a module named ``periodic.py``::

    from openbob.scheduling.cadences import Daily
    from openbob.scheduling.registry import periodic

    periodic("alerts.daily_summaries", Daily(time(6, 0)), tasks.produce_daily_summaries)

The task is a Django Tasks task taking one argument, ``period`` (the cadence's key), so
the job itself can also be idempotent per period. `tick` queues every job whose current
period has not been queued yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from openbob.scheduling.cadences import Cadence
from openbob.scheduling.models import ScheduledRun


@dataclass(frozen=True)
class Job:
    name: str
    cadence: Cadence
    task: Any  # a django_tasks Task whose only parameter is `period: str`


_JOBS: dict[str, Job] = {}


def periodic(name: str, cadence: Cadence, task: Any) -> None:
    """Declare a periodic job (re-declaring the same name replaces it, for reloads)."""
    _JOBS[name] = Job(name, cadence, task)


def jobs() -> list[Job]:
    """Every declared job, after importing each installed app's ``periodic`` module."""
    autodiscover_modules("periodic")
    return sorted(_JOBS.values(), key=lambda job: job.name)


def tick(now: datetime | None = None) -> list[ScheduledRun]:
    """Queue each job whose current period is not queued yet; returns what was queued.

    The `ScheduledRun` row and the task are written in one transaction (the task queue
    is in the same database), so a crash leaves both or neither, and the unique key lets
    only one of several racing workers queue a period.
    """
    now = now or timezone.now()
    queued = []
    for job in jobs():
        period = job.cadence(now)
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, period=period)
                result = job.task.enqueue(period=period)
                run.task_id = str(result.id)
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue
        queued.append(run)
    return queued
