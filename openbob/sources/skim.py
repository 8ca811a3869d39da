"""Skimmed rows: a few fields typed, a fingerprint of the other cells, the raw row kept.

A weekly book repeats last week's rows for nine households in ten. Typing all sixty
columns of those rows only to find them unchanged costs more than every other step of
an import together, so the importer first *skims* each row: it types the fields it
needs to place the row (household key, agent, the fields that pick the primary row)
and any it must still check, and fingerprints the raw cells of the rest. Rows whose
household fingerprint matches last week's are never typed further; the others are
typed in full from the raw row kept here (`SourceFile.typed`).

The fingerprint is of raw cells, so it is stable for the same bytes in the same layout,
and it changes whenever a cell does; a value written differently but parsing the same
only costs a household write.

A `Skim` is a `RowTransform`: a workbook's reader process skims its rows beside this
process (see `openbob.sources.transform`).
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from operator import itemgetter
from typing import Any

from openbob.sources.cells import Cell, RawRow, is_blank, load_cells
from openbob.sources.errors import RowError
from openbob.sources.extraction import Extractor
from openbob.sources.rows import SourceRow


@dataclass(frozen=True, slots=True)
class Packed:
    """A row's raw cells as they travel: `blob`, the pickle of its fingerprinted cells
    (what its fingerprint is taken of), `rest`, its other cells, and its `length`."""

    length: int
    blob: bytes
    rest: list[Cell]


def digest_of(blob: bytes) -> str:
    """The 128-bit fingerprint of a packed row's fingerprinted cells."""
    return hashlib.blake2b(blob, digest_size=16).hexdigest()


def _nothing(_: list[Cell]) -> tuple[()]:
    return ()


@dataclass(frozen=True)
class Packing:
    """How the raw cells of a skimmed row are packed, fingerprinted and unpacked again.

    Most skimmed rows are never typed (their household is unchanged), so their cells
    are kept packed: the pickle the fingerprint needs anyway, and the few cells outside
    it. A workbook's reader sends that across, which costs both processes a fraction of
    sixty cells each, and only the rows that are typed are unpacked.

    pickle (protocol 5) of str, float, int, bool, None, date and datetime is the same
    bytes in every process, unlike `hash`; missing trailing cells count as blank.
    """

    columns: tuple[int, ...]
    width: int = field(init=False)
    others: tuple[int, ...] = field(init=False)
    pick: Callable[[list[Cell]], Any] = field(init=False)

    def __post_init__(self) -> None:
        width = max(self.columns, default=-1) + 1
        fingerprinted = set(self.columns)
        set_field = object.__setattr__
        set_field(self, "width", width)
        set_field(self, "others", tuple(i for i in range(width) if i not in fingerprinted))
        set_field(self, "pick", itemgetter(*self.columns) if self.columns else _nothing)

    def parts(self, cells: list[Cell]) -> tuple[int, bytes, list[Cell]]:
        """A row's cells packed: its length, blob and rest (a `Packed`'s fields, as a
        plain tuple: the reader packs every row it skims)."""
        width = self.width
        row = cells if len(cells) >= width else [*cells, *[""] * (width - len(cells))]
        blob = pickle.dumps(self.pick(row), protocol=5)
        return len(cells), blob, [row[i] for i in self.others] + row[width:]

    def unpack(self, packed: Packed) -> list[Cell]:
        """The cells `parts` was given (for a pickle of this process's own making, or of
        the reader's: only cell values are accepted)."""
        picked = load_cells(packed.blob)
        cells: list[Cell] = [""] * self.width
        one = len(self.columns) == 1  # itemgetter of one column gives the cell itself
        for index, cell in zip(self.columns, (picked,) if one else picked, strict=True):
            cells[index] = cell
        for index, cell in zip(self.others, packed.rest, strict=False):  # then the tail
            cells[index] = cell
        cells += packed.rest[len(self.others) :]
        return cells[: packed.length]


@dataclass(kw_only=True)
class Skimmed(SourceRow):
    """One skimmed row: typed `values` of the skimmed fields (their errors in `errors`),
    the `digest` of its other cells, and its raw cells, `packed`. `extra` stays empty: a
    row that matters is typed in full, extras included.

    The skimmed fields read as attributes, as on a typed row, so the functions that
    place a household (its key, its agent, its primary row) work on either. They are
    set as attributes (the instance's `__dict__`): an import reads several of them on
    every row, and a lookup that falls through to `__getattr__` costs ten times more.
    """

    values: dict[str, Any]
    digest: str
    packed: Packed
    packing: Packing

    def __post_init__(self) -> None:
        vars(self).update(self.values)

    @property
    def raw(self) -> RawRow:
        """The raw row, to be typed in full."""
        return RawRow(self.line, self.packing.unpack(self.packed))

    def __getattr__(self, name: str) -> Any:
        """Only reached for a name that is not set: a field that was not skimmed."""
        raise AttributeError(f"{name!r} is not a skimmed field")


@dataclass(frozen=True, slots=True)
class Skim:
    """How a file's rows are skimmed: `extractor` types the skimmed fields, `packing`
    fingerprints the other columns. Blank rows are dropped, as a typed read drops them.

    Fields `checked` are typed only for their errors (a bad value still refuses its
    household): their values are left out of the skimmed row, so that they are not
    carried from the reader process for nothing.
    """

    extractor: Extractor
    packing: Packing
    checked: frozenset[str] = frozenset()
    kept: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        own = {f.name for f in fields(Skimmed)} | {"raw"}
        taken = own.intersection(self.extractor.names)
        if taken:
            raise ValueError(f"a skimmed row cannot have a field named {sorted(taken)}")
        kept = tuple(name for name in self.extractor.names if name not in self.checked)
        object.__setattr__(self, "kept", kept)

    def encode(self, rows: Sequence[RawRow]) -> list[tuple[Any, ...]]:
        """Each filled row as (number, length, blob, rest, values, digest, errors as
        tuples). Every skimmed field is typed for its errors; only the kept ones' values
        are gathered, field by field (`Extractor.by_field`): no row of all of them is
        ever built."""
        nulls = self.extractor.null_tokens
        filled = [row for row in rows if not all(is_blank(cell, nulls) for cell in row.cells)]
        if not filled:
            return []
        columns, errors = self.extractor.by_field(filled)
        names = self.extractor.names
        kept = [columns[names.index(name)] for name in self.kept]
        values = (
            [dict(zip(self.kept, row, strict=True)) for row in zip(*kept, strict=True)]
            if kept
            else [{} for _ in filled]
        )
        parts = self.packing.parts
        encoded = []
        for row, found, kept_values in zip(filled, errors, values, strict=True):
            length, blob, rest = parts(row.cells)
            encoded.append(
                (
                    row.number,
                    length,
                    blob,
                    rest,
                    kept_values,
                    digest_of(blob),
                    [(e.file, e.row, e.column, e.reason, e.value) for e in found],
                )
            )
        return encoded

    def decode(self, encoded: list[tuple[Any, ...]]) -> list[Skimmed]:
        packing = self.packing
        return [
            Skimmed(
                line=number,
                extra={},
                errors=[RowError(*error) for error in errors],
                values=values,
                digest=digest,
                packed=Packed(length, blob, rest),
                packing=packing,
            )
            for number, length, blob, rest, values, digest, errors in encoded
        ]
