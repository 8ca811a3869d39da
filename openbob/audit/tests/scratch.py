"""Throwaway OpenBoB installations for tests that run `bob` in subprocesses.

Some promises can only be checked from outside the test process: what the raw
database file or a `pg_dump` holds, what survives a SIGKILL, whether separate
processes appending at once keep the audit chain. Each scratch installation has its
own OPENBOB_DATA_DIR (so its own generated secrets.json) and its own database: a SQLite
file, or a PostgreSQL database created on the server of OPENBOB_TEST_DATABASE_URL and
dropped afterwards.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

VENDORS = ("sqlite", "postgresql")
TIMEOUT = 180
# Settings a developer's shell may carry that would point the subprocess elsewhere.
_INHERITED = (
    "OPENBOB_TEST_DATABASE_URL",
    "DATABASE_URL",
    "OPENBOB_ENV",
    "OPENBOB_SECRET_KEY",
    "OPENBOB_FIELD_KEYS",
    "OPENBOB_BLIND_INDEX_KEY",
    "OPENBOB_AUDIT_KEY",
)


@dataclass(frozen=True)
class Scratch:
    """One installation: where its data and database live, and how to talk to them."""

    vendor: str
    data_dir: Path
    url: str

    def env(self, **overrides: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _INHERITED}
        return {
            **env,
            "OPENBOB_DATA_DIR": str(self.data_dir),
            "DATABASE_URL": self.url,
            "DJANGO_SETTINGS_MODULE": "openbob.settings",
            **overrides,
        }

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "openbob.cli", *args]

    def bob(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        """Run `bob <args>` to completion; fails the test (with its output) unless it exits 0."""
        done = subprocess.run(
            self.command(*args),
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        assert done.returncode == 0, f"bob {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done

    def start_bob(self, *args: str, **env: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.command(*args),
            env=self.env(**env),
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def secret(self, name: str) -> str:
        """A value from the secrets.json the installation generated for itself."""
        loaded: dict[str, str] = json.loads((self.data_dir / "secrets.json").read_text())
        return loaded[name]

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        """Run one read-only query straight against the database, bypassing Django."""
        if self.vendor == "sqlite":
            with closing(sqlite3.connect(self._sqlite_path)) as db:
                return db.execute(sql).fetchall()
        with psycopg.connect(self.url) as db:
            return db.execute(sql).fetchall()

    def tables(self) -> list[str]:
        """The names of every table, straight from the database's catalogue."""
        if self.vendor == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'table'"
        else:
            query = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        return [name for (name,) in self.rows(query)]

    def raw_bytes(self) -> bytes:
        """What someone with a copy of the database sees: the files, or a pg_dump."""
        if self.vendor == "sqlite":
            files = [
                self._sqlite_path,
                self._sqlite_path.with_name(self._sqlite_path.name + "-wal"),
            ]
            return b"".join(path.read_bytes() for path in files if path.exists())
        return subprocess.run(
            ["pg_dump", "--dbname", self.url], capture_output=True, check=True, timeout=TIMEOUT
        ).stdout

    @property
    def _sqlite_path(self) -> Path:
        return self.data_dir / "openbob.sqlite3"


@contextmanager
def scratch(vendor: str, data_dir: Path) -> Iterator[Scratch]:
    """A scratch installation of `vendor` (not yet migrated), removed afterwards."""
    if vendor == "sqlite":
        yield Scratch(vendor, data_dir, f"sqlite:///{data_dir / 'openbob.sqlite3'}")
        return
    with _postgres_database() as url:
        yield Scratch(vendor, data_dir, url)


@contextmanager
def _postgres_database() -> Iterator[str]:
    server = _postgres_server()
    name = f"openbob_scratch_{secrets.token_hex(4)}"
    with psycopg.connect(_with_database(server, "postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield _with_database(server, name)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres_server() -> str:
    """OPENBOB_TEST_DATABASE_URL, if it names a reachable PostgreSQL server.

    Unset: skip. Set but unreachable: skip on a developer machine, fail under CI=true,
    where a silently skipped PostgreSQL run would hide exactly what it exists to catch.
    """
    url = os.environ.get("OPENBOB_TEST_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("OPENBOB_TEST_DATABASE_URL does not name a PostgreSQL server")
    try:
        psycopg.connect(_with_database(url, "postgres"), connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is unreachable under CI: {exc}")
        pytest.skip(f"PostgreSQL is unreachable: {exc}")
    return url


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
