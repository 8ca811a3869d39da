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
from dataclasses import dataclass, fields
from operator import itemgetter
from typing import Any

from openbob.sources.cells import Cell, RawRow, is_blank
from openbob.sources.errors import RowError
from openbob.sources.extraction import Extractor
from openbob.sources.rows import SourceRow


@dataclass(kw_only=True)
class Skimmed(SourceRow):
    """One skimmed row: typed `values` of the skimmed fields (their errors in `errors`),
    the `digest` of its other cells, and its `raw` row. `extra` stays empty: a row that
    matters is typed in full, extras included.

    The skimmed fields read as attributes, as on a typed row, so the functions that
    place a household (its key, its agent, its primary row) work on either. They are
    set as attributes (the instance's `__dict__`): an import reads several of them on
    every row, and a lookup that falls through to `__getattr__` costs ten times more.
    """

    values: dict[str, Any]
    digest: str
    raw: RawRow

    def __post_init__(self) -> None:
        vars(self).update(self.values)

    def __getattr__(self, name: str) -> Any:
        """Only reached for a name that is not set: a field that was not skimmed."""
        raise AttributeError(f"{name!r} is not a skimmed field")


def cells_digest(columns: Sequence[int]) -> Callable[[list[Cell]], str]:
    """A function giving the 128-bit fingerprint of a row's cells in `columns`.

    pickle (protocol 5) of str, float, int, bool, None, date and datetime is the same
    bytes in every process, unlike `hash`; missing trailing cells count as blank.
    """
    width = max(columns, default=-1) + 1
    pick: Callable[[list[Cell]], object] = itemgetter(*columns) if columns else lambda _: ()

    def digest(cells: list[Cell]) -> str:
        row = cells if len(cells) >= width else [*cells, *[""] * (width - len(cells))]
        data = pickle.dumps(pick(row), protocol=5)
        return hashlib.blake2b(data, digest_size=16).hexdigest()

    return digest


@dataclass(frozen=True, slots=True)
class Skim:
    """How a file's rows are skimmed: `extractor` types the skimmed fields, `digested`
    are the columns fingerprinted. Blank rows are dropped, as a typed read drops them."""

    extractor: Extractor
    digested: tuple[int, ...]

    def __post_init__(self) -> None:
        taken = {f.name for f in fields(Skimmed)}.intersection(self.extractor.names)
        if taken:
            raise ValueError(f"a skimmed row cannot have a field named {sorted(taken)}")

    def encode(self, rows: Sequence[RawRow]) -> list[tuple[Any, ...]]:
        """Each filled row as (number, cells, values, digest, errors as tuples)."""
        nulls = self.extractor.null_tokens
        filled = [row for row in rows if not all(is_blank(cell, nulls) for cell in row.cells)]
        digest = cells_digest(self.digested)
        return [
            (
                row.number,
                row.cells,
                found.values,
                digest(row.cells),
                [(e.file, e.row, e.column, e.reason, e.value) for e in found.errors],
            )
            for row, found in zip(filled, self.extractor.extract(filled), strict=True)
        ]

    def decode(self, encoded: list[tuple[Any, ...]]) -> list[Skimmed]:
        return [
            Skimmed(
                line=number,
                extra={},
                errors=[RowError(*error) for error in errors],
                values=values,
                digest=digest,
                raw=RawRow(number, cells),
            )
            for number, cells, values, digest, errors in encoded
        ]
