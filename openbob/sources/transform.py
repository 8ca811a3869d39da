"""Work on raw rows that may be done in the process that reads them.

A workbook is read by a child process (`openbob.sources.xlsx_child`) that idles once its
load is done, while this process still has every row to work through. A `RowTransform`
handed to `Table.chunks_after` is pickled to that child, which applies it to each batch
it has not sent yet, beside this process (a 200,000-household book: the skim's typing
and fingerprints, about 3 s, leave this process's path).

So the work is in two halves. `encode` runs where the rows are and must build its
result of plain values only: text, numbers, booleans, None, dates and times, `Decimal`,
and tuples, lists and dicts of them (the only types `workbook` accepts back). `decode`
turns that into the final objects, here. Rows this process holds itself (a CSV's, a
workbook's first batch, batches already on their way) go through both halves here: the
result is the same either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

from openbob.sources.cells import RawRow

T = TypeVar("T")


class RowTransform(Protocol[T]):
    """A transform of raw rows, chunk by chunk, whose first half may run in the reader."""

    def encode(self, rows: Sequence[RawRow]) -> list[Any]:
        """The rows' result as plain values (see the module docstring)."""
        ...

    def decode(self, encoded: list[Any]) -> list[T]:
        """The final objects of an `encode` result."""
        ...


def apply(transform: RowTransform[T], rows: Sequence[RawRow]) -> list[T]:
    """The transform's result for rows held in this process."""
    return transform.decode(transform.encode(rows))
