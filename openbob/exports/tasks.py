"""The export tasks `bob worker` runs (Django Tasks, database backend)."""

from __future__ import annotations

from django_tasks import task

from openbob.exports import services, weekly


@task()
def run_export(job_id: int) -> None:
    """Sweep stale jobs, then write export `job_id`."""
    services.sweep_stale()
    services.run_job(job_id)


@task()
def housekeeping(period: str) -> None:
    """Periodic (hourly): fail jobs whose worker died, delete files past retention.

    Both sweeps are idempotent, so a period run twice does no harm; the scheduler's
    unique (job, period) key queues it once anyway.
    """
    services.housekeeping()


@task()
def take_weekly_book(period: str) -> None:
    """Periodic (Fridays 21:00 Pacific): take the weekly Book of Business.

    `weekly.take` is idempotent per week (a unique week row), so a late or repeated
    run takes the week once.
    """
    weekly.take()
