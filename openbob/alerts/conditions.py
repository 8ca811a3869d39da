"""Which households are in each topic's condition on a day, and since when.

Each function reads the book (households, enrollments, follow-ups, members), the import
pipeline's change events, or the exchange notices (`openbob.alerts.notices`), set-based:
one query per topic over the whole installation, never one per household, so a day's
summaries over a million households stay a handful of scans. Only clear columns are
read (birth year, never the encrypted date of birth).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q

from openbob.alerts.models import ExchangeNotice
from openbob.alerts.topics import DUE_SOON_DAYS, ONCE_LOOKBACK_DAYS, RULES, Topic
from openbob.book.choices import BinderStatus, EnrollmentStatus, FollowUpKind
from openbob.book.models import Enrollment, FollowUp, Household, Member
from openbob.imports.choices import EventType
from openbob.imports.models import ChangeEvent
from openbob.lib.weeks import at_pacific, pacific_day

MEDICARE_AGE = 65
ACTIVE = (EnrollmentStatus.PENDING, EnrollmentStatus.EFFECTUATED)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A household in a topic's condition: since which Pacific day, and which occurrence."""

    household_id: int
    topic: Topic
    key: str
    since: date


Finder = Callable[[date], Iterator[Occurrence]]


def _start_of(today: date) -> datetime:
    """The first instant of the lookback window for "once" topics."""
    return at_pacific(today - timedelta(days=ONCE_LOOKBACK_DAYS), 0)


def binder_payment_pending(today: date) -> Iterator[Occurrence]:
    """Pending enrollments whose binder payment is not paid, since first seen."""
    rows = (
        Enrollment.objects.filter(status=EnrollmentStatus.PENDING)
        .exclude(binder_status=BinderStatus.PAID)
        .values_list("household_id", "pk", "created_at")
    )
    for household_id, pk, created in rows.iterator(chunk_size=20_000):
        yield Occurrence(household_id, Topic.BINDER_PAYMENT_PENDING, str(pk), pacific_day(created))


def _follow_ups(kind: str, topic: Topic, today: date) -> Iterator[Occurrence]:
    rows = FollowUp.objects.filter(kind=kind, resolved_at__isnull=True)
    if topic != Topic.ACTIONS_REQUESTED:
        rows = rows.filter(due_date__lte=today + timedelta(days=DUE_SOON_DAYS))
    for household_id, pk, opened, due in rows.values_list(
        "household_id", "pk", "opened_at", "due_date"
    ).iterator(chunk_size=20_000):
        since = pacific_day(opened) if due is None else due - timedelta(days=DUE_SOON_DAYS)
        yield Occurrence(household_id, topic, str(pk), min(since, pacific_day(opened)))


def actions_requested(today: date) -> Iterator[Occurrence]:
    """Open "action requested" follow-ups, until resolved."""
    return _follow_ups(FollowUpKind.ACTION, Topic.ACTIONS_REQUESTED, today)


def dmi_due(today: date) -> Iterator[Occurrence]:
    """Open DMIs due within 14 days, or past due (expired), until resolved."""
    return _follow_ups(FollowUpKind.DMI, Topic.DMI_DUE, today)


def svi_due(today: date) -> Iterator[Occurrence]:
    """Open SVIs due within 14 days, or past due (expired), until resolved."""
    return _follow_ups(FollowUpKind.SVI, Topic.SVI_DUE, today)


def medicare_aged_out(today: date) -> Iterator[Occurrence]:
    """Applying members aged 65 or more (by birth year) in a household still enrolled.

    Only the birth year is held in the clear, so a member counts from 1 January of the
    year they turn 65; the alert stops once they no longer apply or the household has
    no pending or effectuated enrollment.
    """
    enrolled = Enrollment.objects.filter(status__in=ACTIVE).values("household_id")
    rows = Member.objects.filter(
        applying=True, birth_year__lte=today.year - MEDICARE_AGE, household_id__in=enrolled
    ).values_list("household_id", "pk", "birth_year")
    for household_id, pk, born in rows.iterator(chunk_size=20_000):
        assert born is not None  # filtered on birth_year above
        yield Occurrence(
            household_id, Topic.MEDICARE_AGED_OUT, str(pk), date(born + MEDICARE_AGE, 1, 1)
        )


def notices(today: date) -> Iterator[Occurrence]:
    """Exchange notices not yet resolved (NOD, Updates Pending; Consent recorded by hand)."""
    rows = ExchangeNotice.objects.filter(
        Q(resolved_on__isnull=True) | Q(resolved_on__gt=today)
    ).values_list("household_id", "topic", "key", "since")
    for household_id, topic, key, since in rows.iterator(chunk_size=20_000):
        yield Occurrence(household_id, Topic(topic), key, since)


def consent_running_out(today: date) -> Iterator[Occurrence]:
    """Households whose consent to check tax data ends before next plan year.

    From the CalHEERS Consent Valid Through column: consent valid through a day before
    1 January of next year cannot serve the coming renewal. The topic is alerted on
    three days a year only (its rule), so on the other days nothing is read. A new
    consent date is a new occurrence.
    """
    if not RULES[Topic.CONSENT_VALID_THRU].due(today, today):
        return
    rows = Household.objects.filter(
        lost_at__isnull=True, consent_valid_through__lt=date(today.year + 1, 1, 1)
    ).values_list("pk", "consent_valid_through")
    for pk, through in rows.iterator(chunk_size=20_000):
        assert through is not None  # filtered on consent_valid_through above
        yield Occurrence(pk, Topic.CONSENT_VALID_THRU, through.isoformat(), today)


def status_changes(today: date) -> Iterator[Occurrence]:
    """Enrollments newly Cancelled or Terminated, from the imports' change events."""
    rows = ChangeEvent.objects.filter(
        type=EventType.STATUS_CHANGED, as_of__gte=_start_of(today), household__isnull=False
    ).values_list("household_id", "new", "week", "as_of")
    for household_id, new, week, as_of in rows.iterator(chunk_size=20_000):
        status = (new or "").lower()
        if status.startswith("cancel"):
            topic = Topic.ENROLLMENT_CANCELED
        elif status.startswith("terminat"):
            topic = Topic.ENROLLMENT_TERMINATED
        else:
            continue
        yield Occurrence(household_id, topic, week.isoformat(), pacific_day(as_of))


EVENT_TOPICS = {
    EventType.HOUSEHOLD_LOST: Topic.DELEGATION_LOST,
    EventType.AOR_CHANGED: Topic.AOR_CHANGED,
}


def book_events(today: date) -> Iterator[Occurrence]:
    """Delegation lost and AOR changed, from the change events of the last week.

    The occurrence is the snapshot week, so the same change reported by two sources
    (CalHEERS and HealthSherpa) is one alert.
    """
    rows = ChangeEvent.objects.filter(
        type__in=list(EVENT_TOPICS), as_of__gte=_start_of(today), household__isnull=False
    ).values_list("household_id", "type", "week", "as_of")
    for household_id, kind, week, as_of in rows.iterator(chunk_size=20_000):
        topic = EVENT_TOPICS[EventType(kind)]
        yield Occurrence(household_id, topic, week.isoformat(), pacific_day(as_of))


def stamped_flags(today: date) -> Iterator[Occurrence]:
    """Households newly flagged by the AOR at-risk or EDE-permission-lost files.

    The import stamps a household when it enters the list and clears the stamp when it
    leaves, so the stamp's day names the occurrence.
    """
    start = _start_of(today)
    for column, topic in (
        ("aor_at_risk_at", Topic.AOR_AT_RISK),
        ("ede_permission_lost_at", Topic.EDE_PERMISSION_LOST),
    ):
        rows = Household.objects.filter(**{f"{column}__gte": start}).values_list("pk", column)
        for pk, stamped in rows.iterator(chunk_size=20_000):
            day = pacific_day(stamped)
            yield Occurrence(pk, topic, day.isoformat(), day)


FINDERS: tuple[Finder, ...] = (
    binder_payment_pending,
    actions_requested,
    dmi_due,
    svi_due,
    medicare_aged_out,
    notices,
    consent_running_out,
    status_changes,
    book_events,
    stamped_flags,
)


def occurrences(today: date) -> Iterator[Occurrence]:
    """Every household in any topic's condition on `today`."""
    for finder in FINDERS:
        yield from finder(today)
