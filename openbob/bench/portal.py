"""Portal benchmark (issue 5): Active Consumers at a million households.

`run()` seeds each database in a child process (`python -m openbob.bench.portal
seed-and-time N`), because Django binds to one database per process. The child builds
the demo agency
tree, then loads N households with bulk SQL (COPY on PostgreSQL, executemany on
SQLite; no ORM objects), runs ANALYZE, and times the Active Consumers page in-process
with Django's test client signed in as the agency manager (the widest scope): the first
page, a filtered page (one agent, one program), a sorted page (premium, high to low)
and a search (a last name). Server time = the client's request, start to response,
including middleware and template rendering; each scenario's query count is recorded.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from statistics import median, quantiles
from typing import Any

from openbob.bench.measure import Site, Timing, postgres_reachable, postgres_site, sqlite_site
from openbob.bench.report import Report

FULL = 1_000_000
QUICK = 100_000
REQUESTS = 40
MEDIAN_MS = 150
P95_MS = 300
CHUNK = 50_000
SCENARIOS = ("first page", "filtered page", "sorted page", "search")
HTMX = {"HX-Request": "true"}
"""Filters, sorting and paging ask for the results only (htmx); a first visit or a
bookmark gets the whole page with the layout. The targets hold for both."""


def run(work: Path, quick: bool, postgres: str | None) -> Report:
    households = QUICK if quick else FULL
    report = Report(
        "Portal benchmarks" + (" (quick)" if quick else ""),
        f"Active Consumers over {households:,} households, {REQUESTS} requests per scenario "
        "(after two warm-ups), as the agency manager (the widest scope).",
        method="Server time inside the process (Django's test client: middleware, view, "
        "template), seconds per request; the query count is that of one request.",
    )
    sites = [sqlite_site(work, "portal-sqlite")]
    if postgres and postgres_reachable(postgres):
        sites.append(postgres_site(postgres, work, "openbob_bench_prt"))
    else:
        report.notes.append("PostgreSQL was not reachable: not measured.")
    for site in sites:
        _measure(report, site, households)
    return report


def _measure(report: Report, site: Site, households: int) -> None:
    env = site.env()
    done = subprocess.run(
        [sys.executable, "-m", "openbob.bench.portal", "seed-and-time", str(households)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    report.notes.append(
        f"{site.name}: seeding {households:,} households took "
        f"{result['seed_seconds']:.0f} s (bulk SQL, then ANALYZE)."
    )
    for name in SCENARIOS:
        for label, key in (("whole page", f"{name}, whole page"), ("results (htmx)", name)):
            runs = result["scenarios"][key]
            report.timings.append(
                Timing(f"{site.name}: {name}, {label} ({runs['queries']} queries)", runs["seconds"])
            )
            millis = [s * 1000 for s in runs["seconds"]]
            p95 = quantiles(millis, n=20)[18]
            report.check(
                f"{site.name}: {name} ({label}) median",
                median(millis),
                MEDIAN_MS,
                " ms",
                strict=True,
            )
            report.check(f"{site.name}: {name} ({label}) p95", p95, P95_MS, " ms", strict=True)


# --- the child process ---------------------------------------------------------------


def _household_rows(total: int, agents: list[Any], first_id: int) -> Iterator[tuple[Any, ...]]:
    from decimal import Decimal

    from django.utils import timezone

    from openbob.book.seeding import CARRIERS, TIERS

    rng = random.Random(5)
    firsts = [
        "Maria",
        "Jose",
        "Linh",
        "Wei",
        "Aisha",
        "James",
        "Sofia",
        "Daniel",
        "Priya",
        "Miguel",
        "Emily",
        "Hector",
        "Grace",
        "Omar",
        "Lucia",
        "Kevin",
    ]
    lasts = [
        "Garcia",
        "Nguyen",
        "Smith",
        "Lopez",
        "Chen",
        "Patel",
        "Johnson",
        "Hernandez",
        "Kim",
        "Martinez",
        "Brown",
        "Rodriguez",
        "Tran",
        "Davis",
        "Wong",
        "Singh",
        "Gonzalez",
        "Miller",
        "Perez",
        "Wilson",
    ]
    now = timezone.now()
    for n in range(total):
        agent = agents[n % len(agents)]
        first, last = rng.choice(firsts), rng.choice(lasts) + f"{rng.randint(0, 999):03d}"
        medi_cal = rng.random() < 0.12
        tier = rng.choice(TIERS)
        premium = Decimal(rng.randint(0, 180000)) / 100
        yield (
            first_id + n,
            agent.agency_id,
            agent.pk,
            f"{rng.randint(10**9, 10**10 - 1)}",
            None,
            rng.choice((2025, 2026, 2026)),
            "medi_cal"
            if medi_cal
            else rng.choice(("covered_california",) * 8 + ("mixed_household",)),
            False,
            rng.randint(1, 5),
            "",
            f"{first} {last}",
            f"{rng.randint(200, 999)}555{n % 10000:04d}",
            f"{first}.{last}.{n}@example.com".lower(),
            "seed",
            "{}",
            now,
            now,
            "" if medi_cal else f"{CARRIERS[n % len(CARRIERS)].split()[0]} {tier.label}",
            "" if medi_cal else rng.choice(("HMO", "PPO", "EPO")),
            "" if medi_cal else tier.value,
            "" if medi_cal else CARRIERS[n % len(CARRIERS)],
            "" if medi_cal else "effectuated",
            Decimal(0) if medi_cal else premium,
            Decimal(rng.choice((0, 5, 15, 35, 50))),
            Decimal(rng.choice((5, 10, 15))),
            Decimal(rng.choice((0, 1400, 5200, 5800))),
            rng.choice((0,) * 7 + (1,)),
            f"{agent.last_name}, {agent.first_name}",
        )


COLUMNS = (
    "id",
    "agency_id",
    "agent_id",
    "case_number",
    "ffm_app_id",
    "application_year",
    "program",
    "archived",
    "household_size",
    "income_encrypted",
    "primary_name",
    "primary_phone",
    "primary_email",
    "source",
    "field_sources",
    "created_at",
    "updated_at",
    "current_plan_name",
    "current_plan_type",
    "current_metal_tier",
    "current_carrier",
    "current_status",
    "current_premium",
    "current_office_visit_copay",
    "current_generic_drug_copay",
    "current_deductible",
    "open_follow_ups",
    "agent_name",
)


def _seed(total: int) -> tuple[Any, float]:
    from django.core.management import call_command
    from django.db import connection, transaction

    from openbob.accounts.models import User
    from openbob.accounts.roles import Role
    from openbob.book.models import Household
    from openbob.book.seeding import seed
    from openbob.imports import bulk

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    seed(consumers=0, seed=5)
    agents = list(User.objects.filter(role=Role.AGENT).order_by("pk"))
    indexes = _drop_indexes()
    for start in range(0, total, CHUNK):
        with transaction.atomic():
            rows = list(_household_rows(min(CHUNK, total - start), agents, start + 1))
            fixed = [
                (*r[:15], bulk.db_datetime(r[15]), bulk.db_datetime(r[16]), *r[17:]) for r in rows
            ]
            if connection.vendor == "postgresql":
                fixed = [(*r[:14], json.dumps({}), *r[15:]) for r in fixed]
            bulk.insert_rows(Household, COLUMNS, fixed)
    with connection.cursor() as cursor:
        for statement in indexes:
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('book_household', 'id'), %s)", [total + 1]
            )
        cursor.execute("ANALYZE")
    manager = User.objects.get(email="manager@demo.openbob.test")
    return manager, time.perf_counter() - started


def _drop_indexes() -> list[str]:
    """Drop the household table's secondary indexes; returns the SQL that rebuilds them.

    Building an index once over a loaded table is far cheaper than keeping twenty of
    them up to date row by row during the load.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'book_household' "
                "AND indexname NOT LIKE '%%_pkey'"
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name = 'book_household' AND sql IS NOT NULL"
            )
        found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in found]


def _time(client: Any, params: dict[str, str], headers: dict[str, str]) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seconds = []
    queries = 0
    for index in range(REQUESTS + 2):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get("/consumers/", params, headers=headers)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        assert b"No consumers match" not in response.content, params
        if index >= 2:
            seconds.append(elapsed)
            queries = len(captured)
    return {"seconds": seconds, "queries": queries}


def seed_and_time(total: str) -> None:
    import django

    django.setup()
    from django.test import Client

    from openbob.accounts.models import User
    from openbob.accounts.roles import Role
    from openbob.testing import sign_in

    manager, seeded = _seed(int(total))
    agent = User.objects.filter(role=Role.AGENT).order_by("pk").first()
    assert agent is not None
    client = sign_in(Client(HTTP_HOST="127.0.0.1"), manager)
    scenarios = {
        "first page": {},
        "filtered page": {"agent": str(agent.pk), "program": "covered_california"},
        "sorted page": {"sort": "-premium"},
        "search": {"q": "nguyen"},
    }
    timed = {name: _time(client, params, HTMX) for name, params in scenarios.items()}
    timed |= {
        f"{name}, whole page": _time(client, params, {}) for name, params in scenarios.items()
    }
    print(json.dumps({"seed_seconds": seeded, "scenarios": timed}))


if __name__ == "__main__":
    seed_and_time(*sys.argv[2:])
