"""Keeping each household's Active Consumers row (the `current_*` columns) in step.

The list shows, sorts and filters by the household's *current* health enrollment: an
effectuated or pending one before a cancelled or terminated one, then the latest
effective date, then the newest row. Writers that change enrollments, follow-ups or a
household's agent call `refresh` with the households they touched, in their own
transaction; it is plain SQL (one UPDATE per chunk of ids), so an import of a whole
book pays a few statements, not one per household.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat

from openbob.accounts.models import User
from openbob.book.choices import Coverage, EnrollmentStatus
from openbob.book.models import Enrollment, FollowUp, Household

CHUNK = 2_000
ACTIVE_STATUSES = (EnrollmentStatus.EFFECTUATED, EnrollmentStatus.PENDING)

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


def current_enrollments() -> Any:
    """The household's enrollments, current first (correlated on the outer household)."""
    return (
        Enrollment.objects.filter(household=OuterRef("pk"), coverage=Coverage.HEALTH)
        .annotate(
            inactive=Case(
                When(status__in=ACTIVE_STATUSES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("inactive", "-effective_date", "-pk")
    )


def _assignments() -> dict[str, Any]:
    current = current_enrollments()
    money = DecimalField(max_digits=10, decimal_places=2)
    values: dict[str, Any] = {
        column: Coalesce(Subquery(current.values(field)[:1]), Value(""))
        for column, field in _TEXT.items()
    }
    values |= {
        column: Coalesce(
            Subquery(current.values(field)[:1]), Value(Decimal("0")), output_field=money
        )
        for column, field in _MONEY.items()
    }
    values["current_effective_date"] = Subquery(current.values("effective_date")[:1])
    open_items = (
        FollowUp.objects.filter(household=OuterRef("pk"), resolved_at__isnull=True)
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    values["open_follow_ups"] = Coalesce(Subquery(open_items), Value(0))
    agent = User.objects.filter(pk=OuterRef("agent_id")).annotate(
        sort_name=Concat("last_name", Value(", "), "first_name")
    )
    values["agent_name"] = Coalesce(Subquery(agent.values("sort_name")[:1]), Value(""))
    return values


def refresh(household_ids: Iterable[int]) -> int:
    """Recompute the list row of these households; returns how many were updated."""
    ids = sorted(set(household_ids))
    updated = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        updated += Household.objects.filter(pk__in=chunk).update(**_assignments())
    return updated


def refresh_all() -> int:
    """Recompute every household's list row (after a bulk load, or to repair)."""
    return refresh(Household.objects.values_list("pk", flat=True).iterator())


def agent_sort_name(agent: User | None) -> str:
    """The `agent_name` sort key of a household delegated to `agent`."""
    return f"{agent.last_name}, {agent.first_name}" if agent is not None else ""


def at_risk() -> Q:
    """Households whose agent of record or EDE permission is at risk."""
    return Q(aor_at_risk_at__isnull=False) | Q(ede_permission_lost_at__isnull=False)
