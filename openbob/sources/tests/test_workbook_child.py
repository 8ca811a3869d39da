"""Workbook rows come from calamine in a child process: the same cells, in order, typed;
limits refused with row and column; a reader that dies is a clear error, not a hang."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from time import monotonic, sleep

import pytest
from python_calamine import CalamineWorkbook

from openbob.sources.cells import load_cells
from openbob.sources.errors import MalformedFileError, UnsafeFileError
from openbob.sources.safety import DEFAULT_LIMITS, Limits
from openbob.sources.tests.builders import openpyxl_workbook
from openbob.sources.tests.transforms import WhereRead
from openbob.sources.workbook import WorkbookRows
from openbob.sources.xlsx_child import BATCH_ROWS

ROWS = 3 * BATCH_ROWS + 17


def _book(path: Path, rows: int = ROWS) -> Path:
    header = ["Name", "Count", "Premium", "Born", "Seen", "Active", "Note"]
    body = [
        [
            f"Person {n}",
            n,
            n + 0.25,
            date(1980, 1, 1) + timedelta(days=n),
            datetime(2025, 1, 3, 21, 0) + timedelta(minutes=n),
            n % 2 == 0,
            None if n % 3 else f"note {n}",
        ]
        for n in range(rows)
    ]
    return openpyxl_workbook(path, [header, *body])


def _children() -> list[int]:
    """This process's child processes (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        found += [int(pid) for pid in (task / "children").read_text().split()]
    return found


def test_rows_of_many_batches_arrive_in_order_with_calamines_values(tmp_path: Path) -> None:
    path = _book(tmp_path / "book.xlsx")
    expected = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    rows = list(WorkbookRows(path, DEFAULT_LIMITS))
    assert [row.number for row in rows] == list(range(1, ROWS + 2))
    assert [row.cells for row in rows] == expected
    assert [type(cell) for cell in rows[-1].cells] == [type(cell) for cell in expected[-1]]


def test_a_long_cell_in_a_later_batch_is_refused_with_its_row_and_column(
    tmp_path: Path,
) -> None:
    path = openpyxl_workbook(
        tmp_path / "long.xlsx",
        [["Name", "Note"]] + [["Ann", "x" * (n // 1000 * 200)] for n in range(1200)],
    )
    with pytest.raises(
        UnsafeFileError,
        match=r"long\.xlsx, row 1002, column 'B': cell longer than 100 characters",
    ):
        list(WorkbookRows(path, Limits(max_field_chars=100)))


def test_a_sheet_wider_than_the_limit_is_refused_at_its_first_row(tmp_path: Path) -> None:
    """calamine pads every row to the sheet's width, so row 1 is as wide as the widest."""
    path = openpyxl_workbook(tmp_path / "wide.xlsx", [["a", "b"], ["c", "d", "e", "f"]])
    with pytest.raises(UnsafeFileError, match=r"wide\.xlsx, row 1: more than 3 columns"):
        list(WorkbookRows(path, Limits(max_columns=3)))


def test_a_reader_killed_mid_file_is_a_clear_error_and_leaves_no_process(
    tmp_path: Path,
) -> None:
    path = _book(tmp_path / "book.xlsx", rows=20_000)
    rows = WorkbookRows(path, DEFAULT_LIMITS)
    assert next(rows).number == 1
    (child,) = _children()
    os.kill(child, signal.SIGKILL)
    with pytest.raises(MalformedFileError, match=r"the reader stopped: signal Killed"):
        for _ in rows:
            pass
    assert _children() == []


def test_a_read_abandoned_midway_stops_its_reader(tmp_path: Path) -> None:
    rows = WorkbookRows(_book(tmp_path / "book.xlsx", rows=20_000), DEFAULT_LIMITS)
    next(rows)
    assert len(_children()) == 1
    rows.close()
    assert _children() == []


def test_the_parent_unpickles_cell_values_and_nothing_else() -> None:
    cells = ["a", 1, 2.5, True, None, date(2025, 1, 3), datetime(2025, 1, 3, 21), time(9)]
    message = ("rows", [[*cells, timedelta(hours=1)]])
    assert load_cells(pickle.dumps(message)) == message
    with pytest.raises(pickle.UnpicklingError, match=r"posix\.system is not a cell value"):
        load_cells(pickle.dumps(("rows", os.system)))


def _state(pid: int) -> str:
    """A process's state letter ("Z" for a zombie), or "gone"."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "gone"


PARENT_THAT_DIES = """
import os, subprocess, sys, time
from openbob.sources import xlsx_child
command = [sys.executable, "-I", xlsx_child.__file__, str(os.getpid()), sys.argv[1],
           "16384", "32767", str(2**34)]
child = subprocess.Popen(command, stdout=sys.stdout)
print(child.pid, file=sys.stderr, flush=True)
time.sleep(0.5)
os._exit(0)
"""


def test_a_reader_dies_with_its_parent_even_with_work_left(tmp_path: Path) -> None:
    """The test holds the child's output pipe open and never reads it: the child blocks
    with rows still to send, and only its parent's death can end it."""
    path = _book(tmp_path / "book.xlsx", rows=20_000)
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT_THAT_DIES, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert parent.stderr is not None
    child = int(parent.stderr.readline())
    parent.wait()
    deadline = monotonic() + 5
    while _state(child) not in ("gone", "Z") and monotonic() < deadline:
        sleep(0.05)
    assert _state(child) in ("gone", "Z")
    assert parent.stdout is not None
    parent.stdout.close()


def test_a_transform_handed_over_runs_in_the_reader_for_the_batches_not_sent_yet(
    tmp_path: Path,
) -> None:
    rows = WorkbookRows(_book(tmp_path / "book.xlsx"), DEFAULT_LIMITS)
    assert next(rows).number == 1
    found = [item for chunk in rows.chunks(WhereRead()) for item in chunk]
    assert [number for number, _ in found] == list(range(2, ROWS + 2))
    (child,) = _children()
    assert found[: BATCH_ROWS - 1] == [(n, os.getpid()) for n in range(2, BATCH_ROWS + 1)]
    assert found[BATCH_ROWS - 1 :] == [(n, child) for n in range(BATCH_ROWS + 1, ROWS + 2)]
    rows.close()
