"""How each risk rule of `openbob.retention.rules` is detected in the book.

Every function returns the ids of the households for which its rule fires, across the
whole book, from one streamed query: the sync scores a million households by set
lookups instead of a query per household. Facts come from the book (enrollments,
follow-ups, delegations, members, household columns) and from the change events the
imports recorded between weekly snapshots.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.db.models import Q

from openbob.book.choices import BinderStatus, DelegationStatus, EnrollmentStatus
from openbob.book.models import Delegation, Enrollment, FollowUp, Household, Member
from openbob.imports.choices import EventType
from openbob.imports.models import ChangeEvent
from openbob.lib.weeks import PACIFIC
from openbob.retention.rules import LOOKBACK_DAYS, RULES

CHUNK = 10_000
ACTIVE = (EnrollmentStatus.PENDING, EnrollmentStatus.EFFECTUATED)
ENDED = (EnrollmentStatus.CANCELLED, EnrollmentStatus.TERMINATED)
Fired = dict[str, set[int]]


def since(today: date) -> datetime:
    """Start of the lookback window (Pacific midnight, `LOOKBACK_DAYS` before today)."""
    return datetime.combine(today - timedelta(days=LOOKBACK_DAYS), time(), tzinfo=PACIFIC)


def _ids(rows: Iterator[int | None]) -> set[int]:
    return {pk for pk in rows if pk is not None}


def _amount(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _rose(old: str | None, new: str | None) -> bool:
    before, after = _amount(old), _amount(new)
    return before is not None and after is not None and after > before


EVENT_RULES: dict[str, Callable[[str, str | None, str | None], bool]] = {
    "premium_increase": lambda kind, old, new: (
        kind in (EventType.GROSS_PREMIUM_CHANGED, EventType.NET_PREMIUM_CHANGED) and _rose(old, new)
    ),
    "aptc_decrease": lambda kind, old, new: kind == EventType.APTC_CHANGED and _rose(new, old),
    "aor_changed": lambda kind, old, new: kind == EventType.AOR_CHANGED,
    "aor_at_risk": lambda kind, old, new: kind == EventType.AOR_AT_RISK,
    "delegation_lost": lambda kind, old, new: kind == EventType.AGENT_CHANGED,
    "program_change": lambda kind, old, new: kind == EventType.PROGRAM_CHANGED,
    "cancellation_past_year": lambda kind, old, new: (
        kind == EventType.STATUS_CHANGED and new in ENDED
    ),
}
EVENT_TYPES = (
    EventType.GROSS_PREMIUM_CHANGED,
    EventType.NET_PREMIUM_CHANGED,
    EventType.APTC_CHANGED,
    EventType.AOR_CHANGED,
    EventType.AOR_AT_RISK,
    EventType.AGENT_CHANGED,
    EventType.PROGRAM_CHANGED,
    EventType.STATUS_CHANGED,
)


def from_events(today: date) -> Fired:
    """Rules fired by change events of the lookback window."""
    fired: Fired = {key: set() for key in EVENT_RULES}
    events = ChangeEvent.objects.filter(
        type__in=EVENT_TYPES, as_of__gte=since(today), household__isnull=False
    ).values_list("household_id", "type", "old", "new")
    for household_id, kind, old, new in events.iterator(chunk_size=CHUNK):
        for key, test in EVENT_RULES.items():
            if test(kind, old, new):
                fired[key].add(household_id)
    return fired


def dmi_svi_open(today: date) -> set[int]:
    rows = FollowUp.objects.filter(resolved_at__isnull=True).filter(
        Q(due_date__isnull=True) | Q(due_date__gte=today)
    )
    return _ids(rows.values_list("household_id", flat=True).iterator(chunk_size=CHUNK))


def dmi_svi_expired(today: date) -> set[int]:
    rows = FollowUp.objects.filter(resolved_at__isnull=True, due_date__lt=today)
    return _ids(rows.values_list("household_id", flat=True).iterator(chunk_size=CHUNK))


def binder_pending(today: date) -> set[int]:
    rows = Enrollment.objects.filter(
        status__in=ACTIVE, binder_status__in=(BinderStatus.PENDING, BinderStatus.PAST_DUE)
    )
    return _ids(rows.values_list("household_id", flat=True).iterator(chunk_size=CHUNK))


def aor_at_risk(today: date) -> set[int]:
    rows = Household.objects.filter(aor_at_risk_at__isnull=False)
    return _ids(rows.values_list("id", flat=True).iterator(chunk_size=CHUNK))


def delegation_lost(today: date) -> set[int]:
    lost = Delegation.objects.filter(
        status__in=(DelegationStatus.REMOVED, DelegationStatus.TRANSFERRED),
        ended_at__gte=since(today),
    ).values_list("household_id", flat=True)
    ede = Household.objects.filter(ede_permission_lost_at__isnull=False).values_list(
        "id", flat=True
    )
    return _ids(lost.iterator(chunk_size=CHUNK)) | _ids(ede.iterator(chunk_size=CHUNK))


def turning_65(today: date, plan_year: int) -> set[int]:
    """Applying members born so that they turn 65 in the plan year or the next."""
    born = (plan_year - 65, plan_year + 1 - 65)
    rows = Member.objects.filter(applying=True, birth_year__in=born)
    return _ids(rows.values_list("household_id", flat=True).iterator(chunk_size=CHUNK))


def no_contact(today: date) -> set[int]:
    rows = Household.objects.filter(primary_phone="", primary_email="")
    return _ids(rows.values_list("id", flat=True).iterator(chunk_size=CHUNK))


def cancellation_past_year(today: date) -> set[int]:
    rows = Enrollment.objects.filter(
        status__in=ENDED, end_date__gte=today - timedelta(days=LOOKBACK_DAYS)
    )
    return _ids(rows.values_list("household_id", flat=True).iterator(chunk_size=CHUNK))


BOOK_RULES: dict[str, Callable[[date], set[int]]] = {
    "dmi_svi_open": dmi_svi_open,
    "dmi_svi_expired": dmi_svi_expired,
    "binder_pending": binder_pending,
    "aor_at_risk": aor_at_risk,
    "delegation_lost": delegation_lost,
    "no_contact": no_contact,
    "cancellation_past_year": cancellation_past_year,
}


def detect(today: date, plan_year: int) -> Fired:
    """For every rule, the households it fires for (book facts and change events)."""
    fired: Fired = {rule.key: set() for rule in RULES}
    for key, found in from_events(today).items():
        fired[key] |= found
    for key, detector in BOOK_RULES.items():
        fired[key] |= detector(today)
    fired["turning_65"] |= turning_65(today, plan_year)
    return fired
