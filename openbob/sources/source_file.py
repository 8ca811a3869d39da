"""An opened source file: its detected layout, its bound columns, and its typed rows.

Every adapter is the same three things: a `FormatSpec` (headers and markers), a row
builder turning the extracted values into the adapter's row dataclass, and optionally a
reader of the file's as-of time. `open_source` does the rest in one pass over the file:
safety checks, header detection, column binding, then streaming rows.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Generic, TypeVar

from openbob.lib.batches import batched
from openbob.sources.cells import RawRow, is_blank
from openbob.sources.columns import ColumnMap, Extracted, bind
from openbob.sources.detection import find_header, row_headers
from openbob.sources.errors import UnrecognisedFormatError
from openbob.sources.formats import DetectedFormat, FormatId, FormatSpec
from openbob.sources.safety import Limits
from openbob.sources.skim import Packing, Skim, Skimmed
from openbob.sources.table import CHUNK_ROWS, Table, open_table

R = TypeVar("R", covariant=True)
AsOfReader = Callable[[Sequence[RawRow], int, Path], datetime | None]


@dataclass(frozen=True, slots=True)
class Adapter(Generic[R]):
    """How to read one layout: its spec, its row builder, and its as-of reader."""

    spec: FormatSpec
    build: Callable[[Extracted, int], R]
    as_of: AsOfReader | None = None


class SourceFile(Generic[R]):
    """Typed rows of one file, streamed once. Use as a context manager to close it."""

    def __init__(
        self,
        table: Table,
        detected: DetectedFormat,
        columns: ColumnMap,
        build: Callable[[Extracted, int], R],
        as_of: datetime | None,
    ) -> None:
        self.path = table.path
        self.detected = detected
        self.columns = columns
        self.as_of = as_of
        self._table = table
        self._build = build
        self._started = False

    @property
    def format(self) -> FormatId:
        return self.detected.format

    @property
    def unknown_columns(self) -> tuple[str, ...]:
        """Headers no field claims; their values are in each row's `extra`."""
        return self.columns.unknown_columns

    def __iter__(self) -> Iterator[R]:
        self._claim()
        return self._rows()

    def _claim(self) -> None:
        if self._started:
            raise RuntimeError("a SourceFile streams its rows once; open the file again")
        self._started = True

    def _rows(self) -> Iterator[R]:
        """Typed rows, extracted a chunk at a time (much faster per row than one by one)."""
        for chunk in self._chunks():
            yield from self.typed(chunk)

    def _chunks(self) -> Iterator[list[RawRow]]:
        """The raw rows after the header that hold a value, `CHUNK_ROWS` at a time."""
        null_tokens = self.columns.null_tokens
        filled = (
            raw
            for raw in self._table.rows_after(self.detected.header_row)
            if not all(is_blank(cell, null_tokens) for cell in raw.cells)
        )
        return batched(filled, CHUNK_ROWS)

    def typed(self, rows: Sequence[RawRow]) -> list[R]:
        """The typed rows of raw `rows` (of this file), in one extraction."""
        build = self._build
        extracted = self.columns.extract_many(rows)
        return [build(found, raw.number) for raw, found in zip(rows, extracted, strict=True)]

    def skim(self, fields: Collection[str], undigested: Collection[str]) -> Iterator[Skimmed]:
        """Rows with only `fields` typed, fingerprinted by the cells of every other field
        but those `undigested`; `typed` types the ones the caller needs (see `skim`).
        Undigested fields are never stored: typed, they are only checked, and a skimmed
        row holds their errors but not their values. A workbook's reader process does
        most of this work (`Table.chunks_after`)."""
        self._claim()
        bound = {b.spec.name for b in self.columns.bound}
        packing = Packing(self.columns.columns_of(bound - set(undigested)))
        skim = Skim(self.columns.only(fields), packing, checked=frozenset(undigested))
        for chunk in self._table.chunks_after(self.detected.header_row, skim):
            yield from chunk

    def close(self) -> None:
        self._table.close()

    def __enter__(self) -> SourceFile[R]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def open_source(path: Path, adapters: Sequence[Adapter[R]], limits: Limits) -> SourceFile[R]:
    """Open a file with whichever of `adapters` recognises its header row."""
    table = open_table(path, limits)
    try:
        found = find_header(table.head, [adapter.spec for adapter in adapters])
        if found is None:
            raise UnrecognisedFormatError(path, _expected(adapters))
        spec, header = found
        adapter = next(adapter for adapter in adapters if adapter.spec is spec)
        headers = row_headers(header)
        columns = bind(spec.schema, headers, file=path, header_row=header.number)
        detected = DetectedFormat(
            format=spec.id,
            kind=table.kind,
            header_row=header.number,
            headers=tuple(headers),
            encoding=table.encoding,
            delimiter=table.delimiter,
        )
        as_of = adapter.as_of(table.head, header.number, path) if adapter.as_of else None
    except BaseException:
        table.close()
        raise
    return SourceFile(table, detected, columns, adapter.build, as_of)


def _expected(adapters: Sequence[Adapter[object]]) -> str:
    names = ", ".join(adapter.spec.id.value for adapter in adapters)
    return f"no header row of a known layout ({names}) in the first rows"
