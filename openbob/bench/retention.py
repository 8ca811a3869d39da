"""Retention benchmark (issue 6): create and score cases for a million households, and
answer the dashboard at that size.

`run` starts one process (`python -m openbob.bench.retention worker N DIR`) on a fresh
SQLite database: it seeds N renewing households with bulk SQL (members, enrollments and
a sparse spread of risk facts: follow-ups, change events, pending binders, missing
contact details), then times, inside the process, the first sync (create and score
every case, rebuild the dashboard tallies), a second sync of the next day (rescore,
nothing changed), and the dashboard and case-list pages as the agency manager through
Django's test client (median of five requests after one warm-up).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from statistics import median
from typing import Any

from openbob.bench.measure import Timing, child_env, run_worker
from openbob.bench.report import Report
from openbob.bench.tree import AGENTS, SUB_AGENCIES, agency_tree

IN_SEASON = date(2026, 10, 5)
BATCH = 20_000


def run(work: Path, quick: bool, postgres: str | None) -> Report:
    households = 100_000 if quick else 1_000_000
    work.mkdir(parents=True, exist_ok=True)
    for stale in work.glob("openbob.sqlite3*"):
        stale.unlink()
    env = child_env(work / "data", f"sqlite:///{work / 'openbob.sqlite3'}")
    figures = run_worker("openbob.bench.retention", env, "worker", str(households))
    report = Report(
        title="Retention Workspace: cases and dashboard",
        sizes=f"{households:,} renewing households in one agency tree "
        f"({SUB_AGENCIES} sub-agencies, {AGENTS} agents), SQLite",
        method="In-process timings of the operation alone (Django set up, data seeded).",
    )
    report.timings += [
        Timing(label, [float(seconds)], [float(figures["peak_mb"])])
        for label, seconds in figures["timings"].items()
    ]
    report.check(f"create and score cases for {households:,} households", figures["sync"], 60, " s")
    report.check(
        f"dashboard at {households:,} cases (manager)", figures["dashboard_ms"], 300, " ms"
    )
    report.notes += figures["notes"]
    return report


def worker(households: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    manager = _seed(households)
    started = time.perf_counter()
    from openbob.retention.sync import sync

    first = sync(today=IN_SEASON)
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    second = sync(today=date(2026, 10, 6))
    second_seconds = time.perf_counter() - started
    dashboard = _dashboard_ms(manager)
    page = _page_ms(manager, "/retention/dashboard/")
    listing = _page_ms(manager, "/retention/")
    first_page = _first_page_ms(manager)
    api_page = _api_page_ms(manager)
    case_write, refresh = _case_write_ms(manager)
    import resource

    return {
        "sync": first_seconds,
        "dashboard_ms": dashboard,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "timings": {
            f"first sync: {first.created:,} cases created and scored": first_seconds,
            f"next-day sync: {second.rescored:,} rescored": second_seconds,
            "dashboard figures and template, manager (s, median of 5)": dashboard / 1000,
            "whole dashboard page with the shared navigation (s, median of 5)": page / 1000,
            "case list page, manager (s, median of 5)": listing / 1000,
            "case list's own queries, first open page, manager (s, median of 5)": first_page / 1000,
            "API case list, first page of 50, manager (s, median of 5)": api_page / 1000,
            "case write: an interaction logged, tallies included (s, median of 5)": case_write
            / 1000,
            "dashboard Refresh: the whole tree's tallies rebuilt (s, median of 5)": refresh / 1000,
        },
        "notes": [
            f"{first.created:,} cases created by the first sync; the next day's sync "
            f"rewrote {second.rescored:,} (only changed cases are written).",
            "The dashboard sums tallies per agency and assignee, rebuilt by each sync and "
            "Refresh, and for its assignees by each case write, so its time does not grow "
            "with the number of cases. The target is the "
            "dashboard's own work (figures and template); the whole page also runs the "
            "shared navigation's context processors, timed separately.",
            "The case list reads at most a page plus one row per agency and status from "
            "the list-order index and continues from a cursor; the whole list page also "
            "runs the shared navigation's context processors.",
        ],
    }


def _median_ms(call: Callable[[], object], runs: int = 5) -> float:
    """`call`'s time in milliseconds: the median of `runs` after one warm-up."""
    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return median(times[1:])


def _dashboard_ms(user: Any) -> float:
    """The dashboard's own server time: its figures and its template, median of five."""
    from django.template.loader import render_to_string

    from openbob.retention.dashboard import build

    return _median_ms(
        lambda: render_to_string("retention/dashboard.html", {"d": build(user, today=IN_SEASON)})
    )


def _first_page_ms(user: Any) -> float:
    """The case list's own work: the first page of open cases across the manager's tree."""
    from openbob.retention import listing
    from openbob.retention.access import cases_visible_to
    from openbob.retention.choices import OPEN_STATUSES

    def first_page() -> None:
        parts = listing.branches(user, list(OPEN_STATUSES))
        rows, _ = listing.page(cases_visible_to(user).select_related("assignee"), parts, None, 50)
        assert len(rows) == 50

    return _median_ms(first_page)


def _api_page_ms(manager: Any) -> float:
    """`GET /api/retention/cases` as the manager, through a real bearer token."""
    from django.test import Client

    from openbob.api.tokens import issue_token

    token = issue_token(user=manager, name="bench", actor=manager).plaintext
    client = Client(HTTP_HOST="localhost", headers={"Authorization": f"Bearer {token}"})
    return _median_ms(lambda: _get_ok(client, "/api/retention/cases?limit=50"))


def _case_write_ms(manager: Any) -> tuple[float, float]:
    """A case write (an interaction logged on an agent's case by the manager, its tallies
    rebuilt; five cases, median) and the Refresh of the manager's whole tree."""
    from openbob.book.scoping import visible_agency_ids
    from openbob.retention import casework, tallies
    from openbob.retention.choices import Channel, Outcome
    from openbob.retention.models import RetentionCase

    cases = iter(RetentionCase.objects.filter(status="open", assignee__isnull=False)[:6])
    write = _median_ms(
        lambda: casework.log_interaction(
            actor=manager, case=next(cases), channel=Channel.PHONE, outcome=Outcome.REACHED
        )
    )
    agencies = visible_agency_ids(manager)
    return write, _median_ms(lambda: tallies.refresh(agencies))


def _page_ms(user: Any, url: str) -> float:
    from django.test import Client

    from openbob.testing import sign_in

    client = sign_in(Client(HTTP_HOST="localhost"), user)
    return _median_ms(lambda: _get_ok(client, url))


def _get_ok(client: Any, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.status_code


def _seed(households: int) -> Any:
    """An agency tree, agents, and `households` renewing households with sparse risks."""
    from django.db import transaction
    from django.utils import timezone

    from openbob.book.models import Enrollment, FollowUp, Household, Member
    from openbob.imports import bulk
    from openbob.imports.models import ChangeEvent, ImportRun

    tree = agency_tree()
    top, manager, agents = tree.top, tree.manager, tree.agents
    now = timezone.now()
    stamp = bulk.db_datetime(now)
    run = ImportRun.objects.create(
        agency=top, file_name="bench", sha256="0" * 64, status="succeeded"
    )
    start = bulk.allocate_ids(Household, 1)[0]
    with transaction.atomic():
        for first in range(0, households, BATCH):
            ids = range(start + first, start + min(first + BATCH, households))
            _insert(Household, [_household(pk, agents, stamp) for pk in ids])
            _insert(Member, [_member(pk, stamp) for pk in ids])
            _insert(Enrollment, [_enrollment(pk, stamp) for pk in ids])
            _insert(FollowUp, [_follow_up(pk, stamp) for pk in ids if pk % 20 == 0])
            events = [_event(pk, agents, run.pk, top.pk, stamp) for pk in ids if pk % 10 == 3]
            _insert(ChangeEvent, events)
    return manager


def _insert(model: Any, rows: list[dict[str, Any]]) -> None:
    """Rows as dicts; columns the dicts leave out get the field's default."""
    from openbob.imports import bulk

    if not rows:
        return
    fields = [
        f for f in model._meta.concrete_fields
        if (not f.generated and not f.has_db_default() and f.column != "id") or f.column in rows[0]
    ]  # fmt: skip
    columns = [f.column for f in fields]
    defaults = {f.column: f.get_default() for f in fields}
    for column, value in defaults.items():
        if isinstance(value, dict):
            defaults[column] = json.dumps(value)
    bulk.insert_rows(model, columns, [tuple(r.get(c, defaults[c]) for c in columns) for r in rows])


def _household(pk: int, agents: list[Any], stamp: object) -> dict[str, Any]:
    agent = agents[pk % len(agents)]
    silent = pk % 50 == 7
    return {
        "id": pk, "agency_id": agent.agency_id, "agent_id": agent.pk,
        "case_number": f"B{pk:09d}", "application_year": 2026,
        "program": "covered_california", "primary_name": f"Consumer {pk}",
        "primary_phone": "" if silent else "9165550100",
        "primary_email": "" if silent else f"c{pk}@example.com",
        "source": "seed", "created_at": stamp, "updated_at": stamp,
        "aor_at_risk_at": stamp if pk % 33 == 0 else None,
    }  # fmt: skip


def _member(pk: int, stamp: object) -> dict[str, Any]:
    return {
        "id": pk, "household_id": pk, "is_primary": True, "first_name": "Consumer",
        "last_name": str(pk), "birth_year": 1961 + pk % 40, "applying": True,
        "spoken_language": "Spanish" if pk % 4 == 0 else "English",
        "source": "seed", "created_at": stamp, "updated_at": stamp,
    }  # fmt: skip


def _enrollment(pk: int, stamp: object) -> dict[str, Any]:
    return {
        "id": pk, "household_id": pk, "coverage": "health", "status": "effectuated",
        "effective_date": date(2026, 1, 1), "end_date": date(2026, 12, 31),
        "binder_status": "pending" if pk % 10 == 5 else "paid",
        "gross_premium": "650.00", "aptc": "400.00", "net_premium": "250.00",
        "source": "seed", "created_at": stamp, "updated_at": stamp,
    }  # fmt: skip


def _follow_up(pk: int, stamp: object) -> dict[str, Any]:
    due = date(2026, 9, 1) if pk % 40 == 0 else date(2026, 12, 1)
    return {"household_id": pk, "kind": "dmi", "issue_type": "Income", "due_date": due,
            "opened_at": stamp, "source": "seed"}  # fmt: skip


def _event(
    pk: int, agents: list[Any], run_id: int, agency_id: int, stamp: object
) -> dict[str, Any]:
    agent = agents[pk % len(agents)]
    kind, old, new = (
        ("aptc_changed", "400.00", "350.00") if pk % 20 == 3 else ("aor_changed", "1", "2")
    )
    return {
        "agency_id": agent.agency_id, "agent_id": agent.pk, "household_id": pk,
        "run_id": run_id, "source": "calheers", "type": kind, "key": f"B{pk:09d}",
        "old": old, "new": new, "week": date(2026, 9, 4),
        "as_of": datetime(2026, 9, 4, 21).isoformat(sep=" "),
    }  # fmt: skip


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        print(json.dumps(worker(int(sys.argv[2]))))
