"""`python -m openbob.bench [--quick] [--only NAME ...]`: every benchmark suite, into docs/.

A suite is a module `openbob/bench/<name>.py` named in `SUITES`, exposing
`run(work, quick, postgres) -> Report`: `work` is its scratch folder (inputs are kept
there between runs), `quick` asks for a tenth of the sizes (a smoke test), `postgres`
is a URL of the PostgreSQL server to measure on, or None when it cannot be reached.

The report file (docs/benchmarks.md, or docs/benchmarks-quick.md for `--quick`) holds
each suite's section, in `SUITES` order. With `--only`, the named suites are run and
the other suites' sections are kept from the file as it was, so one suite can be
re-run without re-running them all.
"""

from __future__ import annotations

import argparse
import importlib
import os
from pathlib import Path

from openbob.bench.measure import postgres_reachable
from openbob.bench.report import Report, merge_sections

SUITES = ("imports", "exports", "retention", "reports", "alerts", "portal")
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    work = args.work.resolve()
    version = postgres_reachable(args.postgres)
    out = args.out or Path("docs") / ("benchmarks-quick.md" if args.quick else "benchmarks.md")
    sections: dict[str, str] = {}
    for name in args.only or SUITES:
        suite = importlib.import_module(f"openbob.bench.{name}")
        report: Report = suite.run(work / name, args.quick, args.postgres if version else None)
        sections[name] = report.render(version)
        print(sections[name])
        # Written after every suite, so a long run that fails later keeps what it measured.
        _write(out, merge_sections(_existing(out), sections, SUITES), args.quick)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m openbob.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    parser.add_argument(
        "--only", nargs="+", choices=SUITES, metavar="NAME", help=f"suites to run, of {SUITES}"
    )
    parser.add_argument("--out", type=Path, default=None, help="markdown report to write")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(os.environ.get("OPENBOB_DATA_DIR", "var/bench")),
        help="inputs (kept between runs) and scratch databases, one folder per suite",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("OPENBOB_BENCH_DATABASE_URL", DEFAULT_SERVER),
        help="any database URL of the PostgreSQL server to use",
    )
    return parser.parse_args(argv)


def _existing(out: Path) -> str:
    return out.read_text(encoding="utf-8") if out.exists() else ""


def _write(out: Path, body: str, quick: bool) -> None:
    title = "# Benchmarks (quick)" if quick else "# Benchmarks"
    intro = (
        "Written by `python -m openbob.bench` (`make bench`); one section per suite, each "
        "with the date it was last run. Re-run one suite with `--only NAME`."
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(f"{title}\n\n{intro}\n\n{body}", encoding="utf-8")


if __name__ == "__main__":
    main()
