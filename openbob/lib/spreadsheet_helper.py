"""A helper process that writes a large spreadsheet while the caller keeps building rows.

Why: an export reads the database, builds its rows and writes the file. In one process
those run one after another, and the xlsx library holds the GIL while it writes, so a
thread cannot overlap with it. With this helper, the caller (`spreadsheet`) builds rows
and sends them, and the helper (``python -m openbob.lib.spreadsheet_helper``, which
imports no Django and no database driver) writes them: the two run on two cores.
`spreadsheet` decides which side checks and converts the cells (for xlsx the caller,
for CSV the helper: whichever half is shorter), with the same code and errors as
without the helper.

The pipe's buffer is bounded and the caller blocks when the helper falls behind, so
memory stays flat in both processes. Both ends of the pipe are our own code, so
pickle is safe here (nothing else writes to it).

Protocol. Caller to helper (stdin): one pickled `Job` (its class, in `spreadsheet`, is
imported by unpickling), then the first sheet's batches (lists of rows, or of columns:
the job knows which), one pickle each, then a pickled None. Helper to caller (stdout):
one JSON line, its own peak memory when the file is written (the caller logs it at
DEBUG, for the benchmark), else the error's family (ValueError, TypeError or OSError)
and message: our own messages, which name rows and columns, never a cell's value. A
helper that stops early breaks the pipe; the caller then reads its answer and raises it.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import pickle
import signal
import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from functools import partial
from pathlib import Path
from typing import IO, Protocol

PIPE_BYTES = 1 << 20
"""The pipe's kernel buffer (Linux allows 1 MiB unprivileged): a few batches in flight."""

_ERRORS: dict[str, type[Exception]] = {
    "ValueError": ValueError,
    "TypeError": TypeError,
    "OSError": OSError,
}
logger = logging.getLogger(__name__)
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])

Batch = list[Sequence[object]]


class Job(Protocol):
    """What the helper runs: a picklable description of the file, whose `write` takes
    the batches that come through the pipe (`spreadsheet`'s xlsx and CSV jobs, which
    know whether a batch holds rows or columns)."""

    def write(self, batches: Iterable[Batch]) -> None: ...


def write_through_helper(job: Job, batches: Iterable[Batch]) -> None:
    """Send `batches` (the first table's rows) to a helper process that writes `job`.

    Returns once the file is complete; raises what the helper raised (ValueError,
    TypeError or OSError, with its message), or what `batches` raised, after stopping
    the helper, so the caller can remove the unfinished file.
    """
    process = subprocess.Popen(  # noqa: S603 - our own module, run by this interpreter
        [sys.executable, "-m", __name__],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=_environment(),
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        _send(process.stdin, job, batches)
    except BrokenPipeError:
        pass  # the helper stopped early; its answer says why
    except BaseException:
        process.kill()
        raise
    finally:
        with suppress(BrokenPipeError):
            process.stdin.close()  # closed even when its last flush fails
        answer = process.stdout.read()
        process.wait()
    _finish(answer, process.returncode)


def _environment() -> dict[str, str]:
    """The caller's environment, with this package importable from wherever it runs."""
    paths = [_PACKAGE_ROOT, *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def _send(pipe: IO[bytes], job: Job, batches: Iterable[Batch]) -> None:
    _enlarge(pipe)
    pickle.dump(job, pipe, protocol=pickle.HIGHEST_PROTOCOL)
    for batch in batches:
        # One pickle per batch: its memo stays one batch long.
        pickle.dump(batch, pipe, protocol=pickle.HIGHEST_PROTOCOL)
    pickle.dump(None, pipe)


def _enlarge(pipe: IO[bytes]) -> None:
    """Fewer, larger hand-overs between the processes; the default buffer is 64 KiB."""
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)  # Linux only
    if set_size is None:
        return
    try:
        fcntl.fcntl(pipe.fileno(), set_size, PIPE_BYTES)
    except OSError:
        return  # a lower system limit: the default buffer works, a little slower


def _finish(answer: bytes, returncode: int) -> None:
    """Log the helper's own peak memory, or raise the error it reported."""
    lines = answer.decode("utf-8", "replace").splitlines()
    outcome = json.loads(lines[-1]) if lines else None
    if not isinstance(outcome, dict):
        outcome = {}
    if returncode == 0 and "error" not in outcome:
        peak_mb = float(outcome.get("peak_kib", 0)) / 1024
        logger.debug("Spreadsheet helper done, peak %.0f MiB", peak_mb, extra={"peak_mb": peak_mb})
        return
    if outcome.get("error") in _ERRORS:
        raise _ERRORS[outcome["error"]](outcome.get("message", ""))
    raise RuntimeError(f"The spreadsheet writer process failed (exit status {returncode})")


# -- inside the helper --------------------------------------------------------------------


def _received(source: IO[bytes]) -> Iterator[Batch]:
    """The batches the caller sends, until its None."""
    load = partial(pickle.load, source)  # our own caller's pipe (see the module doc)
    return iter(load, None)


def _peak_kib() -> int:
    """This program's peak resident memory since it started (VmHWM).

    Not `ru_maxrss`: Linux carries the parent's high-water mark over the exec of a
    spawned child into it, so that would count the caller's memory a second time.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    """Read the job and its rows from stdin, write the file, answer on stdout.

    Ctrl-C reaches the whole process group; the caller decides (it stops this helper
    when it is interrupted), so the helper ignores it rather than print a traceback.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    source = sys.stdin.buffer
    try:
        job: Job = pickle.load(source)  # noqa: S301 - our own caller's pipe
        job.write(_received(source))
        outcome: dict[str, object] = {"peak_kib": _peak_kib()}
    except EOFError:
        sys.exit(1)  # the caller stopped before its last batch: no one reads an answer
    except (ValueError, TypeError, OSError) as error:
        family = next(name for name, kind in _ERRORS.items() if isinstance(error, kind))
        outcome = {"error": family, "message": str(error)}
    sys.stdout.write(json.dumps(outcome) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
