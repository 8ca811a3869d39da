"""Taking an iterable a list at a time (`itertools.batched` arrives with Python 3.12).

Streams are processed a batch at a time throughout OpenBoB: column by column work on a
list of rows runs in C, where a Python call per row would not.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of `size` items in order, the last one shorter (never an empty list)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
