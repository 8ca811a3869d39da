"""Scanning a workbook's XML parts as they inflate, before calamine reads them.

Refused, each for a reason found by trying it:

* `<!DOCTYPE` or `<!ENTITY` in a part's first megabyte, where a DTD must stand: the
  billion-laughs family of entity bombs.
* A UTF-16 part (a byte-order mark or NUL bytes up front): every xlsx writer uses UTF-8,
  and UTF-16 would hide everything below from a byte scan.
* A cell grid too large. calamine allocates one dense grid spanning the smallest to the
  largest cell position, so a 1 KB sheet with cells at A1 and XFD1048576 makes it
  allocate 512 GB and abort the whole process, with no exception to catch.

calamine places a cell at its `r="B7"` reference (letters in either case), or, without
one, in the column after the previous cell of its row (rows without `r` follow each
other); it matches `row` and `c` elements by local name, so `<x:c>` counts too. The
estimate follows that: height is the largest row reference or the number of rows, width
the largest column reference, plus the most cells in one row when some cell lacks a
plain reference. It errs large, never small.

Speed matters (a 200,000-household book is 640 MB of sheet XML). Windows are first
upper-cased, their single quotes made double and their whitespace, `>` and `/` plain
spaces (one `bytes.translate`), so substring counts and patterns that start with a
literal do the work at C speed. A sheet declares its extent in `<dimension
ref="A1:BH200246"/>`; in a window where every cell tag reads exactly `<C R="`, one
search for a reference beyond that extent (or out of Excel's range) is all it takes.
Otherwise (no dimension, a reference beyond it, as streaming writers declare "A1", or
cells written differently) every reference in the window is read. Windows overlap so
that nothing straddles two unseen.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from openbob.sources.errors import UnsafeFileError

_FOLD = bytes.maketrans(b"abcdefghijklmnopqrstuvwxyz'\t\r\n>/", b'ABCDEFGHIJKLMNOPQRSTUVWXYZ"     ')
_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")
_UTF16_STARTS = (b"\xff\xfe", b"\xfe\xff")
_OVERLAP = 64  # longer than any reference the patterns below accept
_ANY_REFERENCE = rb' R *= *"'
_PLAIN_CELL = rb'<C R="'
_ODD = "[A-Z]*0|[A-Z]{4}|[A-Z]{0,3}[0-9]{10}"  # leading zero, or beyond Excel's grid
_ODD_REFERENCE = re.compile(_ANY_REFERENCE + b"(?:" + _ODD.encode() + b")")
_ROW_NUMBERS = re.compile(_ANY_REFERENCE + rb'[A-Z]{0,3}([1-9][0-9]{0,8})"')
_COLUMN_LETTERS = re.compile(_ANY_REFERENCE + rb"([A-Z]{1,3})[1-9]")
_DIMENSION = re.compile(rb'<(?:[^<: ]+:)?DIMENSION REF *= *"[^"]*?([A-Z]{1,3})([1-9][0-9]{0,8})"')
_PREFIX_HINT = re.compile(rb":(?:ROW|C) ")
_PREFIXED_ROW = re.compile(rb"<(?:[^<: ]+:)?ROW ")
_PREFIXED_CELL = re.compile(rb"<(?:[^<: ]+:)?C ")


def column_number(letters: bytes) -> int:
    """1 for A, 27 for AA, 16384 for XFD."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def _plain_cells(piece: bytes) -> int:
    return piece.count(b"<C ")


def _prefixed_cells(piece: bytes) -> int:
    return len(_PREFIXED_CELL.findall(piece))


def _greater(value: str, symbols: str, first: str) -> str:
    """A pattern for tokens over `symbols` that rank above `value`: longer ones (starting
    with one of `first`), or as long and larger at the first differing symbol."""
    last = symbols[-1]
    options = [f"[{first}][{symbols[0]}-{last}]{{{len(value)},}}"]
    for index, symbol in enumerate(value):
        if symbol != last:
            following = chr(ord(symbol) + 1)
            rest = len(value) - index - 1
            options.append(f"{value[:index]}[{following}-{last}][{symbols[0]}-{last}]{{{rest}}}")
    return "|".join(options)


def _beyond(columns: str, rows: str) -> re.Pattern[bytes]:
    """References beyond column `columns` or row `rows`, or odd ones."""
    column = _greater(columns, string.ascii_uppercase, "A-Z")
    row = _greater(rows, string.digits, "1-9")
    # `_ODD` and the row test share one letter prefix, taken possessively: letters are
    # never digits, so no match changes, but the scan of 12 million references (a
    # 200,000-household book) stops backtracking and takes a third less time.
    pattern = f'(?:[A-Z]*+0|[A-Z]{{4}}|(?:{column})[0-9]|[A-Z]{{0,3}}+(?:[0-9]{{10}}|(?:{row})"))'
    return re.compile(_PLAIN_CELL + pattern.encode())


@dataclass(slots=True)
class Grid:
    """The extent of every sheet seen so far, as calamine would allocate it."""

    rows: int = 0
    columns: int = 0
    row_elements: int = 0
    cells_in_row: int = 0
    widest_row: int = 0
    unreferenced: int = 0

    @property
    def cells(self) -> int:
        height = max(self.rows, self.row_elements)
        spill = max(self.widest_row, self.cells_in_row) if self.unreferenced > 0 else 0
        return height * (self.columns + spill)

    def note_references(self, window: bytes) -> None:
        if numbers := _ROW_NUMBERS.findall(window):
            self.rows = max(self.rows, max(map(int, numbers)))
        if letters := _COLUMN_LETTERS.findall(window):
            self.columns = max(self.columns, max(map(column_number, set(letters))))

    def count_cells(self, chunk: bytes) -> bool:
        """Count rows, and cells per row where some cell lacks a plain `<c r="...">`
        reference; True when every cell in the chunk has one. Chunks do not overlap: a
        tag split between two chunks costs one count, or merges two rows (errs large)."""
        if _PREFIX_HINT.search(chunk):
            self._count_per_row(_PREFIXED_ROW.split(chunk), _prefixed_cells)
            self.unreferenced += 1  # prefixed cells are not told apart: assume the worst
            return False
        unreferenced = chunk.count(b"<C ") - chunk.count(_PLAIN_CELL)
        if unreferenced > 0:
            self.unreferenced += unreferenced
            self._count_per_row(chunk.split(b"<ROW "), _plain_cells)
            return False
        self.row_elements += chunk.count(b"<ROW ")
        return True

    def _count_per_row(self, pieces: list[bytes], count: Callable[[bytes], int]) -> None:
        first, *rows = pieces
        self.cells_in_row += count(first)
        for row in rows:
            self.widest_row = max(self.widest_row, self.cells_in_row)
            self.cells_in_row = count(row)
            self.row_elements += 1


class PartScanner:
    """Feeds one XML part's inflated bytes through the checks, window by window."""

    def __init__(self, path: Path, part: str, grid: Grid, max_cells: int) -> None:
        self._path = path
        self._part = part
        self._grid = grid
        self._max_cells = max_cells
        self._carry = b""
        self._first = True
        self._beyond: re.Pattern[bytes] | None = None

    def feed(self, data: bytes) -> None:
        folded = data.translate(_FOLD)
        window = self._carry + folded
        if self._first:
            self._first = False
            self._check_prolog(data, window)
        plain = self._grid.count_cells(folded)
        if not plain or self._beyond is None or self._beyond.search(window):
            if plain:
                self._beyond = None  # the declared extent was wrong: read every reference
            if _ODD_REFERENCE.search(window):
                self._refuse("has a cell reference out of range")
            self._grid.note_references(window)
        if self._grid.cells > self._max_cells:
            self._refuse(f"spans more than {self._max_cells:,} cells (a cell-grid bomb?)")
        self._carry = window[-_OVERLAP:]

    def _check_prolog(self, data: bytes, window: bytes) -> None:
        """The first bytes: UTF-8 (not UTF-16), no DTD, and the declared extent, if any."""
        if data.startswith(_UTF16_STARTS) or b"\x00" in data[:4]:
            self._refuse("is not UTF-8 text")
        if any(marker in window for marker in _FORBIDDEN):
            self._refuse("declares a DOCTYPE or ENTITY (XML entity expansion)")
        self._take_dimension(window)

    def _take_dimension(self, window: bytes) -> None:
        match = _DIMENSION.search(window)
        if match is not None:
            columns, rows = match.group(1), match.group(2)
            self._grid.rows = max(self._grid.rows, int(rows))
            self._grid.columns = max(self._grid.columns, column_number(columns))
            self._beyond = _beyond(columns.decode(), rows.decode())

    def _refuse(self, reason: str) -> None:
        raise UnsafeFileError(self._path, f"part {self._part} {reason}")
