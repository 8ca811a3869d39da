"""The daily sync is a periodic job: `bob worker`'s scheduler queues it once per Pacific
day at `SYNC_AT`, and the task syncs its day once however often it runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from openbob.lib.weeks import at_pacific
from openbob.retention.models import RetentionCase
from openbob.retention.periodic import SYNC_AT
from openbob.retention.tasks import sync_retention
from openbob.retention.tests.conftest import IN_SEASON, make_renewing
from openbob.scheduling.models import ScheduledRun
from openbob.scheduling.registry import tick
from openbob.testing import Personas

pytestmark = pytest.mark.django_db
JOB = "retention.sync"
DUE = at_pacific(IN_SEASON, SYNC_AT.hour, SYNC_AT.minute)


def _retention_periods(runs: list[ScheduledRun]) -> list[str]:
    return [run.period for run in runs if run.job == JOB]


def test_a_tick_at_the_sync_time_queues_that_days_sync_once() -> None:
    assert _retention_periods(tick(DUE - timedelta(minutes=1))) == ["2026-10-04"]
    queued = _retention_periods(tick(DUE))
    assert queued == [IN_SEASON.isoformat()]
    assert _retention_periods(tick(DUE + timedelta(hours=18))) == []
    run = ScheduledRun.objects.get(job=JOB, period=IN_SEASON.isoformat())
    task = DBTaskResult.objects.get(id=run.task_id)
    assert task.task_path == sync_retention.module_path
    assert task.args_kwargs["kwargs"] == {"period": IN_SEASON.isoformat()}


def test_the_task_syncs_its_day_once_however_often_it_runs(personas: Personas) -> None:
    make_renewing(personas.household_a)
    first = sync_retention.call(period=IN_SEASON.isoformat())
    again = sync_retention.call(period=IN_SEASON.isoformat())
    assert (first["created"], first["already_done"]) == (1, False)
    assert (again["created"], again["already_done"]) == (0, True)
    assert RetentionCase.objects.count() == 1
