"""Job lifecycle through the real database task backend, the email through a real SMTP
server, notifications, signed links, cancel, retry, the stale sweep and retention."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openbob.audit.models import AuditEvent
from openbob.exports import rowsets, services
from openbob.exports.models import ExportJob, ExportStatus, Notification
from openbob.exports.tests.conftest import SEEDED_SSNS, run_worker, worker_test
from openbob.testing import Personas, SmtpInbox, sign_in

pytestmark = pytest.mark.django_db


def _request(client: Client, kind: str = "book_all", **data: Any) -> ExportJob:
    response = client.post(reverse("exports:new", args=[kind]), {"format": "xlsx", **data})
    assert response.status_code == 302, response.content
    return ExportJob.objects.latest("pk")


@worker_test
def test_a_requested_export_runs_in_the_worker_notifies_and_emails(
    book: Personas, client: Client, smtp: SmtpInbox
) -> None:
    sign_in(client, book.alice)
    job = _request(client)
    assert job.status == ExportStatus.QUEUED and job.task_id  # returned at once

    run_worker()

    job.refresh_from_db()
    assert job.status == ExportStatus.SUCCEEDED, job.error
    assert job.rows == 5 and job.size and Path(job.file_path).is_file()
    assert Notification.objects.filter(user=book.alice, kind="export.ready").count() == 1
    assert "badge" in client.get(reverse("portal:home")).content.decode()
    (message,) = smtp.messages
    assert message.rcpt_tos == ["alice@a.test"]
    body = message.content.decode()
    assert "/exports/download/" in body
    for secret in (*SEEDED_SSNS, "Ana Alvarez", "Alvarez", book.household_a.case_number):
        assert secret not in body
    link = next(word for word in body.split() if "/exports/download/" in word)
    download = client.get(link.removeprefix("http://127.0.0.1:8000").strip())
    assert download.status_code == 200
    assert download["Cache-Control"] == "no-store"
    assert download["Content-Disposition"].startswith('attachment; filename="openbob-book_all-')


@worker_test
def test_links_expire_and_belong_to_their_user(book: Personas, client: Client) -> None:
    sign_in(client, book.alice)
    job = _request(client)
    run_worker()
    job.refresh_from_db()
    path = services.download_path(job)

    assert client.get(path).status_code == 200
    assert client.get(path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]).status_code == 404
    assert Client().get(path).status_code == 302  # signed in only
    assert sign_in(Client(), book.sam).get(path).status_code == 404
    with time_machine.travel(timezone.now() + timedelta(seconds=3601)):
        expired = sign_in(client, book.alice).get(path)  # the old session idled out
    assert expired.status_code == 410 and expired["Cache-Control"] == "no-store"
    fresh = client.post(reverse("exports:link", args=[job.pk]))
    assert client.get(fresh["Location"]).status_code == 200


@worker_test
def test_retention_deletes_files_and_expires_jobs(book: Personas, client: Client) -> None:
    sign_in(client, book.alice)
    job = _request(client)
    run_worker()
    job.refresh_from_db()
    path = services.download_path(job)

    call_command("export", "prune")
    assert ExportJob.objects.get(pk=job.pk).status == ExportStatus.SUCCEEDED
    services.prune(timezone.now() + timedelta(hours=25))

    job.refresh_from_db()
    assert job.status == ExportStatus.EXPIRED and not job.file_path
    assert not list(Path(services.export_dir()).glob("*.xlsx"))
    assert client.get(path).status_code == 410


@worker_test
def test_a_worker_killed_mid_export_leaves_no_file_and_the_job_is_failed_by_the_sweep(
    book: Personas, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(client, book.alice)
    job = _request(client)

    real_rows = rowsets.rows

    def dying(request: rowsets.Request) -> Iterator[rowsets.Row]:
        yield from list(real_rows(request))[:2]
        raise KeyboardInterrupt  # stands in for SIGKILL: nothing after this runs

    monkeypatch.setattr(rowsets, "rows", dying)
    with pytest.raises(KeyboardInterrupt):
        services.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.PROCESSING and not job.file_path
    assert list(Path(services.export_dir()).iterdir()) == []  # the temp file is gone

    assert services.sweep_stale(timezone.now() + timedelta(minutes=16)) == 1
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and "worker stopped" in job.error
    history = client.get(reverse("exports:history")).content.decode()
    assert "worker stopped" in history and "Retry" in history

    monkeypatch.undo()
    client.post(reverse("exports:retry", args=[job.pk]))
    retried = ExportJob.objects.latest("pk")
    assert retried.pk != job.pk and retried.status == ExportStatus.QUEUED
    run_worker()
    assert ExportJob.objects.get(pk=retried.pk).status == ExportStatus.SUCCEEDED


@worker_test
def test_an_unexpected_error_fails_the_job_with_a_reason_and_notifies(
    book: Personas, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(client, book.alice)
    job = _request(client)
    monkeypatch.setattr(rowsets, "rows", lambda request: iter([("too", "short")]))
    run_worker()
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and "ValueError" in job.error
    assert Notification.objects.get(user=book.alice).kind == "export.failed"


@worker_test
def test_a_queued_export_can_be_cancelled_and_then_never_runs(
    book: Personas, client: Client
) -> None:
    sign_in(client, book.alice)
    job = _request(client)
    assert (
        sign_in(Client(), book.sam).post(reverse("exports:cancel", args=[job.pk])).status_code
        == 404
    )
    client.post(reverse("exports:cancel", args=[job.pk]))
    run_worker()
    job.refresh_from_db()
    assert job.status == ExportStatus.CANCELLED and not job.file_path


def test_the_request_is_audited(book: Personas, client: Client) -> None:
    sign_in(client, book.alice)
    job = _request(client, "enrollments", exchange="all")
    event = AuditEvent.objects.get(action="export.request")
    assert event.subject_id == str(job.pk) and event.detail["parameters"]["exchange"] == "all"


@pytest.mark.parametrize(
    ("given", "expected"), [("column batches", [5]), ("rows one by one", [2, 4])]
)
def test_the_progress_bar_and_heartbeat_move_as_rows_are_written(
    book: Personas, client: Client, monkeypatch: pytest.MonkeyPatch, given: str, expected: list[int]
) -> None:
    """Live exports hand the writer batches of columns, other kinds rows one by one; both
    tell `bob export`'s progress bar and the job's heartbeat every HEARTBEAT_ROWS rows."""
    monkeypatch.setattr(services, "HEARTBEAT_ROWS", 2)
    if given == "rows one by one":
        real_rows = rowsets.rows
        monkeypatch.setattr(rowsets, "rows", lambda request: iter(list(real_rows(request))))
    sign_in(client, book.alice)
    job = _request(client)
    seen: list[int] = []

    services.run_job(job.pk, progress=seen.append, notify=False)

    job.refresh_from_db()
    assert job.status == ExportStatus.SUCCEEDED and job.rows == 5
    assert seen == expected
    assert job.started_at is not None and job.heartbeat_at is not None
    assert job.heartbeat_at > job.started_at  # the claim set both; a beat moved it on
