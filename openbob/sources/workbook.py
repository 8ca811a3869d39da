"""Reading an .xlsx workbook's rows with python-calamine, after the safety checks.

calamine loads one sheet into memory (bounded by the uncompressed-size limit checked
first) and hands back cells as Python values: numbers as floats, dates as `date`,
formulas as their cached result. The first worksheet holding data is read; CalHEERS and
carrier exports have one sheet.

calamine runs in a child process (`openbob.sources.xlsx_child`, which says why): it
loads the sheet while this process scans the workbook's XML (`safety.scan_workbook`),
and no row is taken before the scan has passed. Rows arrive as pickles; only the value
types a cell can hold are accepted from them.
"""

from __future__ import annotations

import datetime
import os
import pickle
import signal
import subprocess
import sys
from collections.abc import Generator, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

from openbob.sources import xlsx_child
from openbob.sources.cells import Cell, RawRow, column_letter
from openbob.sources.errors import MalformedFileError, UnsafeFileError
from openbob.sources.safety import Limits, check_archive, scan_workbook

_CELL_CLASSES = frozenset({"date", "datetime", "time", "timedelta"})
_BYTES_PER_CELL = 64
"""calamine's dense grid holds 32 bytes a cell; twice that leaves room for its parsing."""
_BASE_MEMORY = 1024**3
"""The interpreter, calamine's zip reader and a batch of Python rows, with room to spare."""


def xlsx_rows(path: Path, limits: Limits) -> Generator[RawRow, None, None]:
    """Stream the first non-empty worksheet's rows; column A is always index 0."""
    check_archive(path, limits)
    with closing(_Child(path, limits)) as child:
        scan_workbook(path, limits)
        number = 0
        for batch in child.batches():
            for cells in batch:
                number += 1
                yield RawRow(number, cells)


def _memory_bytes(limits: Limits) -> int:
    """The child's address-space cap: what the largest workbook `limits` allow may need
    (its XML held while parsed, and the grid of its cells)."""
    return _BASE_MEMORY + 2 * limits.max_uncompressed_bytes + _BYTES_PER_CELL * limits.max_cells


class _Child:
    """One `xlsx_child` process reading `path`; `close` stops it, whatever happened."""

    def __init__(self, path: Path, limits: Limits) -> None:
        self._path = path
        command = [
            sys.executable,
            "-I",
            xlsx_child.__file__,
            str(os.getpid()),
            str(path),
            str(limits.max_columns),
            str(limits.max_field_chars),
            str(_memory_bytes(limits)),
        ]
        self._process = subprocess.Popen(  # noqa: S603 (our own interpreter and script)
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )

    def close(self) -> None:
        """Stop the child, whether it finished, failed or is still reading."""
        self._process.kill()
        self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()

    def batches(self) -> Iterator[list[list[Cell]]]:
        """The sheet's rows, a batch at a time; refusals and failures raised as errors."""
        while True:
            message = self._next()
            kind = message[0]
            if kind == "rows":
                yield message[1]
            elif kind == "end":
                return
            elif kind == "refused":
                _, row, column, reason = message
                letter = column_letter(column) if column is not None else None
                raise UnsafeFileError(self._path, reason, row=row, column=letter)
            else:
                raise MalformedFileError(
                    self._path, f"not a readable .xlsx workbook ({message[1]})"
                )

    def _next(self) -> tuple[Any, ...]:
        """The next message. Each is a pickle of its own, read by an unpickler of its own:
        one unpickler's memo outlives a message and would resolve the next one's
        back-references to the wrong objects."""
        assert self._process.stdout is not None
        try:
            message = _CellUnpickler(self._process.stdout).load()
        except (EOFError, pickle.UnpicklingError, ValueError, TypeError):
            message = None
        if not isinstance(message, tuple) or not message:
            raise MalformedFileError(self._path, self._stopped())
        return message

    def _stopped(self) -> str:
        """Why the child ended without finishing (a crash: calamine aborted, or ran into
        its memory cap)."""
        code = self._process.wait()
        how = f"signal {signal.strsignal(-code)}" if code < 0 else f"exit status {code}"
        return (
            f"not a readable .xlsx workbook (the reader stopped: {how}); the file is "
            "damaged, or needs more memory than the upload limits allow"
        )


class _CellUnpickler(pickle.Unpickler):
    """Unpickles what a cell may hold and nothing else: text, numbers and booleans need
    no class, dates and times need `datetime`'s."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "datetime" and name in _CELL_CLASSES:
            return getattr(datetime, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a cell value")
