"""An import runs with rare garbage collections (`openbob.lib.collector`), then restores them."""

from __future__ import annotations

import gc
from datetime import date
from pathlib import Path

import pytest

from openbob.imports.choices import ImportStatus
from openbob.imports.pipeline import import_file
from openbob.imports.tests.pipeline_kit import policy, write_enrollments
from openbob.lib.collector import BULK_THRESHOLD
from openbob.sources.generate import snapshot_time
from openbob.testing import Personas


@pytest.mark.django_db
@pytest.mark.parametrize("bad", [False, True], ids=["imported", "refused"])
def test_an_import_collects_rarely_while_it_reads_and_as_before_once_done(
    personas: Personas, tmp_path: Path, bad: bool
) -> None:
    rows = [policy(n) for n in range(1000)]  # progress is told every 1,000 rows
    if bad:
        rows[1]["gross_premium"] = "abc"
    path = write_enrollments(tmp_path / "enrollments.csv", rows)
    before = gc.get_threshold()
    during: list[int] = []
    result = import_file(
        actor=personas.alice,
        agency=personas.agency_a,
        path=path,
        as_of=snapshot_time(date(2025, 3, 7)),
        progress=lambda _rows: during.append(gc.get_threshold()[0]),
    )
    assert result.status == (ImportStatus.REJECTED if bad else ImportStatus.SUCCEEDED)
    assert during and set(during) == {max(BULK_THRESHOLD, before[0])}
    assert gc.get_threshold() == before
