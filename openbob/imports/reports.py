"""Files an import hands back: every error as CSV, and the rejected rows as they were.

Both may hold consumer data (the rejected rows are the user's own rows, SSNs included),
so they are created readable by the service user only.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Sequence
from itertools import islice
from pathlib import Path
from typing import IO

from openbob.lib.csvsafe import escape_cell
from openbob.sources.errors import RowError
from openbob.sources.safety import DEFAULT_LIMITS
from openbob.sources.table import open_table

ERROR_HEADER = ("file", "row", "column", "reason", "value")


def write_errors_csv(target: Path, errors: Iterable[RowError]) -> int:
    """Every row error, one per line (values of sensitive columns are never included)."""
    count = 0
    with _private(target) as handle:
        writer = csv.writer(handle)
        writer.writerow(ERROR_HEADER)
        for error in errors:
            writer.writerow(
                [
                    escape_cell(str(v))
                    for v in (error.file, error.row, error.column, error.reason, error.value or "")
                ]
            )
            count += 1
    return count


def write_rejected_rows(source: Path, target: Path, lines: Sequence[int], header_row: int) -> int:
    """Copy the header and the rejected lines of `source` to a CSV, exactly as they were."""
    wanted = set(lines)
    written = 0
    with (
        open_table(source, DEFAULT_LIMITS) as table,
        _private(target) as handle,
    ):
        writer = csv.writer(handle)
        header = next((r for r in table.head if r.number == header_row), None)
        if header is not None:
            writer.writerow(["source row", *(_text(c) for c in header.cells)])
        for raw in table.rows_after(header_row):
            if raw.number in wanted:
                writer.writerow([raw.number, *(escape_cell(_text(c)) for c in raw.cells)])
                written += 1
    return written


def read_errors(source: Path, start: int, stop: int) -> list[dict[str, str]]:
    """Errors `start` to `stop` (0-based, stop excluded) of a file `write_errors_csv` wrote."""
    with source.open(newline="", encoding="utf-8") as handle:
        return list(islice(csv.DictReader(handle), start, stop))


def _private(target: Path) -> IO[str]:
    """`target` opened for writing, created (or truncated) with mode 0600."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    return open(descriptor, "w", newline="", encoding="utf-8")  # noqa: PTH123 - a descriptor


def _text(cell: object) -> str:
    return "" if cell is None else str(cell)
