"""Bell notifications: one newest-first feed with unread counts.

The feed merges what other parts of the portal already record, instead of copying it:

* portal-wide `Broadcast` messages administrators post (outages, holidays, releases);
* export ready / failed: `openbob.exports.models.Notification` (owned by exports);
* pending delegations of the households the user may see (`Delegation` requested);
* delegation transfer status: delegations of those households transferred or declined;
* error messages: the user's own uploads that were rejected or failed.

An item is unread when it is newer than the user's last visit to the feed (exports'
notifications also keep their own read mark).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from openbob.accounts.models import User
from openbob.alerts.aor import last_visit
from openbob.alerts.models import Broadcast, Page
from openbob.book.choices import DelegationStatus
from openbob.book.models import Delegation
from openbob.book.scoping import households_visible_to
from openbob.exports.models import Notification
from openbob.imports.models import ImportJob, JobStatus

RECENT = timedelta(days=30)
LIMIT = 50


@dataclass(frozen=True)
class Item:
    at: datetime
    kind: str
    text: str
    link: str
    unread: bool


def active_broadcasts(now: datetime | None = None) -> QuerySet[Broadcast]:
    """Broadcasts showing now, newest first."""
    now = now or timezone.now()
    return Broadcast.objects.filter(starts_at__lte=now).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now)
    )


def feed(user: User) -> list[Item]:
    """The user's bell items, newest first."""
    since = last_visit(user, Page.BELL)
    cutoff = timezone.now() - RECENT

    def unread(at: datetime) -> bool:
        return since is None or at > since

    items = [
        Item(b.starts_at, b.get_category_display(), b.title, "", unread(b.starts_at))
        for b in active_broadcasts()[:LIMIT]
    ]
    items += [
        Item(n.created_at, "Export", n.text, n.link, n.read_at is None)
        for n in Notification.objects.filter(user=user)[:LIMIT]
    ]
    items += [_delegation_item(d, unread) for d in _delegations(user, cutoff)]
    items += [
        Item(
            job.finished_at or job.created_at,
            "Error",
            f"Import of {job.file_name} {job.get_status_display().lower()}: {job.message}"[:300],
            reverse("imports:result", args=[job.pk]),
            unread(job.finished_at or job.created_at),
        )
        for job in ImportJob.objects.filter(
            actor=user,
            status__in=[JobStatus.REJECTED, JobStatus.FAILED],
            created_at__gte=cutoff,
        )[:LIMIT]
    ]
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:LIMIT]


def _delegations(user: User, cutoff: datetime) -> QuerySet[Delegation]:
    pending = Q(status=DelegationStatus.PENDING)
    moved = Q(
        status__in=[DelegationStatus.TRANSFERRED, DelegationStatus.DECLINED], ended_at__gte=cutoff
    )
    return (
        Delegation.objects.filter(household__in=households_visible_to(user))
        .filter(pending | moved)
        .select_related("household")
        .order_by("-pk")[:LIMIT]
    )


def _delegation_item(delegation: Delegation, unread: Callable[[datetime], bool]) -> Item:
    at = delegation.ended_at or delegation.requested_at or delegation.started_at
    at = at or timezone.now()
    name = delegation.household.primary_name or f"household {delegation.household_id}"
    if delegation.status == DelegationStatus.PENDING:
        kind, text = "Pending delegation", f"Delegation of {name} is pending."
    else:
        kind = "Delegation transfer"
        text = f"Delegation of {name}: {delegation.get_status_display().lower()}."
    link = reverse("portal:household", args=[delegation.household_id])
    return Item(at, kind, text, link, unread(at))


def unread_count(user: User) -> int:
    """Unread bell items (what the header badge shows)."""
    return sum(1 for item in feed(user) if item.unread)
