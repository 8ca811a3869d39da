"""An import's writes run beside its reading (`bulk.pipelined`: psycopg's pipeline
mode for a weekly import on PostgreSQL, a writing thread on SQLite): the same book as
ever, and a write the database refuses still rolls the whole file back."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from openbob.book.models import Household
from openbob.imports.choices import ImportStatus
from openbob.imports.models import ImportRun
from openbob.imports.pipeline import import_file
from openbob.imports.tests.pipeline_kit import policy, write_enrollments
from openbob.sources.generate import snapshot_time
from openbob.testing import Personas

pytestmark = pytest.mark.django_db
WEEK = snapshot_time(date(2025, 3, 7))
REFUSE_UPDATES = {
    "postgresql": """
        CREATE FUNCTION refuse_update() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'refused for the test'; END $$;
        CREATE TRIGGER refuse_update BEFORE UPDATE ON book_household
        FOR EACH ROW EXECUTE FUNCTION refuse_update();
    """,
    "sqlite": """
        CREATE TRIGGER refuse_update BEFORE UPDATE ON book_household
        BEGIN SELECT RAISE(ABORT, 'refused for the test'); END
    """,
}


def _import(personas: Personas, path: Path, as_of: datetime) -> ImportStatus:
    result = import_file(actor=personas.alice, agency=personas.agency_a, path=path, as_of=as_of)
    return ImportStatus(result.status)


def test_a_weekly_import_in_a_pipeline_writes_what_changed(
    personas: Personas, tmp_path: Path
) -> None:
    first = write_enrollments(tmp_path / "week1.csv", [policy(n) for n in range(30)])
    assert _import(personas, first, WEEK) == ImportStatus.SUCCEEDED
    changed = [policy(n, net_premium="250.00") if n < 5 else policy(n) for n in range(31)]
    second = write_enrollments(tmp_path / "week2.csv", changed)
    assert _import(personas, second, WEEK + timedelta(days=7)) == ImportStatus.SUCCEEDED
    premiums = Household.objects.filter(ffm_app_id__startswith="17").values_list(
        "current_premium", flat=True
    )
    assert sorted(premiums) == [Decimal("200.00")] * 26 + [Decimal("250.00")] * 5


def test_a_write_refused_inside_the_pipeline_rolls_the_file_back(
    personas: Personas, tmp_path: Path
) -> None:
    first = write_enrollments(tmp_path / "week1.csv", [policy(n) for n in range(30)])
    assert _import(personas, first, WEEK) == ImportStatus.SUCCEEDED
    with connection.cursor() as cursor:
        cursor.execute(REFUSE_UPDATES[connection.vendor])
    changed = [policy(n, net_premium="250.00") if n < 5 else policy(n) for n in range(31)]
    second = write_enrollments(tmp_path / "week2.csv", changed)
    assert _import(personas, second, WEEK + timedelta(days=7)) == ImportStatus.FAILED
    households = Household.objects.filter(ffm_app_id__startswith="17")
    assert households.count() == 30  # the new household is not there either
    assert set(households.values_list("current_premium", flat=True)) == {Decimal("200.00")}
    assert ImportRun.objects.filter(status=ImportStatus.SUCCEEDED).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_the_writes_of_a_weekly_import_are_prepared_once_by_the_server(
    personas: Personas, tmp_path: Path
) -> None:
    """Django keeps prepared statements off; the import's `executemany` turns them on
    for itself only, so the server parses each insert once, not once per row."""
    first = write_enrollments(tmp_path / "week1.csv", [policy(n) for n in range(30)])
    assert _import(personas, first, WEEK) == ImportStatus.SUCCEEDED
    changed = [policy(n, first_name=f"Kim{n}") if n < 5 else policy(n) for n in range(30)]
    second = write_enrollments(tmp_path / "week2.csv", changed)
    assert _import(personas, second, WEEK + timedelta(days=7)) == ImportStatus.SUCCEEDED
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert any(statement.startswith('INSERT INTO "book_member"') for statement in prepared)
    assert connection.connection.prepare_threshold is None  # Django's setting, restored
