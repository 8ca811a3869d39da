"""Pulling typed values out of raw rows: a chunk of rows at a time, column by column.

Files of a million rows and sixty columns make this the adapters' hot loop, and per-cell
Python work is what costs. So a chunk of rows is transposed (`zip`, in C) and every cell
of a column is looked up in that column's cache of values already parsed (`map` over
`dict.get`, in C): Python runs only for values the column has not seen yet. Dates,
amounts, codes and statuses repeat all through a book; a column of names fills its
small cache and then simply misses, which costs what parsing costs anyway.

Cache keys are the raw cells. Numbers of different types can be equal (`True == 1 ==
1.0`) yet parse differently, so a column that shows more than one numeric type is keyed
by `(type, cell)` from then on. A field bound to several columns (two aliases both
present) takes the first filled one, row by row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import repeat, zip_longest
from typing import Any

from openbob.sources.cells import Cell, RawRow, cell_text, column_letter, is_blank
from openbob.sources.errors import InvalidValue, RowError
from openbob.sources.schema import Parser

CACHE_LIMIT = 2048
"""Distinct raw values remembered per column (bounds memory on a million-row file)."""
_NUMERIC = frozenset({bool, int, float})
_MISSING = object()


@dataclass(frozen=True, slots=True)
class Extracted:
    """One row's parsed field values, its unknown columns' raw text, and its value errors."""

    values: dict[str, Any]
    extra: dict[str, str]
    errors: list[RowError]


@dataclass(slots=True)
class FieldReader:
    """One field's column(s), its parser, and the values its column has parsed so far."""

    name: str
    columns: tuple[int, ...]
    parse: Parser
    sensitive: bool
    cache: dict[object, object] = field(default_factory=dict)
    numeric: set[type] = field(default_factory=set)

    @property
    def typed(self) -> bool:
        """True once the column showed numbers of two types: keys carry the type."""
        return len(self.numeric) > 1


@dataclass(slots=True)
class Extractor:
    """Typed values of a file's rows, given how its columns bind to fields.

    `header_of` names a column in errors; `extras` are the columns no field claims,
    `unnamed` those without a header, `header_width` the header row's length.
    """

    file: str
    fields: tuple[FieldReader, ...]
    extras: tuple[tuple[int, str], ...]
    unnamed: tuple[int, ...]
    header_width: int
    null_tokens: frozenset[str]
    header_of: Callable[[int], str]
    _names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        self._names = tuple(reader.name for reader in self.fields)

    @property
    def names(self) -> tuple[str, ...]:
        """The names of the fields it extracts."""
        return self._names

    def extract(self, rows: Sequence[RawRow]) -> list[Extracted]:
        """Each row's values, extras and errors, in the order of `rows`."""
        if not rows:
            return []
        columns, errors = self.by_field(rows)
        values = [dict(zip(self._names, row, strict=True)) for row in zip(*columns, strict=True)]
        return [
            Extracted(found, self._extra(row.cells), problems)
            for found, row, problems in zip(values, rows, errors, strict=True)
        ]

    def by_field(self, rows: Sequence[RawRow]) -> tuple[list[list[object]], list[list[RowError]]]:
        """Each field's values down `rows` (in the order of `names`), and each row's value
        errors: what `extract` assembles into rows, for a caller that needs less of it."""
        grid = list(zip_longest(*(row.cells for row in rows)))
        errors: list[list[RowError]] = [[] for _ in rows]
        return [self._field(reader, grid, rows, errors) for reader in self.fields], errors

    def _field(
        self,
        reader: FieldReader,
        grid: list[tuple[Cell, ...]],
        rows: Sequence[RawRow],
        errors: list[list[RowError]],
    ) -> list[object]:
        if len(reader.columns) > 1:
            return [self._first_filled(reader, row, errors[n]) for n, row in enumerate(rows)]
        index = reader.columns[0] if reader.columns else len(grid)
        if index >= len(grid):
            return [None] * len(rows)  # the file lacks the column, or no row reaches it
        column = grid[index]
        seen = _NUMERIC.intersection(map(type, column))
        if not seen <= reader.numeric:
            reader.numeric |= seen
            if reader.typed:
                reader.cache.clear()  # entries keyed by bare numbers may now collide
        keys: Sequence[object] = [(type(cell), cell) for cell in column] if reader.typed else column
        found = list(map(reader.cache.get, keys, repeat(_MISSING)))
        if _MISSING in found:
            self._parse_missing(reader, index, column, keys, found, rows, errors)
        return found

    def _parse_missing(
        self,
        reader: FieldReader,
        index: int,
        column: Sequence[Cell],
        keys: Sequence[object],
        found: list[object],
        rows: Sequence[RawRow],
        errors: list[list[RowError]],
    ) -> None:
        """Parse the cells the cache did not know, in place (the loop of misses is hot)."""
        cache, parse, nulls = reader.cache, reader.parse, self.null_tokens
        room = CACHE_LIMIT - len(cache)
        for position in [n for n, value in enumerate(found) if value is _MISSING]:
            key = keys[position]
            value = cache.get(key, _MISSING)  # parsed earlier in this chunk
            if value is _MISSING:
                cell = column[position]
                try:
                    value = None if is_blank(cell, nulls) else parse(cell)
                except InvalidValue as problem:
                    errors[position].append(
                        self._error(reader, index, cell, rows[position], problem)
                    )
                    value = None
                else:
                    if room > 0:
                        cache[key] = value
                        room -= 1
            found[position] = value

    def _first_filled(self, reader: FieldReader, row: RawRow, errors: list[RowError]) -> object:
        """The value of the first of the field's columns that is filled in this row."""
        cells = row.cells
        for index in reader.columns:
            if index < len(cells) and not is_blank(cells[index], self.null_tokens):
                try:
                    return reader.parse(cells[index])
                except InvalidValue as problem:
                    errors.append(self._error(reader, index, cells[index], row, problem))
                    return None
        return None

    def _error(
        self, reader: FieldReader, index: int, cell: Cell, row: RawRow, problem: InvalidValue
    ) -> RowError:
        """The row error for a bad value; a sensitive field's value is not shown."""
        shown = None if reader.sensitive else cell_text(cell)
        return RowError(self.file, row.number, self.header_of(index), problem.reason, shown)

    def _extra(self, cells: Sequence[Cell]) -> dict[str, str]:
        """Raw text of the columns no field claims, and of filled columns past the header."""
        width = len(cells)
        extra = {key: cell_text(cells[i]) if i < width else "" for i, key in self.extras}
        if self.unnamed or width > self.header_width:
            loose = [i for i in self.unnamed if i < width]
            for index in [*loose, *range(self.header_width, width)]:
                if not is_blank(cells[index]):
                    extra[f"Column {column_letter(index)}"] = cell_text(cells[index])
        return extra
