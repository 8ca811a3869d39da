"""Binding a header row to a schema, and pulling one row's typed values through it.

Resolution happens once per file: each field gets the column(s) that carry it, and every
other column is kept as an "extra" so that an unknown column's values are never
dropped (a column without a header, or beyond the header row, is kept as "Column F"
when the row fills it). When two different aliases of one field are both present (HealthSherpa has
shipped both `premium` and `gross_premium`), the first non-blank value wins, in alias
order. The same header twice for one field is ambiguous and refused.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from openbob.sources.cells import RawRow, column_letter
from openbob.sources.errors import DuplicateColumnError, MissingColumnsError
from openbob.sources.extraction import Extracted, Extractor, FieldReader
from openbob.sources.schema import FieldSpec, Schema, normalize_header

__all__ = ["BoundField", "ColumnMap", "Extracted", "bind"]


@dataclass(frozen=True, slots=True)
class BoundField:
    spec: FieldSpec
    columns: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """Which column(s) hold each field, and which columns are extras, in one file."""

    file: str
    header_row: int
    headers: tuple[str, ...]
    bound: tuple[BoundField, ...]
    extras: tuple[tuple[int, str], ...]
    unnamed: tuple[int, ...]
    null_tokens: frozenset[str]
    _extractor: Extractor = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        readers = tuple(
            FieldReader(b.spec.name, b.columns, b.spec.parse, b.spec.sensitive) for b in self.bound
        )
        extractor = Extractor(
            self.file,
            readers,
            self.extras,
            self.unnamed,
            len(self.headers),
            self.null_tokens,
            self.header_of,
        )
        object.__setattr__(self, "_extractor", extractor)

    @property
    def unknown_columns(self) -> tuple[str, ...]:
        """Headers no field claims; their values are in each row's `extra`."""
        return tuple(key for _, key in self.extras)

    def header_of(self, index: int) -> str:
        return self.headers[index].strip() or f"Column {column_letter(index)}"

    def extract(self, row: RawRow) -> Extracted:
        """One row's typed values, extras and errors."""
        return self._extractor.extract([row])[0]

    def extract_many(self, rows: Sequence[RawRow]) -> list[Extracted]:
        """The same for a chunk of rows, much faster per row (see `extraction`)."""
        return self._extractor.extract(rows)

    def only(self, names: Collection[str]) -> Extractor:
        """An extractor of the fields `names` alone (sharing their value caches), no extras."""
        readers = tuple(reader for reader in self._extractor.fields if reader.name in names)
        return replace(self._extractor, fields=readers, extras=(), unnamed=())

    def columns_of(self, names: Collection[str]) -> tuple[int, ...]:
        """The columns bound to the fields `names`, in file order."""
        return tuple(sorted(i for b in self.bound if b.spec.name in names for i in b.columns))


def bind(schema: Schema, headers: Sequence[str], *, file: str | Path, header_row: int) -> ColumnMap:
    """Bind a header row to a schema; raises when a required column is absent."""
    matches: dict[str, list[tuple[int, int]]] = {}
    extras: list[tuple[int, str]] = []
    unnamed: list[int] = []
    keys = _UniqueKeys()
    for index, header in enumerate(headers):
        if not normalize_header(header):
            unnamed.append(index)
            continue
        matched = schema.match(header)
        if matched is None:
            extras.append((index, keys.add(header.strip())))
            continue
        spec, priority = matched
        if any(seen == priority for seen, _ in matches.get(spec.name, [])):
            raise DuplicateColumnError(
                file, f"column '{header.strip()}' appears twice", row=header_row
            )
        matches.setdefault(spec.name, []).append((priority, index))
    missing = [spec.header for spec in schema.fields if spec.required and spec.name not in matches]
    if missing:
        raise MissingColumnsError(file, missing, row=header_row)
    bound = tuple(
        BoundField(spec, tuple(index for _, index in sorted(matches.get(spec.name, []))))
        for spec in schema.fields
    )
    return ColumnMap(
        file=Path(file).name,
        header_row=header_row,
        headers=tuple(headers),
        bound=bound,
        extras=tuple(extras),
        unnamed=tuple(unnamed),
        null_tokens=schema.null_tokens,
    )


class _UniqueKeys:
    """Unknown columns' keys in `extra`: the header, numbered when it repeats ("Notes (2)").

    Linear in the number of columns even when a hostile header repeats thousands of times.
    """

    def __init__(self) -> None:
        self._used: set[str] = set()
        self._copies: dict[str, int] = {}

    def add(self, base: str) -> str:
        key = base
        while key in self._used:
            self._copies[base] = self._copies.get(base, 1) + 1
            key = f"{base} ({self._copies[base]})"
        self._used.add(key)
        return key
