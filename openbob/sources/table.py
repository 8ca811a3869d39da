"""Opening any supported file as a stream of raw rows, with the first rows buffered.

The file's kind comes from its first bytes (a zip is an .xlsx candidate, anything else
is text), never from its name. The first `HEAD_ROWS` rows are read eagerly so detection
can look for the header row; iteration then continues from the buffer into the stream,
row by row (`rows_after`) or a chunk at a time through a `RowTransform`
(`chunks_after`), which a workbook's reader process applies where it can.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import Protocol, TypeVar

from openbob.lib.batches import batched
from openbob.sources.cells import RawRow
from openbob.sources.errors import MalformedFileError
from openbob.sources.formats import FileKind
from openbob.sources.safety import Limits, check_size
from openbob.sources.textfile import csv_rows, sniff_delimiter, sniff_encoding
from openbob.sources.transform import RowTransform, apply
from openbob.sources.workbook import WorkbookRows

T = TypeVar("T")
HEAD_ROWS = 30
CHUNK_ROWS = 512
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class RowReader(Protocol):
    """A file's raw rows, in order; the rest of them also as transformed chunks."""

    def __iter__(self) -> Iterator[RawRow]: ...

    def __next__(self) -> RawRow: ...

    def chunks(self, transform: RowTransform[T]) -> Iterator[list[T]]: ...

    def close(self) -> None: ...


class LocalRows:
    """Rows this process reads itself (a text file's): chunks are transformed here."""

    def __init__(self, rows: Generator[RawRow, None, None]) -> None:
        self._rows = rows

    def __iter__(self) -> Iterator[RawRow]:
        return self

    def __next__(self) -> RawRow:
        return next(self._rows)

    def chunks(self, transform: RowTransform[T]) -> Iterator[list[T]]:
        for chunk in batched(self._rows, CHUNK_ROWS):
            yield apply(transform, chunk)

    def close(self) -> None:
        self._rows.close()


class Table:
    """An open file's rows. Iterate once; close (or use `with`) to release the file."""

    def __init__(
        self,
        path: Path,
        kind: FileKind,
        rows: RowReader,
        *,
        encoding: str | None = None,
        delimiter: str | None = None,
    ) -> None:
        self.path = path
        self.kind = kind
        self.encoding = encoding
        self.delimiter = delimiter
        self._rows = rows
        self.head: list[RawRow] = list(islice(rows, HEAD_ROWS))

    def rows_after(self, number: int) -> Iterator[RawRow]:
        """The rows below row `number`, from the buffer and then the stream."""
        yield from (row for row in self.head if row.number > number)
        yield from self._rows

    def chunks_after(self, number: int, transform: RowTransform[T]) -> Iterator[list[T]]:
        """The rows below row `number` as `transform` makes them, a chunk at a time."""
        buffered = [row for row in self.head if row.number > number]
        if buffered:
            yield apply(transform, buffered)
        yield from self._rows.chunks(transform)

    def close(self) -> None:
        self._rows.close()

    def __enter__(self) -> Table:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def open_table(path: Path, limits: Limits) -> Table:
    """Check and open a file; refuses what is unsafe before parsing."""
    check_size(path, limits)
    with path.open("rb") as handle:
        magic = handle.read(len(_OLE2_MAGIC))
    if magic.startswith(_ZIP_MAGIC):
        return Table(path, FileKind.XLSX, WorkbookRows(path, limits))
    if magic.startswith(_OLE2_MAGIC):
        raise MalformedFileError(
            path, "a legacy .xls or password-protected workbook; save it as a plain .xlsx"
        )
    encoding = sniff_encoding(path)
    delimiter = sniff_delimiter(path, encoding)
    rows = LocalRows(csv_rows(path, encoding, delimiter, limits))
    return Table(path, FileKind.CSV, rows, encoding=encoding, delimiter=delimiter)
