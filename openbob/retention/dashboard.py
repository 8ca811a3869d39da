"""The dashboard's figures, summed from the tallies of the user's scope.

Open cases, open cases by priority, aging of open cases, all cases by reason (the risk
reasons, and the resolution reasons of closed cases), the average resolution time of
cases an enroller closed, and for managers every enroller's activity.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q

from openbob.accounts.models import User
from openbob.accounts.roles import Perm, Role
from openbob.book.scoping import visible_agency_ids
from openbob.retention.choices import CaseStatus, Resolution, Risk
from openbob.retention.models import CaseTally, ReasonTally
from openbob.retention.rules import BY_KEY

AGING_BUCKETS: tuple[tuple[str, int | None], ...] = (
    ("< 7 days", 7),
    ("< 30 days", 30),
    ("< 45 days", 45),
    ("< 60 days", 60),
    ("60 days or more", None),
)


@dataclass(frozen=True)
class Bar:
    """One labelled figure; `share` (0-100) sizes its bar in the chart."""

    label: str
    value: int
    share: float = 0.0


@dataclass
class Activity:
    enroller: User
    open: int = 0
    closed: int = 0
    resolution_seconds: int = 0
    resolved: int = 0
    last_interaction_at: datetime | None = None

    @property
    def average_days(self) -> float | None:
        return self.resolution_seconds / self.resolved / 86400 if self.resolved else None


@dataclass
class Dashboard:
    open_cases: int
    by_priority: list[Bar]
    aging: list[Bar]
    by_reason: list[Bar]
    by_resolution: list[Bar]
    average_days: float | None
    refreshed_at: datetime | None
    activity: list[Activity] = field(default_factory=list)


def _in_scope(user: User) -> Q:
    """The tallies `user` may read: their own as an agent, else their agencies'."""
    if user.role == Role.AGENT:
        return Q(assignee=user, agency_id=user.agency_id)
    return Q(agency_id__in=visible_agency_ids(user))


def _bars(pairs: list[tuple[str, int]]) -> list[Bar]:
    top = max((value for _, value in pairs), default=0)
    return [Bar(label, value, 100 * value / top if top else 0.0) for label, value in pairs]


def _bucket(opened_on: date, today: date) -> str:
    age = (today - opened_on).days
    return next(label for label, limit in AGING_BUCKETS if limit is None or age < limit)


def build(user: User, *, today: date) -> Dashboard:
    """The dashboard of `user`'s scope as of the last tally refresh."""
    tallies = list(CaseTally.objects.filter(_in_scope(user)))
    priority: dict[int, int] = defaultdict(int)
    aging: dict[str, int] = defaultdict(int)
    resolutions: dict[str, int] = defaultdict(int)
    seconds = resolved = 0
    for row in tallies:
        if row.status == CaseStatus.CLOSED:
            resolutions[row.resolution] += row.cases
            if row.resolution != Resolution.LEFT_BOOK:
                seconds += row.resolution_seconds
                resolved += row.cases
        else:
            priority[row.risk] += row.cases
            aging[_bucket(row.opened_on, today)] += row.cases
    reasons: dict[str, int] = defaultdict(int)
    for reason, count in ReasonTally.objects.filter(_in_scope(user)).values_list("reason", "cases"):
        reasons[reason] += count
    labels = dict(Resolution.choices)
    return Dashboard(
        open_cases=sum(priority.values()),
        by_priority=_bars(
            [(Risk(r).label, priority[r]) for r in sorted(Risk.values, reverse=True)]
        ),
        aging=_bars([(label, aging[label]) for label, _ in AGING_BUCKETS]),
        by_reason=_bars(
            sorted(
                ((BY_KEY[k].label, n) for k, n in reasons.items() if k in BY_KEY),
                key=lambda pair: -pair[1],
            )
        ),
        by_resolution=_bars([(labels.get(k, k), n) for k, n in sorted(resolutions.items())]),
        average_days=seconds / resolved / 86400 if resolved else None,
        refreshed_at=max((row.refreshed_at for row in tallies), default=None),
        activity=activity(user, tallies) if user.can(Perm.MANAGE_RETENTION) else [],
    )


def activity(user: User, tallies: list[CaseTally]) -> list[Activity]:
    """Every enroller of the manager's agency and sub-agencies, with their case work."""
    enrollers = User.objects.filter(agency_id__in=visible_agency_ids(user)).filter(
        Q(role=Role.AGENT) | Q(pk__in={row.assignee_id for row in tallies if row.assignee_id})
    )
    rows = {
        u.pk: Activity(u)
        for u in enrollers.select_related("agency").order_by("last_name", "first_name", "pk")
    }
    for row in tallies:
        entry = rows.get(row.assignee_id or 0)
        if entry is None:
            continue
        if row.status == CaseStatus.CLOSED:
            entry.closed += row.cases
            if row.resolution != Resolution.LEFT_BOOK:
                entry.resolution_seconds += row.resolution_seconds
                entry.resolved += row.cases
        else:
            entry.open += row.cases
        if row.last_interaction_at and (
            entry.last_interaction_at is None or row.last_interaction_at > entry.last_interaction_at
        ):
            entry.last_interaction_at = row.last_interaction_at
    return list(rows.values())
