"""A large import leaves PostgreSQL's planner statistics fresh for the next one.

Without them a freshly loaded table is planned as nearly empty (see `bulk.analyze`).
`ANALYZE` of a table this small reads every row, so its row estimate equals its count;
an estimate that differs from the count was not refreshed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from openbob.book.models import Household
from openbob.imports.choices import ImportStatus
from openbob.imports.models import SnapshotEntry
from openbob.imports.pipeline import STATISTICS_AFTER_ROWS, import_file
from openbob.imports.tests.pipeline_kit import policy, write_enrollments
from openbob.sources.generate import snapshot_time
from openbob.testing import Personas

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="planner statistics of PostgreSQL"
)


def _estimated(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return float(cursor.fetchone()[0])


def _import_policies(
    personas: Personas, path: Path, count: int, as_of: date = date(2025, 3, 7)
) -> None:
    rows = [policy(n) for n in range(count)]
    result = import_file(
        actor=personas.alice,
        agency=personas.agency_a,
        path=write_enrollments(path, rows),
        as_of=snapshot_time(as_of),
    )
    assert result.status == ImportStatus.SUCCEEDED


@pytest.mark.django_db
def test_an_import_of_many_rows_refreshes_the_statistics_of_what_it_wrote(
    personas: Personas, tmp_path: Path
) -> None:
    _import_policies(personas, tmp_path / "enrollments.csv", STATISTICS_AFTER_ROWS)
    assert _estimated("book_household") == Household.objects.count() > 0


@pytest.mark.django_db
def test_a_small_import_leaves_the_statistics_to_autovacuum(
    personas: Personas, tmp_path: Path
) -> None:
    _import_policies(personas, tmp_path / "enrollments.csv", STATISTICS_AFTER_ROWS - 1)
    assert _estimated("book_household") != Household.objects.count()


@pytest.mark.django_db(transaction=True)
def test_a_later_import_refreshes_only_the_statistics_of_tables_it_grew_by_a_tenth(
    personas: Personas, tmp_path: Path
) -> None:
    """Week 2 repeats week 1's households with a few more (under a tenth): their
    estimate stays; the snapshot entries, doubled, are analyzed again. (Each import
    commits, as outside tests: what a transaction changed is counted per transaction.)"""
    _import_policies(personas, tmp_path / "week1.csv", STATISTICS_AFTER_ROWS)
    households = Household.objects.count()
    _import_policies(
        personas, tmp_path / "week2.csv", STATISTICS_AFTER_ROWS + 50, as_of=date(2025, 3, 14)
    )
    assert Household.objects.count() == households + 50
    assert _estimated("book_household") == households
    assert _estimated("imports_snapshotentry") == SnapshotEntry.objects.count()
