"""A row transform for tests that says which process encoded each row."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from openbob.sources.cells import RawRow


@dataclass(frozen=True)
class WhereRead:
    """Each row as (its number, the id of the process that encoded it)."""

    def encode(self, rows: Sequence[RawRow]) -> list[tuple[int, int]]:
        return [(row.number, os.getpid()) for row in rows]

    def decode(self, encoded: list[tuple[int, int]]) -> list[tuple[int, int]]:
        return [(number, pid) for number, pid in encoded]
