"""My Reports benchmark (issue 8): a report with three filters and a group-by over
1,000,000 households answers in under 2 s, on SQLite and on PostgreSQL.

For each database `run` starts one process (`python -m openbob.bench.reports worker N`)
on a fresh database: it migrates, builds an agency tree with agents, then seeds N
households and one health enrollment each with bulk SQL (`INSERT ... SELECT` over a
generated series, no Python row objects), and times, inside the process, the report
"consumers with active 2025 Covered California or Mixed Household cases, by Enroller
Contact, with the sum of Net Premium" as the top agency's manager (whose scope is the
whole book): `openbob.reports.query.run`, the same call the page and the API make.
Median of five runs after one warm-up; one more figure times the first page of the
same report listed without grouping.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from statistics import median
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from openbob.bench.measure import Timing, child_env, run_worker
from openbob.bench.report import Report
from openbob.bench.tree import AGENTS, SUB_AGENCIES, agency_tree

LIMIT_SECONDS = 2.0
DATABASE = "openbob_bench_rep"
REPORT: dict[str, Any] = {
    "type": "consumers",
    "columns": ["consumer_name", "application_case_number", "enroller_contact", "net_premium"],
    "filters": [
        {"field": "year_of_application", "op": "equals", "value": 2025},
        {"field": "eligibility_program", "op": "in",
         "value": ["Covered California", "Mixed Household"]},
        {"field": "health_enrollment_status", "op": "in", "value": ["Pending", "Effectuated"]},
    ],
    "group_by": "enroller_contact",
    "sums": ["net_premium"],
}  # fmt: skip


def run(work: Path, quick: bool, postgres: str | None) -> Report:
    households = 100_000 if quick else 1_000_000
    report = Report(
        title="My Reports: three filters and a group-by",
        sizes=f"{households:,} households with one health enrollment each, one agency tree "
        f"({SUB_AGENCIES} sub-agencies, {AGENTS} agents)",
        method="In-process timings of `query.run` alone (Django set up, data seeded); "
        "median of five after one warm-up.",
    )
    sites = [("SQLite", _sqlite_url(work))]
    if postgres:
        sites.append(("PostgreSQL", _fresh_postgres(postgres)))
    else:
        report.notes.append("PostgreSQL was not reachable: not measured.")
    for name, url in sites:
        figures = _worker(work, url, households)
        report.timings += [
            Timing(f"{name}: {label}", [float(s) for s in runs], [float(figures["peak_mb"])])
            for label, runs in figures["timings"].items()
        ]
        report.check(
            f"{name}: grouped report over {households:,} households",
            figures["grouped"],
            LIMIT_SECONDS,
            " s",
            strict=True,
        )
        report.notes.append(
            f"{name}: {figures['groups']} groups, {figures['rows']:,} matching rows "
            f"(seeded in {figures['seed_seconds']:.0f} s); load average "
            f"{figures['load']:.1f} on {os.cpu_count()} CPUs while timing."
        )
    return report


def _sqlite_url(work: Path) -> str:
    work.mkdir(parents=True, exist_ok=True)
    for stale in work.glob("openbob.sqlite3*"):
        stale.unlink()
    return f"sqlite:///{work / 'openbob.sqlite3'}"


def _fresh_postgres(server: str) -> str:
    import psycopg

    admin = urlunsplit(urlsplit(server)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{DATABASE}"')
    return urlunsplit(urlsplit(server)._replace(path=f"/{DATABASE}"))


def _worker(work: Path, url: str, households: int) -> dict[str, Any]:
    env = child_env(work / "data", url)
    return run_worker("openbob.bench.reports", env, "worker", str(households))


# -- inside the worker process ----------------------------------------------------------


def worker(households: int) -> dict[str, Any]:
    import resource

    import django

    django.setup()
    from django.core.management import call_command

    from openbob.reports import query
    from openbob.reports.definition import parse

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    manager = _seed(households)
    seed_seconds = time.perf_counter() - started
    grouped = parse(REPORT)
    listed = parse({**REPORT, "group_by": None, "sums": []})
    grouped_runs = _timed(lambda: query.run(manager, grouped))
    listed_runs = _timed(lambda: query.run(manager, listed))
    page = query.run(manager, grouped)
    return {
        "grouped": median(grouped_runs),
        "groups": page.total,
        "rows": page.totals[1] if page.totals else 0,
        "seed_seconds": seed_seconds,
        "load": os.getloadavg()[0],
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "timings": {
            "3 filters + group by Enroller Contact with sum of Net Premium": grouped_runs,
            "the same 3 filters listed: first page of 50 and the row count": listed_runs,
        },
    }


def _timed(action: Any) -> list[float]:
    action()
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        action()
        runs.append(time.perf_counter() - started)
    return runs


def _seed(households: int) -> Any:
    """The agency tree and agents through the services, then the book with bulk SQL."""
    from django.db import connection, transaction
    from django.utils import timezone

    from openbob.book.models import Enrollment, Household

    tree = agency_tree()
    manager, agents = tree.manager, tree.agents
    agent_of = f"(i % {AGENTS})"
    agent_ids = " ".join(f"WHEN {n} THEN {a.pk}" for n, a in enumerate(agents))
    agency_ids = " ".join(f"WHEN {n} THEN {a.agency_id}" for n, a in enumerate(agents))
    household = {
        "id": "i",
        "agent_id": f"CASE {agent_of} {agent_ids} END",
        "agency_id": f"CASE {agent_of} {agency_ids} END",
        "case_number": "'B' || i",
        "application_year": "2025 + i % 2",
        "program": "CASE i % 10 WHEN 0 THEN 'medi_cal' WHEN 1 THEN 'mixed_household' "
        "ELSE 'covered_california' END",
        "primary_name": "'Consumer ' || i",
        "household_size": "1 + i % 4",
    }
    enrollment = {
        "id": "i",
        "household_id": "i",
        "coverage": "'health'",
        "status": "CASE i % 10 WHEN 3 THEN 'pending' WHEN 4 THEN 'cancelled' "
        "WHEN 5 THEN 'terminated' ELSE 'effectuated' END",
        "plan_name": "'Silver 70 HMO'",
        "carrier": "'Blue Shield'",
        "gross_premium": "650.00",
        "net_premium": "(i % 500) + 0.25",
        "effective_date": "'2025-01-01'",
    }
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        for model, expressions in ((Household, household), (Enrollment, enrollment)):
            sql, params = _insert_series(model, expressions, households, now)
            cursor.execute(sql, params)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return manager


def _insert_series(
    model: Any, expressions: dict[str, str], count: int, now: object
) -> tuple[str, list[Any]]:
    """`INSERT INTO table SELECT ... FROM series(1..count)`: named columns from SQL
    expressions of `i`, every other required column from its Django default."""
    from django.db import connection

    columns: list[str] = []
    values: list[str] = []
    params: list[Any] = []
    for f in model._meta.concrete_fields:
        if f.generated or f.has_db_default() or (f.null and f.column not in expressions):
            continue
        columns.append(f.column)
        if f.column in expressions:
            values.append(expressions[f.column].replace("%", "%%"))  # modulo, not a placeholder
            continue
        default = now if f.column in ("created_at", "updated_at") else f.get_default()
        values.append("%s")
        params.append(json.dumps(default) if isinstance(default, dict) else default)
    if connection.vendor == "postgresql":
        series = f"WITH series(i) AS (SELECT generate_series(1, {int(count)}))"
    else:
        series = (
            "WITH RECURSIVE series(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM series "  # noqa: S608 - integers only
            f"WHERE i < {int(count)})"
        )
    table = model._meta.db_table
    # Names and expressions are this module's constants; values go in as parameters.
    names, selected = ", ".join(columns), ", ".join(values)
    sql = f"{series} INSERT INTO {table} ({names}) SELECT {selected} FROM series"  # noqa: S608
    return sql, params


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        print(json.dumps(worker(int(sys.argv[2])), default=str))
