"""The child process that reads a workbook with python-calamine and streams its rows.

`openbob.sources.workbook` starts one per workbook read, as
`python -I xlsx_child.py PARENT_PID PATH MAX_COLUMNS MAX_FIELD_CHARS MEMORY_BYTES`. Why a
process:

* calamine's load of a large sheet and the parent's safety scan (`xml_scan`) each keep
  one core busy for seconds (a 200,000-household book: about 7 s and 6 s); side by side
  on two cores, the scan costs no wall time. The parent takes no row before its scan
  has passed, and stops this process when the scan refuses the file.
* calamine is native code: a panic, or a failed allocation (a cell-grid bomb the scan
  has not reached yet), ends the process it runs in. Here that is this child, whose
  address space is capped (`RLIMIT_AS`) at what the largest file the limits allow may
  need, so it cannot take the machine's memory either. It dies with its parent (Linux's
  parent-death signal, strictly of the thread that started it, which is the thread
  reading the rows): an import killed mid-read leaves no calamine behind, holding a
  gigabyte for the seconds its load still takes.

The first worksheet holding data is read; column A is always index 0. Rows are checked
against the limits here, in batches, where the parent's core is not spent on them: a
column of text cells at C speed when all is well, row by row to name the bad cell.

Messages are pickles on stdout, each a tuple: `("rows", [[cell, ...], ...])` per batch,
then `("end",)`; `("refused", row, column_index_or_None, reason)` for a row or a cell
over the limits; `("error", name)` when calamine fails, `name` being the exception's
type (never its message, which may quote the file).

After its first batch the child waits for the parent's word, one pickle on stdin: a
`RowTransform` (`openbob.sources.transform`) for every later batch, each then sent as
`("encoded", transform.encode(rows))`, or None for raw rows. The module imports only the
standard library and python_calamine, so that it starts in about 25 ms; a transform
brings the modules it needs with it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import queue
import resource
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from itertools import chain, islice
from operator import length_hint
from typing import Any, BinaryIO

BATCH_ROWS = 512
"""Rows per message: measured fastest of 512 and 4,096 for a 200,000-row book."""
AHEAD = 64
"""Messages made ahead of the parent's reading (about 64 MB of a wide book's rows)."""
_NEVER_CAUGHT = (KeyboardInterrupt, SystemExit, GeneratorExit)
_PR_SET_PDEATHSIG = 1
"""prctl(2) option: the signal this process gets when its parent ends."""


def main(argv: Sequence[str]) -> int:
    parent, path, max_columns, max_field_chars, memory_bytes = argv
    _die_with(int(parent))
    resource.setrlimit(resource.RLIMIT_AS, (int(memory_bytes), int(memory_bytes)))
    sender = _Sender(sys.stdout.buffer)
    try:
        for message in _messages(path, int(max_columns), int(max_field_chars), _Parent()):
            sender.send(message)
    except _NEVER_CAUGHT:
        raise
    except BaseException as exc:  # calamine's PanicException derives from BaseException
        sender.send(("error", type(exc).__name__))
    sender.close()
    return 0


class _Sender:
    """Writes the messages to the parent from a thread of its own, up to `AHEAD` of it.

    The parent reads in bursts (it stops to write a batch of households), and the pipe
    holds less than one batch: written directly, every such stop would stall this
    process's work on the next batches too.
    """

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._queue: queue.Queue[bytes | None] = queue.Queue(AHEAD)
        self._thread = threading.Thread(target=self._write, daemon=True)
        self._thread.start()

    def send(self, message: tuple[Any, ...]) -> None:
        self._queue.put(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))

    def close(self) -> None:
        """Wait until every message is written."""
        self._queue.put(None)
        self._thread.join()

    def _write(self) -> None:
        try:
            while (data := self._queue.get()) is not None:
                self._out.write(data)
                self._out.flush()  # the parent may be waiting for this very message
        except OSError:
            os._exit(1)  # the parent stopped reading: nothing left to do


def _die_with(parent: int) -> None:
    """Have the kernel kill this process when `parent` ends; end now if it has already."""
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        sys.exit(1)


class _Parent:
    """The parent's word on stdin: the transform it hands over, if any."""

    def __init__(self) -> None:
        self.transform: Any = None

    def listen(self) -> None:
        """Wait for the parent's word (EOF: it has stopped reading)."""
        with contextlib.suppress(EOFError):
            self.transform = pickle.load(sys.stdin.buffer)  # noqa: S301 (from our parent)

    def message(self, before: int, cells: list[list[Any]]) -> tuple[Any, ...]:
        """The batch after row `before`, as the transform makes it or as it is."""
        if self.transform is None:
            return ("rows", cells)
        from openbob.sources.cells import RawRow  # importable: the transform was

        rows = [RawRow(number, row) for number, row in enumerate(cells, before + 1)]
        return ("encoded", self.transform.encode(rows))


def _messages(
    path: str, max_columns: int, max_field_chars: int, parent: _Parent
) -> Iterator[tuple[Any, ...]]:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(path)
    try:
        sheet = next(
            (
                sheet
                for sheet in map(workbook.get_sheet_by_index, range(len(workbook.sheet_names)))
                if sheet.height > 0 and sheet.width > 0
            ),
            None,
        )
        if sheet is not None:
            start = sheet.start
            padding: list[Any] = [""] * (start[1] if start else 0)
            rows = sheet.iter_rows()
            before = 0
            while batch := list(islice(rows, BATCH_ROWS)):
                cells = [padding + row for row in batch] if padding else batch
                refusal = _refusal(before, cells, max_columns, max_field_chars)
                if refusal is not None:
                    yield refusal
                    return
                yield parent.message(before, cells)
                if not before:
                    parent.listen()
                before += len(cells)
        yield ("end",)
    finally:
        workbook.close()


def _refusal(
    before: int, rows: list[list[Any]], max_columns: int, max_field_chars: int
) -> tuple[Any, ...] | None:
    """The first row (numbered after `before`) or cell over the limits, as a message.

    A batch within the limits, nearly every one, is checked in two passes at C speed:
    `length_hint` is a text cell's length and 0 for any other cell calamine gives (a
    number, a date, a boolean), where testing each cell's type in Python cost three
    times as much."""
    longest = max(map(length_hint, chain.from_iterable(rows)), default=0)
    if max(map(len, rows)) <= max_columns and longest <= max_field_chars:
        return None
    for number, row in enumerate(rows, start=before + 1):
        if len(row) > max_columns:
            return ("refused", number, None, f"more than {max_columns} columns")
        for index, cell in enumerate(row):
            if isinstance(cell, str) and len(cell) > max_field_chars:
                reason = f"cell longer than {max_field_chars} characters"
                return ("refused", number, index, reason)
    return None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
