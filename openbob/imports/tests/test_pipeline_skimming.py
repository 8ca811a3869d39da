"""A weekly CalHEERS book is skimmed: only households whose raw cells changed are typed.

Skimming must not change what an import accepts: a bad value in a column the book does
not store still refuses its household, even when every other cell is last week's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

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
