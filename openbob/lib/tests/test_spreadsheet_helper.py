"""Long files go through the helper process and come out as this process writes them."""

from __future__ import annotations

import io
import resource
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from openbob.lib import spreadsheet
from openbob.lib.spreadsheet import (
    Column,
    ColumnBatches,
    Sheet,
    legend_sheet,
    write_csv,
    write_xlsx,
)
from openbob.lib.spreadsheet_helper import write_through_helper

HELPER_FROM_ROWS = 1000
ROWS = 2600  # three batches through the pipe after the head
COLUMNS = [
    Column("Name", "text"),
    Column("Phone", "text"),
    Column("Effective Date", "date"),
    Column("Updated At", "datetime"),
    Column("Net Premium", "money"),
    Column("Members", "integer"),
    Column("Rate", "decimal"),
    Column("Active", "bool"),
]


def book_rows(count: int = ROWS) -> list[tuple[object, ...]]:
    """Varied rows, with formula-like text, blanks and repeated values."""
    names = ["Ana", "=HYPERLINK(1)", "+1 555", "Zoë", "", None, "line\r\nbreak", "@home"]
    return [
        (
            names[n % len(names)],
            f"{9160000000 + n:010d}",
            date(2026, 1, 1 + n % 28) if n % 5 else None,
            datetime(2026, 3, 7, n % 24, tzinfo=UTC),
            Decimal(f"{500 + n % 300}.25") if n % 7 else -12.5,
            n % 9,
            0.0525,
            bool(n % 2),
        )
        for n in range(count)
    ]


def column_batches(rows: list[tuple[object, ...]], size: int = 700) -> ColumnBatches:
    """The same rows as an export hands them over: batches of columns."""
    return ColumnBatches(
        [list(column) for column in zip(*rows[start : start + size], strict=True)]
        for start in range(0, len(rows), size)
    )


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cells(path: Path, sheet: str) -> list[list[object]]:
    worksheet = openpyxl.load_workbook(path)[sheet]
    return [[cell.value for cell in row] for row in worksheet.iter_rows()]


def both_ways_xlsx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """The same workbook written here (one long sheet's worth below the threshold) and
    through the helper."""
    sheets = [
        Sheet("Book", COLUMNS, book_rows(), title="File Created today"),
        legend_sheet([("Name", "Member's name.")]),
    ]
    here, helped = tmp_path / "here.xlsx", tmp_path / "helped.xlsx"
    assert write_xlsx(here, sheets) == ROWS
    monkeypatch.setattr(spreadsheet, "HELPER_FROM_ROWS", HELPER_FROM_ROWS)
    before = children_cpu()
    sheets = [
        Sheet("Book", COLUMNS, iter(book_rows()), title="File Created today"),
        legend_sheet([("Name", "Member's name.")]),
    ]
    assert write_xlsx(helped, sheets) == ROWS
    assert children_cpu() > before  # a helper process ran and was waited for
    return here, helped


def test_a_long_workbook_written_by_the_helper_has_the_same_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here, helped = both_ways_xlsx(tmp_path, monkeypatch)
    for sheet in ("Book", "Legend"):
        assert cells(helped, sheet) == cells(here, sheet)
    book = openpyxl.load_workbook(helped)["Book"]
    assert book["A4"].value == "'=HYPERLINK(1)" and book["A5"].value == "'+1 555"
    assert book["B3"].value == "9160000000" and book["E3"].number_format == "$#,##0.00"
    assert book.freeze_panes == "A3"


def test_a_long_csv_written_by_the_helper_is_byte_for_byte_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = io.BytesIO()
    write_csv(stream, COLUMNS, book_rows(), bom=True)
    monkeypatch.setattr(spreadsheet, "HELPER_FROM_ROWS", HELPER_FROM_ROWS)
    path = tmp_path / "helped.csv"
    before = children_cpu()
    assert write_csv(path, COLUMNS, iter(book_rows()), bom=True) == ROWS
    assert children_cpu() > before
    assert path.read_bytes() == stream.getvalue()


@pytest.mark.parametrize("given", ["rows", "column batches"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_wrong_cell_past_the_head_is_reported_with_its_row_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, given: str
) -> None:
    """xlsx cells are checked in this process, CSV cells in the helper: same error,
    whether the rows come one by one or as batches of columns."""
    monkeypatch.setattr(spreadsheet, "HELPER_FROM_ROWS", HELPER_FROM_ROWS)
    rows = book_rows()
    rows[2100] = ("Ana", 916, *rows[2100][2:])  # a number in a text column
    table = rows if given == "rows" else column_batches(rows)
    with pytest.raises(TypeError, match="Row 2101, column 'Phone'"):
        if fmt == "xlsx":
            write_xlsx(tmp_path / "book.xlsx", [Sheet("Book", COLUMNS, table)])
        else:
            write_csv(tmp_path / "book.csv", COLUMNS, table)
    assert list(tmp_path.iterdir()) == []


def test_rows_that_fail_mid_stream_stop_the_helper_and_leave_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spreadsheet, "HELPER_FROM_ROWS", HELPER_FROM_ROWS)

    def failing() -> Iterator[tuple[object, ...]]:
        yield from book_rows(2500)
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError, match="database went away"):
        write_csv(tmp_path / "book.csv", COLUMNS, failing())
    assert list(tmp_path.iterdir()) == []


def test_a_failure_inside_the_helper_is_raised_in_the_caller(tmp_path: Path) -> None:
    job = spreadsheet._CsvJob(tmp_path / "missing" / "book.csv", [Column("Name", "text")], False)
    with pytest.raises(OSError, match="No such file or directory"):
        write_through_helper(job, [[("Ana",)]] * 3)


@pytest.mark.parametrize("helped", [False, True], ids=["in process", "through the helper"])
def test_rows_given_as_column_batches_make_the_same_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, helped: bool
) -> None:
    here = tmp_path / "rows.xlsx"
    assert write_xlsx(here, [Sheet("Book", COLUMNS, book_rows())]) == ROWS
    stream = io.BytesIO()
    write_csv(stream, COLUMNS, book_rows())
    if helped:
        monkeypatch.setattr(spreadsheet, "HELPER_FROM_ROWS", HELPER_FROM_ROWS)
    columnar = tmp_path / "columns.xlsx"
    assert write_xlsx(columnar, [Sheet("Book", COLUMNS, column_batches(book_rows()))]) == ROWS
    assert cells(columnar, "Book") == cells(here, "Book")
    path = tmp_path / "columns.csv"
    assert write_csv(path, COLUMNS, column_batches(book_rows())) == ROWS
    assert path.read_bytes() == stream.getvalue()


def test_a_column_batch_of_uneven_columns_is_refused(tmp_path: Path) -> None:
    columns = [Column("Name", "text"), Column("Phone", "text")]
    uneven = ColumnBatches([[["Ana", "Bo"], ["9160000000"]]])
    with pytest.raises(ValueError, match="expected 2 of one length"):
        write_xlsx(tmp_path / "book.xlsx", [Sheet("Book", columns, uneven)])
    assert list(tmp_path.iterdir()) == []
