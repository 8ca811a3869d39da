"""Files refused before any parser sees them, each with a typed, readable error."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from openbob.sources.detect import detect
from openbob.sources.errors import MalformedFileError, RowError, SourceError, UnsafeFileError
from openbob.sources.mapped import read as read_mapped
from openbob.sources.safety import Limits
from openbob.sources.tests.builders import (
    CONTENT_TYPES,
    SHEET,
    lie_about_size,
    raw_workbook,
    sheet_data,
    sheet_xml,
    worksheet,
)

HEADERS = ["First Name", "Last Name", "Plan"]
ROWS = [HEADERS, ["Ann", "Lee", "Gold"], ["Bo", "Lee", "Silver"]]
PROFILE = {"first_name": "First Name", "last_name": "Last Name", "plan_name": "Plan"}


def save(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_a_plain_workbook_passes_every_check(tmp_path: Path) -> None:
    path = save(tmp_path / "ok.xlsx", raw_workbook(sheet_xml(ROWS)))
    with read_mapped(path, PROFILE) as export:
        assert [row.first_name for row in export] == ["Ann", "Bo"]


def test_it_refuses_a_file_over_the_size_limit(tmp_path: Path) -> None:
    path = save(tmp_path / "big.csv", b"a,b\r\n" * 100)
    with pytest.raises(
        UnsafeFileError, match=r"big\.csv: file is 500 bytes; the limit is 100 bytes"
    ):
        detect(path, limits=Limits(max_bytes=100))


def test_it_refuses_empty_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(MalformedFileError, match="file is empty"):
        detect(save(tmp_path / "empty.csv", b""))
    with pytest.raises(SourceError, match=r"gone\.csv: cannot be read"):
        detect(tmp_path / "gone.csv")


def test_it_refuses_a_workbook_with_too_many_parts(tmp_path: Path) -> None:
    extra = {f"xl/media/image{index}.png": b"x" for index in range(20)}
    path = save(tmp_path / "parts.xlsx", raw_workbook(sheet_xml(ROWS), extra=extra))
    with pytest.raises(UnsafeFileError, match="25 parts; at most 10"):
        detect(path, limits=Limits(max_zip_entries=10))


def test_it_refuses_a_workbook_that_unpacks_beyond_the_limit(tmp_path: Path) -> None:
    path = save(tmp_path / "large.xlsx", raw_workbook(sheet_xml(ROWS * 200)))
    with pytest.raises(UnsafeFileError, match="unpacks to more than"):
        detect(path, limits=Limits(max_uncompressed_bytes=10_000))


def test_it_refuses_a_zip_bomb_that_lies_about_its_size(tmp_path: Path) -> None:
    padding = "<!-- " + "A" * 5_000_000 + " -->"
    workbook = raw_workbook(sheet_xml(ROWS, body=padding))
    path = save(tmp_path / "bomb.xlsx", lie_about_size(workbook, SHEET, 1_000))
    with pytest.raises(UnsafeFileError, match="unpacks beyond its declared size"):
        detect(path)


@pytest.mark.parametrize(
    ("extra", "content_types"),
    [
        ({"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}, CONTENT_TYPES),
        ({}, b"<Types><Default ContentType='application/vnd.ms-excel.sheet.macroEnabled.main'/>"),
    ],
)
def test_it_refuses_workbooks_with_macros(
    tmp_path: Path, extra: dict[str, bytes], content_types: bytes
) -> None:
    workbook = raw_workbook(sheet_xml(ROWS), extra=extra, content_types=content_types)
    path = save(tmp_path / "macro.xlsx", workbook)
    with pytest.raises(UnsafeFileError, match=r"macros \(\.xlsm\)"):
        detect(path)


def test_it_refuses_xml_entity_declarations(tmp_path: Path) -> None:
    laughs = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    path = save(tmp_path / "laughs.xlsx", raw_workbook(worksheet("<sheetData/>", laughs)))
    with pytest.raises(UnsafeFileError, match="declares a DOCTYPE or ENTITY"):
        detect(path)


def test_it_refuses_xml_parts_that_are_not_utf8(tmp_path: Path) -> None:
    sheet = worksheet("<sheetData/>").decode().replace("UTF-8", "UTF-16").encode("utf-16")
    path = save(tmp_path / "utf16.xlsx", raw_workbook(sheet))
    with pytest.raises(UnsafeFileError, match="is not UTF-8 text"):
        detect(path)


FAR = "XFD1048576"


@pytest.mark.parametrize(
    "rows_xml",
    [
        f'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="{FAR}"><v>2</v></c></row>',
        f'<row><c r="a1"><v>1</v></c><c r="{FAR.lower()}"><v>2</v></c></row>',
        f"<row><c r = 'A1'><v>1</v></c><c\tr =\n'{FAR}'><v>2</v></c></row>",
        f'<row><c t="n" r="A1"><v>1</v></c><c s="0" r="{FAR}"><v>2</v></c></row>',
        f'<x:row><x:c r="A1"><x:v>1</x:v></x:c><x:c r="{FAR}"><x:v>2</x:v></x:c></x:row>',
        '<row r="1048576">' + "<c><v>1</v></c>" * 100 + "</row>",
        "<row>" + "<c/>" * 2_000_000 + "</row>",
        '<row><c r="A0000000000000000001048576"><v>1</v></c></row>',
    ],
    ids=["far", "lowercase", "quotes", "order", "prefixed", "unreferenced", "sparse", "zeros"],
)
def test_it_refuses_cell_grids_calamine_would_crash_allocating(
    tmp_path: Path, rows_xml: str
) -> None:
    workbook = raw_workbook(worksheet(f"<sheetData>{rows_xml}</sheetData>"))
    path = save(tmp_path / "grid.xlsx", workbook)
    with pytest.raises(UnsafeFileError, match=r"grid\.xlsx: part xl/worksheets/sheet1\.xml"):
        detect(path, limits=Limits(max_cells=1_000_000))


def test_it_reads_a_streaming_writers_sheet_that_declares_only_a1(tmp_path: Path) -> None:
    body = f'<dimension ref="A1"/><sheetData>{sheet_data(ROWS)}</sheetData>'
    path = save(tmp_path / "streamed.xlsx", raw_workbook(worksheet(body)))
    with read_mapped(path, PROFILE) as export:
        assert [row.plan_name for row in export] == ["Gold", "Silver"]


def test_it_reads_cells_written_without_references(tmp_path: Path) -> None:
    cells = "".join(f'<c t="inlineStr"><is><t>{value}</t></is></c>' for value in HEADERS)
    values = '<c t="inlineStr"><is><t>Ann</t></is></c><c t="inlineStr"><is><t>Lee</t></is></c>'
    body = f"<sheetData><row>{cells}</row><row>{values}</row></sheetData>"
    path = save(tmp_path / "bare.xlsx", raw_workbook(worksheet(body)))
    with read_mapped(path, PROFILE) as export:
        assert [(row.first_name, row.last_name) for row in export] == [("Ann", "Lee")]


def test_it_refuses_a_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = save(tmp_path / "doc.xlsx", raw_workbook(b"<x/>", omit=["xl/workbook.xml"]))
    with pytest.raises(MalformedFileError, match=r"a zip file, but not an Excel \.xlsx workbook"):
        detect(path)


def test_it_refuses_a_part_compressed_with_a_method_excel_does_not_use(tmp_path: Path) -> None:
    plain = zipfile.ZipFile(io.BytesIO(raw_workbook(sheet_xml(ROWS))))
    repacked = io.BytesIO()
    with zipfile.ZipFile(repacked, "w") as archive:
        for info in plain.infolist():
            method = zipfile.ZIP_LZMA if info.filename == SHEET else zipfile.ZIP_DEFLATED
            archive.writestr(info.filename, plain.read(info), compress_type=method)
    path = save(tmp_path / "lzma.xlsx", repacked.getvalue())
    with pytest.raises(MalformedFileError, match=f"part {SHEET} uses an unsupported compression"):
        detect(path)


def test_it_refuses_legacy_xls_and_truncated_workbooks(tmp_path: Path) -> None:
    with pytest.raises(MalformedFileError, match=r"legacy \.xls"):
        detect(save(tmp_path / "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100))
    truncated = raw_workbook(sheet_xml(ROWS))[:-30]
    with pytest.raises(MalformedFileError, match=r"not a readable \.xlsx workbook"):
        detect(save(tmp_path / "cut.xlsx", truncated))


def test_errors_read_as_file_row_column_and_reason() -> None:
    error = UnsafeFileError(Path("/uploads/book.csv"), "field too long", row=7, column="C")
    assert str(error) == "book.csv, row 7, column 'C': field too long"
    assert (error.file, error.row, error.column) == ("book.csv", 7, "C")
    row_error = RowError("book.csv", 7, "DOB", "not a date", None)
    assert str(row_error) == "book.csv, row 7, column 'DOB': not a date"
