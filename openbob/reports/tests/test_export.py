"""A report export runs through the export pipeline: worker, Exports History, signed
link, masking, the "Prevent exports" switch, retry, notification, email, the exports API,
and the requester's own scope."""

from __future__ import annotations

import csv
from email import message_from_bytes
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from openbob.agencies.models import Agency
from openbob.api.tests.conftest import ApiCaller
from openbob.exports.access import BLOCKED
from openbob.exports.models import ExportJob, ExportStatus, Notification
from openbob.exports.services import download_path
from openbob.reports import exporting
from openbob.reports.definition import parse
from openbob.reports.models import Report
from openbob.reports.services import Target, delete, save_new
from openbob.testing import Personas, SmtpInbox, sign_in

worker_test = pytest.mark.django_db(transaction=True)
COLUMNS = ["consumer_name", "year_of_application", "household_income", "net_premium"]


def _report(personas: Personas, name: str = "2025 only") -> Report:
    definition = parse(
        {
            "type": "consumers",
            "columns": COLUMNS,
            "filters": [{"field": "year_of_application", "op": "equals", "value": 2025}],
            "sort": [{"field": "consumer_name"}],
        }
    )
    return save_new(user=personas.carol, definition=definition, name=name, target=Target())


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")


@worker_test
def test_the_worker_writes_the_requesters_rows_masked_with_a_legend(book: Personas) -> None:
    job = exporting.request_export(user=book.carol, report=_report(book), fmt="csv")
    _run_worker()
    job.refresh_from_db()
    assert job.status == ExportStatus.SUCCEEDED, job.error
    with Path(job.file_path).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["Consumer Name", "Year of Application", "Household Income", "Net Premium"],
        ["Ana Alvarez", "2025", "*****", "112.40"],
        ["Mia Medina", "2025", "*****", ""],
    ]
    client = sign_in(Client(), book.carol)
    history = client.get(reverse("exports:history")).content.decode()
    assert f">{job.pk}<" in history or str(job.pk) in history
    download = client.get(download_path(job))
    assert download.status_code == 200
    assert sign_in(Client(), book.alice).get(download_path(job)).status_code == 404


@worker_test
def test_an_xlsx_export_carries_the_catalogue_legend(book: Personas) -> None:
    from python_calamine import CalamineWorkbook

    job = exporting.request_export(user=book.carol, report=_report(book), fmt="xlsx")
    _run_worker()
    job.refresh_from_db()
    workbook = CalamineWorkbook.from_path(job.file_path)
    assert workbook.sheet_names == ["2025 only", "Legend"]
    legend = workbook.get_sheet_by_name("Legend").to_python()
    income = next(row for row in legend if row[0] == "Household Income")
    assert "Always masked as *****." in str(income[1])


@worker_test
def test_a_report_deleted_before_the_worker_runs_fails_the_job_clearly(book: Personas) -> None:
    report = _report(book)
    job = exporting.request_export(user=book.carol, report=report, fmt="csv")
    delete(user=book.carol, report=report)
    _run_worker()
    job.refresh_from_db()
    assert (job.status, job.error) == (ExportStatus.FAILED, exporting.GONE)
    assert not ExportJob.objects.filter(status=ExportStatus.SUCCEEDED).exists()
    retried = sign_in(Client(), book.carol).post(
        reverse("exports:retry", args=[job.pk]), follow=True
    )
    assert exporting.GONE in retried.content.decode()
    assert ExportJob.objects.count() == 1


@worker_test
def test_a_ready_report_export_is_announced_by_name_in_the_portal_and_by_id_by_email(
    book: Personas, smtp: SmtpInbox
) -> None:
    report = _report(book, name="Call Ana Alvarez back")
    job = exporting.request_export(user=book.carol, report=report, fmt="xlsx")
    _run_worker()
    job.refresh_from_db()
    assert job.status == ExportStatus.SUCCEEDED, job.error
    notice = Notification.objects.get(user=book.carol, kind="export.ready")
    assert notice.text == "Your export “Call Ana Alvarez back” is ready (2 rows)."
    (message,) = smtp.messages
    assert message.rcpt_tos == ["carol@a.test"]
    mail = message_from_bytes(message.content)
    assert mail["Subject"] == f"Your OpenBoB export is ready: My Reports report {report.pk}"
    body = message.content.decode()
    assert f"My Reports report {report.pk}" in body and "/exports/download/" in body
    for secret in ("Ana Alvarez", "Mia Medina", "Alvarez", "Call"):
        assert secret not in body
    history = sign_in(Client(), book.carol).get(reverse("exports:history")).content.decode()
    assert "Call Ana Alvarez back (Excel (.xlsx))" in history


@worker_test
def test_the_exports_api_lists_a_report_export_for_its_owner_only(
    book: Personas, client: Client
) -> None:
    api = ApiCaller(client)
    job = exporting.request_export(user=book.carol, report=_report(book), fmt="csv")
    _run_worker()
    listed = api.get_json("/api/exports", as_user=book.carol)["items"]
    assert [(item["id"], item["type"], item["title"]) for item in listed] == [
        (job.pk, "report", "2025 only")
    ]
    detail = api.get_json(f"/api/exports/{job.pk}", as_user=book.carol)
    assert detail["status"] == "succeeded" and detail["download_url"].startswith("/exports/")
    assert [c["header"] for c in detail["columns"]] == [
        "Consumer Name",
        "Year of Application",
        "Household Income",
        "Net Premium",
    ]
    assert api.call("GET", f"/api/exports/{job.pk}", as_user=book.alice).status_code == 404
    assert api.get_json("/api/exports", as_user=book.alice)["items"] == []


@worker_test
def test_prevent_exports_fails_a_queued_report_export_and_retry_runs_it_again(
    book: Personas,
) -> None:
    job = exporting.request_export(user=book.carol, report=_report(book), fmt="csv")
    Agency.objects.filter(pk=book.agency_a.pk).update(allow_agent_exports=False)
    _run_worker()
    job.refresh_from_db()
    assert (job.status, job.error) == (ExportStatus.FAILED, BLOCKED)

    Agency.objects.filter(pk=book.agency_a.pk).update(allow_agent_exports=True)
    client = sign_in(Client(), book.carol)
    client.post(reverse("exports:retry", args=[job.pk]))
    again = ExportJob.objects.exclude(pk=job.pk).get()
    assert (again.kind, again.parameters) == ("report", job.parameters)
    _run_worker()
    again.refresh_from_db()
    assert (again.status, again.rows) == (ExportStatus.SUCCEEDED, 2), again.error
