"""Snapshot entries and change events carry no foreign-key constraint in the database
(they are written in bulk, and checked keys cost each import's commit): deleting a row
they name must still reach them, through Django's `on_delete`."""

from __future__ import annotations

from pathlib import Path

import pytest

from openbob.book.models import Household
from openbob.imports.models import ChangeEvent, SnapshotEntry
from openbob.imports.pipeline import ImportResult, import_file
from openbob.sources.tests.builders import calheers_book, calheers_row
from openbob.testing import Personas

pytestmark = pytest.mark.django_db

CAROL: dict[str, object] = {"Delegated Agent": "Carol Tester", "Agent Email": "carol@a.test"}


def import_week(personas: Personas, folder: Path, week: int, premium: float) -> ImportResult:
    """Cases 1001 (at `premium`) and 1002, as of `week`."""
    rows = [
        calheers_row(CAROL | {"Case Number": 1001.0, "Gross Premium": premium}),
        calheers_row(CAROL | {"Case Number": 1002.0, "Gross Premium": 300.0}),
    ]
    path = calheers_book(
        folder / f"week-{week}.xlsx",
        rows,
        created=f"File Created Fri Nov {week:02d} 21:00:00 PST 2026",
    )
    result = import_file(actor=personas.alice, agency=personas.agency_a, path=path)
    assert result.ok, result.message
    return result


@pytest.fixture
def two_weeks(personas: Personas, tmp_path: Path) -> ImportResult:
    """Two imported weeks; the second changed case 1001's premium (an event)."""
    import_week(personas, tmp_path, 6, 400.0)
    later = import_week(personas, tmp_path, 13, 450.0)
    assert ChangeEvent.objects.filter(run=later.run).exists()
    return later


def test_deleting_an_import_deletes_its_snapshot_entries_and_events(
    two_weeks: ImportResult,
) -> None:
    run = two_weeks.run
    assert run is not None
    snapshot = run.snapshot
    run.delete()
    assert not SnapshotEntry.objects.filter(snapshot_id=snapshot.pk).exists()
    assert not ChangeEvent.objects.filter(run_id=run.pk).exists()
    assert SnapshotEntry.objects.count() == 2  # the first week's


def test_a_deleted_household_leaves_its_events_without_it(two_weeks: ImportResult) -> None:
    household = Household.objects.get(case_number="1001")
    events = ChangeEvent.objects.filter(key="1001")
    assert events.filter(household=household).exists()
    household.delete()
    assert events.exists()
    assert not events.exclude(household=None).exists()
