"""The xlsx backend behind `spreadsheet.write_xlsx`: rustpy-xlsxwriter.

Why this library: it is the fastest streaming xlsx writer measured (perf.md section 2:
10x openpyxl and 6.7x XlsxWriter's constant-memory mode, at the deflate floor), and
without shared strings it writes in constant memory. Swapping it for another library
means writing another `write_workbook` with the same contract; nothing else changes.

What it is given is already converted and checked by `spreadsheet`: cells are str,
date, naive datetime, int, float, bool or None, and the title is already escaped. For a
large file it runs in `spreadsheet_helper`'s process, fed through a pipe.

Its quirks, handled here:

* it takes the header row from the keys of the first record, so an empty sheet gets
  one blank record (it writes no cells for it);
* Excel, and so the library, refuses to merge a single cell, so a one-column title
  spans two;
* ``dedupe_strings`` (a shared-string table) buffers the whole sheet in memory
  (12 GiB at 1M rows in perf.md), so it stays off.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice, repeat
from pathlib import Path
from typing import Any

import rustpy_xlsxwriter

EXCEL_MAX_ROWS = 1_048_576


@dataclass(frozen=True)
class Table:
    """One worksheet: headers, per-column number formats and widths, and its rows."""

    name: str
    headers: Sequence[str]
    number_formats: Sequence[str | None]
    widths: Sequence[int]
    title: str | None
    rows: Iterable[Sequence[object]]

    @property
    def header_row(self) -> int:
        """0-based: with a title on the first row, the headers sit on the second."""
        return 0 if self.title is None else 1


def write_workbook(target: Path, tables: Sequence[Table]) -> None:
    """Write `tables` as worksheets with a bold frozen header row and an autofilter."""
    bold = rustpy_xlsxwriter.Format().set_bold()
    names = [table.name for table in tables]
    rustpy_xlsxwriter.write_worksheets(
        [(table.name, _records(table)) for table in tables],
        str(target),
        header_row={table.name: table.header_row for table in tables},
        merge_ranges={table.name: [_title(table, bold)] for table in tables if table.title},
        freeze_panes={table.name: {"row": table.header_row + 1, "col": 0} for table in tables},
        autofilter=dict.fromkeys(names, True),
        header_format=dict.fromkeys(names, bold),
        column_widths={table.name: [float(width) for width in table.widths] for table in tables},
        column_formats={table.name: _formats(table.number_formats) for table in tables},
    )


def _records(table: Table) -> Iterator[dict[str, object]]:
    """One dict per row, keyed by header in column order, as the library wants them.

    Built by `map` (the rows are already checked), so the library pulls each record
    without resuming a Python frame; a row past Excel's limit raises ValueError.
    """
    rows = iter(table.rows)
    first = next(rows, None)
    if first is None:
        return iter([dict.fromkeys(table.headers)])
    limit = EXCEL_MAX_ROWS - table.header_row - 1
    records = map(dict, map(zip, repeat(table.headers), islice(chain([first], rows), limit)))
    return chain(records, _nothing_after(rows, table.name, limit))


def _nothing_after(rows: Iterator[Sequence[object]], name: str, limit: int) -> Iterator[Any]:
    if next(rows, None) is not None:
        raise ValueError(f"Sheet {name!r} has more rows than Excel's {limit:,}")
    yield from ()


def _title(table: Table, style: rustpy_xlsxwriter.Format) -> tuple[Any, ...]:
    """The title merged across row 1 (first_row, first_col, last_row, last_col, ...)."""
    return (0, 0, 0, max(len(table.headers), 2) - 1, table.title, style)


def _formats(number_formats: Sequence[str | None]) -> list[rustpy_xlsxwriter.Format]:
    return [
        rustpy_xlsxwriter.Format()
        if number_format is None
        else rustpy_xlsxwriter.Format().set_num_format(number_format)
        for number_format in number_formats
    ]
