"""Peak memory and time of a large export; a measurement, not a test (pytest skips it).

Run each format in a fresh process, so the peak RSS is this export's alone::

    python -m openbob.lib.tests.measure_spreadsheet xlsx 1000000 /tmp/book.xlsx
    python -m openbob.lib.tests.measure_spreadsheet csv 1000000 /tmp/book.csv

Rows are generated lazily, so a flat peak shows the writer streams.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from openbob.lib.spreadsheet import Column, Sheet, legend_sheet, write_csv, write_xlsx

COLUMNS = [
    Column("Household ID", "text"),
    Column("Last Name", "text"),
    Column("Phone", "text"),
    Column("ZIP", "text"),
    Column("Plan", "text"),
    Column("Effective Date", "date"),
    Column("Updated At", "datetime"),
    Column("Net Premium", "money"),
    Column("Members", "integer"),
    Column("Active", "bool"),
]


def rows(count: int) -> Iterator[tuple[object, ...]]:
    first_day, first_instant = date(2026, 1, 1), datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(count):
        yield (
            f"H{n:09d}",
            f"Name{n % 9973}",
            f"(916) 555-{n % 10000:04d}",
            f"{n % 100000:05d}",
            "Blue Shield Silver 70 PPO",
            first_day + timedelta(days=n % 365),
            first_instant + timedelta(seconds=n),
            Decimal(n % 100000) / 100,
            n % 7,
            n % 2 == 0,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("format", choices=["xlsx", "csv"])
    parser.add_argument("rows", type=int)
    parser.add_argument("path", type=Path)
    args = parser.parse_args()
    started = time.perf_counter()
    if args.format == "xlsx":
        book = Sheet("Book", COLUMNS, rows(args.rows), title="File Created Tue Feb 06 2018")
        legend = legend_sheet((column.header, column.kind) for column in COLUMNS)
        written = write_xlsx(args.path, [book, legend])
    else:
        written = write_csv(args.path, COLUMNS, rows(args.rows))
    seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = args.path.stat().st_size / 1e6
    sys.stdout.write(
        f"{args.format}: {written:,} rows x {len(COLUMNS)} columns in {seconds:.1f} s, "
        f"peak RSS {peak_mib:.0f} MiB, file {size_mb:.0f} MB\n"
    )


if __name__ == "__main__":
    main()
