from __future__ import annotations

import random
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from openbob.sources import calheers
from openbob.sources.cells import column_letter
from openbob.sources.errors import MalformedFileError, MissingColumnsError
from openbob.sources.tests.builders import calheers_book, calheers_row
from openbob.sources.vocab import EnrollmentStatus, Program

PACIFIC = ZoneInfo("America/Los_Angeles")
ANN = {
    "First Name": "Ann",
    "Last Name": "Lee",
    "Case Number": 1234567890.0,
    "Delegated Agent": "Jo Agent",
}


def read_rows(path: Path) -> list[calheers.CalheersRow]:
    with calheers.read(path) as book:
        return list(book)


def test_it_reads_the_as_of_time_from_the_file_created_line(tmp_path: Path) -> None:
    path = calheers_book(tmp_path / "book.xlsx", [calheers_row(ANN)])
    with calheers.read(path) as book:
        assert book.as_of == datetime(2018, 2, 6, 9, 29, 38, tzinfo=PACIFIC)
        assert (
            book.as_of.utcoffset()
            == datetime(2018, 2, 6, 17, 29, 38).astimezone(PACIFIC).utcoffset()
        )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("File Created 06/01/2024 10:15:42 AM", datetime(2024, 6, 1, 10, 15, 42)),
        ("File Created Fri Jun 07 21:00:00 PDT 2024", datetime(2024, 6, 7, 21, 0, 0)),
        ("File Created Fri Jun 07 21:00:00 PST 2024", datetime(2024, 6, 7, 22, 0, 0)),
    ],
)
def test_it_reads_file_created_stamps_in_pacific_time(
    tmp_path: Path, line: str, expected: datetime
) -> None:
    path = calheers_book(tmp_path / "book.xlsx", [calheers_row(ANN)], created=line)
    with calheers.read(path) as book:
        assert book.as_of == expected.replace(tzinfo=PACIFIC)


def test_it_refuses_a_file_created_line_it_cannot_read(tmp_path: Path) -> None:
    path = calheers_book(tmp_path / "book.xlsx", [], created="File Created sometime last week")
    with pytest.raises(MalformedFileError, match="row 1: cannot read the File Created"):
        calheers.read(path)


def test_it_treats_the_literal_null_as_empty(tmp_path: Path) -> None:
    (row,) = read_rows(calheers_book(tmp_path / "book.xlsx", [calheers_row(ANN)]))
    assert row.middle_name is None
    assert row.gross_premium is None
    assert row.errors == []


def test_it_recovers_phone_numbers_and_zip_codes_stored_as_numbers(tmp_path: Path) -> None:
    values = ANN | {
        "Customer Phone Number": 9165551234,
        "Customer Secondary Phone": 9165550000.0,
        "Residence Address - Zip": 2134,
    }
    (row,) = read_rows(calheers_book(tmp_path / "book.xlsx", [calheers_row(values)]))
    assert (row.phone, row.secondary_phone, row.residence_zip) == (
        "9165551234",
        "9165550000",
        "02134",
    )
    assert row.case_number == "1234567890"


def test_it_reads_text_dates_excel_dates_and_two_decimal_money(tmp_path: Path) -> None:
    values = ANN | {
        "Customer Date of Birth": "1/2/1976",
        "Coverage Start Date": date(2025, 1, 1),
        "Gross Premium": 403.59,
        "APTC Amount": "$100",
        "Net Premium": 303.59,
    }
    (row,) = read_rows(calheers_book(tmp_path / "book.xlsx", [calheers_row(values)]))
    assert row.dob == date(1976, 1, 2)
    assert row.coverage_start == date(2025, 1, 1)
    assert (row.gross_premium, row.aptc, row.net_premium) == (
        Decimal("403.59"),
        Decimal("100.00"),
        Decimal("303.59"),
    )


def test_it_normalises_program_and_status_and_keeps_the_raw_words(tmp_path: Path) -> None:
    values = ANN | {"Program Type": "Mixed Household", "Health Enrollment Status": "Effectuated"}
    (row,) = read_rows(calheers_book(tmp_path / "book.xlsx", [calheers_row(values)]))
    assert (row.program, row.program_raw) == (Program.MIXED_HOUSEHOLD, "Mixed Household")
    assert row.health_status is EnrollmentStatus.EFFECTUATED


def test_the_delegated_agent_is_column_av_of_the_working_model() -> None:
    assert column_letter(calheers.COLUMNS.index("Delegated Agent")) == "AV"
    assert len(calheers.COLUMNS) == 60


def test_it_finds_columns_by_name_in_any_order(tmp_path: Path) -> None:
    headers = list(calheers.COLUMNS)
    random.Random(4).shuffle(headers)
    values = ANN | {"Customer Phone Number": 9165551234}
    row = [values.get(header, "null") for header in headers]
    (read,) = read_rows(calheers_book(tmp_path / "book.xlsx", [row], headers=headers))
    assert (read.first_name, read.delegated_agent, read.phone) == ("Ann", "Jo Agent", "9165551234")


def test_it_matches_aliases_and_keeps_unknown_columns_in_extra(tmp_path: Path) -> None:
    headers = ["FIRST_NAME", "last name", "Case ID", "Agent Name", "program_type",
               "customer-date-of-birth", "APTC", "Broker Notes", ""]  # fmt: skip
    rows = [["Ann", "Lee", 42, "Jo Agent", "Medi-Cal", "1/2/1976", 0, "call after 5, ok", "x"]]
    path = calheers_book(tmp_path / "book.xlsx", rows, headers=headers)
    with calheers.read(path) as book:
        assert book.unknown_columns == ("Broker Notes",)
        (row,) = list(book)
    assert (row.first_name, row.case_number, row.delegated_agent) == ("Ann", "42", "Jo Agent")
    assert (row.program, row.dob) == (Program.MEDI_CAL, date(1976, 1, 2))
    assert row.extra == {"Broker Notes": "call after 5, ok", "Column I": "x"}


def test_it_names_every_missing_required_column_and_the_file(tmp_path: Path) -> None:
    headers = [h for h in calheers.COLUMNS if h not in ("Case Number", "Delegated Agent")]
    path = calheers_book(tmp_path / "agency_book.xlsx", [], headers=headers)
    with pytest.raises(MissingColumnsError) as caught:
        calheers.read(path)
    assert caught.value.columns == ("Case Number", "Delegated Agent")
    assert str(caught.value) == (
        "agency_book.xlsx, row 2: missing required columns 'Case Number', 'Delegated Agent'"
    )


def test_it_collects_bad_values_per_row_and_column_instead_of_raising(tmp_path: Path) -> None:
    good = calheers_row(ANN)
    bad = calheers_row(
        ANN
        | {
            "Customer Date of Birth": "31/31/1999",
            "Gross Premium": "lots",
            "Customer SSN": "900-12-34",
            "Customer Phone Number": "555-1234",
        }
    )
    rows = read_rows(calheers_book(tmp_path / "book.xlsx", [good, bad]))
    assert [row.line for row in rows] == [3, 4]
    assert rows[0].errors == []
    errors = {error.column: error for error in rows[1].errors}
    assert set(errors) == {
        "Customer Date of Birth",
        "Gross Premium",
        "Customer SSN",
        "Customer Phone Number",
    }
    assert {error.row for error in errors.values()} == {4}
    assert errors["Gross Premium"].value == "lots"
    assert errors["Customer SSN"].value is None  # sensitive: never repeated
    assert errors["Customer Date of Birth"].value is None
    assert rows[1].gross_premium is None and rows[1].first_name == "Ann"
    assert str(errors["Gross Premium"]) == (
        "book.xlsx, row 4, column 'Gross Premium': not an amount (value 'lots')"
    )


def test_it_keeps_ssns_and_dates_of_birth_out_of_a_rows_repr(tmp_path: Path) -> None:
    values = ANN | {"Customer SSN": 900123456, "Customer Date of Birth": "1/2/1976"}
    (row,) = read_rows(calheers_book(tmp_path / "book.xlsx", [calheers_row(values)]))
    assert row.ssn == "900123456"
    assert "900123456" not in repr(row)
    assert "1976" not in repr(row)


def test_it_skips_blank_rows_and_counts_rows_as_the_spreadsheet_does(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        calheers_row(ANN),
        [None] * 3,
        calheers_row(ANN | {"First Name": "Bo"}),
    ]
    read = read_rows(calheers_book(tmp_path / "book.xlsx", rows))
    assert [(row.line, row.first_name) for row in read] == [(3, "Ann"), (5, "Bo")]
