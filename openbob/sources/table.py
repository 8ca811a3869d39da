"""Opening any supported file as a stream of raw rows, with the first rows buffered.

The file's kind comes from its first bytes (a zip is an .xlsx candidate, anything else
is text), never from its name. The first `HEAD_ROWS` rows are read eagerly so detection
can look for the header row; iteration then continues from the buffer into the stream.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from itertools import islice
from pathlib import Path
from types import TracebackType

from openbob.sources.cells import RawRow
from openbob.sources.errors import MalformedFileError
from openbob.sources.formats import FileKind
from openbob.sources.safety import Limits, check_size
from openbob.sources.textfile import csv_rows, sniff_delimiter, sniff_encoding
from openbob.sources.workbook import xlsx_rows

HEAD_ROWS = 30
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class Table:
    """An open file's rows. Iterate once; close (or use `with`) to release the file."""

    def __init__(
        self,
        path: Path,
        kind: FileKind,
        rows: Generator[RawRow, None, None],
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
        return Table(path, FileKind.XLSX, xlsx_rows(path, limits))
    if magic.startswith(_OLE2_MAGIC):
        raise MalformedFileError(
            path, "a legacy .xls or password-protected workbook; save it as a plain .xlsx"
        )
    encoding = sniff_encoding(path)
    delimiter = sniff_delimiter(path, encoding)
    rows = csv_rows(path, encoding, delimiter, limits)
    return Table(path, FileKind.CSV, rows, encoding=encoding, delimiter=delimiter)
