"""What the pipeline tests share: a database fingerprint, generated weeks, small files.

The fingerprint is what "nothing was written" means in these tests: every table's row
count, highest id and latest `updated_at`, read straight from the database.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from openbob.accounts.models import User
from openbob.accounts.roles import Role
from openbob.agencies.models import Agency
from openbob.agencies.services import create_agency
from openbob.imports.models import ChangeEvent
from openbob.imports.ordering import import_order
from openbob.imports.pipeline import ImportResult, import_file
from openbob.sources import ground_truth
from openbob.sources.generate import GenerationSummary, WeekOutput, generate, snapshot_time
from openbob.sources.healthsherpa_policies import POLICY_FIELDS

Fingerprint = dict[str, tuple[Any, ...]]
EventRow = tuple[str, str, str, str | None, str | None]
POLICY_HEADERS = [spec.header for spec in POLICY_FIELDS]


def db_fingerprint() -> Fingerprint:
    """Per table: row count, highest integer id and latest update ("nothing changed")."""
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql(connection.settings_dict["NAME"]))
        return {table: tuple(values) for table, *values in cursor.fetchall()}


@cache
def _fingerprint_sql(database: str) -> str:
    """One query over every table (the schema does not change during a test run)."""
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        parts = [_maxima(cursor, table) for table in tables]
    return " UNION ALL ".join(
        f"SELECT '{table}', COUNT(*), {', '.join(maxima)} "  # noqa: S608
        f"FROM {connection.ops.quote_name(table)}"
        for table, maxima in zip(tables, parts, strict=True)
    )


def _maxima(cursor: Any, table: str) -> list[str]:
    """MAX(id) and MAX(updated_at) as text, or NULL where the table lacks the column."""
    introspection = connection.introspection
    types = {
        column.name: introspection.get_field_type(column.type_code, column)
        for column in introspection.get_table_description(cursor, table)
    }
    wanted = {"id": ("AutoField", "BigAutoField", "IntegerField", "BigIntegerField"),
              "updated_at": ("DateTimeField",)}  # fmt: skip
    return [
        f"CAST(MAX({name}) AS TEXT)" if types.get(name) in kinds else "NULL"
        for name, kinds in wanted.items()
    ]


def top_agency_name(summary: GenerationSummary) -> str:
    """The roster's agency without a parent: the agency the files belong to."""
    roster = summary.weeks[0].folder.glob("agent_roster_*.csv")
    with next(roster).open(encoding="utf-8", newline="") as handle:
        return next(r["Agency name"] for r in csv.DictReader(handle) if not r["Parent agency name"])


def agency_with_manager(name: str) -> tuple[Agency, User]:
    agency = create_agency(name=name)
    manager = User.objects.create_user(
        "manager@top.test", None, first_name="Mona", last_name="Manager", agency=agency,
        role=Role.AGENCY_MANAGER,
    )  # fmt: skip
    return agency, manager


def import_week(week: WeekOutput, agency: Agency, actor: User) -> list[ImportResult]:
    """Every file of a generated week, in import order, as of its Friday 21:00 Pacific."""
    files = [p for p in week.folder.iterdir() if p.name != week.ground_truth.name]
    return [
        import_file(actor=actor, agency=agency, path=path, as_of=snapshot_time(week.week))
        for path in import_order(files)
    ]


def detected(week: date) -> list[EventRow]:
    rows = ChangeEvent.objects.filter(week=week).values_list("type", "source", "key", "old", "new")
    return sorted(rows, key=_order)


def expected(week: WeekOutput) -> list[EventRow]:
    truth = ground_truth.load(week.ground_truth)
    return sorted(((e.type, e.source, e.key, e.old, e.new) for e in truth), key=_order)


def _order(row: EventRow) -> tuple[str, ...]:
    return tuple(value or "" for value in row)


def write_enrollments(path: Path, rows: Iterable[Mapping[str, object]]) -> Path:
    """A HealthSherpa agency Enrollments export holding `rows` (other columns blank)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, POLICY_HEADERS, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def policy(number: int, **values: object) -> dict[str, object]:
    """A valid Enrollments row for application `number`; `values` override columns."""
    row: dict[str, object] = {
        "healthsherpa_id": 5_000_000 + number,
        "first_name": f"Pat{number}",
        "last_name": "Rivera",
        "dob": f"1980-01-{number % 28 + 1:02d}",
        "ssn": f"900-00-{number:04d}",
        "phone": "(916) 555-0100",
        "email": f"pat{number}@example.com",
        "plan_name": "Silver 70 HMO",
        "gross_premium": "500.00",
        "subsidy": "300.00",
        "net_premium": "200.00",
        "household_size": 1,
        "policy_status": "Effectuated",
        "ffm_app_id": f"{1_700_000_000 + number}",
        "policy_aor": "Carol Tester (NPN: 5550001)",
        "agent": "Carol Tester",
        "agency_name": "Agency A",
        "agent_email": "carol@a.test",
        "agent_npn": "5550001",
    }
    row.update(values)
    return row


@pytest.fixture(scope="session")
def small_generation(tmp_path_factory: pytest.TempPathFactory) -> GenerationSummary:
    """Five weeks of a small agency (500 consumers) whose churn has every event type."""
    return generate(
        tmp_path_factory.mktemp("weeks"), agencies=3, agents=7, consumers=500, weeks=5, seed=7
    )
