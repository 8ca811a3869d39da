"""Reading an .xlsx workbook's rows with python-calamine, after the safety checks.

calamine loads one sheet into memory (bounded by the uncompressed-size limit checked
first) and hands back cells as Python values: numbers as floats, dates as `date`,
formulas as their cached result. The first worksheet holding data is read; CalHEERS and
carrier exports have one sheet.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Sequence
from functools import partial
from itertools import islice, zip_longest
from pathlib import Path
from typing import Any, TypeVar, cast

from python_calamine import CalamineSheet, CalamineWorkbook

from openbob.sources.cells import Cell, RawRow, column_letter
from openbob.sources.errors import MalformedFileError, UnsafeFileError
from openbob.sources.safety import Limits, check_workbook

T = TypeVar("T")
BATCH_ROWS = 512
"""Rows taken from calamine, and checked, at a time."""
_TEXT = frozenset({str})
_NEVER_CAUGHT = (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError)


def _calamine(path: Path, call: Callable[[], T]) -> T:
    """Run a calamine call, turning any failure into a `MalformedFileError`.

    The broad catch is deliberate: calamine is native code, and a Rust panic surfaces as
    pyo3's PanicException, which derives from BaseException rather than Exception.
    """
    try:
        return call()
    except _NEVER_CAUGHT:
        raise
    except BaseException as exc:
        raise MalformedFileError(
            path, f"not a readable .xlsx workbook ({type(exc).__name__})"
        ) from None


def xlsx_rows(path: Path, limits: Limits) -> Generator[RawRow, None, None]:
    """Stream the first non-empty worksheet's rows; column A is always index 0."""
    check_workbook(path, limits)
    workbook = _calamine(path, lambda: CalamineWorkbook.from_path(path))
    try:
        sheet = _first_sheet_with_data(path, workbook)
        if sheet is None:
            return
        start = _calamine(path, lambda: sheet.start)
        padding: list[Cell] = [""] * (start[1] if start else 0)
        rows = _calamine(path, sheet.iter_rows)
        number = 0
        while batch := _calamine(path, partial(_take, rows)):
            cells = [padding + row for row in batch] if padding else batch
            _check_batch(path, number, cells, limits)
            for row in cells:
                number += 1
                yield RawRow(number, row)
    finally:
        workbook.close()


def _take(rows: Iterator[list[Any]]) -> list[list[Cell]]:
    return list(islice(rows, BATCH_ROWS))


def _check_batch(path: Path, before: int, rows: list[list[Cell]], limits: Limits) -> None:
    """`_check_cells` for rows `before + 1`...: column by column at C speed when all is
    well (the usual case), row by row to name the first bad cell when it is not."""
    if max(map(len, rows)) <= limits.max_columns:  # before the transposition, which it bounds
        texts = map(_texts, zip_longest(*rows))
        if max((max(map(len, t), default=0) for t in texts), default=0) <= limits.max_field_chars:
            return
    for number, row in enumerate(rows, start=before + 1):
        _check_cells(path, number, row, limits)


def _texts(column: tuple[Cell, ...]) -> Sequence[str]:
    """The text cells of a column (most columns of a book hold text alone)."""
    if _TEXT.issuperset(map(type, column)):
        return cast(tuple[str, ...], column)
    return [cell for cell in column if isinstance(cell, str)]


def _first_sheet_with_data(path: Path, workbook: CalamineWorkbook) -> CalamineSheet | None:
    for index in range(len(workbook.sheet_names)):
        sheet = _calamine(path, partial(workbook.get_sheet_by_index, index))
        if sheet.height > 0 and sheet.width > 0:
            return sheet
    return None


def _check_cells(path: Path, number: int, cells: list[Cell], limits: Limits) -> None:
    if len(cells) > limits.max_columns:
        raise UnsafeFileError(path, f"more than {limits.max_columns} columns", row=number)
    for index, cell in enumerate(cells):
        if isinstance(cell, str) and len(cell) > limits.max_field_chars:
            raise UnsafeFileError(
                path,
                f"cell longer than {limits.max_field_chars} characters",
                row=number,
                column=column_letter(index),
            )
