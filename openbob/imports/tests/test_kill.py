"""An import killed at a random moment leaves the database fully before or fully after.

`bob import` runs in a subprocess against a scratch installation (a SQLite file, and a
fresh PostgreSQL database when OPENBOB_TEST_DATABASE_URL names a server) that already
holds last week's book, and is SIGKILLed after a random delay. Each attempt starts from
its own copy of that installation; afterwards every table's row count and highest id
must equal those before the import, or those of the same import run to completion.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from openbob.audit.tests.scratch import VENDORS, Scratch, _with_database, scratch
from openbob.sources.formats import FormatId
from openbob.sources.generate import GenerationSummary, generate

KILLS = 10
SEED = 20251123
MANAGER = "boss@top.test"
SETUP = (
    "from openbob.agencies.services import create_agency\n"
    "from openbob.accounts.models import User\n"
    "agency = create_agency(name='Top Agency')\n"
    f"User.objects.create_user('{MANAGER}', None, first_name='Mo', last_name='Boss', "
    "agency=agency, role='manager')\n"
)
Fingerprint = dict[str, tuple[object, ...]]


@pytest.fixture(scope="module")
def two_weeks(tmp_path_factory: pytest.TempPathFactory) -> GenerationSummary:
    """A book big enough (about 2,000 households) that the import takes a while."""
    return generate(
        tmp_path_factory.mktemp("kill"), agencies=3, agents=7, consumers=3000, weeks=2, seed=5
    )


@pytest.mark.parametrize("vendor", VENDORS)
def test_an_import_killed_at_a_random_moment_leaves_the_database_before_or_after(
    vendor: str, tmp_path: Path, two_weeks: GenerationSummary
) -> None:
    book = [week.files[FormatId.CALHEERS_BOOK] for week in two_weeks.weeks]
    with scratch(vendor, tmp_path / "base") as base:
        base.bob("migrate", "--verbosity", "0")
        base.bob("shell", "--command", SETUP)
        base.bob("import", str(book[0]), "--as", MANAGER)
        before = fingerprint(base)
        with copy_of(base, tmp_path / "reference") as reference:
            started = time.monotonic()
            reference.bob("import", str(book[1]), "--as", MANAGER)
            duration = time.monotonic() - started
            after = fingerprint(reference)
        assert after != before
        rng = random.Random(SEED if os.environ.get("CI") else None)
        for attempt in range(KILLS):
            with copy_of(base, tmp_path / f"attempt-{attempt}") as site:
                process = site.start_bob("import", str(book[1]), "--as", MANAGER)
                time.sleep(rng.uniform(0, duration * 1.1))
                process.send_signal(signal.SIGKILL)
                process.communicate()
                assert fingerprint(site) in (before, after), f"attempt {attempt}: partial import"


@contextmanager
def copy_of(site: Scratch, data_dir: Path) -> Iterator[Scratch]:
    """An independent copy of a scratch installation (files, or a template database)."""
    if site.vendor == "sqlite":
        shutil.copytree(site.data_dir, data_dir)
        yield Scratch("sqlite", data_dir, f"sqlite:///{data_dir / 'openbob.sqlite3'}")
        return
    template = site.url.rsplit("/", 1)[1]
    name = f"{template}_{data_dir.name.replace('-', '_')}"
    with psycopg.connect(_with_database(site.url, "postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        try:
            yield Scratch("postgresql", site.data_dir, _with_database(site.url, name))
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fingerprint(site: Scratch) -> Fingerprint:
    """Every table's row count and highest integer id, read without Django."""
    with_ids = _tables_with_integer_ids(site)
    query = " UNION ALL ".join(
        f"SELECT '{table}', COUNT(*), {'MAX(id)' if table in with_ids else 'NULL'} "  # noqa: S608
        f'FROM "{table}"'
        for table in sorted(site.tables())
    )
    return {table: tuple(values) for table, *values in site.rows(query)}


def _tables_with_integer_ids(site: Scratch) -> set[str]:
    if site.vendor == "sqlite":
        return {
            table
            for table in site.tables()
            if ("id", "integer")
            in {(c[1], str(c[2]).lower()) for c in site.rows(f'PRAGMA table_info("{table}")')}
        }
    found = site.rows(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' "
        "AND column_name = 'id' AND data_type IN ('integer', 'bigint')"
    )
    return {table for (table,) in found}
