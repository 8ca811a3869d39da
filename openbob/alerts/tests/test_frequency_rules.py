"""Every topic's frequency rule, day by day on a frozen clock, against the real database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from openbob.alerts.notices import record_notice, resolve_notice
from openbob.alerts.summaries import due_occurrences, store_day
from openbob.alerts.tests.conftest import event, morning
from openbob.alerts.topics import Topic
from openbob.book.choices import BinderStatus, EnrollmentStatus, FollowUpKind
from openbob.book.models import Enrollment, FollowUp, Household, Member
from openbob.imports.choices import EventType
from openbob.testing import Personas

pytestmark = pytest.mark.django_db

START = date(2026, 7, 20)


def alerted_days(
    household: Household,
    topic: Topic,
    days: int,
    *,
    start: date = START,
    before: Callable[[date], None] | None = None,
) -> list[int]:
    """The day offsets from `start` on which `topic` was in the household's summaries.

    Each day runs on a clock frozen at 07:00 Pacific and stores the day's summaries,
    as the worker does, so "once" topics are remembered between days.
    """
    alerted = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        with time_machine.travel(morning(day), tick=False):
            if before:
                before(day)
            due = {(o.household_id, o.topic) for o in due_occurrences(day)}
            if (household.pk, topic) in due:
                alerted.append(offset)
            store_day(day)
    return alerted


def test_binder_payment_pending_is_alerted_every_7_days_while_pending(
    personas: Personas,
) -> None:
    household = personas.household_a
    with time_machine.travel(morning(START), tick=False):
        enrollment = Enrollment.objects.create(
            household=household,
            status=EnrollmentStatus.PENDING,
            binder_status=BinderStatus.PENDING,
        )

    def effectuate(day: date) -> None:
        if day == START + timedelta(days=15):
            Enrollment.objects.filter(pk=enrollment.pk).update(
                status=EnrollmentStatus.EFFECTUATED, binder_status=BinderStatus.PAID
            )

    assert alerted_days(household, Topic.BINDER_PAYMENT_PENDING, 30, before=effectuate) == [
        0,
        7,
        14,
    ]


def test_consent_valid_thru_is_alerted_only_on_1_august_1_september_and_1_october(
    personas: Personas,
) -> None:
    household = personas.household_a
    record_notice(household=household, topic=Topic.CONSENT_VALID_THRU, key="2026", since=START)
    days = alerted_days(household, Topic.CONSENT_VALID_THRU, 110)
    assert [START + timedelta(days=d) for d in days] == [
        date(2026, 8, 1),
        date(2026, 9, 1),
        date(2026, 10, 1),
    ]


def test_actions_requested_are_alerted_daily_until_resolved(personas: Personas) -> None:
    household = personas.household_a
    action = FollowUp.objects.create(
        household=household, kind=FollowUpKind.ACTION, opened_at=morning(START)
    )

    def resolve(day: date) -> None:
        if day == START + timedelta(days=4):
            FollowUp.objects.filter(pk=action.pk).update(resolved_at=timezone.now())

    assert alerted_days(household, Topic.ACTIONS_REQUESTED, 8, before=resolve) == [0, 1, 2, 3]


def test_a_nod_notice_is_alerted_once_when_generated(personas: Personas) -> None:
    household = personas.household_a

    def generate(day: date) -> None:
        if day == START + timedelta(days=2):
            record_notice(household=household, topic=Topic.NOD_NOTICE, key="N-1", since=day)

    assert alerted_days(household, Topic.NOD_NOTICE, 10, before=generate) == [2]


@pytest.mark.parametrize(
    ("status", "topic"),
    [("Cancelled", Topic.ENROLLMENT_CANCELED), ("Terminated", Topic.ENROLLMENT_TERMINATED)],
)
def test_cancellations_and_terminations_are_alerted_once(
    personas: Personas, status: str, topic: Topic
) -> None:
    household = personas.household_a

    def change(day: date) -> None:
        if day == START + timedelta(days=1):
            event(household, EventType.STATUS_CHANGED, morning(day), new=status)

    assert alerted_days(household, topic, 10, before=change) == [1]


def test_medicare_aged_out_is_alerted_daily_until_resolved(personas: Personas) -> None:
    household = personas.household_a
    Enrollment.objects.create(household=household, status=EnrollmentStatus.EFFECTUATED)
    member = Member.objects.get(household=household, is_primary=True)
    Member.objects.filter(pk=member.pk).update(birth_year=START.year - 65)

    def leave(day: date) -> None:
        if day == START + timedelta(days=3):
            Member.objects.filter(pk=member.pk).update(applying=False)

    assert alerted_days(household, Topic.MEDICARE_AGED_OUT, 6, before=leave) == [0, 1, 2]


def test_a_member_under_65_is_not_medicare_aged_out(personas: Personas) -> None:
    household = personas.household_a
    Enrollment.objects.create(household=household, status=EnrollmentStatus.EFFECTUATED)
    Member.objects.filter(household=household).update(birth_year=START.year - 64)
    assert alerted_days(household, Topic.MEDICARE_AGED_OUT, 3) == []


def test_enrollment_updates_pending_are_alerted_daily_until_resolved(personas: Personas) -> None:
    household = personas.household_a
    topic = Topic.ENROLLMENT_UPDATES_PENDING
    record_notice(household=household, topic=topic, key="U-1", since=START)

    def resolve(day: date) -> None:
        if day == START + timedelta(days=2):
            resolve_notice(household=household, topic=topic, key="U-1", on=day)

    assert alerted_days(household, topic, 5, before=resolve) == [0, 1]


@pytest.mark.parametrize(
    ("kind", "topic"),
    [
        (EventType.HOUSEHOLD_LOST, Topic.DELEGATION_LOST),
        (EventType.AOR_CHANGED, Topic.AOR_CHANGED),
    ],
)
def test_change_events_are_alerted_once(personas: Personas, kind: EventType, topic: Topic) -> None:
    household = personas.household_a

    def change(day: date) -> None:
        if day == START + timedelta(days=1):
            event(household, kind, morning(day) - timedelta(hours=12))
            event(household, kind, morning(day) - timedelta(hours=11))  # a second source

    assert alerted_days(household, topic, 10, before=change) == [1]


@pytest.mark.parametrize(
    ("column", "topic"),
    [("aor_at_risk_at", Topic.AOR_AT_RISK), ("ede_permission_lost_at", Topic.EDE_PERMISSION_LOST)],
)
def test_flag_files_are_alerted_once(personas: Personas, column: str, topic: Topic) -> None:
    household = personas.household_a

    def flag(day: date) -> None:
        if day == START + timedelta(days=2):
            Household.objects.filter(pk=household.pk).update(**{column: timezone.now()})

    assert alerted_days(household, topic, 10, before=flag) == [2]


def test_an_old_event_is_not_alerted_when_first_seen(personas: Personas) -> None:
    household = personas.household_a
    event(household, EventType.AOR_CHANGED, morning(START - timedelta(days=30)))
    assert alerted_days(household, Topic.AOR_CHANGED, 3) == []


@pytest.mark.parametrize(("kind", "topic"), [("dmi", Topic.DMI_DUE), ("svi", Topic.SVI_DUE)])
def test_dmi_and_svi_are_alerted_daily_from_14_days_before_due_until_resolved(
    personas: Personas, kind: str, topic: Topic
) -> None:
    household = personas.household_a
    follow_up = FollowUp.objects.create(
        household=household,
        kind=kind,
        due_date=START + timedelta(days=20),
        opened_at=morning(START - timedelta(days=60)),
    )

    def resolve(day: date) -> None:
        if day == START + timedelta(days=25):  # five days past due: expired until then
            FollowUp.objects.filter(pk=follow_up.pk).update(resolved_at=timezone.now())

    assert alerted_days(household, topic, 28, before=resolve) == list(range(6, 25))
