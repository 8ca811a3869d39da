"""One transaction per file: every row or none, and every problem reported at once.

A file with bad rows writes nothing and lists each problem with file, row, column and
reason. With `allow_partial` the valid rows are imported and the rejected lines are
returned, and a household whose row was refused is not mistaken for one that left.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from openbob.book.models import Household
from openbob.imports.choices import ImportStatus
from openbob.imports.models import ChangeEvent
from openbob.imports.pipeline import ImportResult, import_file
from openbob.imports.tests.pipeline_kit import db_fingerprint, policy, write_enrollments
from openbob.sources.errors import MissingColumnsError
from openbob.sources.generate import snapshot_time
from openbob.testing import Personas

FRIDAY = date(2025, 3, 7)


def _rows() -> list[dict[str, object]]:
    """Six policies; the 3rd (line 4) and 5th (line 6) have bad values."""
    rows = [policy(n) for n in range(6)]
    rows[2]["dob"] = "31/31/2020"
    rows[4] |= {"phone": "555-12", "gross_premium": "abc", "plan_name": "P" * 201}
    return rows


def _import(
    personas: Personas, path: Path, *, partial: bool = False, week: int = 0
) -> ImportResult:
    return import_file(
        actor=personas.alice,
        agency=personas.agency_a,
        path=path,
        as_of=snapshot_time(FRIDAY + timedelta(weeks=week)),
        allow_partial=partial,
    )


@pytest.mark.django_db
def test_a_file_with_bad_rows_writes_nothing_and_lists_every_error(
    personas: Personas, tmp_path: Path
) -> None:
    path = write_enrollments(tmp_path / "enrollments.csv", _rows())
    before = db_fingerprint()
    result = _import(personas, path)
    assert (result.status, result.run) == (ImportStatus.REJECTED, None)
    assert sorted((e.file, e.row, e.column) for e in result.errors) == [
        ("enrollments.csv", 4, "dob"),
        ("enrollments.csv", 6, "gross_premium"),
        ("enrollments.csv", 6, "phone"),
        ("enrollments.csv", 6, "plan_name"),
    ]
    assert all(e.reason for e in result.errors)
    assert "nothing was imported" in result.message
    assert db_fingerprint() == before


@pytest.mark.django_db
def test_a_value_too_long_for_its_column_is_a_row_error_not_a_database_error(
    personas: Personas, tmp_path: Path
) -> None:
    rows = [policy(n) for n in range(3)]
    rows[1] |= {"plan_name": "P" * 201, "ffm_app_id": "9" * 41}
    before = db_fingerprint()
    result = _import(personas, write_enrollments(tmp_path / "long.csv", rows))
    assert result.status == ImportStatus.REJECTED
    assert {(e.row, e.column, e.reason) for e in result.errors} == {
        (3, "ffm_app_id", "longer than 40 characters"),
        (3, "plan_name", "longer than 200 characters"),
    }
    assert db_fingerprint() == before


@pytest.mark.django_db
def test_allow_partial_imports_the_valid_rows_and_reports_the_rejected_lines(
    personas: Personas, tmp_path: Path
) -> None:
    path = write_enrollments(tmp_path / "enrollments.csv", _rows())
    result = _import(personas, path, partial=True)
    assert result.status == ImportStatus.SUCCEEDED
    assert sorted(set(result.rejected_lines)) == [4, 6]
    assert len(result.errors) == 4
    assert result.run is not None and result.run.rejected_rows == 2
    assert Household.objects.exclude(ffm_app_id=None).count() == 4


@pytest.mark.django_db
def test_a_household_whose_row_was_refused_is_not_reported_lost(
    personas: Personas, tmp_path: Path
) -> None:
    good = write_enrollments(tmp_path / "good.csv", [policy(n) for n in range(3)])
    rows = [policy(n) for n in range(3)]
    rows[1]["dob"] = "not a date"
    bad = write_enrollments(tmp_path / "bad.csv", rows)
    _import(personas, good)
    assert _import(personas, bad, partial=True, week=1).rejected_lines == [3]
    _import(personas, good, week=2)
    assert not ChangeEvent.objects.exists()


@pytest.mark.django_db
def test_a_file_refused_whole_says_why_and_on_which_row(personas: Personas, tmp_path: Path) -> None:
    path = tmp_path / "enrollments.csv"
    path.write_text("Report of 2025-03-07\nffm_app_id,healthsherpa_id,policy_status,agent_npn\n")
    before = db_fingerprint()
    result = _import(personas, path)
    assert result.status == ImportStatus.REJECTED
    assert isinstance(result.refusal, MissingColumnsError)
    assert (result.refusal.row, result.refusal.columns) == (2, ("first_name", "last_name"))
    assert db_fingerprint() == before
