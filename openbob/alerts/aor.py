"""The AOR at-risk tab: households whose agent of record changed, is at risk, or was lost.

Causes, newest first (HealthSherpa's At-risk AOR tab, widened with CalHEERS):

* AOR at risk and EDE permission lost: the HealthSherpa flag files stamp the household;
* AOR changed: the imports' `aor_changed` change events;
* delegation lost: the household left a CalHEERS (or HealthSherpa) book snapshot.

Scope is `households_visible_to`: an agent's own households, a manager's whole
downline. The badge counts entries newer than the user's last visit (`Visit`).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from django.db.models import QuerySet
from django.utils import timezone

from openbob.accounts.models import User
from openbob.alerts.models import Page, Visit
from openbob.book.models import Household
from openbob.book.scoping import households_visible_to
from openbob.imports.choices import EventType
from openbob.imports.models import ChangeEvent

LIMIT = 1_000
STAMPS = (
    ("aor_at_risk_at", "AOR at risk"),
    ("ede_permission_lost_at", "EDE permission lost"),
    ("lost_at", "Delegation lost"),
)
AOR_CHANGED = "AOR changed"


@dataclass(frozen=True)
class Entry:
    at: datetime
    household_id: int
    client_name: str
    case_id: str
    cause: str
    last_synced: datetime | None


def _stamped(households: QuerySet[Household], column: str, cause: str) -> Iterator[Entry]:
    rows = (
        households.filter(**{f"{column}__isnull": False})
        .order_by(f"-{column}", "-pk")
        .values_list(column, "pk", "primary_name", "case_number", "ffm_app_id", "source_as_of")
    )
    for at, pk, name, case, ffm, synced in rows[:LIMIT]:
        yield Entry(at, pk, name, ffm or case or "", cause, synced)


def _aor_changes(households: QuerySet[Household]) -> Iterator[Entry]:
    rows = (
        ChangeEvent.objects.filter(type=EventType.AOR_CHANGED, household__in=households)
        .order_by("-as_of", "-pk")
        .values_list(
            "as_of",
            "household_id",
            "household__primary_name",
            "household__case_number",
            "household__ffm_app_id",
            "household__source_as_of",
        )
    )
    for at, pk, name, case, ffm, synced in rows[:LIMIT]:
        yield Entry(at, pk, name, ffm or case or "", AOR_CHANGED, synced)


def _sources(households: QuerySet[Household]) -> list[Iterable[Entry]]:
    return [
        *(_stamped(households, column, cause) for column, cause in STAMPS),
        _aor_changes(households),
    ]


def entries(user: User, limit: int = LIMIT) -> list[Entry]:
    """The user's at-risk entries, newest first (at most `limit`)."""
    merged = heapq.merge(*_sources(households_visible_to(user)), key=lambda e: e.at, reverse=True)
    return list(islice(merged, limit))


def last_visit(user: User, page: Page) -> datetime | None:
    return Visit.objects.filter(user=user, page=page).values_list("seen_at", flat=True).first()


def new_count(user: User) -> int:
    """Entries newer than the user's last visit to the tab (all of them on a first visit)."""
    households = households_visible_to(user)
    since = last_visit(user, Page.AOR)
    count = 0
    for column, _ in STAMPS:
        found = households.filter(**{f"{column}__isnull": False})
        if since is not None:
            found = found.filter(**{f"{column}__gt": since})
        count += found.count()
    changes = ChangeEvent.objects.filter(type=EventType.AOR_CHANGED, household__in=households)
    if since is not None:
        changes = changes.filter(as_of__gt=since)
    return count + changes.count()


def mark_seen(user: User, page: Page) -> None:
    """Record that `user` has just looked at `page`: its badge starts from zero."""
    Visit.objects.update_or_create(user=user, page=page, defaults={"seen_at": timezone.now()})
