"""Hypothesis strategies for malformed files that still get deep into the pipeline.

Purely random bytes stop at the first header check. These start from the real layouts
(headers and plausible values taken from generated files) and then break them: headers
dropped, repeated, renamed or reordered; cells swapped for awkward values (formulas,
NUL, huge fields, mixed date formats, masked SSNs, out-of-range numbers, another
agency's agent); rows cut short or run long; other encodings and separators. Most rows
stay plausible, so they reach grouping, matching, validation and the database.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from openbob.sources.cells import cell_text
from openbob.sources.formats import FormatId
from openbob.sources.generate import GenerationSummary
from openbob.sources.safety import Limits
from openbob.sources.tests.builders import raw_workbook, sheet_xml
from openbob.sources.tests.test_fuzz import AWKWARD

SMALL = Limits(
    max_bytes=256 * 1024,
    max_uncompressed_bytes=4 * 1024 * 1024,
    max_zip_entries=40,
    max_field_chars=2_000,
    max_cells=200_000,
)
"""Small limits keep every example fast; the limits themselves are the sources' tests."""
HOSTILE = [
    *AWKWARD,
    "mallory@b.test",
    "Mallory Tester",
    "X" * 301,
    "9" * 45,
    "-5",
    "70000",
    "999999999.99",
    "_x0000_",
    "Ana\x00Lopez",
    "12/31/9999",
    "2025-02-30",
    "1e309",
    "NaN",
    "-0",
]


@dataclass(frozen=True)
class Layout:
    """A real file's header row and, per header, values seen in generated files."""

    headers: tuple[str, ...]
    values: Mapping[str, Sequence[object]]
    title: str | None = None


def layouts(summary: GenerationSummary) -> list[Layout]:
    """Every generated layout of the first week, CSVs and the CalHEERS book."""
    files = summary.weeks[0].files
    found = [
        _csv_layout(path)
        for format_id, path in files.items()
        if format_id is not FormatId.CALHEERS_BOOK
    ]
    return [*found, calheers_layout(files[FormatId.CALHEERS_BOOK])]


@pytest.fixture(scope="session")
def generated_layouts(small_generation: GenerationSummary) -> list[Layout]:
    return layouts(small_generation)


def _csv_layout(path: Path) -> Layout:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        headers = next(reader)
        rows = [row for _, row in zip(range(25), reader, strict=False)]
    return Layout(tuple(headers), _columns(headers, rows))


def calheers_layout(path: Path) -> Layout:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    headers = [str(h) for h in rows[1]]
    return Layout(tuple(headers), _columns(headers, rows[2:27]), title=str(rows[0][0]))


def _columns(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> dict[str, list[object]]:
    return {
        header: [row[i] for row in rows if i < len(row) and row[i] not in ("", None)] or [""]
        for i, header in enumerate(headers)
    }


@st.composite
def damaged_headers(draw: st.DrawFn, layout: Layout) -> list[str]:
    headers = list(layout.headers)
    action = draw(st.sampled_from(["keep", "keep", "keep", "drop", "repeat", "rename", "shuffle"]))
    if action == "drop":
        del headers[draw(st.integers(0, len(headers) - 1))]
    elif action == "repeat":
        headers.append(draw(st.sampled_from(headers)))
    elif action == "rename":
        index = draw(st.integers(0, len(headers) - 1))
        headers[index] = draw(
            st.sampled_from([headers[index].upper(), f" {headers[index]} ", "", "?"])
        )
    elif action == "shuffle":
        headers = draw(st.permutations(headers))
    return headers


@st.composite
def row(draw: st.DrawFn, layout: Layout, headers: Sequence[str]) -> list[object]:
    """Plausible values for the columns, a few swapped for hostile ones, maybe ragged."""
    values = [draw(st.sampled_from(list(layout.values.get(h, [""])))) for h in headers]
    for _ in range(draw(st.integers(0, 2))):
        hostile = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12))
        values[draw(st.integers(0, len(values) - 1))] = draw(hostile)
    cut = draw(st.sampled_from([None, None, None, None, 1, len(values) // 2, len(values) + 2]))
    return [*values, "extra", "cells"][:cut] if cut is not None else values


@st.composite
def table(draw: st.DrawFn, layout: Layout) -> list[list[object]]:
    """Header row and a few data rows; a title row above when the layout has one."""
    headers = draw(damaged_headers(layout))
    rows: list[list[object]] = [list(headers)]
    rows += draw(st.lists(row(layout, headers), min_size=1, max_size=6))
    if layout.title and draw(st.booleans()):
        rows.insert(0, [layout.title])
    return rows


@st.composite
def csv_file(draw: st.DrawFn, choices: Sequence[Layout]) -> bytes:
    rows = draw(table(draw(st.sampled_from(choices))))
    delimiter = draw(st.sampled_from([",", ",", ",", "\t", ";"]))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([cell_text(v) for v in row] for row in rows)  # type: ignore[arg-type]
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    return buffer.getvalue().encode(encoding, errors="replace")


@st.composite
def xlsx_file(draw: st.DrawFn, layout: Layout) -> bytes:
    """A CalHEERS-layout workbook (inline strings and numbers), damaged like the CSVs."""
    rows = draw(table(layout))
    return raw_workbook(sheet_xml([[_xlsx_value(v) for v in row] for row in rows]))


def _xlsx_value(value: object) -> object:
    return None if value == "" else value
