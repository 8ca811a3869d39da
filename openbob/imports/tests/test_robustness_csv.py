"""Malformed CSV files through `import_file`: success or a clear rejection, nothing else.

1,000 examples per run (derandomized under CI=true): real layouts broken in every way
`malformed_kit` knows, plus the sources' own malformed-byte generator. Every example
must end as a succeeded import or a rejection carrying a file error or row errors,
never an unhandled exception; a rejection must leave the database as it was. The
examples share one database, so later ones meet the households earlier ones wrote.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from openbob.imports.choices import ImportStatus
from openbob.imports.pipeline import ImportResult, import_file
from openbob.imports.tests.malformed_kit import SMALL, Layout, csv_file, generated_layouts
from openbob.imports.tests.pipeline_kit import db_fingerprint, small_generation
from openbob.sources.generate import snapshot_time
from openbob.sources.tests.test_fuzz import csv_bytes
from openbob.testing import Personas

__all__ = ["generated_layouts", "small_generation"]
FRIDAY = date(2025, 3, 7)
UNSUITED = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]


def check_outcome(result: ImportResult, before: object) -> None:
    """A success, a duplicate, or a rejection that says why and wrote nothing."""
    event(f"{result.status}: {result.format or 'no layout'}, {_depth(result)}")
    assert result.status in (ImportStatus.SUCCEEDED, ImportStatus.REJECTED, "duplicate")
    if result.status == ImportStatus.REJECTED:
        assert result.file_error or result.errors
        assert db_fingerprint() == before


def _depth(result: ImportResult) -> str:
    """How far the file got, for the statistics (--hypothesis-show-statistics)."""
    if result.file_error:
        return f"file refused ({result.file_error.split(': ')[-1][:30]})"
    if result.errors:
        return "row errors"
    return f"{result.rows} rows written" if result.status == ImportStatus.SUCCEEDED else "seen"


@pytest.mark.django_db
@settings(max_examples=1_000, suppress_health_check=UNSUITED)
@given(data=st.data())
def test_malformed_csv_ends_as_success_or_a_clear_rejection(
    data: st.DataObject,
    personas: Personas,
    generated_layouts: list[Layout],
    tmp_path: Path,
) -> None:
    kinds = st.sampled_from(["layout"] * 4 + ["bytes"])
    if data.draw(kinds) == "layout":
        content = data.draw(csv_file(generated_layouts))
    else:
        content = data.draw(csv_bytes())
    path = tmp_path / "upload.csv"
    path.write_bytes(content)
    before = db_fingerprint()
    result = import_file(
        actor=personas.alice,
        agency=personas.agency_a,
        path=path,
        as_of=snapshot_time(FRIDAY + timedelta(weeks=data.draw(st.integers(0, 3)))),
        allow_partial=data.draw(st.booleans()),
        limits=SMALL,
    )
    check_outcome(result, before)
