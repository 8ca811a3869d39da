"""Raw cell values as the readers hand them over, before any interpretation.

A CSV cell is always text; an .xlsx cell read by python-calamine may be a number, a
boolean, a date or a time. Adapters keep the raw cell until a field parser decides what
it means, because "9165551234.0" is a phone number only once we know the column.
"""

from __future__ import annotations

import io
import pickle
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

Cell = str | int | float | bool | date | datetime | time | timedelta | None

_LARGEST_EXACT_FLOAT_INTEGER = 2**53
_ACCEPTED: dict[tuple[str, str], type] = {
    (kind.__module__, kind.__name__): kind for kind in (date, datetime, time, timedelta, Decimal)
}


@dataclass(frozen=True, slots=True)
class RawRow:
    """One spreadsheet row: its 1-based row number and its cells, column A first."""

    number: int
    cells: list[Cell]


class CellUnpickler(pickle.Unpickler):
    """Unpickles what a cell or a transform's result may hold and nothing else: text,
    numbers and booleans need no class, dates and times `datetime`'s, amounts
    `Decimal`. For pickles made by the process that reads a workbook, which parses
    untrusted input."""

    def find_class(self, module: str, name: str) -> Any:
        found = _ACCEPTED.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not a cell value")
        return found


def load_cells(data: bytes) -> Any:
    """`data` unpickled by a `CellUnpickler`."""
    return CellUnpickler(io.BytesIO(data)).load()


def is_blank(cell: Cell, null_tokens: frozenset[str] = frozenset()) -> bool:
    """True for an empty cell, whitespace, or a token the format uses for "no value"."""
    if cell is None:
        return True
    if isinstance(cell, str):
        stripped = cell.strip()
        return not stripped or stripped.casefold() in null_tokens
    return False


def integral_float_text(value: float) -> str | None:
    """'9165551234' for 9165551234.0: Excel stores digit strings as floats."""
    if value.is_integer() and abs(value) < _LARGEST_EXACT_FLOAT_INTEGER:
        return str(int(value))
    return None


def cell_text(cell: Cell) -> str:
    """The cell as text, the way a person reading the sheet would copy it."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float):
        return integral_float_text(cell) or repr(cell)
    if isinstance(cell, date | datetime | time):
        return cell.isoformat()
    return str(cell)


def column_letter(index: int) -> str:
    """Spreadsheet column name of a 0-based index: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
