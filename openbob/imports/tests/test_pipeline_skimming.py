"""A weekly CalHEERS book is skimmed: only households whose raw cells changed are typed.

Skimming must not change what an import accepts: a bad value in a column the book does
not store still refuses its household, even when every other cell is last week's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openbob.book.models import Household
from openbob.imports import pipeline
from openbob.imports.models import SnapshotEntry
from openbob.imports.pipeline import ImportResult, import_file
from openbob.sources.tests.builders import calheers_book, calheers_row
from openbob.testing import Personas

pytestmark = pytest.mark.django_db

CAROL = {"Delegated Agent": "Carol Tester", "Agent Email": "carol@a.test"}


def case(number: int, **cells: object) -> list[object]:
    values = {"Case Number": float(number), "First Name": "Nia", "Last Name": f"Case {number}"}
    return calheers_row(values | CAROL | {"Gross Premium": 400.0} | cells)


def import_week(
    personas: Personas, folder: Path, week: int, rows: list[list[object]]
) -> ImportResult:
    path = calheers_book(
        folder / f"week-{week}.xlsx",
        rows,
        created=f"File Created Fri Nov {week:02d} 21:00:00 PST 2026",
    )
    return import_file(actor=personas.alice, agency=personas.agency_a, path=path)


def test_a_household_whose_unstored_cells_alone_changed_is_unchanged(
    personas: Personas, tmp_path: Path
) -> None:
    import_week(personas, tmp_path, 6, [case(1001), case(1002)])
    later = import_week(
        personas,
        tmp_path,
        13,
        [case(1001, **{"Last Updated Date": "11/12/2026"}), case(1002, **{"Gross Premium": 410.0})],
    )
    assert later.ok
    assert later.counts["households_unchanged"] == 1
    assert later.counts["households_updated"] == 1


def test_a_bad_unstored_value_in_an_otherwise_unchanged_household_is_still_refused(
    personas: Personas, tmp_path: Path
) -> None:
    import_week(personas, tmp_path, 6, [case(1001), case(1002)])
    later = import_week(
        personas, tmp_path, 13, [case(1001, **{"Last Updated Date": "not a date"}), case(1002)]
    )
    assert not later.ok
    assert [(e.row, e.column) for e in later.errors] == [(3, "Last Updated Date")]


def test_a_bad_stored_value_in_a_changed_household_is_refused_with_its_column(
    personas: Personas, tmp_path: Path
) -> None:
    import_week(personas, tmp_path, 6, [case(1001), case(1002)])
    later = import_week(
        personas, tmp_path, 13, [case(1001), case(1002, **{"Gross Premium": "lots"})]
    )
    assert not later.ok
    assert [(e.row, e.column) for e in later.errors] == [(4, "Gross Premium")]


def test_a_household_listed_again_after_an_unchanged_row_gains_the_later_row(
    personas: Personas, tmp_path: Path
) -> None:
    import_week(personas, tmp_path, 6, [case(1001), case(1002)])
    dependent = {"First Name": "Ola", "Relationship to Primary Contact": "Child"}
    later = import_week(personas, tmp_path, 13, [case(1001), case(1002), case(1001, **dependent)])
    assert later.ok, later.message
    assert later.counts["households_unchanged"] == 2
    assert later.counts["records_merged"] == 1
    assert later.run is not None
    household = Household.objects.get(case_number="1001")
    assert sorted(household.members.values_list("first_name", flat=True)) == ["Nia", "Ola"]
    entries = SnapshotEntry.objects.filter(snapshot=later.run.snapshot)
    assert sorted(entries.values_list("key", flat=True)) == ["1001", "1002"]
    before = SnapshotEntry.objects.exclude(snapshot=later.run.snapshot).get(key="1001")
    assert entries.get(key="1001").digest != before.digest  # next week rewrites it whole


def test_unchanged_households_are_copied_once_a_file_on_postgresql_and_a_batch_on_sqlite(
    personas: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "BATCH", 1)  # a batch per household
    import_week(personas, tmp_path, 6, [case(1001), case(1002), case(1003)])
    with CaptureQueriesContext(connection) as queries:
        later = import_week(personas, tmp_path, 13, [case(1001), case(1002), case(1003)])
    assert later.counts["households_unchanged"] == 3
    assert later.run is not None
    entry = SnapshotEntry._meta.db_table
    copies = [q for q in queries if re.match(rf'INSERT INTO "?{entry}"?.*SELECT', q["sql"])]
    # SQLite copies each batch's on its writing thread; PostgreSQL walks the previous
    # snapshot once, rather than probing its index for each batch's keys.
    assert len(copies) == (3 if connection.vendor == "sqlite" else 1)
    assert SnapshotEntry.objects.filter(snapshot=later.run.snapshot).count() == 3
