"""Malformed input of every kind ends as a `SourceError` or as rows, never anything else.

Inputs are built from real layouts and then broken (wrong encodings, ragged rows,
duplicate and missing headers, huge fields, formulas, NUL bytes, mixed date formats,
corrupted zips, zip bombs, entity bombs, cell-grid bombs), because purely random bytes
rarely get past the first check. Small limits keep every example fast.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openbob.sources import (
    calheers,
    healthsherpa_aor,
    healthsherpa_ede,
    healthsherpa_followups,
    healthsherpa_policies,
    healthsherpa_roster,
    mapped,
)
from openbob.sources.detect import detect, read
from openbob.sources.errors import RowError, SourceError
from openbob.sources.formats import FormatId
from openbob.sources.safety import Limits
from openbob.sources.tests.builders import (
    SHEET,
    lie_about_size,
    raw_workbook,
    sheet_xml,
    worksheet,
)

settings.register_profile(
    "sources-fuzz-ci",
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "sources-fuzz-dev",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile("sources-fuzz-ci" if os.environ.get("CI") else "sources-fuzz-dev")
SMALL = Limits(
    max_bytes=256 * 1024,
    max_uncompressed_bytes=4 * 1024 * 1024,
    max_zip_entries=40,
    max_field_chars=2_000,
    max_cells=200_000,
)
HEADERS = sorted(
    {
        *calheers.COLUMNS,
        *(spec.header for spec in healthsherpa_policies.SCHEMA.fields),
        *(spec.header for spec in healthsherpa_aor.FIELDS),
        *(spec.header for spec in healthsherpa_ede.FIELDS),
        *(spec.header for spec in healthsherpa_followups.DMI.schema.fields),
        *(spec.header for spec in healthsherpa_followups.SVI.schema.fields),
        *(spec.header for spec in healthsherpa_roster.FIELDS),
        *(alias for spec in mapped.TARGETS for alias in (spec.header, *spec.aliases)),
    }
)
AWKWARD = [
    "null", "None", "", " ", "=1+1", "=cmd|' /C calc'!A0", "@SUM(A1)", "1/2/1976",
    "1976-01-02", "31/31/2020", "2025-01-03T17:00:00Z", "06/01/2024 10:15:42 AM", "45123",
    "$1,234.56", "(12.00)", "9.17E+09", "9165551234", "02134", "***-**-1234", "900-12-3456",
    "Jane Doe (NPN: 12345)", "PendingEffectuation", "Y", "maybe", "\x00", "a\r\nb", '"', ",",
    ";", "\t", "ï»¿", "\ufeff", "x" * 2_500, "File Created Tue Feb 06 09:29:38 PST 2018",
]  # fmt: skip
cell_text = st.one_of(st.sampled_from(AWKWARD), st.text(max_size=20))
headers = st.lists(st.one_of(st.sampled_from(HEADERS), st.text(max_size=12)), max_size=14)
rows = st.lists(st.lists(cell_text, max_size=16), max_size=8)


def consume(path: Path) -> None:
    """Detect and read the whole file the way the import pipeline will."""
    try:
        detected = detect(path, limits=SMALL)
        profile = None
        if detected.format is FormatId.GENERIC:
            profile = mapped.propose_mapping(detected.headers)
            if not profile:
                return
        with read(path, profile=profile, limits=SMALL) as source:
            for row in source:
                assert all(isinstance(error, RowError) for error in row.errors)
    except SourceError:
        return


@st.composite
def csv_bytes(draw: st.DrawFn) -> bytes:
    delimiter = draw(st.sampled_from([",", "\t", ";"]))
    lines = [draw(headers), *draw(rows)]
    if draw(st.booleans()):
        lines.insert(0, [draw(cell_text)])  # a title row
    buffer = io.StringIO()
    if draw(st.booleans()):
        csv.writer(buffer, delimiter=delimiter).writerows(lines)
    else:  # no quoting at all: stray quotes, ragged rows, embedded separators
        buffer.write("\r\n".join(delimiter.join(line) for line in lines))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1"]))
    data = buffer.getvalue().encode(encoding, errors="replace")
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=8)) + data[cut + draw(st.integers(0, 4)) :]
    return data


@settings(PROFILE, max_examples=1_000)
@given(data=st.one_of(csv_bytes(), st.binary(max_size=300)))
def test_malformed_csv_bytes_only_ever_raise_source_error(tmp_path_factory, data: bytes) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("csv") / "upload"
    path.write_bytes(data)
    consume(path)


def _cells(draw: st.DrawFn) -> list[list[object]]:
    text = cell_text.filter(lambda value: "\x00" not in value)
    values: st.SearchStrategy[object] = st.one_of(text, st.floats(), st.integers())
    header: list[object] = list(draw(headers))
    return [header, *draw(st.lists(st.lists(values, max_size=10), max_size=6))]


@st.composite
def workbook_bytes(draw: st.DrawFn) -> bytes:
    book = raw_workbook(sheet_xml(_cells(draw)))
    damage = draw(st.sampled_from(DAMAGES))
    return damage(draw, book)


def _intact(draw: st.DrawFn, book: bytes) -> bytes:
    return book


def _flipped(draw: st.DrawFn, book: bytes) -> bytes:
    data = bytearray(book)
    for _ in range(draw(st.integers(1, 8))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


def _truncated(draw: st.DrawFn, book: bytes) -> bytes:
    return book[: draw(st.integers(0, len(book)))]


def _lying(draw: st.DrawFn, book: bytes) -> bytes:
    return lie_about_size(book, SHEET, draw(st.integers(0, 4_000)))


def _sheet(draw: st.DrawFn, book: bytes) -> bytes:
    """Replace the sheet with hostile or broken XML."""
    far = f"{draw(st.sampled_from(['A', 'BH', 'XFD', 'xfd', 'AAAA']))}{draw(st.integers(0, 2**33))}"
    body = draw(
        st.sampled_from(
            [
                '<sheetData><row><c r="A1"><v>1</v></c>'
                f'<c r="{far}"><v>2</v></c></row></sheetData>',
                f"<sheetData><row r='{draw(st.integers(1, 2**20))}'>" + "<c><v>1</v></c>" * 300
                + "</row></sheetData>",
                '<sheetData><row><c r="A1" t="s"><v>99</v></c></row></sheetData>',
                '<sheetData><row><c r="A1" t="n"><f>SUM(B1:B9)</f></c><c r="B1" t="str">'
                "<f>A1</f><v>=cmd</v></c></row></sheetData>",
                '<sheetData><row><c r="A1" t="inlineStr"><is><t>' + "y" * 3_000
                + "</t></is></c></row></sheetData>",
                "<sheetData><row><c r=\"A1\"><v>1</v></row>",
                "<sheetData>" + draw(st.text(max_size=200)),
            ]
        )
    )  # fmt: skip
    prolog = draw(st.sampled_from(["", '<!DOCTYPE x [<!ENTITY a "aaaa">]>']))
    sheet = worksheet(body, prolog)
    if draw(st.booleans()):
        encoding = draw(st.sampled_from(["utf-16", "latin-1", "utf-8"]))
        sheet = sheet.decode().encode(encoding, errors="replace")
    return raw_workbook(sheet)


def _parts(draw: st.DrawFn, book: bytes) -> bytes:
    """Missing, extra, macro and surplus parts."""
    sheet = sheet_xml(_cells(draw))
    omit = draw(st.lists(st.sampled_from(["[Content_Types].xml", "xl/workbook.xml",
                                          "_rels/.rels", SHEET]), max_size=2))  # fmt: skip
    extra = {f"xl/media/m{index}.bin": b"x" for index in range(draw(st.integers(0, 60)))}
    if draw(st.booleans()):
        extra["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0"
    return raw_workbook(sheet, extra=extra, omit=omit)


def _bomb(draw: st.DrawFn, book: bytes) -> bytes:
    padding = "<!-- " + "A" * draw(st.integers(1_000, 6_000_000)) + " -->"
    return raw_workbook(sheet_xml(_cells(draw), body=padding))


def _garbage(draw: st.DrawFn, book: bytes) -> bytes:
    return b"PK\x03\x04" + draw(st.binary(max_size=400))


DAMAGES = [_intact, _flipped, _truncated, _lying, _sheet, _parts, _bomb, _garbage]


@settings(PROFILE, max_examples=400)
@given(data=workbook_bytes())
def test_malformed_workbooks_only_ever_raise_source_error(tmp_path_factory, data: bytes) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("xlsx") / "upload"
    path.write_bytes(data)
    consume(path)
