from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openbob.lib.csvsafe import DANGEROUS_FIRST_CHARACTERS, escape_cell
from openbob.lib.spreadsheet import Column, write_csv

TEXT_COLUMNS = [Column("First", "text"), Column("Second", "text")]


def written(
    columns: Sequence[Column], rows: Sequence[Sequence[object]], *, bom: bool = False
) -> bytes:
    stream = io.BytesIO()
    write_csv(stream, columns, rows, bom=bom)
    return stream.getvalue()


def read_back(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@given(st.lists(st.tuples(st.text(), st.text()), max_size=20))
def test_text_round_trips_exactly_apart_from_the_formula_escape(
    rows: list[tuple[str, str]],
) -> None:
    header, *cells = read_back(written(TEXT_COLUMNS, rows))
    assert header == ["First", "Second"]
    assert not [cell for row in cells for cell in row if cell[:1] in DANGEROUS_FIRST_CHARACTERS]
    assert cells == [[escape_cell(value) for value in row] for row in rows]


def test_it_writes_typed_values_plainly() -> None:
    columns = [
        Column("Effective Date", "date"),
        Column("Updated At", "datetime"),
        Column("Net Premium", "money"),
        Column("Members", "integer"),
        Column("APTC Rate", "decimal"),
        Column("Active", "bool"),
    ]
    rows: list[tuple[object, ...]] = [
        (date(2026, 3, 6), datetime(2026, 3, 7, 5, tzinfo=UTC), Decimal("1234.5"), 3, 1e-7, True),
        (None, datetime(2026, 7, 1, 4, tzinfo=UTC), -12.5, -4, Decimal("1E+2"), False),
        (None,) * 6,
    ]
    assert read_back(written(columns, rows))[1:] == [
        ["2026-03-06", "2026-03-06T21:00:00-08:00", "1234.50", "3", "0.0000001", "true"],
        ["", "2026-06-30T21:00:00-07:00", "-12.50", "-4", "100", "false"],
        [""] * 6,
    ]


def test_it_ends_lines_with_crlf_and_quotes_only_where_needed() -> None:
    data = written(TEXT_COLUMNS, [("Smith, Jr.", 'say "hi"'), ("a\nb", "plain")])
    assert data == b'First,Second\r\n"Smith, Jr.","say ""hi"""\r\n"a\nb",plain\r\n'


def test_it_adds_a_byte_order_mark_only_when_asked() -> None:
    assert written(TEXT_COLUMNS, [], bom=True) == b"\xef\xbb\xbfFirst,Second\r\n"
    assert written(TEXT_COLUMNS, []) == b"First,Second\r\n"


def test_it_leaves_the_callers_stream_open() -> None:
    stream = io.BytesIO()
    assert write_csv(stream, TEXT_COLUMNS, [("a", "b")] * 2) == 2
    stream.write(b"more")
    assert stream.getvalue().endswith(b"more")


def test_it_writes_a_private_file_and_counts_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    assert write_csv(path, TEXT_COLUMNS, [("a", "b")] * 3, bom=True) == 3
    assert read_back(path.read_bytes()) == [["First", "Second"]] + [["a", "b"]] * 3
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_failed_csv_export_leaves_no_file_behind(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="Row 2, column 'Second'"):
        write_csv(tmp_path / "export.csv", TEXT_COLUMNS, [("a", "b"), ("c", 4)])
    assert list(tmp_path.iterdir()) == []
