"""Checks run on a file before any parser sees it.

Uploaded files come from the outside world, so a file is refused (with an
`UnsafeFileError`) before parsing when it is larger than the limit, or, for .xlsx, when
its zip directory or its content could exhaust memory or smuggle something in:

* too many zip entries, or a directory too big for that many entries;
* a declared or *actual* uncompressed size over the limit (each part is inflated here,
  counting bytes, because a zip bomb's directory lies about its sizes);
* macros (`vbaProject.bin`, a macro-enabled content type);
* XML content that is unsafe to hand to calamine (entity declarations, a cell grid
  large enough to exhaust memory): see `openbob.sources.xml_scan`.

Inflating and scanning every part costs about five seconds for a 200,000-household
book (640 MB of sheet XML), and makes the calamine read safe regardless of how its zip
reader treats lying headers.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from openbob.sources.errors import MalformedFileError, SourceError, UnsafeFileError
from openbob.sources.xml_scan import Grid, PartScanner

_MB = 1024 * 1024
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_LOCAL_HEADER = b"PK\x03\x04"
_LOCAL_HEADER_SIZE = 30
_MAX_COMMENT = 65_535
_DIRECTORY_BYTES_PER_ENTRY = 1024
_CHUNK = 1 * _MB
_XML_SUFFIXES = (".xml", ".rels", ".vml")
# What Excel writes; checked for every part before any is read, so zipfile never
# meets a method it cannot inflate.
_COMPRESSIONS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    ValueError,
    OverflowError,
    struct.error,
    zlib.error,
    KeyError,
    RuntimeError,
)


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource limits for one file. Defaults suit a 200,000-household agency export.

    `max_field_chars` defaults to 32,767 and `max_columns` to 16,384, the most Excel
    itself holds in a cell and in a row.
    `max_cells` bounds the grid calamine allocates for a sheet (rows x columns);
    200,000 households of 60 columns are 12 million; 40 million take calamine about
    1.3 GB.
    """

    max_bytes: int = 100 * _MB
    max_uncompressed_bytes: int = 1024 * _MB
    max_zip_entries: int = 1000
    max_field_chars: int = 32_767
    max_columns: int = 16_384
    max_cells: int = 40_000_000


DEFAULT_LIMITS = Limits()


def check_size(path: Path, limits: Limits) -> int:
    """The file's size in bytes; refuses a missing, empty or oversized file."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceError(path, f"cannot be read ({exc.strerror or exc})") from None
    if not path.is_file():
        raise SourceError(path, "is not a regular file")
    if size == 0:
        raise MalformedFileError(path, "file is empty")
    if size > limits.max_bytes:
        raise UnsafeFileError(
            path, f"file is {_human(size)}; the limit is {_human(limits.max_bytes)}"
        )
    return size


def _human(size: int) -> str:
    return f"{size / _MB:,.1f} MB" if size >= _MB else f"{size:,} bytes"


def check_workbook(path: Path, limits: Limits) -> None:
    """Refuse an .xlsx that is not a plain, bounded, macro-free, entity-free workbook."""
    check_archive(path, limits)
    scan_workbook(path, limits)


def check_archive(path: Path, limits: Limits) -> None:
    """The quick half of `check_workbook`: the zip directory and the parts it lists."""
    with _archive(path, limits):
        pass


def scan_workbook(path: Path, limits: Limits) -> None:
    """The slow half of `check_workbook`: inflate every part and scan its XML."""
    with _archive(path, limits) as (handle, archive):
        _check_content(path, handle, archive, limits)


@contextmanager
def _archive(path: Path, limits: Limits) -> Iterator[tuple[BinaryIO, zipfile.ZipFile]]:
    """The workbook's zip, its directory and parts checked; zip errors refuse the file."""
    try:
        with path.open("rb") as handle:
            _check_directory_bounds(path, handle, limits)
            with zipfile.ZipFile(handle) as archive:
                _check_parts(path, archive.infolist(), limits)
                yield handle, archive
    except _ZIP_ERRORS as exc:
        raise MalformedFileError(path, f"not a readable .xlsx workbook ({exc})") from None


def _check_directory_bounds(path: Path, handle: BinaryIO, limits: Limits) -> None:
    """Read the end-of-directory record before zipfile parses the (maybe huge) directory."""
    size = handle.seek(0, 2)
    tail_start = max(0, size - _EOCD_SIZE - _MAX_COMMENT)
    handle.seek(tail_start)
    tail = handle.read()
    position = tail.rfind(_EOCD)
    if position < 0 or len(tail) - position < _EOCD_SIZE:
        raise MalformedFileError(path, "not a readable .xlsx workbook (no zip directory)")
    _, _, _, _, entries, directory_size, _, _ = struct.unpack(
        "<4s4H2LH", tail[position : position + _EOCD_SIZE]
    )
    if entries > limits.max_zip_entries:
        raise UnsafeFileError(
            path, f"workbook has {entries} parts; at most {limits.max_zip_entries} are allowed"
        )
    if directory_size > limits.max_zip_entries * _DIRECTORY_BYTES_PER_ENTRY:
        raise UnsafeFileError(path, "workbook's zip directory is implausibly large")
    handle.seek(0)


def _check_parts(path: Path, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.max_zip_entries:
        raise UnsafeFileError(
            path, f"workbook has {len(infos)} parts; at most {limits.max_zip_entries} are allowed"
        )
    names = [info.filename.casefold() for info in infos]
    if len(set(names)) != len(names):
        raise MalformedFileError(path, "workbook has two parts with the same name")
    if any(name.rsplit("/", 1)[-1] == "vbaproject.bin" for name in names):
        raise UnsafeFileError(path, "workbook contains macros (.xlsm); save it as a plain .xlsx")
    if "xl/workbook.bin" in names:
        raise MalformedFileError(path, "binary .xlsb workbooks are not supported; save as .xlsx")
    if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
        raise MalformedFileError(path, "a zip file, but not an Excel .xlsx workbook")
    if any(info.flag_bits & 0x1 for info in infos):
        raise MalformedFileError(path, "workbook is encrypted")
    for info in infos:
        if info.compress_type not in _COMPRESSIONS:
            raise MalformedFileError(path, f"part {info.filename} uses an unsupported compression")
    declared = sum(info.file_size for info in infos)
    if declared > limits.max_uncompressed_bytes:
        raise UnsafeFileError(
            path,
            f"workbook unpacks to more than {_human(limits.max_uncompressed_bytes)}",
        )


def _check_content(path: Path, handle: BinaryIO, archive: zipfile.ZipFile, limits: Limits) -> None:
    grid = Grid()
    for info in archive.infolist():
        name = info.filename.casefold()
        scanner = None
        if name.endswith(_XML_SUFFIXES):
            scanner = PartScanner(path, info.filename, grid, limits.max_cells)
        inflated = _inflate(path, handle, info, scanner)
        if inflated < info.file_size:
            raise MalformedFileError(path, f"part {info.filename} is shorter than it declares")
        if name == "[content_types].xml" and _declares_macros(archive, info):
            raise UnsafeFileError(
                path, "workbook contains macros (.xlsm); save it as a plain .xlsx"
            )


def _inflate(
    path: Path, handle: BinaryIO, info: zipfile.ZipInfo, scanner: PartScanner | None
) -> int:
    """Inflate one part, counting its real size and feeding XML to the scanner.

    The directory's declared sizes were checked against the limit already, so a part
    that inflates beyond its declared size is the one way left to exceed it: refused.
    """
    handle.seek(_data_offset(path, handle, info))
    stored = info.compress_type == zipfile.ZIP_STORED
    inflater = None if stored else zlib.decompressobj(-zlib.MAX_WBITS)
    remaining, total = info.compress_size, 0
    while remaining > 0:
        chunk = handle.read(min(_CHUNK, remaining))
        if not chunk:
            raise MalformedFileError(path, f"part {info.filename} is truncated")
        remaining -= len(chunk)
        pending = chunk
        while pending:
            if inflater is None:
                output, pending = pending, b""
            else:
                output = inflater.decompress(pending, _CHUNK)
                pending = inflater.unconsumed_tail
            total += len(output)
            if total > info.file_size:
                raise UnsafeFileError(
                    path, f"part {info.filename} unpacks beyond its declared size (a zip bomb?)"
                )
            if scanner is not None:
                scanner.feed(output)
        if inflater is not None and inflater.eof:
            break
    return total


def _data_offset(path: Path, handle: BinaryIO, info: zipfile.ZipInfo) -> int:
    handle.seek(info.header_offset)
    header = handle.read(_LOCAL_HEADER_SIZE)
    if len(header) < _LOCAL_HEADER_SIZE or not header.startswith(_LOCAL_HEADER):
        raise MalformedFileError(path, f"part {info.filename} has a corrupt header")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    return int(info.header_offset + _LOCAL_HEADER_SIZE + name_length + extra_length)


def _declares_macros(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    with archive.open(info) as part:
        return b"macroenabled" in part.read(_CHUNK).lower()
