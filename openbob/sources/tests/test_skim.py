"""Skimming a book: a few fields typed, the other cells fingerprinted, raw rows kept."""

from __future__ import annotations

import pickle
from datetime import date
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from openbob.sources.cells import Cell
from openbob.sources.columns import bind
from openbob.sources.detect import read
from openbob.sources.schema import FieldSpec, Schema
from openbob.sources.skim import Packed, Packing, Skim, Skimmed, digest_of
from openbob.sources.tests.builders import calheers_book, calheers_row
from openbob.sources.xlsx_child import BATCH_ROWS

ANN = {
    "Case Number": 1234567890.0,
    "First Name": "Ann",
    "Last Name": "Lee",
    "Delegated Agent": "Jo Agent",
    "Gross Premium": 512.25,
    "Last Updated Date": "11/02/2026",
}


def skim_one(tmp_path: Path, name: str, **changes: object) -> Skimmed:
    path = calheers_book(tmp_path / name, [calheers_row(ANN | changes)])
    with read(path) as source:
        (row,) = source.skim(["case_number", "relationship"], ["last_updated"])
    return row


def test_a_skimmed_row_types_only_the_named_fields_and_reads_them_as_attributes(
    tmp_path: Path,
) -> None:
    row = skim_one(tmp_path, "book.xlsx")
    assert row.values == {"case_number": "1234567890", "relationship": None}
    assert row.case_number == "1234567890"
    with pytest.raises(AttributeError, match="gross_premium"):
        assert row.gross_premium is None


def test_an_undigested_field_is_checked_but_its_value_is_not_kept(tmp_path: Path) -> None:
    path = calheers_book(tmp_path / "book.xlsx", [calheers_row(ANN)])
    with read(path) as source:
        (row,) = source.skim(["case_number", "last_updated"], ["last_updated"])
    assert row.values == {"case_number": "1234567890"}
    path = calheers_book(tmp_path / "bad.xlsx", [calheers_row(ANN | {"Last Updated Date": "x"})])
    with read(path) as source:
        (bad,) = source.skim(["case_number", "last_updated"], ["last_updated"])
    assert [error.column for error in bad.errors] == ["Last Updated Date"]


def test_the_kept_raw_row_types_to_what_a_full_read_gives(tmp_path: Path) -> None:
    path = calheers_book(tmp_path / "book.xlsx", [calheers_row(ANN)])
    with read(path) as source:
        (full,) = list(source)
    with read(path) as source:
        (skimmed,) = source.skim(["case_number"], [])
        (typed,) = source.typed([skimmed.raw])
    assert typed == full


def test_the_fingerprint_follows_every_digested_cell_and_no_undigested_one(
    tmp_path: Path,
) -> None:
    same = skim_one(tmp_path, "a.xlsx").digest
    assert skim_one(tmp_path, "b.xlsx").digest == same
    later = {"Last Updated Date": "11/09/2026"}
    assert skim_one(tmp_path, "c.xlsx", **later).digest == same
    assert skim_one(tmp_path, "d.xlsx", **{"Gross Premium": 512.26}).digest != same
    assert skim_one(tmp_path, "e.xlsx", **{"First Name": "Anne"}).digest != same


def test_a_book_of_many_batches_skims_as_its_full_read_types_it(tmp_path: Path) -> None:
    """Past the first batch the reader process skims: the values, their errors and the
    fingerprints must be those this process would have found."""
    cases = [
        ANN | {"Case Number": 1000 + n, "Delegated Agent": f"Agent {n % 7}"}
        for n in range(3 * BATCH_ROWS)
    ]
    bad = {"Last Updated Date": "not a date", "Relationship to Primary Contact": "Self"}
    cases[2 * BATCH_ROWS] |= bad
    path = calheers_book(tmp_path / "book.xlsx", [calheers_row(case) for case in cases])
    fields, undigested = ["case_number", "relationship", "last_updated"], ["last_updated"]
    with read(path) as source:
        full = list(source)
    with read(path) as source:
        skimmed = list(source.skim(fields, undigested))
        bound = {b.spec.name for b in source.columns.bound} - set(undigested)
        packing = Packing(source.columns.columns_of(bound))
    assert [row.line for row in skimmed] == [row.line for row in full]
    kept = ["case_number", "relationship"]  # the undigested field is only checked
    assert [row.values for row in skimmed] == [
        {name: getattr(row, name) for name in kept} for row in full
    ]
    assert [row.errors for row in skimmed] == [row.errors for row in full]
    assert skimmed[2 * BATCH_ROWS].errors[0].column == "Last Updated Date"
    assert [row.digest for row in skimmed] == [
        digest_of(packing.parts(row.raw.cells)[1]) for row in skimmed
    ]
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    assert [row.raw.cells for row in skimmed] == sheet.to_python()[2:]  # after the headers


def test_a_field_named_like_a_skimmed_rows_own_attribute_cannot_be_skimmed() -> None:
    columns = bind(Schema((FieldSpec("digest", "Digest"),)), ["Digest"], file="f", header_row=1)
    with pytest.raises(ValueError, match=r"cannot have a field named \['digest'\]"):
        Skim(columns.only(["digest"]), Packing(()))


@pytest.mark.parametrize("columns", [(), (1,), (0, 2, 3), (1, 2)], ids=str)
@pytest.mark.parametrize("length", [0, 2, 4, 6])
def test_packed_cells_unpack_to_the_row_they_were_packed_from(
    columns: tuple[int, ...], length: int
) -> None:
    row: list[Cell] = ["a", 1.5, None, date(2026, 11, 2), "", True]
    cells = row[:length]
    packing = Packing(columns)
    packed = Packed(*packing.parts(cells))
    assert packing.unpack(packed) == cells
    padded = packing.parts([*cells, *[""] * 3][: max(length, packing.width)])
    assert digest_of(packed.blob) == digest_of(padded[1])


def test_a_packed_row_unpacks_only_cell_values() -> None:
    packing = Packing((0,))
    packed = Packed(*packing.parts([Path("/etc")]))  # type: ignore[list-item]
    with pytest.raises(pickle.UnpicklingError, match="not a cell value"):
        packing.unpack(packed)
