"""Dashboard tallies: case counts rebuilt per agency so the dashboard never scans cases.

`refresh(agency_ids)` replaces the tallies of those agencies (all agencies when None)
with fresh counts in the caller's transaction. The sync refreshes everything, each case
write refreshes its agency, and the dashboard's Refresh action refreshes the user's
scope.

One GROUP BY pass over the cases feeds both tables: grouping also by `reasons` (a few
dozen distinct combinations) lets Python count each reason from the groups instead of
the database testing every case once per rule.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from datetime import date, datetime
from typing import NamedTuple

from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from openbob.retention.choices import CaseStatus
from openbob.retention.models import CaseTally, ReasonTally, RetentionCase

GROUPING = ("agency_id", "assignee_id", "status", "risk", "resolution", "opened_on")


class _Group(NamedTuple):
    agency_id: int
    assignee_id: int | None
    status: str
    risk: int
    resolution: str
    opened_on: date


def refresh(agency_ids: Collection[int] | None = None) -> None:
    """Rebuild the case and reason tallies of `agency_ids` (every agency when None)."""
    cases = RetentionCase.objects.all()
    old_cases, old_reasons = CaseTally.objects.all(), ReasonTally.objects.all()
    if agency_ids is not None:
        cases = cases.filter(agency_id__in=agency_ids)
        old_cases = old_cases.filter(agency_id__in=agency_ids)
        old_reasons = old_reasons.filter(agency_id__in=agency_ids)
    groups = (
        cases.values(*GROUPING, "reasons")
        .annotate(n=Count("id"), seconds=Sum("resolution_seconds"), last=Max("last_interaction_at"))
        .order_by()
    )
    counts: Counter[_Group] = Counter()
    seconds: Counter[_Group] = Counter()
    last: dict[_Group, datetime] = {}
    reasons: Counter[tuple[int, int | None, str]] = Counter()
    open_reasons: Counter[tuple[int, int | None, str]] = Counter()
    for row in groups:
        group = _Group(*(row[column] for column in GROUPING))
        counts[group] += row["n"]
        seconds[group] += row["seconds"] or 0
        if row["last"] is not None and (group not in last or row["last"] > last[group]):
            last[group] = row["last"]
        for key in filter(None, row["reasons"].split(",")):
            reasons[group.agency_id, group.assignee_id, key] += row["n"]
            if group.status != CaseStatus.CLOSED:
                open_reasons[group.agency_id, group.assignee_id, key] += row["n"]
    now = timezone.now()
    with transaction.atomic():
        old_cases.delete()
        old_reasons.delete()
        CaseTally.objects.bulk_create(
            [
                CaseTally(
                    **group._asdict(),
                    cases=n,
                    resolution_seconds=seconds[group],
                    last_interaction_at=last.get(group),
                    refreshed_at=now,
                )
                for group, n in counts.items()
            ],
            batch_size=2_000,
        )
        ReasonTally.objects.bulk_create(
            [
                ReasonTally(
                    agency_id=agency_id,
                    assignee_id=assignee_id,
                    reason=key,
                    cases=n,
                    open_cases=open_reasons[agency_id, assignee_id, key],
                )
                for (agency_id, assignee_id, key), n in reasons.items()
            ],
            batch_size=2_000,
        )
