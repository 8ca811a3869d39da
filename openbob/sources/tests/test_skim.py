"""Skimming a book: a few fields typed, the other cells fingerprinted, raw rows kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from openbob.sources.detect import read
from openbob.sources.skim import Skimmed
from openbob.sources.tests.builders import calheers_book, calheers_row

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
