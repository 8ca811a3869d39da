"""Malformed workbooks through `import_file`: success or a clear rejection, nothing else.

300 examples per run: CalHEERS-layout workbooks with damaged headers and hostile cells
(numbers where text belongs, `_x0000_`, huge and out-of-range values), and the sources'
own broken workbooks (flipped bytes, truncation, lying zip sizes, zip bombs, entity
bombs, cell-grid bombs, macros). Same rules as the CSV test: success, duplicate, or a
rejection that says why and leaves the database as it was.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openbob.imports.pipeline import import_file
from openbob.imports.tests.malformed_kit import SMALL, Layout, generated_layouts, xlsx_file
from openbob.imports.tests.pipeline_kit import db_fingerprint, small_generation
from openbob.imports.tests.test_robustness_csv import UNSUITED, check_outcome
from openbob.sources.generate import snapshot_time
from openbob.sources.tests.test_fuzz import workbook_bytes
from openbob.testing import Personas

__all__ = ["generated_layouts", "small_generation"]


@pytest.mark.django_db
@settings(max_examples=300, suppress_health_check=UNSUITED)
@given(data=st.data())
def test_malformed_xlsx_ends_as_success_or_a_clear_rejection(
    data: st.DataObject,
    personas: Personas,
    generated_layouts: list[Layout],
    tmp_path: Path,
) -> None:
    calheers = next(layout for layout in generated_layouts if layout.title)
    content = data.draw(st.one_of(xlsx_file(calheers), workbook_bytes()))
    path = tmp_path / "upload.xlsx"
    path.write_bytes(content)
    before = db_fingerprint()
    result = import_file(
        actor=personas.alice,
        agency=personas.agency_a,
        path=path,
        as_of=snapshot_time(date(2025, 3, 7)),
        allow_partial=data.draw(st.booleans()),
        limits=SMALL,
    )
    check_outcome(result, before)
