"""Finding the header row: the first row that names a known layout, or looks like a header.

Exports put their header on row 1, CalHEERS on row 2 (under `File Created ...`), and
carrier files below a title and a few blank rows. So detection reads the first rows and
takes the first one that a layout recognises; among layouts recognising the same row the
one naming most of its fields wins, and a tie goes to the layout listed first (the more
specific one, e.g. agency Enrollments before agent Clients).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from openbob.sources.cells import RawRow, cell_text, is_blank
from openbob.sources.formats import FormatSpec
from openbob.sources.schema import normalize_header

_VALUE_LIKE = re.compile(r"[\d\s$%.,:/()+-]+")


def row_headers(row: RawRow) -> list[str]:
    return [cell_text(cell).strip() for cell in row.cells]


def find_header(
    rows: Sequence[RawRow], specs: Sequence[FormatSpec]
) -> tuple[FormatSpec, RawRow] | None:
    """The first row some layout recognises, and the best layout for it."""
    for row in rows:
        keys = [normalize_header(header) for header in row_headers(row)]
        scored = [
            (score, -order, spec)
            for order, spec in enumerate(specs)
            if (score := spec.score(keys)) is not None
        ]
        if scored:
            return max(scored, key=lambda item: item[:2])[2], row
    return None


def find_generic_header(rows: Sequence[RawRow]) -> RawRow | None:
    """The first row that looks like a header: several distinct labels, none a value.

    A title row has one filled cell, a data row has numbers and dates, and a header
    fills at least half as many cells as the widest row around it.
    """
    widest = max((_filled(row) for row in rows), default=0)
    for row in rows:
        labels = [cell for cell in row.cells if not is_blank(cell)]
        if len(labels) < max(2, widest / 2):
            continue
        if not all(isinstance(label, str) and not _VALUE_LIKE.fullmatch(label) for label in labels):
            continue
        keys = [normalize_header(cell_text(label)) for label in labels]
        if len(set(keys)) == len(keys):
            return row
    return None


def _filled(row: RawRow) -> int:
    return sum(not is_blank(cell) for cell in row.cells)
