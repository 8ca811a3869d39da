"""Keeping each household's Active Consumers row (the `current_*` columns) in step.

The list shows, sorts and filters by the household's *current* health enrollment: an
effectuated or pending one before a cancelled or terminated one, then the latest
effective date (one without a date last), then the newest row. Writers that change
enrollments, follow-ups or a household's agent call `refresh` with the households they
touched, in their own transaction; it reads a chunk of households at a time (three
queries) and rewrites only the rows that differ, so an import of a whole book pays a
few statements per chunk and no write for a household whose row is already right.

The import writer, which updates the households it changes anyway, asks `columns` for
their rows instead and sets them in that same update: on PostgreSQL every update is a
new row version with an entry in each of the table's indexes, so one update is half the
cost of two.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Q

from openbob.accounts.models import User
from openbob.book.choices import Coverage, EnrollmentStatus
from openbob.book.models import Enrollment, FollowUp, Household

CHUNK = 2_000
ACTIVE_STATUSES = frozenset({EnrollmentStatus.EFFECTUATED, EnrollmentStatus.PENDING})

_TEXT = {
    "current_plan_name": "plan_name",
    "current_plan_type": "plan_type",
    "current_metal_tier": "metal_tier",
    "current_carrier": "carrier",
    "current_status": "status",
}
_MONEY = {
    "current_premium": "net_premium",
    "current_office_visit_copay": "office_visit_copay",
    "current_generic_drug_copay": "generic_drug_copay",
    "current_deductible": "deductible",
}
_READ = ("household_id", "pk", "effective_date", *_TEXT.values(), *_MONEY.values())
_STATUS = _READ.index("status")
COLUMNS = (*_TEXT, *_MONEY, "current_effective_date", "open_follow_ups", "agent_name")
"""The household columns the list reads, kept here."""
_NO_MONEY = Decimal("0")


def refresh(household_ids: Iterable[int]) -> int:
    """Recompute the list row of these households; returns how many were updated.

    The rows are read once per chunk (enrollments, open follow-ups, agents) and picked
    here, then the households whose row differs are written with one `executemany`:
    ten correlated subqueries per household cost an import of a whole book several
    seconds, and on PostgreSQL every row rewritten, even with equal values, is a new
    row version with an entry in each of the table's indexes.
    """
    ids = sorted(set(household_ids))
    updated = 0
    sql = (
        f"UPDATE {connection.ops.quote_name(Household._meta.db_table)} SET "  # noqa: S608
        + ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in COLUMNS)
        + " WHERE id = %s"
    )
    for start in range(0, len(ids), CHUNK):
        rows = _changed(_list_rows(ids[start : start + CHUNK]))
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        updated += len(rows)
    return updated


def _changed(rows: list[tuple[tuple[Any, ...], tuple[Any, ...]]]) -> list[tuple[Any, ...]]:
    """The new rows (list columns, then the id) of the households whose row differs."""
    return [new for new, held in rows if new[:-1] != held]


def _list_rows(ids: Sequence[int]) -> list[tuple[tuple[Any, ...], tuple[Any, ...]]]:
    """For each of the households `ids` that exists: its list columns as they should be,
    followed by its id, and as it holds them."""
    households = [
        (pk, agent_id, tuple(held))
        for pk, agent_id, *held in Household.objects.filter(pk__in=ids).values_list(
            "pk", "agent_id", *COLUMNS
        )
    ]
    wanted = columns({pk: agent_id for pk, agent_id, _ in households})
    return [((*wanted[pk].values(), pk), held) for pk, _, held in households]


def columns(agents: Mapping[int, int | None]) -> dict[int, dict[str, Any]]:
    """The list columns (`COLUMNS`, in order) of the households `agents` maps to the id
    of their agent, from their enrollments and open follow-ups as stored now."""
    ids = list(agents)
    current = _current_enrollments(ids)
    open_items = dict(
        FollowUp.objects.filter(household_id__in=ids, resolved_at__isnull=True)
        .values_list("household_id")
        .annotate(n=Count("pk"))
        .values_list("household_id", "n")
    )
    wanted = {agent_id for agent_id in agents.values() if agent_id is not None}
    users = User.objects.only("first_name", "last_name").in_bulk(wanted)
    names = {pk: agent_sort_name(user) for pk, user in users.items()}
    return {
        pk: dict(
            zip(
                COLUMNS,
                (
                    *_enrollment_columns(current.get(pk)),
                    open_items.get(pk, 0),
                    names.get(agent_id, "") if agent_id is not None else "",
                ),
                strict=True,
            )
        )
        for pk, agent_id in agents.items()
    }


def _current_enrollments(ids: Sequence[int]) -> dict[int, tuple[Any, ...]]:
    """Each household's current health enrollment (see the module docstring), as `_READ`."""
    best: dict[int, tuple[Any, ...]] = {}
    ranks: dict[int, tuple[bool, bool, int, int]] = {}
    health = Enrollment.objects.filter(household_id__in=ids, coverage=Coverage.HEALTH)
    for row in health.values_list(*_READ):
        household_id, pk, effective = row[0], row[1], row[2]
        rank = (row[_STATUS] not in ACTIVE_STATUSES, effective is None, -_day(effective), -pk)
        if household_id not in ranks or rank < ranks[household_id]:
            ranks[household_id], best[household_id] = rank, row
    return best


def _day(value: date | None) -> int:
    return value.toordinal() if value is not None else 0


def _enrollment_columns(row: tuple[Any, ...] | None) -> tuple[Any, ...]:
    """The `current_*` values of an enrollment row (`_READ`): empty text and zero money
    when there is none, or where it has no value."""
    if row is None:
        return (*[""] * len(_TEXT), *[_NO_MONEY] * len(_MONEY), None)
    texts = row[3 : 3 + len(_TEXT)]
    money = row[3 + len(_TEXT) :]
    return (
        *(value if value is not None else "" for value in texts),
        *(value if value is not None else _NO_MONEY for value in money),
        row[2],
    )


def refresh_all() -> int:
    """Recompute every household's list row (after a bulk load, or to repair)."""
    return refresh(Household.objects.values_list("pk", flat=True).iterator())


def agent_sort_name(agent: User | None) -> str:
    """The `agent_name` sort key of a household delegated to `agent`."""
    return f"{agent.last_name}, {agent.first_name}" if agent is not None else ""


def at_risk() -> Q:
    """Households whose agent of record or EDE permission is at risk."""
    return Q(aor_at_risk_at__isnull=False) | Q(ede_permission_lost_at__isnull=False)
