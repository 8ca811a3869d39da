from __future__ import annotations

import re
import stat
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.worksheet import Worksheet

from openbob.lib import spreadsheet, xlsx_backend
from openbob.lib.csvsafe import DANGEROUS_FIRST_CHARACTERS
from openbob.lib.spreadsheet import Column, Sheet, legend_sheet, write_xlsx

TITLE = "File Created Tue Feb 06 09:29:38 PST 2018"
TEXT_COLUMNS = [Column("First", "text"), Column("Second", "text"), Column("Third", "text")]
TYPED_COLUMNS = [
    Column("Effective Date", "date"),
    Column("Updated At", "datetime"),
    Column("Net Premium", "money"),
    Column("Members", "integer"),
    Column("APTC Rate", "decimal"),
    Column("Active", "bool"),
]
ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def ooxml_text(value: Any) -> Any:
    """Decode ECMA-376 ``_xHHHH_`` escapes, which openpyxl leaves as they are.

    The writer escapes text that looks like an escape (``_x0041_`` -> ``_x005F_x0041_``);
    Excel and calamine decode it, so the test reads the cell as they do.
    """
    return ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), value) if value else ""


def expected_xlsx_text(value: str) -> str:
    """The documented xlsx contract: formula escape, LF line breaks, U+FFFD for the rest."""
    if value[:1] in DANGEROUS_FIRST_CHARACTERS:
        value = "'" + value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]", "\ufffd", value)


def write_one(
    tmp_path: Path, columns: Sequence[Column], rows: Sequence[Sequence[object]], **sheet: Any
) -> Worksheet:
    path = tmp_path / "export.xlsx"
    write_xlsx(path, [Sheet("Book", columns, rows, **sheet)])
    return openpyxl.load_workbook(path)["Book"]


def data_rows(worksheet: Worksheet, first: int) -> list[list[Any]]:
    return [[cell.value for cell in row] for row in worksheet.iter_rows(min_row=first)]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.text(), st.text(), st.text()), min_size=1, max_size=12))
@example([("_x0041_ _x005F_", "a\r\nb\rc\x00", "\x00=1"), ("\ud800\ufffe", "\t", "\r")])
def test_text_survives_the_round_trip_except_for_the_documented_changes(
    tmp_path: Path, rows: list[tuple[str, str, str]]
) -> None:
    worksheet = write_one(tmp_path, TEXT_COLUMNS, rows)
    written = worksheet.iter_rows(min_row=2, max_row=len(rows) + 1, max_col=3, values_only=True)
    cells = [ooxml_text(value) for row in written for value in row]
    assert not [cell for cell in cells if cell[:1] in DANGEROUS_FIRST_CHARACTERS]
    assert cells == [expected_xlsx_text(value) for row in rows for value in row]


def test_digit_strings_stay_text_with_their_leading_zeros(tmp_path: Path) -> None:
    values = ["9185551234", "00501", "0042", "1E5", "123456789012345678901"]
    worksheet = write_one(tmp_path, [Column("Id", "text")], [(value,) for value in values])
    cells = [row[0] for row in worksheet.iter_rows(min_row=2)]
    assert [cell.value for cell in cells] == values
    assert {(cell.data_type, cell.number_format) for cell in cells} == {("s", "@")}


def test_it_escapes_formulas_and_the_title(tmp_path: Path) -> None:
    worksheet = write_one(
        tmp_path, [Column("Name", "text")], [("=HYPERLINK(1)",), ("-5",)], title="@title"
    )
    assert data_rows(worksheet, 1) == [
        ["'@title", None],
        ["Name", None],
        ["'=HYPERLINK(1)", None],
        ["'-5", None],
    ]


def test_it_writes_typed_cells_with_number_formats(tmp_path: Path) -> None:
    row = (
        date(2026, 3, 6),
        datetime(2026, 3, 7, 5, 0, tzinfo=UTC),
        Decimal("-1234.5"),
        2**53,
        0.0525,
        True,
    )
    worksheet = write_one(tmp_path, TYPED_COLUMNS, [row])
    cells = next(worksheet.iter_rows(min_row=2))
    assert [cell.value for cell in cells] == [
        datetime(2026, 3, 6),
        datetime(2026, 3, 6, 21, 0),  # Pacific wall time
        -1234.5,
        2**53,
        0.0525,
        True,
    ]
    assert [cell.number_format for cell in cells] == [
        "mm/dd/yyyy",
        "mm/dd/yyyy hh:mm:ss",
        "$#,##0.00",
        "0",
        "General",
        "General",
    ]
    assert [cell.data_type for cell in cells] == ["d", "d", "n", "n", "n", "b"]


def test_none_is_a_blank_cell_of_any_kind(tmp_path: Path) -> None:
    worksheet = write_one(tmp_path, TYPED_COLUMNS, [(None,) * 6, (date(2026, 1, 1),) + (None,) * 5])
    assert data_rows(worksheet, 2) == [[None] * 6, [datetime(2026, 1, 1)] + [None] * 5]


def test_it_puts_the_title_on_row_one_and_the_headers_on_row_two(tmp_path: Path) -> None:
    worksheet = write_one(tmp_path, TEXT_COLUMNS, [("a", "b", "c")], title=TITLE)
    assert data_rows(worksheet, 1) == [
        [TITLE, None, None],
        ["First", "Second", "Third"],
        ["a", "b", "c"],
    ]
    assert [str(merged) for merged in worksheet.merged_cells.ranges] == ["A1:C1"]
    assert worksheet["A1"].font.b and worksheet["A2"].font.b and not worksheet["A3"].font.b
    assert worksheet.freeze_panes == "A3"
    assert worksheet.auto_filter.ref == "A2:C3"


def test_without_a_title_the_headers_are_on_row_one(tmp_path: Path) -> None:
    worksheet = write_one(tmp_path, TEXT_COLUMNS, [("a", "b", "c"), ("d", "e", "f")])
    assert data_rows(worksheet, 1)[0] == ["First", "Second", "Third"]
    assert worksheet.freeze_panes == "A2"
    assert worksheet.auto_filter.ref == "A1:C3"
    assert not worksheet.merged_cells.ranges


def test_a_one_column_title_spans_two_cells_because_excel_needs_that(tmp_path: Path) -> None:
    worksheet = write_one(tmp_path, [Column("Only", "text")], [("a",)], title=TITLE)
    assert [str(merged) for merged in worksheet.merged_cells.ranges] == ["A1:B1"]


def test_column_widths_come_from_headers_and_kinds_unless_given(tmp_path: Path) -> None:
    columns = [
        Column("ZIP", "text"),
        Column("Effective Date", "date"),
        Column("A very long header " * 5, "text"),
        Column("Notes", "text", width=80),
    ]
    worksheet = write_one(tmp_path, columns, [])
    widths = [round(worksheet.column_dimensions[letter].width) for letter in "ABCD"]
    assert widths == [15, 18, 61, 81]  # 14, 14+3, the 60 cap, 80; Excel adds ~0.7


def test_an_empty_sheet_still_has_its_header_row(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    assert write_xlsx(path, [Sheet("Book", TEXT_COLUMNS, [], title=TITLE)]) == 0
    worksheet = openpyxl.load_workbook(path)["Book"]
    assert data_rows(worksheet, 1) == [[TITLE, None, None], ["First", "Second", "Third"]]


def test_it_writes_several_sheets_and_counts_the_first_ones_rows(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    legend = legend_sheet([("Net Premium", "Premium after APTC, in dollars")])
    count = write_xlsx(path, [Sheet("Book", TEXT_COLUMNS, [("a", "b", "c")] * 3), legend])
    assert count == 3
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Book", "Legend"]
    assert data_rows(workbook["Legend"], 1) == [
        ["Column", "Meaning"],
        ["Net Premium", "Premium after APTC, in dollars"],
    ]
    assert workbook["Legend"].freeze_panes == "A2"
    assert workbook["Legend"].auto_filter.ref == "A1:B2"


def test_it_streams_rows_from_a_generator_once(tmp_path: Path) -> None:
    pulled: list[int] = []

    def rows() -> Iterator[tuple[str]]:
        for number in range(1000):
            pulled.append(number)
            yield (f"{number:05d}",)

    assert (
        write_xlsx(tmp_path / "big.xlsx", [Sheet("Book", [Column("Id", "text")], rows())]) == 1000
    )
    assert pulled == list(range(1000))


def test_it_cuts_text_at_excels_cell_limit(tmp_path: Path) -> None:
    worksheet = write_one(tmp_path, [Column("Notes", "text")], [("x" * 40_000,)])
    assert worksheet["A2"].value == "x" * 32_767


def test_a_failed_export_leaves_no_file_behind(tmp_path: Path) -> None:
    def rows() -> Iterator[tuple[str]]:
        yield ("fine",)
        raise RuntimeError("the database went away")

    path = tmp_path / "export.xlsx"
    with pytest.raises(RuntimeError, match="database"):
        write_xlsx(path, [Sheet("Book", [Column("Name", "text")], rows())])
    assert list(tmp_path.iterdir()) == []


def test_a_failed_export_keeps_the_previous_file(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"previous")
    with pytest.raises(TypeError):
        write_xlsx(path, [Sheet("Book", [Column("Name", "text")], [(1,)])])
    assert path.read_bytes() == b"previous"
    assert list(tmp_path.iterdir()) == [path]


def test_the_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    write_xlsx(path, [Sheet("Book", TEXT_COLUMNS, [])])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_it_names_the_row_and_column_of_a_wrong_value_without_showing_it(tmp_path: Path) -> None:
    rows = [(date(2026, 1, 1),) + (None,) * 5, (None, datetime(2026, 1, 1)) + (None,) * 4]
    with pytest.raises(TypeError, match="Row 2, column 'Updated At'") as error:
        write_xlsx(tmp_path / "x.xlsx", [Sheet("Book", TYPED_COLUMNS, rows)])
    assert "2026" not in str(error.value)


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("text", 95814),
        ("date", datetime(2026, 1, 1, tzinfo=UTC)),
        ("datetime", datetime(2026, 1, 1)),
        ("money", "12.50"),
        ("money", True),
        ("money", float("nan")),
        ("integer", 2**53 + 1),
        ("integer", 1.0),
        ("decimal", Decimal("Infinity")),
        ("bool", 1),
    ],
)
def test_it_refuses_a_value_that_does_not_fit_the_column_kind(
    tmp_path: Path, kind: spreadsheet.Kind, value: object
) -> None:
    with pytest.raises(TypeError, match=f"a {kind} cell"):
        write_xlsx(tmp_path / "x.xlsx", [Sheet("Book", [Column("Value", kind)], [(value,)])])


def test_it_refuses_a_row_of_the_wrong_length(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="Row 1 has 2 cells, expected 3"):
        write_xlsx(tmp_path / "x.xlsx", [Sheet("Book", TEXT_COLUMNS, [("a", "b")])])


def test_it_refuses_more_rows_than_excel_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_backend, "EXCEL_MAX_ROWS", 4)
    sheet = Sheet("Book", [Column("Id", "text")], [("1",)] * 3, title=TITLE)
    with pytest.raises(ValueError, match="more rows than Excel"):
        write_xlsx(tmp_path / "x.xlsx", [sheet])


def test_sheet_names_must_be_unique_ignoring_case(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unique"):
        write_xlsx(
            tmp_path / "x.xlsx", [Sheet("Book", TEXT_COLUMNS, []), Sheet("BOOK", TEXT_COLUMNS, [])]
        )


@pytest.mark.parametrize("name", ["", "x" * 32, "a/b", "a:b", "[a]", "'quoted'"])
def test_it_refuses_sheet_names_excel_refuses(name: str) -> None:
    with pytest.raises(ValueError, match="Sheet name"):
        Sheet(name, TEXT_COLUMNS, [])


def test_a_sheet_needs_distinct_headers() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        Sheet("Book", [Column("A", "text"), Column("A", "date")], [])
    with pytest.raises(ValueError, match="at least one column"):
        Sheet("Book", [], [])


@pytest.mark.parametrize("header", ["", "=SUM(A1)", "-x", "two\nlines"])
def test_headers_must_be_plain_printable_text(header: str) -> None:
    with pytest.raises(ValueError, match="plain printable"):
        Column(header, "text")


def test_a_column_kind_and_width_are_checked() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        Column("A", "phone")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="width"):
        Column("A", "text", width=0)
