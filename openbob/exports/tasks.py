"""The export task `bob worker` runs (Django Tasks, database backend)."""

from __future__ import annotations

from django_tasks import task

from openbob.exports import services


@task()
def run_export(job_id: int) -> None:
    """Sweep stale jobs and expired files, then write export `job_id`.

    The sweeps ride along with every export rather than needing a scheduler; a cron
    running `bob export prune` covers quiet periods.
    """
    services.housekeeping()
    services.run_job(job_id)
