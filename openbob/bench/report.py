"""docs/benchmarks.md: the machine, every figure, and pass or fail against the targets."""

from __future__ import annotations

import platform
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


@dataclass
class Report:
    title: str
    sizes: str
    timings: list[Timing] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def check(
        self, name: str, value: float, limit: float, unit: str, *, strict: bool = False
    ) -> None:
        """Record a target: met when `value` is at most (`strict`: under) `limit`."""
        passed = value < limit if strict else value <= limit
        bar = f"{'<' if strict else '≤'} {limit:g}{unit}"
        self.targets.append(Target(name, f"{value:,.2f}{unit}", bar, passed))

    def render(self, postgres: str | None) -> str:
        lines = [
            f"# {self.title}",
            "",
            f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `python -m openbob.bench`.",
            "",
            self.sizes,
            "",
            f"**Machine:** {_machine(postgres)}",
            "",
            "## Targets",
            "",
            "| target | measured | bar | result |",
            "|---|---|---|---|",
            *(
                f"| {t.name} | {t.figure} | {t.bar} | {'PASS' if t.passed else 'FAIL'} |"
                for t in self.targets
            ),
            "",
            "## Every run",
            "",
            "Whole processes (interpreter start to exit), timed by hyperfine; median of the runs "
            "with the range, and the largest peak resident memory of those runs.",
            "",
            "| command | runs | median s | range s | peak MiB |",
            "|---|---|---|---|---|",
            *(
                f"| {t.label} | {len(t.seconds)} | {t.median:.2f} | {t.spread} | {t.peak:,.0f} |"
                for t in self.timings
            ),
            "",
        ]
        if self.notes:
            lines += ["## Notes", "", *(f"- {note}" for note in self.notes), ""]
        return "\n".join(lines)

    def write(self, path: Path, postgres: str | None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.render(postgres), encoding="utf-8")


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
    done = subprocess.run(["hyperfine", "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or "hyperfine"
