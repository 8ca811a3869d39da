"""Timing whole processes with hyperfine, and the databases they run against.

Each timed command is `python -m openbob.bench.worker ...`, run by Debian's hyperfine
(no shell), which reports every run; the worker itself logs its peak memory, so each
figure has its time and its memory from the same runs. A database that a run changes
is put back by hyperfine's `--prepare` step before every run: a file copy for SQLite,
`CREATE DATABASE ... TEMPLATE` for PostgreSQL.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

_INHERITED = ("OPENBOB_TEST_DATABASE_URL", "DATABASE_URL", "PYTHONDONTWRITEBYTECODE")
"""Not passed on to timed processes. Without bytecode caches every process would
compile Django and OpenBoB afresh (about a second), which no installed server does."""


@dataclass
class Timing:
    """The runs of one command: seconds and peak memory (MiB) of each."""

    label: str
    seconds: list[float]
    peak_mb: list[float] = field(default_factory=list)
    inner: list[float] = field(default_factory=list)
    """Seconds of the operation alone, inside each process, when the task logs them."""
    cpu: float | None = None
    """Mean user + system CPU seconds of the process (not a database server's)."""

    @property
    def median(self) -> float:
        return median(self.seconds)

    @property
    def spread(self) -> str:
        return f"{min(self.seconds):.2f}-{max(self.seconds):.2f}"

    @property
    def peak(self) -> float:
        return max(self.peak_mb, default=0.0)


@dataclass
class Site:
    """A database the benchmark imports into, and how to put it back between runs."""

    name: str
    url: str
    data_dir: Path
    log: Path
    saved: str = ""

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _INHERITED}
        return env | {
            "DATABASE_URL": self.url,
            "OPENBOB_DATA_DIR": str(self.data_dir),
            "OPENBOB_BENCH_LOG": str(self.log),
            "OPENBOB_DEBUG": "0",
            "DJANGO_SETTINGS_MODULE": "openbob.settings",
        }

    def run(self, *args: str) -> list[dict[str, object]]:
        """Run a worker task to completion; returns the log lines it added."""
        before = _lines(self.log)
        subprocess.run(worker(*args), env=self.env(), check=True)
        return _lines(self.log)[len(before) :]

    def save(self) -> None:
        """Remember the database as it is now, for `restore`."""
        if self.name == "SQLite":
            self.saved = f"{self._sqlite_file()}.saved"
            subprocess.run(worker("restore-sqlite", self._sqlite_file(), self.saved), check=True)
        else:
            self.saved = f"{self._database()}_saved"
            subprocess.run(
                worker("restore-postgres", self._admin_url(), self._database(), self.saved),
                check=True,
            )

    def restore(self) -> list[str]:
        """The command that puts the saved database back."""
        if self.name == "SQLite":
            return worker("restore-sqlite", self.saved, self._sqlite_file())
        return worker("restore-postgres", self._admin_url(), self.saved, self._database())

    def _sqlite_file(self) -> str:
        return self.url.removeprefix("sqlite:///")

    def _database(self) -> str:
        return urlsplit(self.url).path.lstrip("/")

    def _admin_url(self) -> str:
        return urlunsplit(urlsplit(self.url)._replace(path="/postgres"))


def worker(*args: str) -> list[str]:
    return [sys.executable, "-m", "openbob.bench.worker", *args]


def sqlite_site(work: Path, name: str) -> Site:
    folder = work / name
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("openbob.sqlite3*"):
        stale.unlink()
    return Site(
        "SQLite", f"sqlite:///{folder / 'openbob.sqlite3'}", work / "data", work / "log.jsonl"
    )


def postgres_site(server: str, work: Path, name: str) -> Site:
    """A fresh database on `server` (any database URL of it)."""
    site = Site(
        "PostgreSQL",
        urlunsplit(urlsplit(server)._replace(path=f"/{name}")),
        work / "data",
        work / "log.jsonl",
    )
    with psycopg.connect(site._admin_url(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'DROP DATABASE IF EXISTS "{name}_saved" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return site


def postgres_reachable(url: str) -> str | None:
    """The server's version string, or None when it cannot be reached."""
    try:
        with psycopg.connect(
            urlunsplit(urlsplit(url)._replace(path="/postgres")), connect_timeout=5
        ) as db:
            row = db.execute("SHOW server_version").fetchone()
    except psycopg.OperationalError:
        return None
    return str(row[0]) if row else None


def hyperfine(
    label: str, site: Site, args: list[str], *, runs: int, warmup: int = 0, restore: bool = False
) -> Timing:
    """Time `worker(*args)` with hyperfine; `restore` puts the saved database back first."""
    export = site.log.with_name(f"hyperfine-{len(_lines(site.log))}.json")
    command = ["hyperfine", "-N", "--style", "basic", "--runs", str(runs), "--warmup", str(warmup)]
    if restore:
        command += ["--prepare", shlex.join(site.restore())]
    command += ["--export-json", str(export), "--command-name", label, shlex.join(worker(*args))]
    before = len(_lines(site.log))
    subprocess.run(command, env=site.env(), check=True)
    result = json.loads(export.read_text())["results"][0]
    logged = _lines(site.log)[before + warmup :]
    return Timing(
        label,
        list(result["times"]),
        [float(str(line["peak_mb"])) for line in logged],
        [
            float(o["seconds"])
            for line in logged
            if isinstance(o := line["outcome"], dict) and "seconds" in o
        ],
        float(result["user"]) + float(result["system"]),
    )


def alternated(rounds: int, *timed: Callable[[], Timing]) -> list[Timing]:
    """Each of `timed` (one run each) in turn, `rounds` times over (a, b, a, b, ...),
    merged per command.

    A ratio's two sides are then measured in the same minutes: on a machine whose speed
    drifts (this one's calamine read took 14 to 20 s within three consecutive runs),
    all the runs of one and then all those of the other hand the drift to their ratio."""
    runs = [[measure() for measure in timed] for _ in range(rounds)]
    return [_merged(list(column)) for column in zip(*runs, strict=True)]


def _merged(timings: list[Timing]) -> Timing:
    """One command's runs, each timed alone, as one timing."""
    cpu = [t.cpu for t in timings if t.cpu is not None]
    return Timing(
        timings[0].label,
        [s for t in timings for s in t.seconds],
        [p for t in timings for p in t.peak_mb],
        [i for t in timings for i in t.inner],
        sum(cpu) / len(cpu) if cpu else None,
    )


def _lines(log: Path) -> list[dict[str, object]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line]


def run_task(module: str, data_dir: Path, *args: str) -> dict[str, Any]:
    """Run `python -m module *args` on the SQLite bench database in `data_dir`.

    A fresh process per task, so each measures its own peak memory; the task prints a
    JSON outcome as its last line, which is returned.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    return run_worker(module, child_env(data_dir), *args)


def child_env(data_dir: Path, database_url: str | None = None) -> dict[str, str]:
    """A worker process's environment: its data directory, and its database (SQLite in
    `data_dir` unless `database_url`), never the test suite's."""
    env = {k: v for k, v in os.environ.items() if k not in _INHERITED}
    env |= {
        "OPENBOB_DATA_DIR": str(data_dir),
        "OPENBOB_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "openbob.settings",
    }
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    return env


def run_worker(module: str, env: dict[str, str], *args: str) -> dict[str, Any]:
    """Run `python -m module *args`; its last line of output is a JSON object, returned.

    A failed worker raises with the end of what it wrote to stderr.
    """
    command = [sys.executable, "-m", module, *args]
    done = subprocess.run(command, env=env, check=False, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"The benchmark worker {module} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))
