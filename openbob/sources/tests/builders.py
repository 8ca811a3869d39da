"""Writing real test files: CSVs in any encoding, and .xlsx workbooks three ways.

`openpyxl_workbook` writes what Excel would; `raw_workbook` assembles the zip by hand so
tests can put anything in it (a DTD, a cell at XFD1048576, a lying size), which no
well-behaved writer allows.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl

from openbob.sources import calheers
from openbob.sources.cells import column_letter

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    b'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    b'spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http:'
    b"//schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
    b'" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.'
    b'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats'
    b'.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" '
    b'r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http:'
    b'//schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target='
    b'"worksheets/sheet1.xml"/></Relationships>'
)
SHEET = "xl/worksheets/sheet1.xml"
NAMESPACE = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write a text file byte for byte (no newline translation)."""
    path.write_bytes(text.encode(encoding))
    return path


def cell_xml(reference: str, value: object) -> str:
    if isinstance(value, bool):
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{reference}"><v>{value}</v></c>'
    return f'<c r="{reference}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def sheet_data(rows: Iterable[Sequence[object]]) -> str:
    """`<row>` elements of inline strings and numbers; `None` leaves a cell out."""
    xml_rows = []
    for number, row in enumerate(rows, start=1):
        cells = "".join(
            cell_xml(f"{column_letter(index)}{number}", value)
            for index, value in enumerate(row)
            if value is not None
        )
        xml_rows.append(f'<row r="{number}">{cells}</row>')
    return "".join(xml_rows)


def worksheet(body: str, prolog: str = "") -> bytes:
    """A worksheet part around `body`; the main namespace is also bound to prefix `x`."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{NAMESPACE}" '
        f'xmlns:x="{NAMESPACE}">{body}</worksheet>'
    ).encode()


def sheet_xml(rows: Iterable[Sequence[object]], *, body: str = "") -> bytes:
    return worksheet(f"<sheetData>{sheet_data(rows)}{body}</sheetData>")


def raw_workbook(
    sheet: bytes,
    *,
    extra: Mapping[str, bytes] | None = None,
    omit: Iterable[str] = (),
    content_types: bytes = CONTENT_TYPES,
) -> bytes:
    parts = {
        "[Content_Types].xml": content_types,
        "_rels/.rels": _RELS,
        "xl/workbook.xml": _WORKBOOK,
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
        SHEET: sheet,
        **(extra or {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if name not in set(omit):
                archive.writestr(name, data)
    return buffer.getvalue()


def lie_about_size(workbook: bytes, part: str, size: int) -> bytes:
    """Rewrite a part's declared uncompressed size in both zip headers (a zip bomb's trick)."""
    data = bytearray(workbook)
    name = part.encode()
    local = data.find(b"PK\x03\x04")
    while local >= 0:
        name_length = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30 : local + 30 + name_length] == name:
            struct.pack_into("<I", data, local + 22, size)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == name:
            struct.pack_into("<I", data, central + 24, size)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def openpyxl_workbook(path: Path, rows: Iterable[Sequence[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def calheers_row(values: Mapping[str, object]) -> list[object]:
    """A CalHEERS row in column order: `null` everywhere except the given headers."""
    row: list[object] = ["null"] * len(calheers.COLUMNS)
    for header, value in values.items():
        row[calheers.COLUMNS.index(header)] = value
    return row


def calheers_book(
    path: Path,
    rows: Iterable[Sequence[object]],
    *,
    created: str = "File Created Tue Feb 06 09:29:38 PST 2018",
    headers: Sequence[str] = calheers.COLUMNS,
) -> Path:
    return openpyxl_workbook(path, [[created], list(headers), *rows])
