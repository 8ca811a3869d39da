"""Alerts benchmark: one morning's summaries for 1,000 enrollers over 1,000,000 households.

Target (issue 7): the day's Daily Summaries and Daily Manager Summaries are produced
(every topic's condition found, the frequency rules applied, every summary and line
stored, "once" alerts remembered) in under 60 s.

Method. The database is seeded once per size with bulk SQL (a recursive CTE, one
`INSERT ... SELECT` per table) and kept in `work`: an agency with nine sub-agencies,
a manager for each, the enrollers spread over them, and a book in which about 5% of
enrollments are pending with an unpaid binder, 1% of households have an action
requested, 1% a DMI due soon, 0.5% an expired SVI, 2% a member aged 65 or more, 10%
a notice pending, about 40% a consent that runs out before next plan year, and a few
thousand change events and AOR flags from the last days. Two mornings are timed: an
ordinary one, and 1 August, when every running-out consent is alerted (the heaviest).
Each run is a fresh process that times `openbob.alerts.runs.produce` inside the
process (a server-time target: interpreter start and Django set-up excluded), rolled
back afterwards so the next run does the same work. Emails are not part of the target
(SMTP is the mail server's time), so the run stores the summaries only.
"""

# ruff: noqa: S608 - the seed SQL is built from integers and constants of this module only
from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openbob.bench.measure import Timing, run_task
from openbob.bench.report import Report
from openbob.bench.seed_sql import ENROLLMENT_COLUMNS, MEMBER_COLUMNS

REPEATS = 3
LIMIT_SECONDS = 60.0
SUB_AGENCIES = 9
DAY = "2026-03-02"
CONSENT_DAY = "2026-08-01"


def run(work: Path, quick: bool, postgres: str | None) -> Report:
    """Seed once, then time a morning's production REPEATS times, each in its own process."""
    enrollers, households = (100, 100_000) if quick else (1_000, 1_000_000)
    data_dir = work / f"sqlite-v2-{households}"
    report = Report(
        title="Alerts: daily summaries",
        sizes=f"{enrollers:,} enrollers, {households:,} households, SQLite",
        method=(
            "Each figure is one process per run (median of the runs, with the range): "
            "`runs.produce` timed inside the process, rolled back after each run; peak "
            "is the process's maximum resident memory."
        ),
    )
    if not (data_dir / "seeded").exists():
        _task(data_dir, "seed", str(enrollers), str(households))
    for day, label in ((DAY, "Ordinary morning"), (CONSENT_DAY, "1 August")):
        timing = Timing(f"Produce one day's summaries: {label} ({day})", [], [])
        outcome: dict[str, Any] = {}
        for _ in range(REPEATS):
            outcome = _task(data_dir, "produce", day)
            timing.seconds.append(float(outcome["seconds"]))
            timing.peak_mb.append(float(outcome["peak_mb"]))
        report.timings.append(timing)
        report.check(
            f"daily summaries produced: {label}", timing.median, LIMIT_SECONDS, " s", strict=True
        )
        report.notes.append(
            f"{label}: one run stores {outcome['summaries']:,} summaries holding "
            f"{outcome['items']:,} lines."
        )
    if postgres:
        report.notes.append("PostgreSQL: not measured by this suite yet.")
    return report


def _task(data_dir: Path, *args: str) -> dict[str, Any]:
    return run_task("openbob.bench.alerts", data_dir, *args)


# -- inside the measured process ---------------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def task_seed(enrollers: str, households: str) -> dict[str, object]:
    """Migrate, create the agency tree and its people with the ORM, then bulk-SQL the book."""
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    from openbob.accounts.models import User
    from openbob.accounts.roles import Role
    from openbob.agencies.services import create_agency

    root = create_agency(name="Bench Agency")
    subs = [create_agency(name=f"Bench Sub {n}", parent=root) for n in range(SUB_AGENCIES)]
    managers = [
        User(email=f"manager{n}@bench.test", agency=agency, role=Role.AGENCY_MANAGER)
        for n, agency in enumerate([root, *subs])
    ]
    agents = [
        User(email=f"agent{n}@bench.test", agency=subs[n % SUB_AGENCIES], role=Role.AGENT)
        for n in range(int(enrollers) - len(managers))
    ]
    for user in (*managers, *agents):
        user.first_name, user.last_name = "Bench", user.email.split("@")[0]
        user.set_unusable_password()
    User.objects.bulk_create([*managers, *agents])
    first = User.objects.get(email="agent0@bench.test").pk
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in _seed_sql(int(households), len(agents), first, subs[0].pk):
            cursor.execute(statement)
    Path(os.environ["OPENBOB_DATA_DIR"], "seeded").touch()
    return {"seconds": time.perf_counter() - started, "peak_mb": _peak_mb()}


def _seed_sql(households: int, agents: int, first_agent: int, first_sub: int) -> list[str]:
    """SQLite: one INSERT ... SELECT per table over a recursive counter.

    Household i belongs to agent (i mod agents), whose sub-agency is (agent mod 9), as
    the users were created in that order.
    """
    counter = (
        f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {households})"
    )
    day = f"'{DAY}'"
    created = f"datetime({day}, '-' || (i % 7) || ' days', '+15 hours')"
    common = "'calheers', NULL, NULL, '{}'"
    agent = f"({first_agent} + i % {agents})"
    agency = f"({first_sub} + (i % {agents}) % {SUB_AGENCIES})"
    recent = f"datetime({day}, '-' || (i % 5) || ' days')"
    return [
        counter
        + f""" INSERT INTO book_household (id, source, source_import_id, source_as_of,
        field_sources, created_at, updated_at, case_number, ffm_app_id, application_year,
        program, archived, household_size, income_encrypted, primary_name, primary_phone,
        primary_email, agency_id, agent_id, aor_at_risk_at, ede_permission_lost_at, lost_at,
        consent_valid_through, notices_pending)
        SELECT i, {common}, {created}, {created}, printf('C%08d', i), NULL, 2026,
        'covered_california', 0, 2, '', printf('Name%d Surname%d', i % 5003, i % 7919),
        printf('%010d', 9160000000 + i), printf('h%d@example.test', i), {agency}, {agent},
        CASE WHEN i % 331 = 0 THEN {recent} END, CASE WHEN i % 499 = 0 THEN {recent} END,
        NULL, date({day}, '+' || (30 + i % 670) || ' days'), CASE WHEN i % 10 = 0 THEN 1 END
        FROM n""",
        counter
        + f""" INSERT INTO book_member ({MEMBER_COLUMNS})
        SELECT {common}, {created}, {created}, 1, 'Name', '', 'Surname', '',
        CASE WHEN i % 50 = 0 THEN 1958 ELSE 1970 + i % 30 END, '', '0000', '', '', 'Self',
        1, '', '', 0, '', '', '', '', '', '', 'CA', '', '', '', '', '', '', '', 0, i
        FROM n""",
        counter
        + f""" INSERT INTO book_enrollment ({ENROLLMENT_COLUMNS})
        SELECT {common}, {created}, {created}, 'health', printf('P%09d', i), 'Blue Shield',
        'Silver 70 HMO', '', 'silver', 'HMO', 500, 300, 200, '2026-01-01', NULL,
        CASE WHEN i % 20 = 0 THEN 'pending' ELSE 'effectuated' END, NULL,
        CASE WHEN i % 20 = 0 THEN 'pending' ELSE 'paid' END, 1, i, '', '' FROM n""",
        counter
        + f""" INSERT INTO book_followup (kind, issue_type, status, due_date, source,
        opened_at, resolved_at, household_id)
        SELECT CASE i % 3 WHEN 0 THEN 'action' WHEN 1 THEN 'dmi' ELSE 'svi' END, '', 'Open',
        CASE i % 3 WHEN 0 THEN NULL WHEN 1 THEN date({day}, '+10 days')
        ELSE date({day}, '-3 days') END, 'healthsherpa', {created}, NULL, i
        FROM n WHERE i % 100 < 3""",
        f"""INSERT INTO imports_importrun (agency_id, actor_id, file_name, stored_path, sha256,
        size, format, scope, as_of, week, status, allow_partial, rows, rejected_rows, counts,
        message, errors_path, rejected_path, profile_id, created_at, finished_at)
        VALUES ({first_sub}, NULL, 'bench.xlsx', '', 'bench', 0, '', '', {day}, {day},
        'succeeded', 0, 0, 0, '{{}}', '', '', '', NULL, {day}, {day})""",
        counter
        + f""" INSERT INTO imports_changeevent (agency_id, agent_id, household_id, run_id,
        source, type, key, old, new, week, as_of)
        SELECT {agency}, {agent}, i, (SELECT MAX(id) FROM imports_importrun), 'calheers',
        CASE i % 3 WHEN 0 THEN 'status_changed' WHEN 1 THEN 'household_lost'
        ELSE 'aor_changed' END, printf('C%08d', i), NULL,
        CASE i % 3 WHEN 0 THEN 'Cancelled' END, date({day}, '-3 days'), {recent}
        FROM n WHERE i % 200 = 0""",
    ]


def task_produce(day: str) -> dict[str, object]:
    """Time the production of `day`'s summaries, then roll it back."""
    from datetime import date

    from django.db import transaction

    from openbob.alerts import runs

    with transaction.atomic():
        started = time.perf_counter()
        totals = runs.produce(date.fromisoformat(day))
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    assert totals is not None
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "summaries": totals.summaries,
        "items": totals.items,
    }


def main(argv: list[str]) -> None:
    import django

    django.setup()
    task, *args = argv
    tasks: dict[str, Callable[..., dict[str, object]]] = {
        "seed": task_seed,
        "produce": task_produce,
    }
    print(json.dumps(tasks[task](*args)))


if __name__ == "__main__":
    main(sys.argv[1:])
