# ruff: noqa: S608 - the seed SQL formats in only integers of our own
"""Exports benchmark: the agency Book of Business of 1,000,000 consumers, xlsx and CSV.

Targets (issue 4):

* xlsx: at most 1.3x the time the fastest bare writer library (rustpy-xlsxwriter,
  perf.md section 2) needs to write the same cells, measured in the same run, with the
  export's peak memory under 300 MB;
* CSV: at most 1.5x a bare SQL read of the same rows plus the fastest bare CSV writer.

Method. The database is seeded once per size with bulk SQL (a recursive CTE, one
`INSERT ... SELECT` per table, no ORM rows) and kept in `work`. Every measurement is a
separate process (`python -m openbob.bench.exports TASK ...`) that reports the
operation's own time (imports and Django start-up excluded: these are server-time
targets) and its peak RSS. The "same cells" are the export's own rows, saved once as a
pickle and loaded into memory by the bare writer processes before their clock starts.

Our export writes a large file through a helper process (`openbob.lib.spreadsheet_helper`)
so that building rows and writing overlap on two cores. Its cost is counted: CPU is
both processes' user + system time, and peak memory is the sum of both peaks (the
helper reports its own VmHWM; `RUSAGE_CHILDREN` would count this process's memory in
the child too, as Linux carries the parent's high-water mark over exec). Wall times
are only meaningful when two cores are free: on a loaded machine compare the CPU.
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
import json
import logging
import os
import pickle
import resource
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openbob.bench.measure import Timing, run_task
from openbob.bench.report import Report
from openbob.bench.seed_sql import ENROLLMENT_COLUMNS, MEMBER_COLUMNS

AGENTS = 40
REPEATS = 3
XLSX_LIMIT = 1.3
CSV_LIMIT = 1.5
MEMORY_LIMIT_MB = 300.0
MANAGER_EMAIL = "manager@bench.test"


@dataclass(frozen=True)
class Sizes:
    consumers: int

    @property
    def households(self) -> int:
        return self.consumers * 2 // 5


def run(work: Path, quick: bool, postgres: str | None) -> Report:
    """Seed (once), then time our exports and the bare baselines, each in its own process."""
    sizes = Sizes(100_000 if quick else 1_000_000)
    work.mkdir(parents=True, exist_ok=True)
    data_dir = work / f"sqlite-{sizes.consumers}"
    report = Report(
        title="Exports: agency Book of Business",
        sizes=f"{sizes.consumers:,} consumers ({sizes.households:,} households), "
        "59 columns, SQLite",
        method=(
            "Each figure is one process per run (median of the runs, with the range): the "
            "operation's own time, excluding interpreter start, imports and Django set-up; "
            "CPU is the operation's user + system time, mean of the runs, of the process and "
            "of the spreadsheet writer process it starts for a large file; peak is the sum "
            "of both processes' maximum resident memory."
        ),
    )
    if not (data_dir / "seeded").exists():
        _task(data_dir, "seed", str(sizes.consumers))
    cells = data_dir / "cells.pickle"
    if not cells.exists():
        _task(data_dir, "cells", str(cells))
    ours_xlsx = _timed(report, data_dir, "Our export, xlsx (current data)", "export", "xlsx")
    bare_xlsx = _timed(
        report, data_dir, "Bare rustpy-xlsxwriter, same cells", "bare_xlsx", str(cells)
    )
    ours_csv = _timed(report, data_dir, "Our export, CSV (current data)", "export", "csv")
    read = _timed(report, data_dir, "Bare SQL read of the same rows", "bare_read")
    writers = [
        _timed(report, data_dir, f"Bare CSV writer: {name}", "bare_csv", str(cells), name)
        for name in _csv_writers()
    ]
    fastest = min(writers, key=lambda timing: timing.median)
    weekly = _timed(
        report, data_dir, "Our export, xlsx (weekly snapshot)", "export", "xlsx", "weekly"
    )
    report.check("xlsx time / bare writer", ours_xlsx.median / bare_xlsx.median, XLSX_LIMIT, "x")
    report.check(
        "xlsx, weekly snapshot (the Book of Business default) / bare writer",
        weekly.median / bare_xlsx.median,
        XLSX_LIMIT,
        "x",
    )
    report.check("xlsx export peak memory", ours_xlsx.peak, MEMORY_LIMIT_MB, " MB", strict=True)
    report.check(
        "CSV time / (bare read + fastest bare writer)",
        ours_csv.median / (read.median + fastest.median),
        CSV_LIMIT,
        "x",
    )
    report.check("CSV export peak memory", ours_csv.peak, MEMORY_LIMIT_MB, " MB", strict=True)
    report.notes.append(
        f"Fastest bare CSV writer in this run: {fastest.label.split(': ')[1]}. "
        "polars (perf.md's fastest) is not a dependency; it is measured when installed."
    )
    if postgres:
        report.notes.append("PostgreSQL: not measured by this suite yet.")
    return report


def _csv_writers() -> list[str]:
    names = ["stdlib-csv", "rustpy-write_csv"]
    if importlib.util.find_spec("polars") is not None:
        names.append("polars")
    return names


def _timed(report: Report, data_dir: Path, label: str, *args: str) -> Timing:
    timing = Timing(label, [], [])
    cpu: list[float] = []
    for _ in range(REPEATS):
        outcome = _task(data_dir, *args)
        timing.seconds.append(float(outcome["seconds"]))
        timing.peak_mb.append(float(outcome["peak_mb"]))
        cpu.append(float(outcome["cpu"]))
    timing.cpu = sum(cpu) / len(cpu)
    report.timings.append(timing)
    return timing


def _task(data_dir: Path, *args: str) -> dict[str, Any]:
    return run_task("openbob.bench.exports", data_dir, *args)


# -- inside the measured process ---------------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _HelperPeaks(logging.Handler):
    """The peaks the spreadsheet writer processes report (`spreadsheet_helper` logs
    each one's own VmHWM; `RUSAGE_CHILDREN` would count this process's memory again)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.peaks: list[float] = [0.0]

    def emit(self, record: logging.LogRecord) -> None:
        self.peaks.append(float(getattr(record, "peak_mb", 0.0)))


def _cpu() -> float:
    """User + system CPU seconds of this process and its reaped children so far."""
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usage)


@contextmanager
def _operation() -> Iterator[dict[str, object]]:
    """Time the operation inside: wall, CPU of both processes, and peak memory (the sum
    of this process's and its writer process's peaks)."""
    outcome: dict[str, object] = {}
    helpers = _HelperPeaks()
    logger = logging.getLogger("openbob.lib.spreadsheet_helper")
    logger.addHandler(helpers)
    level = logger.level
    logger.setLevel(logging.DEBUG)
    started, cpu = time.perf_counter(), _cpu()
    try:
        yield outcome
    finally:
        logger.removeHandler(helpers)
        logger.setLevel(level)
    outcome |= {
        "seconds": time.perf_counter() - started,
        "cpu": _cpu() - cpu,
        "peak_mb": _peak_mb() + max(helpers.peaks),
    }


def _django() -> None:
    import django

    django.setup()


def _manager() -> Any:
    from openbob.accounts.models import User

    return User.objects.get(email=MANAGER_EMAIL)


def _book_request(weekly: bool) -> Any:
    from openbob.exports import catalogue, rowsets

    spec = catalogue.BY_KEY["book_all"]
    return rowsets.Request(_manager(), spec, {"current": not weekly})


def task_seed(consumers: str) -> dict[str, object]:
    """Migrate, create the agency and its people with the ORM, then bulk-SQL the book."""
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    from openbob.accounts.roles import Role
    from openbob.agencies.services import create_agency
    from openbob.testing import make_user

    agency = create_agency(name="Bench Agency")
    make_user(MANAGER_EMAIL, Role.AGENCY_MANAGER, agency)
    agents = [make_user(f"agent{n}.bench@bench.test", Role.AGENT, agency) for n in range(AGENTS)]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in _seed_sql(int(consumers), agency.pk, agents[0].pk):
            cursor.execute(statement)
    seeded = time.perf_counter() - started
    from openbob.exports import weekly

    weekly.take()
    Path(os.environ["OPENBOB_DATA_DIR"], "seeded").touch()
    return {
        "seconds": seeded,
        "peak_mb": _peak_mb(),
        "weekly_seconds": time.perf_counter() - started - seeded,
    }


def _seed_sql(consumers: int, agency: int, first_agent: int) -> list[str]:
    """SQLite: one INSERT ... SELECT per table over a recursive counter.

    Only integers of our own are formatted into the statements (S608 does not apply).
    """
    households = consumers * 2 // 5
    now = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    common = f"'calheers', NULL, NULL, '{{}}', {now}, {now}"
    counter = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {})"
    return [
        counter.format(households)
        + f""" INSERT INTO book_household (id, source, source_import_id, source_as_of,
        field_sources, created_at, updated_at, case_number, ffm_app_id, application_year,
        program, archived, household_size, income_encrypted, primary_name, primary_phone,
        primary_email, agency_id, agent_id, aor_at_risk_at, ede_permission_lost_at, lost_at)
        SELECT i, {common}, printf('%08d', i), NULL, 2026,
        CASE i % 10 WHEN 0 THEN 'medi_cal' WHEN 1 THEN 'mixed_household'
        ELSE 'covered_california' END,
        0, 2 + i % 2, '', printf('Name%d Surname%d', i % 5003, i % 7919),
        printf('%010d', 9160000000 + i), printf('h%d@example.test', i), {agency},
        {first_agent} + i % {AGENTS}, NULL, NULL, NULL FROM n""",
        counter.format(consumers)
        + f""" INSERT INTO book_member (id, {MEMBER_COLUMNS})
        SELECT i, {common}, ((i - 1) * 2) % 5 < 2,
        CASE WHEN i % 50000 = 0 THEN '=HYPERLINK(1)' ELSE printf('Name%d', i % 5003) END,
        CASE WHEN i % 3 = 0 THEN 'M' ELSE '' END, printf('Surname%d', i % 7919), '',
        1950 + i % 60, '', printf('%04d', i % 10000), '', '',
        CASE WHEN ((i - 1) * 2) % 5 < 2 THEN 'Self' ELSE 'Child' END, 1,
        printf('%010d', 9160000000 + i),
        CASE WHEN i % 4 = 0 THEN printf('%010d', 9170000000 + i) ELSE '' END,
        i % 2, printf('person%d@example.test', i), 'English', 'English',
        printf('%d Main St', i % 9999), CASE WHEN i % 5 = 0 THEN 'Apt 2' ELSE '' END,
        'Sacramento', 'CA', printf('%05d', i % 99999), 'Sacramento', '', '', '', '', '', 0,
        ((i - 1) * 2) / 5 + 1 FROM n""",
        counter.format(households)
        + f""" INSERT INTO book_enrollment ({ENROLLMENT_COLUMNS})
        SELECT {common}, 'health', printf('P%09d', i), 'Blue Shield', 'Silver 70 HMO',
        '12345CA0010001', 'silver', 'HMO', 500 + i % 400 + 0.25, 300 + i % 200,
        200 + i % 400 - i % 200 + 0.25, '2026-01-01', '2026-12-31', 'effectuated', NULL,
        'paid', 1, i, '', '' FROM n""",
        counter.format(households)
        + f""" INSERT INTO book_enrollment ({ENROLLMENT_COLUMNS})
        SELECT {common}, 'dental', '', 'Delta', 'Dental HMO', '', '', '', 30.5, NULL, NULL,
        '2026-01-01', NULL, 'pending', NULL, '', 1, i, '', '' FROM n WHERE i % 3 = 0""",
        counter.format(households)
        + f""" INSERT INTO book_delegation (status, requested_at, started_at, ended_at,
        reason, source, acted_by_id, agency_id, agent_id, household_id)
        SELECT 'active', NULL, '2025-11-0' || (1 + i % 9) || ' 18:00:00', NULL, '',
        'calheers', NULL, {agency}, {first_agent} + i % {AGENTS}, i FROM n""",
        counter.format(households)
        + """ INSERT INTO book_followup (kind, issue_type, status, due_date, source,
        opened_at, resolved_at, household_id)
        SELECT 'dmi', 'Income', 'Open', date('now', '+30 days'), 'healthsherpa',
        '2026-01-05 18:00:00', NULL, i FROM n WHERE i % 10 = 0""",
    ]


def task_cells(path: str) -> dict[str, object]:
    """The export's rows, saved as the bare writers' input (the same cells)."""
    from openbob.exports import rowsets

    request = _book_request(weekly=False)
    with Path(path).open("wb") as out:
        pickle.dump(list(rowsets.rows(request)), out, protocol=pickle.HIGHEST_PROTOCOL)
    return {"seconds": 0, "cpu": 0, "peak_mb": _peak_mb()}


def task_export(fmt: str, mode: str = "current") -> dict[str, object]:
    from django.utils import timezone

    from openbob.exports import services

    request = _book_request(weekly=mode == "weekly")
    out = Path(os.environ["OPENBOB_DATA_DIR"]) / f"ours.{fmt}"
    with _operation() as outcome:
        source = services.export_rows(request)
        outcome["rows"] = services.write_file(
            request, out, fmt, source.rows, created=timezone.now(), snapshot=source.snapshot
        )
    return outcome


def _load_cells(path: str) -> tuple[list[str], list[tuple[object, ...]]]:
    from openbob.exports import catalogue

    with Path(path).open("rb") as source:
        cells = pickle.load(source)  # noqa: S301 - our own file, written by task_cells
    return list(catalogue.BY_KEY["book_all"].headers), cells


def task_bare_xlsx(path: str) -> dict[str, object]:
    import rustpy_xlsxwriter

    headers, cells = _load_cells(path)
    out = Path(os.environ["OPENBOB_DATA_DIR"]) / "bare.xlsx"
    with _operation() as outcome:
        rustpy_xlsxwriter.write_worksheet(
            (dict(zip(headers, row, strict=True)) for row in cells),
            str(out),
            sheet_name="Book",
            header_row=1,
            merge_ranges=[(0, 0, 0, len(headers) - 1, "File Created", None)],
        )
    return outcome


def task_bare_csv(path: str, writer: str) -> dict[str, object]:
    headers, cells = _load_cells(path)
    out = Path(os.environ["OPENBOB_DATA_DIR"]) / "bare.csv"
    write = _BARE_CSV[writer]
    with _operation() as outcome:
        write(out, headers, cells)
    return outcome


def _stdlib_csv(out: Path, headers: list[str], cells: Sequence[tuple[object, ...]]) -> None:
    with out.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(headers)
        writer.writerows(cells)


def _rustpy_csv(out: Path, headers: list[str], cells: Sequence[tuple[object, ...]]) -> None:
    import rustpy_xlsxwriter

    rustpy_xlsxwriter.write_csv((dict(zip(headers, row, strict=True)) for row in cells), str(out))


def _polars_csv(out: Path, headers: list[str], cells: Sequence[tuple[object, ...]]) -> None:
    polars: Any = importlib.import_module("polars")  # optional: measured when installed
    frame = polars.DataFrame(cells, schema=headers, orient="row", infer_schema_length=None)
    frame.write_csv(out)


_BARE_CSV: dict[str, Callable[[Path, list[str], Sequence[tuple[object, ...]]], None]] = {
    "stdlib-csv": _stdlib_csv,
    "rustpy-write_csv": _rustpy_csv,
    "polars": _polars_csv,
}


def task_bare_read() -> dict[str, object]:
    """The export's own SQL (base and side queries), run on a raw DB-API cursor."""
    from django.db import connection

    from openbob.exports import rowsets

    statements = rowsets.statements(_book_request(weekly=False))
    count = 0
    with _operation() as outcome, connection.cursor() as wrapper:
        cursor = wrapper.cursor  # the driver's own cursor, below Django's wrapper
        for sql, params in statements:
            cursor.execute(sql, params)
            while batch := cursor.fetchmany(10_000):
                count += len(batch)
    return outcome | {"rows": count}


TASKS: dict[str, Callable[..., dict[str, object]]] = {
    "seed": task_seed,
    "cells": task_cells,
    "export": task_export,
    "bare_xlsx": task_bare_xlsx,
    "bare_csv": task_bare_csv,
    "bare_read": task_bare_read,
}


def _main(argv: list[str]) -> Iterator[str]:
    name, *args = argv
    _django()
    yield json.dumps(TASKS[name](*args))


if __name__ == "__main__":
    for line in _main(sys.argv[1:]):
        print(line)
