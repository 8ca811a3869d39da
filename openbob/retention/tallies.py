"""Dashboard tallies: case counts per agency and assignee, so the dashboard never scans cases.

`refresh(agency_ids)` replaces the tallies of those agencies (all agencies when None)
with fresh counts in the caller's transaction: the sync refreshes everything, and the
dashboard's Refresh action the user's scope. A case write changes the counts of its
assignee only, so `refresh_assignees` rebuilds just those (agency, assignee) pairs: a
range of the assignee's index, where rebuilding the agency grouped every one of its
cases (a million in a large agency) on every click.

One GROUP BY pass over the cases feeds both tables: grouping also by `reasons` (a few
dozen distinct combinations) lets Python count each reason from the groups instead of
the database testing every case once per rule.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from datetime import date, datetime
from functools import reduce
from operator import or_
from typing import NamedTuple

from django.db import transaction
from django.db.models import Count, Max, Q, Sum
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
    _rebuild(Q() if agency_ids is None else Q(agency_id__in=agency_ids))


def refresh_assignees(pairs: Collection[tuple[int, int | None]]) -> None:
    """Rebuild the tallies of these (agency id, assignee id or None) pairs only."""
    if pairs:
        _rebuild(reduce(or_, (Q(agency_id=a, assignee_id=u) for a, u in pairs)))


def _rebuild(scope: Q) -> None:
    """Replace the tallies within `scope` (a filter on agency and assignee, which cases and
    both tally tables have) by fresh counts of the cases within it."""
    cases = RetentionCase.objects.filter(scope)
    old_cases, old_reasons = CaseTally.objects.filter(scope), ReasonTally.objects.filter(scope)
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
