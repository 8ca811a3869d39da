"""Where an upload is imported: in the request when small, on `bob worker` when large.

Files of one upload are imported in the order `ordering.import_order` gave them
(rosters before books, books before flag files), so a large batch is one task that
runs its jobs in that order rather than one task per file that workers might reorder.
"""

from __future__ import annotations

from collections.abc import Sequence

from django_tasks import task

from openbob.imports.jobs import run_job
from openbob.imports.models import ImportJob
from openbob.imports.uploads import inline_limit


@task()
def import_uploads(job_ids: list[int]) -> list[str]:
    """Import queued uploads, in the order given; returns each job's final status."""
    jobs = ImportJob.objects.select_related("agency", "actor", "profile").in_bulk(job_ids)
    return [run_job(jobs[pk]).status for pk in job_ids if pk in jobs]


def dispatch(batch: Sequence[ImportJob]) -> None:
    """Run the batch now if it is small, else queue it for the worker."""
    if sum(job.size for job in batch) <= inline_limit():
        for job in batch:
            run_job(job)
        return
    queued = import_uploads.enqueue([job.pk for job in batch])
    ImportJob.objects.filter(pk__in=[job.pk for job in batch]).update(task_id=str(queued.id))
    for job in batch:
        job.task_id = str(queued.id)
