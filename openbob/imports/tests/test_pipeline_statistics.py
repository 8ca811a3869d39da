"""A large import leaves PostgreSQL's planner statistics fresh for the next one.

Without them a freshly loaded table is planned as nearly empty (see `bulk.analyze`).
`ANALYZE` of a table this small reads every row, so its row estimate equals its count.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from openbob.book.models import Household
from openbob.imports.choices import ImportStatus
from openbob.imports.pipeline import STATISTICS_AFTER_ROWS, import_file
from openbob.imports.tests.pipeline_kit import policy, write_enrollments
from openbob.sources.generate import snapshot_time
from openbob.testing import Personas

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="planner statistics of PostgreSQL"
)


def _estimated_households() -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'book_household'")
        return float(cursor.fetchone()[0])


def _import_policies(personas: Personas, path: Path, count: int) -> None:
    rows = [policy(n) for n in range(count)]
    result = import_file(
        actor=personas.alice,
        agency=personas.agency_a,
        path=write_enrollments(path, rows),
        as_of=snapshot_time(date(2025, 3, 7)),
    )
    assert result.status == ImportStatus.SUCCEEDED


@pytest.mark.django_db
def test_an_import_of_many_rows_refreshes_the_statistics_of_what_it_wrote(
    personas: Personas, tmp_path: Path
) -> None:
    _import_policies(personas, tmp_path / "enrollments.csv", STATISTICS_AFTER_ROWS)
    assert _estimated_households() == Household.objects.count() > 0


@pytest.mark.django_db
def test_a_small_import_leaves_the_statistics_to_autovacuum(
    personas: Personas, tmp_path: Path
) -> None:
    _import_policies(personas, tmp_path / "enrollments.csv", STATISTICS_AFTER_ROWS - 1)
    assert _estimated_households() != Household.objects.count()
