"""The one streaming writer for exports: typed, formula-safe xlsx and CSV.

Callers describe tables (`Column` kinds and an iterable of row tuples, or
`ColumnBatches`: the same rows a batch at a time, column by column) and never see the
xlsx library, which lives in `xlsx_backend` so a faster one can replace it there.

Streaming: rows are checked and converted a batch at a time (`BATCH_ROWS`, or the
caller's `ColumnBatches`), column by column, and handed straight to the writer, so
memory does not grow with the row count.
A file of at least `HELPER_FROM_ROWS` rows is written by a helper process
(`spreadsheet_helper`) while this process keeps building, checking and converting
rows: on two cores, reading the database and writing the file overlap.

Cells, by column kind (None is a blank cell in every kind):

* text: str. xlsx: a text cell with the Text (``@``) format. CSV: the text.
* date: a date, not a datetime. xlsx: ``mm/dd/yyyy``. CSV: ``2026-03-06``.
* datetime: an aware datetime, shown in Pacific time, the portal's zone (spreadsheets
  have no time zones). xlsx: ``mm/dd/yyyy hh:mm:ss``. CSV: ``2026-03-06T21:00:00-08:00``.
* money: int, float or Decimal. xlsx: ``$#,##0.00``. CSV: ``1234.50``.
* integer: int within +/- 2**53, which Excel stores exactly. xlsx: ``0``. CSV: ``1234``.
* decimal: int, float or Decimal (rates). xlsx: General. CSV: ``0.0525``.
* bool: bool. xlsx: TRUE/FALSE. CSV: ``true``/``false``.

Text is never turned into a number, so phone numbers, ZIP codes and ids keep their
leading zeros and never become ``9.18E+09``. Every text cell (and an xlsx title) goes
through `csvsafe.escape_cell`. Numbers are not escaped: ``-12.50`` in a money column is
a number, not a formula.

xlsx cannot hold every string exactly, so text there is changed in three ways:

* characters XML 1.0 cannot carry (C0 controls other than tab and LF, lone surrogates,
  U+FFFE, U+FFFF) become U+FFFD. ECMA-376 could escape them as ``_xHHHH_``, but
  openpyxl and pandas show that escape literally, so a visible U+FFFD is more honest;
* CR and CRLF become LF, Excel's own line break inside a cell;
* text longer than Excel's 32,767-character cell limit is cut to it.

The empty string is written as a blank cell. CSV keeps every string exactly, apart from
the formula escape.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO, Literal, NoReturn, get_args

from openbob.lib import xlsx_backend
from openbob.lib.batches import batched
from openbob.lib.csvsafe import DANGEROUS_FIRST_CHARACTERS, escape_cell, is_dangerous
from openbob.lib.distinct import map_distinct
from openbob.lib.spreadsheet_helper import write_through_helper
from openbob.lib.weeks import PACIFIC

Kind = Literal["text", "date", "datetime", "money", "integer", "decimal", "bool"]

EXCEL_MAX_CELL_CHARS = 32_767
EXCEL_MAX_EXACT_INTEGER = 2**53
SHEET_NAME_FORBIDDEN = frozenset("[]:*?/\\")
MAX_COLUMN_WIDTH = 60
BATCH_ROWS = 1000
HELPER_FROM_ROWS = 2 * BATCH_ROWS
"""A file whose (first) sheet reaches this many rows is written by a helper process
while this one keeps converting rows (`spreadsheet_helper`); a shorter one is written
here, where starting a process would cost more than it saves."""
Batch = list[Sequence[object]]
"""Rows, or (between `_Rows` and the writers) the columns of a batch of rows."""

_NUMBER_FORMATS: dict[Kind, str | None] = {
    "text": "@",
    "date": "mm/dd/yyyy",
    "datetime": "mm/dd/yyyy hh:mm:ss",
    "money": "$#,##0.00",
    "integer": "0",
    "decimal": None,
    "bool": None,
}
# Wide enough for a typical value of the kind; a long header widens the column instead.
_KIND_WIDTHS: dict[Kind, int] = {
    "text": 14,
    "date": 11,
    "datetime": 20,
    "money": 14,
    "integer": 10,
    "decimal": 10,
    "bool": 7,
}
# Room for the autofilter drop-down button beside the header text.
_FILTER_BUTTON_WIDTH = 3
_XML_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAK = re.compile("\r\n?")


@dataclass(frozen=True)
class Column:
    """One column: its header, the kind of value it holds, and an optional width."""

    header: str
    kind: Kind
    width: int | None = None

    def __post_init__(self) -> None:
        # Headers are constants in our code, so they are checked rather than escaped.
        if not self.header or not self.header.isprintable() or is_dangerous(self.header):
            raise ValueError(f"Column header {self.header!r} must be plain printable text")
        if self.kind not in get_args(Kind):
            raise ValueError(f"Column {self.header!r} has unknown kind {self.kind!r}")
        if self.width is not None and not 1 <= self.width <= 255:
            raise ValueError(f"Column {self.header!r} width must be 1-255")


@dataclass
class Sheet:
    """One worksheet. With a `title`, row 1 holds it and the headers move to row 2.

    That is the layout of CalHEERS files (``File Created Tue Feb 06 09:29:38 PST 2018``
    above the headers), which agencies already know.
    """

    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[object]]
    title: str | None = None

    def __post_init__(self) -> None:
        if not 1 <= len(self.name) <= 31 or SHEET_NAME_FORBIDDEN & set(self.name):
            raise ValueError(f"Sheet name {self.name!r} must be 1-31 characters without []:*?/\\")
        if self.name.startswith("'") or self.name.endswith("'"):
            raise ValueError(f"Sheet name {self.name!r} cannot start or end with an apostrophe")
        if not self.columns:
            raise ValueError(f"Sheet {self.name!r} needs at least one column")
        headers = [column.header for column in self.columns]
        if len(set(headers)) != len(headers):
            raise ValueError(f"Sheet {self.name!r} has duplicate column headers")


class ColumnBatches:
    """Rows given a batch at a time, each batch as its columns (sequences of one length).

    Why: an export reads the database column by column (`exports.rowsets`) and the
    writer checks and converts column by column, so handing it columns skips turning
    every cell of a batch into rows and back. Iterating gives the rows, for any other
    reader; like any iterator of rows, the batches are read once.
    """

    def __init__(self, batches: Iterable[Sequence[Sequence[object]]]) -> None:
        self.batches = batches

    def __iter__(self) -> Iterator[tuple[object, ...]]:
        return chain.from_iterable(map(_transposed, self.batches))


def _transposed(columns: Sequence[Sequence[object]]) -> Iterator[tuple[object, ...]]:
    return zip(*columns, strict=True)


def rows_in(columns: Sequence[Sequence[object]]) -> int:
    """How many rows a batch of columns holds."""
    return len(columns[0]) if columns else 0


def legend_sheet(entries: Iterable[tuple[str, str]], *, name: str = "Legend") -> Sheet:
    """The sheet every export carries to say what each column means."""
    columns = [Column("Column", "text", width=30), Column("Meaning", "text", width=90)]
    return Sheet(name=name, columns=columns, rows=entries)


# -- cell values -----------------------------------------------------------------------


class _Unsuitable(Exception):
    """A cell value does not fit its column's kind; `_Rows` reports it as a TypeError."""


def _as_text(value: object) -> str:
    if not isinstance(value, str):
        raise _Unsuitable
    return value


def _as_date(value: object) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise _Unsuitable
    return value


def _as_pacific(value: object) -> datetime:
    """Spreadsheets have no time zones, so datetimes are shown in the portal's zone."""
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise _Unsuitable
    return value.astimezone(PACIFIC)


def _as_number(value: object) -> int | float | Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise _Unsuitable
    if isinstance(value, float) and not math.isfinite(value):
        raise _Unsuitable
    if isinstance(value, Decimal) and not value.is_finite():
        raise _Unsuitable
    return value


def _as_integer(value: object) -> int:
    """Integers Excel stores exactly; larger ones are ids, which belong in text columns."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Unsuitable
    if abs(value) > EXCEL_MAX_EXACT_INTEGER:
        raise _Unsuitable
    return value


def _as_bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Unsuitable
    return value


_CHECKS: dict[Kind, Callable[[object], Any]] = {
    "text": _as_text,
    "date": _as_date,
    "datetime": _as_pacific,
    "money": _as_number,
    "integer": _as_integer,
    "decimal": _as_number,
    "bool": _as_bool,
}


def _xlsx_text(value: str) -> str:
    text = escape_cell(value)
    # isprintable() is a fast C check that is True for nearly every cell; the regex
    # decides for the rest (LF, tab and non-ASCII spaces are not printable but are fine).
    if not text.isprintable() and _XML_UNSAFE.search(text):
        text = _XML_UNSAFE.sub("\ufffd", _LINE_BREAK.sub("\n", text))
    return text if len(text) <= EXCEL_MAX_CELL_CHARS else text[:EXCEL_MAX_CELL_CHARS]


def _naive(value: datetime) -> datetime:
    return value.replace(tzinfo=None)


def _same(value: object) -> object:
    return value


def _plain_decimal(value: int | float | Decimal) -> str:
    """Positional notation (never ``1e-07``) of the shortest repr of `value`."""
    return format(Decimal(str(value)), "f")


def _money(value: int | float | Decimal) -> str:
    return format(value, ".2f")


def _bool_text(value: bool) -> str:
    return "true" if value else "false"


Renderers = dict[Kind, Callable[[Any], object]]

_XLSX_CELLS: Renderers = {
    "text": _xlsx_text,
    "date": _same,
    "datetime": _naive,
    "money": float,
    "integer": _same,
    "decimal": float,
    "bool": _same,
}
_CSV_CELLS: Renderers = {
    "text": escape_cell,
    "date": date.isoformat,
    "datetime": datetime.isoformat,
    "money": _money,
    "integer": str,
    "decimal": _plain_decimal,
    "bool": _bool_text,
}


def _cell_writer(column: Column, renderers: Renderers) -> Callable[[object], object]:
    check, render = _CHECKS[column.kind], renderers[column.kind]

    def cell(value: object) -> object:
        if value is None:
            return None
        try:
            return render(check(value))
        except _Unsuitable:
            raise _Unsuitable(
                f"column {column.header!r}: a {column.kind} cell "
                f"cannot hold this {type(value).__name__} value"
            ) from None

    return cell


_NONE = type(None)
# The exact types (type() is exact: bool is not an int here) each kind takes whole
# batches of without a per-cell check; anything else is checked cell by cell.
_EXACT_TYPES: dict[Kind, frozenset[type]] = {
    "text": frozenset({str, _NONE}),
    "date": frozenset({date, _NONE}),
    "datetime": frozenset(),  # awareness is a per-cell question
    "money": frozenset({int, float, Decimal, _NONE}),
    "integer": frozenset({int, _NONE}),
    "decimal": frozenset({int, float, Decimal, _NONE}),
    "bool": frozenset({bool, _NONE}),
}
_first_character = itemgetter(0)


def _plain_text(values: Sequence[object], *, xlsx: bool) -> bool:
    """True when no text cell of the batch needs escaping or cleaning (the usual case).

    Checked for the whole batch by C loops instead of a Python call per cell: the set
    of first characters against the dangerous ones, then (xlsx) the cells joined into
    one string, whose length bounds every cell's and which `isprintable` clears in one
    pass (the regex decides only when it does not: LF, tab and non-ASCII spaces are not
    printable but are fine).
    """
    present: list[str] = list(filter(None, values))  # type: ignore[arg-type]
    if not DANGEROUS_FIRST_CHARACTERS.isdisjoint(map(_first_character, present)):
        return False
    if not xlsx:
        return True
    joined = "".join(present)
    if len(joined) > EXCEL_MAX_CELL_CHARS and max(map(len, present)) > EXCEL_MAX_CELL_CHARS:
        return False
    return joined.isprintable() or not _XML_UNSAFE.search(joined)


def _all_finite(values: Sequence[object]) -> bool:
    present: Iterable[float] = filter(None, values)  # type: ignore[arg-type]
    return all(map(math.isfinite, present))


def _exact_integers(values: Sequence[object]) -> bool:
    present: Iterable[int] = filter(None, values)  # type: ignore[arg-type]
    return max(map(abs, present), default=0) <= EXCEL_MAX_EXACT_INTEGER


_BATCH_CHECKS: dict[Kind, Callable[[Sequence[object]], bool]] = {
    "money": _all_finite,
    "decimal": _all_finite,
    "integer": _exact_integers,
}


_TEXT_TYPES = _EXACT_TYPES["text"]


def _plain_texts(values: Sequence[object], *, xlsx: bool) -> list[object] | None:
    """A text column of plain strings and blanks with equal strings made one object, or
    None when some cell needs a closer look (a wrong type, escaping or cleaning).

    Every check runs over the distinct values only: a batch's text repeats (cities,
    languages, a household's address and agent), so the one pass over every cell is the
    dict that makes equal strings one object. The column returned holds only those
    checked values; the helper process's pipe (pickle) then carries and rebuilds each
    distinct text once, not once per cell.
    """
    first: dict[object, object] = {}
    try:
        shared = list(map(first.setdefault, values, values))
    except TypeError:  # an unhashable value, which no text cell holds
        return None
    distinct = first.keys()
    if set(map(type, distinct)) <= _TEXT_TYPES and _plain_text(list(distinct), xlsx=xlsx):
        return shared
    return None


# Kinds whose rendering depends only on the value's equality (unlike "decimal", whose
# CSV text keeps a Decimal's written digits), so it can be done once per distinct value.
_RENDERED_BY_VALUE: frozenset[Kind] = frozenset({"date", "money"})


def _none_or(render: Callable[[Any], object], value: object) -> object:
    return None if value is None else render(value)


class _ColumnBatch:
    """Checks and converts one column of a batch of rows at a time.

    When the batch holds only the kind's exact types (and, for numbers, only finite or
    exactly storable ones) the check is done once for the batch and the renderer is
    mapped over it (once per distinct date or amount); plain text (checked once per
    distinct string, `_plain_texts`), and xlsx dates, integers and bools, pass unchanged.
    Otherwise every cell is checked and rendered as `_cell_writer` does for one cell,
    and a wrong value raises `_Unsuitable`.
    """

    def __init__(self, column: Column, renderers: Renderers) -> None:
        self._kind = column.kind
        self._check, self._render = _CHECKS[column.kind], renderers[column.kind]
        self._types = _EXACT_TYPES[column.kind]
        self._batch_check = _BATCH_CHECKS.get(column.kind)
        self._xlsx = renderers is _XLSX_CELLS
        self._as_is = self._render is _same
        self._render_or_none = partial(_none_or, self._render)

    def __call__(self, values: Sequence[object]) -> Sequence[object]:
        if self._kind == "text" and (plain := _plain_texts(values, xlsx=self._xlsx)) is not None:
            return plain
        types = set(map(type, values))
        if types <= self._types and (self._batch_check is None or self._batch_check(values)):
            if self._as_is:
                return values
            if self._kind in _RENDERED_BY_VALUE:
                return map_distinct(self._render_or_none, values)
            render = self._render
            if _NONE in types:
                return [None if value is None else render(value) for value in values]
            return list(map(render, values))
        check, render = self._check, self._render
        return [None if value is None else render(check(value)) for value in values]


class _Rows:
    """One table's rows, checked and converted as they stream past, and counted.

    Rows are taken a batch at a time (`BATCH_ROWS`, or the caller's `ColumnBatches`)
    and converted column by column (see `_ColumnBatch`): memory stays flat, and the
    per-cell Python work that dominated large exports is skipped for plain cells.
    Error messages name the row and column but never show the value: it may be PII.
    """

    def __init__(
        self, columns: Sequence[Column], rows: Iterable[Sequence[object]], renderers: Renderers
    ) -> None:
        self._rows = rows
        self._cells = [_cell_writer(column, renderers) for column in columns]
        self._columns = [_ColumnBatch(column, renderers) for column in columns]
        self.count = 0

    def __iter__(self) -> Iterator[Sequence[object]]:
        # An iterator chain, not a generator: the writer takes row after row in C,
        # with Python running once per batch rather than once per row.
        return chain.from_iterable(map(_transposed, self.batches()))

    def batches(self) -> Iterator[Batch]:
        """The converted cells, a batch at a time, column by column."""
        if isinstance(self._rows, ColumnBatches):
            given = map(self._same_height, self._rows.batches)
        else:
            given = map(self._columns_of, batched(self._rows, BATCH_ROWS))
        return map(self._converted, given)

    def _columns_of(self, rows: list[Sequence[object]]) -> Batch:
        if set(map(len, rows)) != {len(self._cells)}:
            self._explain(rows)
        return list(zip(*rows, strict=True))

    def _same_height(self, columns: Sequence[Sequence[object]]) -> Batch:
        if len(columns) != len(self._cells) or len(set(map(len, columns))) > 1:
            raise ValueError(
                f"A batch after row {self.count} has {len(columns)} columns of lengths "
                f"{sorted(set(map(len, columns)))}, expected {len(self._cells)} of one length"
            )
        return list(columns)

    def _converted(self, batch: Batch) -> Batch:
        try:
            converted = [
                convert(values) for convert, values in zip(self._columns, batch, strict=True)
            ]
        except _Unsuitable:
            self._explain(list(_transposed(batch)))
        self.count += rows_in(batch)
        return converted

    def _explain(self, batch: Sequence[Sequence[object]]) -> NoReturn:
        """Find the first wrong row of a failed batch, cell by cell, and raise for it."""
        width = len(self._cells)
        for number, row in enumerate(batch, start=self.count + 1):
            if len(row) != width:
                raise ValueError(f"Row {number} has {len(row)} cells, expected {width}")
            try:
                for cell, value in zip(self._cells, row, strict=True):
                    cell(value)
            except _Unsuitable as error:
                raise TypeError(f"Row {number}, {error}") from None
        raise AssertionError("a failed batch has a failing row")


# -- files -----------------------------------------------------------------------------


@contextmanager
def _replaced_atomically(path: Path) -> Iterator[Path]:
    """A private (0600) temporary file that replaces `path` only once it is complete.

    A failed export never leaves a half-written file that a download link could serve.
    """
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


# -- xlsx ------------------------------------------------------------------------------


def write_xlsx(path: Path, sheets: Sequence[Sheet]) -> int:
    """Write `sheets` to `path` as one workbook; returns the first sheet's data rows.

    Every sheet gets a bold, frozen header row with an autofilter, typed and formatted
    cells, and widths from its headers and kinds (no scan of the data).
    """
    if not sheets:
        raise ValueError("A workbook needs at least one sheet")
    if len({sheet.name.casefold() for sheet in sheets}) != len(sheets):
        raise ValueError("Sheet names must be unique (Excel ignores case)")
    rows = [_Rows(sheet.columns, sheet.rows, _XLSX_CELLS) for sheet in sheets]
    tables = [_table(sheet, sheet_rows) for sheet, sheet_rows in zip(sheets, rows, strict=True)]
    others_short = all(_short(sheet.rows) for sheet in sheets[1:])
    with _replaced_atomically(path) as temporary:
        head, rest = _head(rows[0].batches(), rows_in)
        if rest is not None and others_short:
            job = _XlsxJob(temporary, [replace(tables[0], rows=()), *map(_listed, tables[1:])])
            write_through_helper(job, chain(head, rest))
        else:
            first = replace(tables[0], rows=_rows_of(chain(head, rest or ())))
            xlsx_backend.write_workbook(temporary, [first, *tables[1:]])
    return rows[0].count


def _rows_of(column_batches: Iterable[Batch]) -> Iterator[Sequence[object]]:
    return chain.from_iterable(map(_transposed, column_batches))


@dataclass(frozen=True)
class _XlsxJob:
    """A workbook for the helper process: the first table's cells, already checked and
    converted here, come through the pipe column by column (the helper is the longer
    half of an xlsx export: the library's writing); the other tables are short and
    travel whole."""

    target: Path
    tables: Sequence[xlsx_backend.Table]

    def write(self, batches: Iterable[Batch]) -> None:
        first, *others = self.tables
        rows = _rows_of(batches)
        xlsx_backend.write_workbook(self.target, [replace(first, rows=rows), *others])


def _head(
    batches: Iterator[Batch], height: Callable[[Batch], int]
) -> tuple[list[Batch], Iterator[Batch] | None]:
    """The first batches, up to `HELPER_FROM_ROWS` rows, and the rest when there may be
    more (None: the head is the whole table, short enough to write in this process)."""
    head: list[Batch] = []
    size = 0
    for batch in batches:
        head.append(batch)
        size += height(batch)
        if size >= HELPER_FROM_ROWS:
            return head, batches
    return head, None


def _short(rows: Iterable[Sequence[object]]) -> bool:
    """A later sheet (a legend) small enough to travel whole to the helper process."""
    return isinstance(rows, Sequence) and len(rows) < HELPER_FROM_ROWS


def _listed(table: xlsx_backend.Table) -> xlsx_backend.Table:
    return replace(table, rows=list(table.rows))


def _table(sheet: Sheet, rows: _Rows) -> xlsx_backend.Table:
    return xlsx_backend.Table(
        name=sheet.name,
        headers=[column.header for column in sheet.columns],
        number_formats=[_NUMBER_FORMATS[column.kind] for column in sheet.columns],
        widths=[_width(column) for column in sheet.columns],
        title=None if sheet.title is None else _xlsx_text(sheet.title),
        rows=rows,
    )


def _width(column: Column) -> int:
    if column.width is not None:
        return column.width
    natural = max(len(column.header) + _FILTER_BUTTON_WIDTH, _KIND_WIDTHS[column.kind])
    return min(natural, MAX_COLUMN_WIDTH)


# -- CSV -------------------------------------------------------------------------------


def write_csv(
    target: Path | BinaryIO,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    *,
    bom: bool = False,
) -> int:
    """Write an RFC 4180 CSV (UTF-8, CRLF) to a path or binary stream; returns data rows.

    `bom` prefixes the UTF-8 byte order mark, without which Excel on Windows reads the
    file in the local code page and garbles accented names.

    A long file goes to the helper process as the rows come (as they were given: row
    batches, or `ColumnBatches`), and the helper checks and converts them as well as
    writing them: building rows is the longer half of a CSV export, so this process
    does only that. (Its rows must then be picklable.)
    """
    headers = [column.header for column in columns]
    if not isinstance(target, os.PathLike):
        table = _Rows(columns, rows, _CSV_CELLS)
        _write_csv_rows(target, headers, table, bom=bom)
        return table.count
    given: Iterator[Batch]
    height: Callable[[Batch], int]
    if columnar := isinstance(rows, ColumnBatches):
        given, height = map(list, rows.batches), rows_in
    else:
        given, height = batched(rows, BATCH_ROWS), len
    with _replaced_atomically(Path(target)) as temporary:
        head, rest = _head(given, height)
        if rest is None:
            table = _Rows(columns, _CsvJob.source(chain(head), columnar), _CSV_CELLS)
            with temporary.open("wb") as stream:
                _write_csv_rows(stream, headers, table, bom=bom)
            return table.count
        sent = _Counted(chain(head, rest), height)
        write_through_helper(_CsvJob(temporary, list(columns), bom, columnar), sent)
        return sent.count


class _Counted:
    """Batches passed through, with the number of rows they held."""

    def __init__(self, batches: Iterator[Batch], height: Callable[[Batch], int]) -> None:
        self._batches = batches
        self._height = height
        self.count = 0

    def __iter__(self) -> Iterator[Batch]:
        for batch in self._batches:
            self.count += self._height(batch)
            yield batch


@dataclass(frozen=True)
class _CsvJob:
    """A CSV file for the helper process: its rows are checked and converted there."""

    target: Path
    columns: Sequence[Column]
    bom: bool
    columnar: bool = False

    def write(self, batches: Iterable[Batch]) -> None:
        headers = [column.header for column in self.columns]
        table = _Rows(self.columns, self.source(batches, self.columnar), _CSV_CELLS)
        with self.target.open("wb") as stream:
            _write_csv_rows(stream, headers, table, bom=self.bom)

    @staticmethod
    def source(batches: Iterable[Batch], columnar: bool) -> Iterable[Sequence[object]]:
        """The rows the batches hold: as columns (`ColumnBatches`), or rows."""
        return ColumnBatches(batches) if columnar else chain.from_iterable(batches)


def _write_csv_rows(
    stream: BinaryIO, headers: Sequence[str], rows: Iterable[Sequence[object]], *, bom: bool
) -> None:
    """Write converted rows under their header row; `stream` stays open (its owner's)."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig" if bom else "utf-8", newline="")
    try:
        writer = csv.writer(text)
        writer.writerow(headers)
        writer.writerows(rows)
    finally:
        text.flush()
        text.detach()  # closing the wrapper would close `stream`
