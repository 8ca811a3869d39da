"""The one exception hierarchy of `openbob.sources`, and the per-row error record.

Two kinds of trouble, handled differently on purpose:

* **File-level** problems (unsafe, unreadable, unrecognised, a required column missing)
  raise a `SourceError`: nothing in the file can be trusted, so the import stops.
* **Value-level** problems (a bad date, a 7-digit phone number) never raise. The cell
  becomes ``None`` and a `RowError` is attached to the row, so an import can report every
  problem of a file at once, with file, row, column and reason.

Messages never carry an SSN, a date of birth or an income: sensitive columns report a
reason without the value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class SourceError(Exception):
    """A file cannot be imported. `row` and `column` say where, when known."""

    def __init__(
        self,
        file: str | Path,
        reason: str,
        *,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file = Path(file).name
        self.reason = reason
        self.row = row
        self.column = column
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.reason}"


class UnsafeFileError(SourceError):
    """The file was refused before parsing: too big, a zip bomb, macros, XML entities, NUL."""


class MalformedFileError(SourceError):
    """The file is not a readable workbook or text table (corrupt, wrong encoding, ...)."""


class UnrecognisedFormatError(SourceError):
    """No known layout matches the file's headers, and no column mapping was given."""


class MissingColumnsError(SourceError):
    """The layout was recognised but columns it cannot do without are absent."""

    def __init__(self, file: str | Path, columns: Sequence[str], *, row: int | None) -> None:
        self.columns = tuple(columns)
        listed = ", ".join(f"'{name}'" for name in self.columns)
        plural = "s" if len(self.columns) > 1 else ""
        super().__init__(file, f"missing required column{plural} {listed}", row=row)


class DuplicateColumnError(SourceError):
    """The same header appears twice for one field, so which value to use is ambiguous."""


class InvalidValue(ValueError):
    """One cell's value is unusable. Internal: the adapters turn it into a `RowError`.

    `reason` must never contain the value itself; the caller decides whether the value
    may be shown (it may not for SSN, DOB or income columns).
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True, slots=True)
class RowError:
    """A value problem in one cell. `value` is None for sensitive columns."""

    file: str
    row: int
    column: str
    reason: str
    value: str | None

    def __str__(self) -> str:
        shown = "" if self.value is None else f" (value {self.value!r})"
        return f"{self.file}, row {self.row}, column '{self.column}': {self.reason}{shown}"
