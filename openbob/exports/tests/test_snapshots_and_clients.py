"""The weekly Book of Business (default) against "current data", the Clients and Client
follow-ups exports, the periodic jobs, and arbitrary text through the real export."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openbob.accounts.models import User
from openbob.book.models import Household, Member
from openbob.exports import services, weekly
from openbob.exports.models import ExportJob, ExportStatus, WeeklyBook, WeeklyBookRow
from openbob.lib.csvsafe import DANGEROUS_FIRST_CHARACTERS, escape_cell
from openbob.scheduling.models import ScheduledRun
from openbob.scheduling.registry import tick
from openbob.testing import Personas

pytestmark = pytest.mark.django_db

FRIDAY_NIGHT = datetime(2026, 3, 7, 5, 30, tzinfo=UTC)  # Fri Mar 6 21:30 PST


def _export(user: User, kind: str, fmt: str = "xlsx", **options: Any) -> ExportJob:
    job = services.request_export(user=user, kind=kind, fmt=fmt, options=options, enqueue=False)
    job = services.run_job(job.pk, notify=False)
    assert job.status == ExportStatus.SUCCEEDED, job.error
    return job


def _sheet(job: ExportJob) -> tuple[list[list[Any]], dict[str, str]]:
    workbook = openpyxl.load_workbook(job.file_path, read_only=True)
    rows = [list(row) for row in workbook.worksheets[0].iter_rows(min_row=2, values_only=True)]
    legend = dict(workbook["Legend"].iter_rows(min_row=2, values_only=True))
    return rows, legend


def _first_names(rows: list[list[Any]]) -> list[str]:
    header, *data = rows
    at = header.index("First Name")
    return sorted(row[at] for row in data)


def test_the_book_reflects_the_weekly_snapshot_unless_current_data_is_asked_for(
    book: Personas,
) -> None:
    weekly.take(FRIDAY_NIGHT)
    Member.objects.filter(first_name="Luis").update(first_name="Renamed")

    rows, legend = _sheet(weekly_job := _export(book.alice, "book_all"))
    assert "Luis" in _first_names(rows) and "Renamed" not in _first_names(rows)
    assert legend["Snapshot"].startswith("weekly snapshot as of Fri Mar 06 2026 21:00 PST")
    assert weekly_job.parameters["snapshot"] == "2026-03-06"
    assert "-week-2026-03-06-" in services.download_name(weekly_job)

    rows, legend = _sheet(_export(book.alice, "book_all", current=True))
    assert "Renamed" in _first_names(rows) and "Luis" not in _first_names(rows)
    assert legend["Snapshot"].startswith("current data")


def test_before_the_first_weekly_snapshot_the_book_says_it_holds_current_data(
    book: Personas,
) -> None:
    job = _export(book.alice, "book_all")
    assert job.parameters["snapshot"] == "current"
    assert _sheet(job)[1]["Snapshot"].startswith("current data")


def test_the_weekly_book_is_scoped_again_when_read(book: Personas) -> None:
    weekly.take(FRIDAY_NIGHT)
    everyone = WeeklyBookRow.objects.count()
    carols = set(Household.objects.filter(agent=book.carol).values_list("case_number", flat=True))

    rows, _ = _sheet(_export(book.carol, "book_agent", agent_id=book.carol.pk))
    header, *data = rows
    assert {row[header.index("Case Number")] for row in data} == carols
    assert len(data) < everyone
    rows, _ = _sheet(_export(book.mallory, "book_all"))
    assert book.household_a.case_number not in {row[rows[0].index("Case Number")] for row in rows}


def test_a_week_is_taken_once_and_a_half_taken_week_is_taken_again(book: Personas) -> None:
    first = weekly.take(FRIDAY_NIGHT)
    again = weekly.take(FRIDAY_NIGHT + timedelta(days=3))
    assert again.pk == first.pk and again.rows == first.rows == WeeklyBookRow.objects.count()

    WeeklyBook.objects.filter(pk=first.pk).update(complete=False)  # a take that died
    assert weekly.latest(FRIDAY_NIGHT) is None
    retaken = weekly.take(FRIDAY_NIGHT)
    assert retaken.complete and WeeklyBookRow.objects.count() == first.rows


def test_unmasked_book_exports_always_read_current_data(book: Personas) -> None:
    weekly.take(FRIDAY_NIGHT)
    job = services.request_export(
        user=book.alice,
        kind="book_all",
        fmt="csv",
        options={},
        masked=False,
        purpose="Carrier reconciliation",
        enqueue=False,
    )
    assert job.parameters["current"] is True


def test_the_periodic_jobs_are_queued_once_per_period(db: None) -> None:
    queued = {run.job: run.period for run in tick(FRIDAY_NIGHT)}
    assert queued["exports.weekly_book"] == "2026-03-06"
    assert "exports.housekeeping" in queued
    assert not [run for run in tick(FRIDAY_NIGHT) if run.job.startswith("exports.")]
    later = {run.job for run in tick(FRIDAY_NIGHT + timedelta(hours=1))}
    assert "exports.housekeeping" in later and "exports.weekly_book" not in later
    assert ScheduledRun.objects.filter(job="exports.weekly_book").count() == 1


def test_clients_leave_out_unsubmitted_ones_unless_asked(book: Personas, tmp_path: Path) -> None:
    def cases(**options: Any) -> set[str]:
        job = _export(book.carol, "clients", "csv", **options)
        with Path(job.file_path).open(encoding="utf-8", newline="") as stream:
            return {row["Case Number"] for row in csv.DictReader(stream)}

    submitted = cases()
    assert submitted == {book.household_a.case_number}  # the only one with an enrollment
    everything = cases(include_unsubmitted=True)
    assert everything > submitted
    assert everything == set(
        Household.objects.filter(agent=book.carol).values_list("case_number", flat=True)
    )


def test_client_follow_ups_list_every_open_follow_up_with_contacts(book: Personas) -> None:
    job = _export(book.alice, "client_followups", "csv")
    with Path(job.file_path).open(encoding="utf-8", newline="") as stream:
        (row,) = list(csv.DictReader(stream))
    assert row["Follow-up"] == "Data matching issue (DMI)" and row["Issue Type"] == "Income"
    assert row["Case Number"] == book.household_a.case_number


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.text(min_size=1, max_size=40))
def test_arbitrary_names_round_trip_through_the_real_export_and_never_start_a_formula(
    book: Personas, name: str
) -> None:
    Member.objects.filter(household=book.household_a, is_primary=True).update(first_name=name)
    job = _export(book.alice, "book_all", "csv", current=True)
    with Path(job.file_path).open(encoding="utf-8", newline="") as stream:
        names = [row["First Name"] for row in csv.DictReader(stream)]
    assert not [cell for cell in names if cell[:1] in DANGEROUS_FIRST_CHARACTERS]
    assert escape_cell(name) in names
