"""Reading an .xlsx workbook's rows with python-calamine, after the safety checks.

calamine loads one sheet into memory (bounded by the uncompressed-size limit checked
first) and hands back cells as Python values: numbers as floats, dates as `date`,
formulas as their cached result. The first worksheet holding data is read; CalHEERS and
carrier exports have one sheet.

calamine runs in a child process (`openbob.sources.xlsx_child`, which says why): it
loads the sheet while this process scans the workbook's XML (`safety.scan_workbook`),
and no row is taken before the scan has passed. Rows arrive as pickles; only the value
types a cell can hold are accepted from them. Once its load is done the child has time
to spare: `WorkbookRows.chunks` hands it a `RowTransform` to apply to the rows it has
not sent yet (`openbob.sources.transform`).
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

from openbob.sources import xlsx_child
from openbob.sources.cells import Cell, CellUnpickler, RawRow, column_letter
from openbob.sources.errors import MalformedFileError, UnsafeFileError
from openbob.sources.safety import Limits, check_archive, scan_workbook
from openbob.sources.transform import RowTransform, apply

T = TypeVar("T")
_BYTES_PER_CELL = 64
"""calamine's dense grid holds 32 bytes a cell; twice that leaves room for its parsing."""
_BASE_MEMORY = 1024**3
"""The interpreter, calamine's zip reader and a batch of Python rows, with room to spare."""


class WorkbookRows:
    """The first non-empty worksheet's rows (column A is always index 0), read by a
    child process; close it to stop the child, whatever happened."""

    def __init__(self, path: Path, limits: Limits) -> None:
        check_archive(path, limits)
        self._child = _Child(path, limits)
        try:
            scan_workbook(path, limits)
        except BaseException:
            self._child.close()
            raise
        self._number = 0
        self._batch: Iterator[RawRow] = iter(())

    def __iter__(self) -> Iterator[RawRow]:
        return self

    def __next__(self) -> RawRow:
        while (row := next(self._batch, None)) is None:
            kind, cells = next(self._child.messages)  # StopIteration at the end
            assert kind == "rows", "no transform was handed over"
            self._batch = iter(self._numbered(cells))
        return row

    def chunks(self, transform: RowTransform[T]) -> Iterator[list[T]]:
        """The rows not taken yet, as `transform` makes them: by the child for every
        batch after its first (unless rows past that batch were taken before this was
        called: the child was then told to send raw rows), here for the others."""
        self._child.hand(transform)
        rest = list(self._batch)
        if rest:
            yield apply(transform, rest)
        for kind, payload in self._child.messages:
            if kind == "encoded":
                yield transform.decode(payload)
            else:
                yield apply(transform, self._numbered(payload))

    def close(self) -> None:
        self._child.close()

    def _numbered(self, batch: list[list[Cell]]) -> list[RawRow]:
        rows = [RawRow(number, cells) for number, cells in enumerate(batch, self._number + 1)]
        self._number += len(batch)
        return rows


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
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self._handed = False
        self.messages = self._messages()
        """("rows", cells of a batch) and ("encoded", a transform's result), in order."""

    def close(self) -> None:
        """Stop the child, whether it finished, failed or is still reading."""
        self._process.kill()
        self._process.wait()
        for pipe in (self._process.stdin, self._process.stdout):
            if pipe is not None:
                pipe.close()

    def hand(self, transform: RowTransform[Any] | None) -> None:
        """Give the child its word after the first batch: `transform` for every later
        batch, or None for raw rows. Safe at any size: the child is waiting for it."""
        assert self._process.stdin is not None
        if self._handed:
            return
        self._handed = True
        try:
            pickle.dump(transform, self._process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self._process.stdin.flush()
        except BrokenPipeError:
            pass  # the child has stopped; reading its messages says why

    def _messages(self) -> Iterator[tuple[str, Any]]:
        """The child's batches; refusals and failures raised as errors. After the first,
        the child waits for its word: raw rows, unless a transform was handed over."""
        while True:
            message = self._next()
            kind = message[0]
            if kind in ("rows", "encoded"):
                yield kind, message[1]
                self.hand(None)
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
            message = CellUnpickler(self._process.stdout).load()
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
