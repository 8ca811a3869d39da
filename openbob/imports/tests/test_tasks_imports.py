"""Large uploads on the worker: queued through the real database backend, run by `db_worker`."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult
from pytest_django import Settings

from openbob.accounts.roles import Role
from openbob.imports.jobs import run_job
from openbob.imports.models import ImportJob, ImportRun, JobStatus
from openbob.imports.tests.uploading import generated, last_job, upload, uploads_left, week_file
from openbob.sources.formats import FormatId
from openbob.testing import Personas, build_personas, sign_in


@pytest.fixture(autouse=True)
def _private_data_dir(settings: Settings, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"
    settings.OPENBOB_IMPORT_INLINE_MAX_BYTES = 1_000


def _work() -> None:
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_the_worker_imports_a_queued_upload_in_order(client: Client, tmp_path: Path) -> None:
    personas = build_personas()
    summary = generated(tmp_path / "gen", weeks=1)
    layouts = (FormatId.HEALTHSHERPA_ENROLLMENTS, FormatId.HEALTHSHERPA_ROSTER)
    sign_in(client, personas.alice)
    upload(client, personas.agency_a, *(week_file(summary, layout) for layout in layouts))
    jobs = list(ImportJob.objects.order_by("pk"))
    assert {job.status for job in jobs} == {JobStatus.QUEUED}
    assert len({job.task_id for job in jobs}) == 1, "one task keeps the batch in order"
    assert DBTaskResult.objects.get().status == "READY"

    _work()

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert {job.status for job in ImportJob.objects.all()} == {JobStatus.SUCCEEDED}
    formats = ImportRun.objects.order_by("pk").values_list("format", flat=True)
    assert list(formats) == [FormatId.HEALTHSHERPA_ROSTER, FormatId.HEALTHSHERPA_ENROLLMENTS]
    assert uploads_left() == []
    page = client.get(f"/imports/uploads/{jobs[0].pk}/").content.decode()
    assert "Imported" in page and "every 3s" not in page, "done: the page stops polling"


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_uploader_lost_the_right_fails_cleanly(client: Client, tmp_path: Path) -> None:
    personas = build_personas()
    summary = generated(tmp_path / "gen", weeks=1)
    sign_in(client, personas.alice)
    upload(client, personas.agency_a, week_file(summary, FormatId.HEALTHSHERPA_ROSTER))
    personas.alice.role = Role.READ_ONLY
    personas.alice.save()

    _work()

    job = last_job()
    assert job.status == JobStatus.FAILED and "allow imports" in job.message
    assert not ImportRun.objects.exists() and uploads_left() == []


def test_a_job_is_run_once(personas: Personas, tmp_path: Path) -> None:
    """A second worker (or a re-delivered task) finds the job taken and leaves it alone."""
    roster = week_file(generated(tmp_path / "gen", weeks=1), FormatId.HEALTHSHERPA_ROSTER)
    job = ImportJob.objects.create(
        agency=personas.agency_a,
        actor=personas.alice,
        file_name=roster.name,
        upload_path=str(roster),
        status=JobStatus.RUNNING,
    )
    assert run_job(job).status == JobStatus.RUNNING
    assert roster.exists() and not ImportRun.objects.exists()
