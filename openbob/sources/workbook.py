"""Reading an .xlsx workbook's rows with python-calamine, after the safety checks.

calamine loads one sheet into memory (bounded by the uncompressed-size limit checked
first) and hands back cells as Python values: numbers as floats, dates as `date`,
formulas as their cached result. The first worksheet holding data is read; CalHEERS and
carrier exports have one sheet.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from functools import partial
from pathlib import Path
from typing import TypeVar

from python_calamine import CalamineSheet, CalamineWorkbook

from openbob.sources.cells import Cell, RawRow, column_letter
from openbob.sources.errors import MalformedFileError, UnsafeFileError
from openbob.sources.safety import Limits, check_workbook

T = TypeVar("T")
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
        while (cells := _calamine(path, partial(next, rows, None))) is not None:
            number += 1
            row: list[Cell] = padding + list(cells)
            _check_cells(path, number, row, limits)
            yield RawRow(number, row)
    finally:
        workbook.close()


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
