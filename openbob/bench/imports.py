"""The import suite: issue 3's targets for importing the weekly exports.

What is measured, always as whole processes and as ratios within the same run:

1. python-calamine alone reading week 2 of a generated CalHEERS agency book into Python
   rows: the baseline;
2. the sources adapter streaming the same file's typed rows (no database): how much of
   an import is reading, which tells the pipeline's own cost apart;
3. on SQLite, then PostgreSQL: importing week 1 (a first import), then week 2 against
   it (parse, validate, match, upsert, snapshot, change events), each run right after
   a calamine read of its own (`measure.alternated`), which is the baseline of its
   ratio; then week 2 again (the same bytes: a duplicate);
4. comparing two snapshots of a million households (events stored, lost households
   marked), timed inside the process;
5. importing a million-row HealthSherpa Enrollments CSV, for its peak memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from openbob.bench.inputs import Book, calheers_weeks, enrollments_csv
from openbob.bench.measure import (
    Site,
    Timing,
    alternated,
    hyperfine,
    postgres_site,
    sqlite_site,
)
from openbob.bench.report import Report


@dataclass(frozen=True)
class Sizes:
    households: int
    snapshots: int
    csv_rows: int
    runs: int
    rounds: int
    """Week-2 imports, each timed beside a calamine read of its own (`alternated`)."""


FULL = Sizes(households=200_000, snapshots=1_000_000, csv_rows=1_000_000, runs=3, rounds=5)
QUICK = Sizes(households=20_000, snapshots=100_000, csv_rows=100_000, runs=2, rounds=2)
RATIO_BARS = {"SQLite": 2.0, "PostgreSQL": 2.5}


def run(work: Path, quick: bool, postgres: str | None) -> Report:
    """Every import target at the full sizes (a tenth of them when `quick`)."""
    sizes = QUICK if quick else FULL
    report = Report(
        "Import benchmarks",
        f"CalHEERS book of {sizes.households:,} households; snapshots of {sizes.snapshots:,}; "
        f"CSV of {sizes.csv_rows:,} rows."
        + (" Quick sizes: the targets are stated for the full sizes." if quick else ""),
    )
    book = calheers_weeks(work / "inputs" / f"calheers-{sizes.households}", sizes.households)
    calamine = _reads(report, sqlite_site(work, "reads"), book, sizes)
    _weekly_imports(report, sqlite_site(work, "sqlite"), book, sizes, calamine)
    if postgres:
        site = postgres_site(postgres, work, "openbob_bench_imports")
        _weekly_imports(report, site, book, sizes, calamine)
    else:
        report.notes.append("PostgreSQL was not reachable: not measured.")
    _comparison(report, sqlite_site(work, "compare"), sizes)
    _csv_memory(report, sqlite_site(work, "csv"), work, sizes)
    report.notes.append(
        "Timed processes use bytecode caches (PYTHONDONTWRITEBYTECODE is not passed on), as "
        "an installed server does; every import runs with limits raised for these large files."
    )
    return report


def _reads(report: Report, site: Site, book: Book, sizes: Sizes) -> Timing:
    calamine = hyperfine(
        "python-calamine reads week 2 into Python rows (baseline)",
        site,
        ["calamine", str(book.week2)],
        runs=sizes.runs,
        warmup=1,
    )
    adapter = hyperfine(
        "sources adapter streams week 2's typed rows (no database)",
        site,
        ["read", str(book.week2)],
        runs=sizes.runs,
    )
    report.timings += [calamine, adapter]
    share = _ratio(adapter, calamine)
    report.notes.append(
        f"Reading alone (safety checks, calamine, typed rows) takes {share:.2f}x the calamine "
        "baseline by wall-clock time: that part belongs to `openbob.sources`."
    )
    return calamine


def _weekly_imports(report: Report, site: Site, book: Book, sizes: Sizes, calamine: Timing) -> None:
    site.run("setup")
    first = hyperfine(
        f"{site.name}: import week 1 (first import, all new)",
        site,
        ["import", str(book.week1)],
        runs=1,
    )
    site.save()
    baseline, second = alternated(
        sizes.rounds,
        lambda: hyperfine(
            f"{site.name}: python-calamine reads week 2 (baseline, alternating with the import)",
            site,
            ["calamine", str(book.week2)],
            runs=1,
        ),
        lambda: hyperfine(
            f"{site.name}: import week 2 against week 1",
            site,
            ["import", str(book.week2)],
            runs=1,
            restore=True,
        ),
    )
    again = hyperfine(
        f"{site.name}: import week 2 again (same bytes)",
        site,
        ["import", str(book.week2)],
        runs=5,
        warmup=1,
    )
    inside = Timing(
        f"{site.name}: the same re-imports, `import_file` alone (inside the process)",
        again.inner,
    )
    report.timings += [first, baseline, second, again, inside]
    report.check(
        f"{site.name}: week-2 import / calamine read, alternating (wall-clock)",
        _ratio(second, baseline),
        RATIO_BARS[site.name],
        "x",
    )
    share = 100 * _ratio(again, second)
    label = f"{site.name}: re-import / week-2 import (wall-clock)"
    report.check(label, share, 5, "%", strict=True)
    extra = second.peak - calamine.peak
    report.check(f"{site.name}: import peak memory - calamine's", extra, 500, " MiB")
    report.notes.append(
        f"{site.name}: week 2's import takes {_ratio(second, baseline):.2f}x the calamine "
        f"read run beside it ({_ratio(second, calamine):.2f}x the first calamine read, "
        f"minutes earlier) by wall-clock time and {_cpu(second) / _cpu(baseline):.2f}x by the "
        "processes' own CPU time"
        + (" (the server's is not counted)" if site.name == "PostgreSQL" else "")
        + "; the pipeline after reading (week-2 import minus the adapter's read) takes "
        f"{_cpu(second) - _cpu(_adapter(report)):.1f} CPU seconds. A re-import of the same bytes "
        f"hashes the file and finds the earlier import before opening it: "
        f"{inside.median:.2f} s inside the process; the rest of its whole-process time is "
        "interpreter and Django start-up."
    )


def _adapter(report: Report) -> Timing:
    return next(t for t in report.timings if t.label.startswith("sources adapter"))


def _cpu(timing: Timing) -> float:
    return timing.cpu if timing.cpu is not None else timing.median


def _ratio(measured: Timing, baseline: Timing) -> float:
    """`measured` over `baseline` by wall-clock time (the medians): how long the user
    waits, which is what the bars state ("takes at most 2.0x the time").

    This used to be the larger of the wall-clock and the CPU ratio, so that a baseline
    slowed by someone else's load could not flatter an import. An import now keeps two
    cores busy while it reads (calamine in a child process as this one scans the
    workbook), so its CPU time exceeds its wall time by design. The CPU ratio is still
    in the notes; the suite wants an otherwise idle machine.
    """
    return measured.median / baseline.median


def _comparison(report: Report, site: Site, sizes: Sizes) -> None:
    site.run("setup")
    outcome = site.run("compare", str(sizes.snapshots))[-1]
    measured = outcome["outcome"]
    assert isinstance(measured, dict)
    runs = [float(s) for s in measured["runs"]]
    report.timings.append(
        Timing(
            f"compare two {sizes.snapshots:,}-household snapshots ({measured['events']:,} events; "
            "operation only, inside the process)",
            runs,
            [float(str(outcome["peak_mb"]))],
        )
    )
    report.check(
        f"compare two {sizes.snapshots:,}-household snapshots", float(measured["seconds"]), 10, " s"
    )


def _csv_memory(report: Report, site: Site, work: Path, sizes: Sizes) -> None:
    path = enrollments_csv(work / "inputs", sizes.csv_rows)
    site.run("setup")
    timing = hyperfine(
        f"SQLite: import a {sizes.csv_rows:,}-row HealthSherpa Enrollments CSV (all new)",
        site,
        ["import", str(path)],
        runs=1,
    )
    report.timings.append(timing)
    report.check(
        f"{sizes.csv_rows:,}-row CSV import peak memory", timing.peak, 1024, " MiB", strict=True
    )
