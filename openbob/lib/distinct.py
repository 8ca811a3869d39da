"""Converting a column of values once per distinct value.

Export columns repeat their values within a batch of rows: a household's members
share its values, and birth years, dates, premiums, labels and flags have few values.
Converting each distinct value once and looking the rest up in a dict (a C loop) is
several times cheaper than a Python call per cell.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def map_distinct(convert: Callable[[Any], object], column: Sequence[Any]) -> list[object]:
    """`list(map(convert, column))`, calling `convert` once per distinct value.

    For columns of hashable values of one type, where equal values convert alike (so
    not, say, Decimal("1.0") and Decimal("1.00") rendered as written). A column of
    mostly distinct values is mapped directly: the dict would cost more than it saves.
    """
    distinct = set(column)
    if len(distinct) * 2 > len(column):
        return list(map(convert, column))
    converted = dict(zip(distinct, map(convert, distinct), strict=True))
    return list(map(converted.__getitem__, column))
