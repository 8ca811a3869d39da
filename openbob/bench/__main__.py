"""`python -m openbob.bench [--quick]`: the import benchmarks of issue 3, into docs/.

What is measured, always as whole processes and as ratios within the same run:

1. python-calamine alone reading week 2 of a generated CalHEERS agency book into Python
   rows: the baseline;
2. the sources adapter streaming the same file's typed rows (no database): how much of
   an import is reading, which tells the pipeline's own cost apart;
3. on SQLite, then PostgreSQL: importing week 1 (a first import), then week 2 against
   it (parse, validate, match, upsert, snapshot, change events), then week 2 again
   (the same bytes: a duplicate);
4. comparing two snapshots of a million households (events stored, lost households
   marked), timed inside the process;
5. importing a million-row HealthSherpa Enrollments CSV, for its peak memory.

`--quick` runs the same at a tenth of the sizes (under two minutes), as a smoke test.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

from openbob.bench.inputs import Book, calheers_weeks, enrollments_csv
from openbob.bench.measure import (
    Site,
    Timing,
    hyperfine,
    postgres_reachable,
    postgres_site,
    sqlite_site,
)
from openbob.bench.report import Report

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


@dataclass(frozen=True)
class Sizes:
    households: int
    snapshots: int
    csv_rows: int
    runs: int


FULL = Sizes(households=200_000, snapshots=1_000_000, csv_rows=1_000_000, runs=3)
QUICK = Sizes(households=20_000, snapshots=100_000, csv_rows=100_000, runs=2)
RATIO_BARS = {"SQLite": 2.0, "PostgreSQL": 2.5}


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    sizes = QUICK if args.quick else FULL
    work = args.work.resolve()
    report = Report(
        "Import benchmarks" + (" (quick)" if args.quick else ""),
        f"CalHEERS book of {sizes.households:,} households; snapshots of {sizes.snapshots:,}; "
        f"CSV of {sizes.csv_rows:,} rows."
        + (" Quick sizes: the targets are stated for the full sizes." if args.quick else ""),
    )
    book = calheers_weeks(work / "inputs" / f"calheers-{sizes.households}", sizes.households)
    calamine = _reads(report, sqlite_site(work, "reads"), book, sizes)
    _weekly_imports(report, sqlite_site(work, "sqlite"), book, sizes, calamine)
    version = postgres_reachable(args.postgres)
    if version:
        _weekly_imports(
            report, postgres_site(args.postgres, work, "openbob_bench"), book, sizes, calamine
        )
    else:
        report.notes.append(f"PostgreSQL at {args.postgres} was not reachable: not measured.")
    _comparison(report, sqlite_site(work, "compare"), sizes)
    _csv_memory(report, sqlite_site(work, "csv"), work, sizes)
    out = args.out or Path("docs") / ("benchmarks-quick.md" if args.quick else "benchmarks.md")
    report.write(out, version)
    print(report.render(version))


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m openbob.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    parser.add_argument("--out", type=Path, default=None, help="markdown report to write")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(os.environ.get("OPENBOB_DATA_DIR", "var/bench")),
        help="inputs (kept between runs) and scratch databases",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("OPENBOB_BENCH_DATABASE_URL", DEFAULT_SERVER),
        help="any database URL of the PostgreSQL server to use",
    )
    return parser.parse_args(argv)


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
    share = adapter.median / calamine.median
    report.notes.append(
        f"Reading alone (safety checks, calamine, typed rows) takes {share:.2f}x the calamine "
        "baseline: that part belongs to `openbob.sources`."
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
    second = hyperfine(
        f"{site.name}: import week 2 against week 1",
        site,
        ["import", str(book.week2)],
        runs=sizes.runs,
        restore=True,
    )
    again = hyperfine(
        f"{site.name}: import week 2 again (same bytes)",
        site,
        ["import", str(book.week2)],
        runs=5,
        warmup=1,
    )
    report.timings += [first, second, again]
    ratio = second.median / calamine.median
    report.check(f"{site.name}: week-2 import / calamine read", ratio, RATIO_BARS[site.name], "x")
    share = 100 * again.median / second.median
    report.check(f"{site.name}: re-import / week-2 import", share, 5, "%", strict=True)
    extra = second.peak - calamine.peak
    report.check(f"{site.name}: import peak memory - calamine's", extra, 500, " MiB")
    report.notes.append(
        f"{site.name}: the pipeline after reading (week-2 import minus the adapter's read) "
        f"takes {second.median - _read_median(report):.1f} s."
    )


def _read_median(report: Report) -> float:
    return next(t.median for t in report.timings if t.label.startswith("sources adapter"))


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


if __name__ == "__main__":
    main()
