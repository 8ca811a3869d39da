"""`tick` queues each periodic job once per period, even when workers race."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from openbob.scheduling import registry, ticker
from openbob.scheduling.cadences import Daily
from openbob.scheduling.models import ScheduledRun
from openbob.scheduling.tests.jobs import note_period
from openbob.testing import needs_concurrent_writers

MORNING = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)  # 07:00 PST


@pytest.fixture
def job() -> Iterator[str]:
    name = "tests.note_period"
    registry.periodic(name, Daily(time(6, 0)), note_period)
    yield name
    registry._JOBS.pop(name)


def _ours(runs: list[ScheduledRun], job: str) -> list[ScheduledRun]:
    """The runs of the test job (the installed apps' own jobs are queued beside it)."""
    return [run for run in runs if run.job == job]


@pytest.mark.django_db
def test_a_due_job_is_queued_with_its_period(job: str) -> None:
    queued = _ours(registry.tick(MORNING), job)
    assert [(run.job, run.period) for run in queued] == [(job, "2026-11-30")]
    result = DBTaskResult.objects.get(id=queued[0].task_id)
    assert result.args_kwargs["kwargs"] == {"period": "2026-11-30"}


@pytest.mark.django_db
def test_a_second_tick_in_the_same_period_queues_nothing(job: str) -> None:
    registry.tick(MORNING)
    assert _ours(registry.tick(MORNING.replace(hour=23)), job) == []
    assert ScheduledRun.objects.filter(job=job).count() == 1
    assert DBTaskResult.objects.filter(task_path=note_period.module_path).count() == 1


@pytest.mark.django_db
def test_the_next_period_is_queued_the_next_morning(job: str) -> None:
    registry.tick(MORNING)
    queued = _ours(registry.tick(MORNING + timedelta(days=1)), job)
    assert [run.period for run in queued] == ["2026-12-01"]


@pytest.mark.django_db(transaction=True)
def test_the_worker_thread_queues_due_jobs_on_its_own(job: str) -> None:
    needs_concurrent_writers()
    stop = threading.Event()
    thread = ticker.start(stop, interval=0.05)
    try:
        for _ in range(200):
            if ScheduledRun.objects.filter(job=job).exists():
                break
            stop.wait(0.05)
    finally:
        stop.set()
        thread.join(timeout=5)
    assert ScheduledRun.objects.filter(job=job).count() == 1
    assert not thread.is_alive()


@pytest.mark.django_db(transaction=True)
def test_racing_workers_queue_a_period_exactly_once(job: str) -> None:
    needs_concurrent_writers()
    start = threading.Barrier(4)
    counts: list[int] = []

    def worker() -> None:
        start.wait()
        try:
            counts.append(len(_ours(registry.tick(MORNING), job)))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) == [0, 0, 0, 1]
    task_ids = list(ScheduledRun.objects.filter(job=job).values_list("task_id", flat=True))
    assert DBTaskResult.objects.filter(id__in=task_ids).count() == 1
