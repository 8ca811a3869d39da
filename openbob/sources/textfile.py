"""Delimited text files: encoding and separator sniffing, and streaming RFC 4180 rows.

Exports arrive as UTF-8 (with or without a byte-order mark), UTF-16 with a BOM (Excel's
"Unicode text", tab separated) or latin-1 (older carrier systems). The encoding is
decided by a full pass over the bytes, which is also where NUL bytes are refused: a CSV
parser would otherwise carry them into the database. The rows themselves are streamed
through the `csv` module, which handles quoted commas and embedded newlines.

Row numbers are record numbers, the row a spreadsheet program shows for the record, so
a quoted field spanning two lines still counts as one row.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Generator
from pathlib import Path

from openbob.sources.cells import Cell, RawRow, column_letter
from openbob.sources.errors import MalformedFileError, UnsafeFileError
from openbob.sources.safety import Limits

_CHUNK = 1024 * 1024
_SNIFF_CHARS = 64 * 1024
_SNIFF_RECORDS = 50
_DELIMITERS = (",", "\t", ";")


def sniff_encoding(path: Path) -> str:
    """The codec that decodes the whole file; refuses NUL characters and bad UTF-16."""
    with path.open("rb") as handle:
        start = handle.read(4)
    candidates: tuple[str, ...]
    if start.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig", "latin-1")
    elif start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8", "latin-1")
    for encoding in candidates:
        if _decodes(path, encoding):
            return encoding
    raise MalformedFileError(path, "text is not valid UTF-16 despite its byte-order mark")


def _decodes(path: Path, encoding: str) -> bool:
    """True when the whole file decodes; raises on a NUL character."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(_CHUNK):
                _refuse_nul(path, decoder.decode(chunk), encoding)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _refuse_nul(path: Path, text: str, encoding: str) -> None:
    if "\x00" in text:
        hint = "" if encoding == "utf-16" else " (is it UTF-16 without a byte-order mark?)"
        raise UnsafeFileError(path, f"text contains NUL bytes{hint}")


def sniff_delimiter(path: Path, encoding: str) -> str:
    """Comma, tab or semicolon: the one that splits the first records most consistently."""
    with path.open(encoding=encoding, newline="") as handle:
        sample = handle.read(_SNIFF_CHARS)
    if len(sample) == _SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    return max(_DELIMITERS, key=lambda delimiter: _consistency(sample, delimiter))


def _consistency(sample: str, delimiter: str) -> int:
    """How many sampled records share the most common field count above one."""
    counts: dict[int, int] = {}
    try:
        for index, record in enumerate(csv.reader(io.StringIO(sample), delimiter=delimiter)):
            if index >= _SNIFF_RECORDS:
                break
            if len(record) > 1:
                counts[len(record)] = counts.get(len(record), 0) + 1
    except csv.Error:
        return 0
    return max(counts.values(), default=0)


def csv_rows(
    path: Path, encoding: str, delimiter: str, limits: Limits
) -> Generator[RawRow, None, None]:
    """Stream the file's records as raw rows, refusing oversized fields."""
    number = 0
    try:
        with path.open(encoding=encoding, newline="") as handle:
            for number, record in enumerate(csv.reader(handle, delimiter=delimiter), start=1):
                _check_fields(path, number, record, limits)
                cells: list[Cell] = list(record)
                yield RawRow(number, cells)
    except csv.Error as exc:
        raise MalformedFileError(path, f"unreadable CSV ({exc})", row=number + 1) from None
    except UnicodeDecodeError:
        raise MalformedFileError(path, f"text is not valid {encoding}", row=number + 1) from None


def _check_fields(path: Path, number: int, record: list[str], limits: Limits) -> None:
    if len(record) > limits.max_columns:
        raise UnsafeFileError(path, f"more than {limits.max_columns} columns", row=number)
    if max(map(len, record), default=0) <= limits.max_field_chars:
        return  # the usual case, found at C speed; the loop below names the column
    for index, value in enumerate(record):
        if len(value) > limits.max_field_chars:
            raise UnsafeFileError(
                path,
                f"field longer than {limits.max_field_chars} characters",
                row=number,
                column=column_letter(index),
            )
