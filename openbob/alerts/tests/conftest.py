"""Alert fixtures: a book with something to alert on, a frozen Pacific morning, SMTP.

`smtp` (root conftest) is a real aiosmtpd server on loopback.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from openbob.book.choices import BinderStatus, EnrollmentStatus, FollowUpKind
from openbob.book.models import Enrollment, FollowUp, Household, Member
from openbob.imports.choices import EventType, ImportStatus
from openbob.imports.models import ChangeEvent, ImportRun
from openbob.lib.weeks import at_pacific, snapshot_week
from openbob.testing import Personas

TODAY = date(2026, 3, 2)
SEEDED_SSNS = ("912000001", "912000002", "912000003")
SEEDED_DOBS = ("1980-05-17", "05/17/1980", "5/17/1980", "17 May 1980")


def morning(day: date) -> datetime:
    return at_pacific(day, 7)


@pytest.fixture
def frozen() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(morning(TODAY), tick=False) as clock:
        yield clock


def event(household: Household, kind: EventType, at: datetime, new: str | None = None) -> None:
    """A change event as the import pipeline stores it."""
    assert household.agency is not None
    run = ImportRun.objects.create(
        agency=household.agency,
        file_name="book.xlsx",
        sha256=f"{ImportRun.objects.count():064d}",
        status=ImportStatus.SUCCEEDED,
    )
    ChangeEvent.objects.create(
        agency=household.agency,
        agent=household.agent,
        household=household,
        run=run,
        source="calheers",
        type=kind,
        key=household.case_number or "",
        new=new,
        week=snapshot_week(at),
        as_of=at,
    )


@pytest.fixture
def alert_book(personas: Personas, frozen: time_machine.Traveller) -> Personas:
    return fill_book(personas, TODAY)


def fill_book(personas: Personas, today: date) -> Personas:
    """carol's A household: binder pending and an action requested; bob's A1 household:
    a DMI due in 10 days and a cancellation; mallory's B household: an SVI expired."""
    for household, phone in (
        (personas.household_a, "9165550101"),
        (personas.household_a1, "9165550102"),
        (personas.household_b, "9165550103"),
    ):
        household.primary_phone = phone
        household.primary_email = f"{household.primary_name.split()[0].lower()}@client.test"
        household.save()
    Enrollment.objects.create(
        household=personas.household_a,
        status=EnrollmentStatus.PENDING,
        binder_status=BinderStatus.PENDING,
        gross_premium=Decimal("812.40"),
    )
    FollowUp.objects.create(
        household=personas.household_a,
        kind=FollowUpKind.ACTION,
        issue_type="Upload proof of income",
        opened_at=morning(today),
    )
    FollowUp.objects.create(
        household=personas.household_a1,
        kind=FollowUpKind.DMI,
        due_date=today + timedelta(days=10),
        opened_at=morning(today - timedelta(days=60)),
    )
    event(personas.household_a1, EventType.STATUS_CHANGED, morning(today), new="Cancelled")
    FollowUp.objects.create(
        household=personas.household_b,
        kind=FollowUpKind.SVI,
        due_date=today - timedelta(days=1),
        opened_at=morning(today - timedelta(days=40)),
    )
    assert Member.objects.filter(household=personas.household_a).exists()
    return personas
