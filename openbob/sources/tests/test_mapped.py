"""Carrier files and other layouts: mapping profiles, encodings, separators, title rows."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from openbob.sources import mapped
from openbob.sources.detect import detect
from openbob.sources.errors import MalformedFileError, MissingColumnsError, UnsafeFileError
from openbob.sources.formats import FileKind, FormatId
from openbob.sources.safety import Limits
from openbob.sources.tests.builders import openpyxl_workbook, raw_workbook, sheet_xml, write_text
from openbob.sources.vocab import EnrollmentStatus

CARRIER_HEADERS = [
    "Subscriber First Name",
    "Subscriber Last Name",
    "memberDOB",
    "Policy Number",
    "Plan",
    "Effective Date",
    "Term Date",
    "Member Status",
    "Premium - Customer Responsibility",
    "Writing Agent NPN",
    "Broker Region",
]
CARRIER_PROFILE = {
    "first_name": "Subscriber First Name",
    "last_name": "Subscriber Last Name",
    "dob": "memberDOB",
    "policy_id": "Policy Number",
    "plan_name": "Plan",
    "effective_date": "Effective Date",
    "end_date": "Term Date",
    "status_raw": "Member Status",
    "net_premium": "Premium - Customer Responsibility",
    "agent_npn": "Writing Agent NPN",
}
CARRIER_ROW = [
    "José",
    "Núñez",
    "03/04/1970",
    "P-001",
    "Silver 70 HMO",
    "01/01/2025",
    "12/31/9999",
    "Grace period",
    "$45.10",
    "12345",
    "North",
]


def carrier_text(delimiter: str = ",", title: bool = True) -> str:
    lines = ["Acme Health Plan - Broker Book of Business", "", ""] if title else []
    lines += [delimiter.join(CARRIER_HEADERS), delimiter.join(CARRIER_ROW)]
    return "\r\n".join(lines) + "\r\n"


def test_it_proposes_a_mapping_by_name_alias_and_similarity() -> None:
    assert mapped.propose_mapping(CARRIER_HEADERS) == CARRIER_PROFILE


def test_it_proposes_each_header_for_one_field_only() -> None:
    assert mapped.propose_mapping(["Premium", "Total Premium", "Zip"]) == {
        "zip_code": "Zip",
        "gross_premium": "Premium",
    }


def test_a_mapping_profile_is_plain_json_data() -> None:
    profile = mapped.propose_mapping(CARRIER_HEADERS)
    assert json.loads(json.dumps(profile)) == profile


def read_carrier(path: Path) -> list[mapped.MappedRow]:
    with mapped.read(path, CARRIER_PROFILE) as export:
        return list(export)


def test_it_reads_a_latin1_carrier_csv_below_its_title_rows(tmp_path: Path) -> None:
    path = write_text(tmp_path / "acme.csv", carrier_text(), encoding="latin-1")
    (row,) = read_carrier(path)
    assert (row.line, row.first_name, row.last_name) == (5, "José", "Núñez")
    assert (row.dob, row.effective_date, row.end_date) == (date(1970, 3, 4), date(2025, 1, 1), None)
    assert (row.status, row.status_raw) == (EnrollmentStatus.EFFECTUATED, "Grace period")
    assert (row.net_premium, row.agent_npn) == (Decimal("45.10"), "12345")
    assert row.extra == {"Broker Region": "North"}


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ","), ("utf-16", "\t"), ("utf-16-le", "\t"),
     ("utf-16-be", "\t"), ("utf-8", ";"), ("cp1252", ";")],
)  # fmt: skip
def test_it_reads_every_encoding_and_separator_carriers_use(
    tmp_path: Path, encoding: str, delimiter: str
) -> None:
    text = carrier_text(delimiter)
    if encoding in ("utf-16-le", "utf-16-be"):
        text = "\ufeff" + text  # a byte-order mark, as Excel's "Unicode text" writes
    path = write_text(tmp_path / "acme.txt", text, encoding=encoding)
    (row,) = read_carrier(path)
    assert (row.first_name, row.net_premium) == ("José", Decimal("45.10"))
    detected = detect(path)
    assert (detected.format, detected.header_row, detected.delimiter) == (
        FormatId.GENERIC,
        4,
        delimiter,
    )


def test_it_reads_an_xlsx_carrier_file_through_a_profile(tmp_path: Path) -> None:
    rows = [["Acme Health Plan"], [], CARRIER_HEADERS, CARRIER_ROW]
    path = openpyxl_workbook(tmp_path / "acme.xlsx", rows)
    (row,) = read_carrier(path)
    assert (row.line, row.first_name, row.policy_id) == (4, "José", "P-001")
    detected = detect(path)
    assert (detected.kind, detected.header_row) == (FileKind.XLSX, 3)


def test_it_reads_a_workbook_whose_data_starts_away_from_a1(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [None, None],
        [None, None, *CARRIER_HEADERS],
        [None, None, *CARRIER_ROW],
    ]
    path = tmp_path / "offset.xlsx"
    path.write_bytes(raw_workbook(sheet_xml(rows)))
    (row,) = read_carrier(path)
    assert (row.line, row.first_name, row.extra) == (3, "José", {"Broker Region": "North"})


def test_it_names_profile_headers_missing_from_the_file(tmp_path: Path) -> None:
    path = write_text(tmp_path / "acme.csv", carrier_text())
    profile = CARRIER_PROFILE | {"ssn": "Member SSN"}
    with pytest.raises(MissingColumnsError, match=r"acme\.csv, row 4: .*'Member SSN'"):
        mapped.read(path, profile)


def test_it_refuses_a_profile_naming_unknown_fields() -> None:
    with pytest.raises(ValueError, match="unknown target field"):
        mapped.profile_schema({"favourite_colour": "Colour"})


def test_it_keeps_ragged_rows_short_cells_empty_and_long_cells_in_extra(tmp_path: Path) -> None:
    text = "First Name,Last Name\r\nAnn\r\nBo,Lee,surplus,more\r\n"
    path = write_text(tmp_path / "ragged.csv", text)
    with mapped.read(path, {"first_name": "First Name", "last_name": "Last Name"}) as export:
        short, long = list(export)
    assert (short.first_name, short.last_name) == ("Ann", None)
    assert long.extra == {"Column C": "surplus", "Column D": "more"}


def test_it_counts_a_quoted_line_break_as_one_spreadsheet_row(tmp_path: Path) -> None:
    text = 'Full Name,Plan\r\n"Ann\r\nLee",Gold\r\nBo Lee,Silver\r\n'
    path = write_text(tmp_path / "names.csv", text)
    with mapped.read(path, {"full_name": "Full Name", "plan_name": "Plan"}) as export:
        assert [(row.line, row.full_name) for row in export] == [(2, "Ann Lee"), (3, "Bo Lee")]


def test_it_refuses_nul_bytes_with_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(b"First Name,Last Name\r\nAnn\x00,Lee\r\n")
    with pytest.raises(UnsafeFileError, match=r"nul\.csv: text contains NUL bytes"):
        detect(path)


def test_it_suggests_utf16_without_a_bom_when_it_finds_nul_bytes(tmp_path: Path) -> None:
    path = tmp_path / "nobom.txt"
    path.write_bytes("First Name\tLast Name\r\n".encode("utf-16-le"))
    with pytest.raises(UnsafeFileError, match="UTF-16 without a byte-order mark"):
        detect(path)


def test_it_refuses_utf16_that_does_not_decode(tmp_path: Path) -> None:
    path = tmp_path / "odd.txt"
    path.write_bytes(b"\xff\xfeF\x00i\x00\x00")
    with pytest.raises(MalformedFileError, match="not valid UTF-16"):
        detect(path)


def test_it_refuses_a_field_longer_than_the_limit(tmp_path: Path) -> None:
    path = write_text(tmp_path / "long.csv", "Full Name,Plan\r\nAnn," + "x" * 200 + "\r\n")
    limits = Limits(max_field_chars=100)
    with (
        pytest.raises(UnsafeFileError, match=r"long\.csv, row 2, column 'B': field longer"),
        mapped.read(path, {"full_name": "Full Name"}, limits=limits) as export,
    ):
        list(export)


def test_it_numbers_repeated_unknown_headers_in_extra(tmp_path: Path) -> None:
    path = write_text(tmp_path / "notes.csv", "Full Name,Notes,Notes,Notes\r\nAnn,a,b,c\r\n")
    with mapped.read(path, {"full_name": "Full Name"}) as export:
        assert export.unknown_columns == ("Notes", "Notes (2)", "Notes (3)")
        (row,) = list(export)
    assert row.extra == {"Notes": "a", "Notes (2)": "b", "Notes (3)": "c"}


def test_it_refuses_rows_wider_than_the_limit(tmp_path: Path) -> None:
    path = write_text(tmp_path / "wide.csv", ",".join(f"h{index}" for index in range(50)))
    with pytest.raises(UnsafeFileError, match=r"wide\.csv, row 1: more than 40 columns"):
        detect(path, limits=Limits(max_columns=40))
