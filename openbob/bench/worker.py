"""The processes the benchmark times: `python -m openbob.bench.worker TASK [ARGS]`.

Every figure is a whole process, as in perf.md: interpreter start, imports, the work
and exit. Each task appends its peak resident memory to the file named by
OPENBOB_BENCH_LOG, so memory comes from the very runs that are timed. An import reads
its workbook in a child process (`openbob.sources.xlsx_child`), so the peak is of the
two together: their resident memory summed every 20 ms, or this process's own peak if
that is larger. (The two peaks do not coincide: the child's is while it reads, this
process's after it has gone, when the changes are found; adding them would count memory
that was never held at once.)

Tasks:

* ``calamine PATH``: python-calamine alone reads the workbook into Python rows (the
  baseline every import is compared with);
* ``read PATH``: the sources adapter streams the typed rows, nothing is written;
* ``setup``: migrate, then an agency with a manager to import as;
* ``import PATH``: `import_file` as that manager (the database is the environment's),
  logging also the seconds `import_file` itself took (without start-up);
* ``compare N``: two snapshots of N households, then their comparison, timed inside
  the process (median of three, rolled back each time);
* ``restore-sqlite BASE TARGET`` and ``restore-postgres URL TEMPLATE TARGET``: put a
  database back in its saved state before a timed run.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from time import perf_counter

MANAGER = "bench.manager@openbob.invalid"
LARGE = {
    "max_bytes": 4 * 1024**3,
    "max_uncompressed_bytes": 8 * 1024**3,
    "max_cells": 400_000_000,
}
"""Limits for the benchmark's deliberately large files (the defaults suit uploads)."""
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def main(argv: list[str]) -> int:
    task, *args = argv
    footprint = Footprint()
    tasks: dict[str, Callable[..., object]] = {
        "calamine": calamine,
        "read": read,
        "setup": setup,
        "import": import_one,
        "compare": compare,
        "restore-sqlite": restore_sqlite,
        "restore-postgres": restore_postgres,
    }
    outcome = tasks[task](*args)
    _log(task, outcome, footprint.stop())
    return 0


class Footprint:
    """The largest resident memory of this process and its children together, sampled
    every 20 ms by a thread of its own (Linux /proc)."""

    def __init__(self) -> None:
        self._peak_kib = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> float:
        """Stop sampling; the peak in MiB, never below this process's own."""
        self._done.set()
        self._thread.join()
        own_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return max(self._peak_kib, own_kib) / 1024

    def _sample(self) -> None:
        """Each sample reads a few short /proc files with plain system calls: the thread
        takes the interpreter lock from the work it measures, so it must cost little."""
        own = os.getpid()
        while not self._done.wait(0.02):
            pids = [own, *_children(own)]
            self._peak_kib = max(self._peak_kib, sum(map(_resident_kib, pids)))


def _children(pid: int) -> list[int]:
    """The children of `pid`'s main thread, the one that starts them."""
    return [int(child) for child in _read(f"/proc/{pid}/task/{pid}/children").split()]


def _resident_kib(pid: int) -> int:
    """Resident memory of `pid` (statm's second field, in pages), 0 once it has gone."""
    fields = _read(f"/proc/{pid}/statm").split()
    return int(fields[1]) * PAGE_KIB if len(fields) > 1 else 0


def _read(path: str) -> str:
    """A small /proc file's text, "" once its process has gone."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return ""
    try:
        return os.read(descriptor, 4096).decode()
    except OSError:
        return ""
    finally:
        os.close(descriptor)


def _log(task: str, outcome: object, peak_mb: float) -> None:
    log = os.environ.get("OPENBOB_BENCH_LOG")
    if not log or task.startswith("restore"):
        return
    with Path(log).open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"task": task, "peak_mb": peak_mb, "outcome": outcome}) + "\n")


def calamine(path: str) -> int:
    from python_calamine import CalamineWorkbook

    return len(CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python())


def read(path: str) -> int:
    from openbob.sources.detect import read as open_source
    from openbob.sources.safety import Limits

    with open_source(path, limits=Limits(**LARGE)) as source:
        return sum(1 for _ in source)


def _django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openbob.settings")
    django.setup()


def setup() -> str:
    _django()
    from django.core.management import call_command

    from openbob.accounts.models import User
    from openbob.accounts.roles import Role
    from openbob.agencies.services import create_agency

    call_command("migrate", verbosity=0)
    if not User.objects.filter(email=MANAGER).exists():
        agency = create_agency(name="Benchmark Agency")
        User.objects.create_user(
            MANAGER,
            None,
            first_name="Bench",
            last_name="Manager",
            agency=agency,
            role=Role.AGENCY_MANAGER,
        )
    return "ready"


def import_one(path: str) -> dict[str, object]:
    _django()
    from openbob.accounts.models import User
    from openbob.imports.pipeline import import_file
    from openbob.sources.safety import Limits

    manager = User.objects.select_related("agency").get(email=MANAGER)
    assert manager.agency is not None
    started = perf_counter()
    result = import_file(
        actor=manager, agency=manager.agency, path=Path(path), limits=Limits(**LARGE)
    )
    seconds = perf_counter() - started
    if not result.ok:
        print(result.message, file=sys.stderr)
        raise SystemExit(1)
    return {"status": str(result.status), "rows": result.rows, "seconds": seconds, **result.counts}


def compare(households: str) -> dict[str, object]:
    _django()
    from openbob.bench.snapshots import time_comparison

    return time_comparison(int(households))


def restore_sqlite(base: str, target: str) -> None:
    for suffix in ("-wal", "-shm"):
        Path(target + suffix).unlink(missing_ok=True)
    shutil.copyfile(base, target)


def restore_postgres(url: str, template: str, target: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{target}" TEMPLATE "{template}"')


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
