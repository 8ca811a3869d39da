"""What the home page counts: the user's book at a glance and this week's changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count

from openbob.accounts.models import User
from openbob.alerts.bell import Item, feed
from openbob.book.choices import EnrollmentStatus
from openbob.book.consumer_filters import active_consumers
from openbob.book.delegations import pending_visible_to
from openbob.book.models import Enrollment, FollowUp
from openbob.imports.choices import EventType
from openbob.imports.queries import events_visible_to

NOTIFICATIONS = 5


@dataclass
class HomeSummary:
    households: int
    active_enrollments: int
    pending_delegations: int
    open_follow_ups: int
    week: date | None = None
    changes: list[tuple[str, str, int]] = field(default_factory=list)
    notifications: list[Item] = field(default_factory=list)


def home_summary(user: User) -> HomeSummary:
    """Counts over the user's active book, the latest snapshot week's changes by type,
    and the newest bell notifications (`openbob.alerts.bell`)."""
    book = active_consumers(user)
    summary = HomeSummary(
        households=book.count(),
        active_enrollments=Enrollment.objects.filter(
            household__in=book,
            status__in=[EnrollmentStatus.PENDING, EnrollmentStatus.EFFECTUATED],
        ).count(),
        pending_delegations=pending_visible_to(user).count(),
        open_follow_ups=FollowUp.objects.filter(
            household__in=book, resolved_at__isnull=True
        ).count(),
    )
    events = events_visible_to(user)
    summary.week = events.order_by("-week").values_list("week", flat=True).first()
    if summary.week is not None:
        counts = (
            events.filter(week=summary.week)
            .order_by()
            .values_list("type")
            .annotate(n=Count("pk"))
            .order_by("-n", "type")
        )
        summary.changes = [(kind, str(EventType(kind).label), n) for kind, n in counts]
    summary.notifications = feed(user)[:NOTIFICATIONS]
    return summary
