"""A household's fingerprint leaves out only what the book never stores.

Unchanged households are skipped by fingerprint, so a field left out of it must not
reach anything that is written or compared: changing it (even to a value no builder
could use) must leave the household's details, tracked values and agent as they were.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from openbob.imports.assemble import (
    CALHEERS,
    CALHEERS_UNSTORED,
    HEALTHSHERPA,
    HEALTHSHERPA_UNSTORED,
    Recipe,
)
from openbob.imports.tests.pipeline_kit import small_generation
from openbob.sources.detect import read
from openbob.sources.formats import FormatId
from openbob.sources.generate import GenerationSummary

__all__ = ["small_generation"]
UNUSABLE = object()
CASES = [
    (CALHEERS, CALHEERS_UNSTORED, FormatId.CALHEERS_BOOK),
    (HEALTHSHERPA, HEALTHSHERPA_UNSTORED, FormatId.HEALTHSHERPA_ENROLLMENTS),
]


def _written(recipe: Recipe[Any], row: Any) -> tuple[object, ...]:
    return (recipe.details([row]), recipe.state(row), recipe.agent(row))


@pytest.mark.parametrize(
    ("recipe", "unstored", "format_id"), CASES, ids=["calheers", "healthsherpa"]
)
def test_fields_left_out_of_the_fingerprint_are_never_written(
    recipe: Recipe[Any],
    unstored: tuple[str, ...],
    format_id: FormatId,
    small_generation: GenerationSummary,
) -> None:
    with read(small_generation.weeks[0].files[format_id]) as source:
        rows = [row for _, row in zip(range(20), source, strict=False)]
    for row in rows:
        written = _written(recipe, row)
        for name in unstored:
            assert _written(recipe, dataclasses.replace(row, **{name: UNUSABLE})) == written, name
