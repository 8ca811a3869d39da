"""docs/benchmarks.md: per suite, the machine, every figure, and pass or fail per target.

Each suite's section is fenced by HTML comments naming the suite, so `merge_sections`
can replace one suite's section and keep the others as they were.
"""

from __future__ import annotations

import platform
import re
import sqlite3
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from openbob.bench.measure import Timing


@dataclass
class Target:
    """One of the issue's targets, measured: the figure, the bar and the verdict."""

    name: str
    figure: str
    bar: str
    passed: bool


HYPERFINE = (
    "Whole processes (interpreter start to exit), timed by hyperfine; median of the runs "
    "with the range, the process's own CPU time (user + system, mean of the runs; a "
    "database server's is not included), and the largest peak resident memory of those runs."
)


@dataclass
class Report:
    """One suite's results; `method` says how its `timings` were taken."""

    title: str
    sizes: str
    timings: list[Timing] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    method: str = HYPERFINE

    def check(
        self, name: str, value: float, limit: float, unit: str, *, strict: bool = False
    ) -> None:
        """Record a target: met when `value` is at most (`strict`: under) `limit`."""
        passed = value < limit if strict else value <= limit
        bar = f"{'<' if strict else '≤'} {limit:g}{unit}"
        self.targets.append(Target(name, f"{value:,.2f}{unit}", bar, passed))

    def render(self, postgres: str | None) -> str:
        """The section's markdown; `postgres` is the server's version, None if unreachable."""
        lines = [
            f"## {self.title}",
            "",
            f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `python -m openbob.bench`.",
            "",
            self.sizes,
            "",
            f"**Machine:** {_machine(postgres)}",
            "",
            "### Targets",
            "",
            "| target | measured | bar | result |",
            "|---|---|---|---|",
            *(
                f"| {t.name} | {t.figure} | {t.bar} | {'PASS' if t.passed else 'FAIL'} |"
                for t in self.targets
            ),
            "",
            "### Every run",
            "",
            self.method,
            "",
            "| command | runs | median s | range s | CPU s | peak MiB |",
            "|---|---|---|---|---|---|",
            *(
                f"| {t.label} | {len(t.seconds)} | {t.median:.2f} | {t.spread} | "
                f"{_or_dash(t.cpu, '.2f')} | {_or_dash(t.peak if t.peak_mb else None, ',.0f')} |"
                for t in self.timings
            ),
            "",
        ]
        if self.notes:
            lines += ["### Notes", "", *(f"- {note}" for note in self.notes), ""]
        return "\n".join(lines)


def _or_dash(value: float | None, spec: str) -> str:
    return "—" if value is None else format(value, spec)


_SECTION = re.compile(r"<!-- suite:(\w+) -->\n(.*?)<!-- /suite:\1 -->\n", re.DOTALL)


def merge_sections(existing: str, fresh: dict[str, str], order: tuple[str, ...]) -> str:
    """The report body: `fresh` sections, plus the sections of `existing` not re-run.

    Sections come in `order`; a section of a suite no longer in `order` is dropped.
    """
    sections = dict(_SECTION.findall(existing)) | fresh
    return "".join(
        f"<!-- suite:{name} -->\n{sections[name].rstrip()}\n\n<!-- /suite:{name} -->\n\n"
        for name in order
        if name in sections
    )


def _machine(postgres: str | None) -> str:
    cpu = _cpu_model()
    memory = _memory_gib()
    database = f"PostgreSQL {postgres} (127.0.0.1, TCP)" if postgres else "PostgreSQL not reachable"
    return (
        f"{cpu}, {memory:.0f} GiB RAM, {platform.system()} {platform.release()}; "
        f"CPython {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {database}; "
        f"{_hyperfine()}."
    )


def _cpu_model() -> str:
    info = Path("/proc/cpuinfo")
    models = (
        [
            line.split(":", 1)[1].strip()
            for line in info.read_text().splitlines()
            if line.startswith("model name")
        ]
        if info.exists()
        else []
    )
    return f"{len(models)} x {models[0]}" if models else platform.processor() or "unknown CPU"


def _memory_gib() -> float:
    meminfo = Path("/proc/meminfo")
    if not meminfo.exists():
        return 0.0
    kib = int(meminfo.read_text().split()[1])
    return kib / 1024**2


def _hyperfine() -> str:
    try:
        done = subprocess.run(["hyperfine", "--version"], capture_output=True, text=True)
    except FileNotFoundError:
        return "hyperfine not installed (apt-get install hyperfine)"
    return done.stdout.strip() or "hyperfine"
