"""The Active Consumers row of a household follows its enrollments and follow-ups."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from openbob.book import listing
from openbob.book.choices import Coverage, EnrollmentStatus, FollowUpKind
from openbob.book.models import Enrollment, FollowUp, Household
from openbob.testing import Personas

pytestmark = pytest.mark.django_db


def _enroll(household: Household, **fields: object) -> Enrollment:
    defaults: dict[str, object] = {
        "coverage": Coverage.HEALTH,
        "plan_name": "Plan",
        "carrier": "Carrier",
        "net_premium": Decimal("10.00"),
    }
    return Enrollment.objects.create(household=household, **(defaults | fields))


def test_the_row_shows_the_active_health_enrollment_over_a_newer_cancelled_one(
    personas: Personas,
) -> None:
    household = personas.household_a
    _enroll(
        household,
        plan_name="Gold 80 PPO",
        status=EnrollmentStatus.EFFECTUATED,
        effective_date=date(2026, 1, 1),
        net_premium=Decimal("403.59"),
        office_visit_copay=Decimal("15"),
        generic_drug_copay=Decimal("5"),
        deductible=Decimal("0"),
        plan_type="PPO",
        metal_tier="gold",
    )
    _enroll(
        household,
        plan_name="Cancelled plan",
        status=EnrollmentStatus.CANCELLED,
        effective_date=date(2026, 3, 1),
    )
    _enroll(
        household,
        coverage=Coverage.DENTAL,
        plan_name="Dental",
        status=EnrollmentStatus.EFFECTUATED,
        effective_date=date(2026, 6, 1),
    )
    FollowUp.objects.create(household=household, kind=FollowUpKind.DMI, opened_at=timezone.now())
    FollowUp.objects.create(
        household=household,
        kind=FollowUpKind.SVI,
        opened_at=timezone.now(),
        resolved_at=timezone.now() + timedelta(days=1),
    )
    assert listing.refresh([household.pk]) == 1
    row = Household.objects.get(pk=household.pk)
    assert (row.current_plan_name, row.current_plan_type, row.current_metal_tier) == (
        "Gold 80 PPO",
        "PPO",
        "gold",
    )
    assert row.current_premium == Decimal("403.59")
    assert (row.current_office_visit_copay, row.current_generic_drug_copay) == (
        Decimal(15),
        Decimal(5),
    )
    assert row.current_status == EnrollmentStatus.EFFECTUATED
    assert row.current_effective_date == date(2026, 1, 1)
    assert row.open_follow_ups == 1
    assert row.agent_name == f"{personas.carol.last_name}, {personas.carol.first_name}"


def test_a_household_without_enrollments_gets_an_empty_row(personas: Personas) -> None:
    listing.refresh([personas.household_b.pk])
    row = Household.objects.get(pk=personas.household_b.pk)
    assert (row.current_plan_name, row.current_premium, row.open_follow_ups) == ("", Decimal(0), 0)


def test_generated_search_columns_follow_the_contact_columns(personas: Personas) -> None:
    Household.objects.filter(pk=personas.household_a.pk).update(
        primary_name="Ana María Alvarez",
        primary_email="Ana@Example.COM",
        primary_phone="(916) 555-0142",
        case_number=None,
        ffm_app_id="FFM77",
    )
    row = Household.objects.get(pk=personas.household_a.pk)
    assert (row.search_name, row.search_name_tail) == ("ana maría alvarez", "maría alvarez")
    assert (row.search_email, row.search_phone) == ("ana@example.com", "9165550142")
    assert row.sort_case == "FFM77"


def test_a_row_already_in_step_is_not_rewritten(personas: Personas) -> None:
    """On PostgreSQL every rewritten row is a new row version with an entry in each index,
    even with equal values: a refresh writes only the rows that differ."""
    household = personas.household_a
    _enroll(household, status=EnrollmentStatus.EFFECTUATED, effective_date=date(2026, 1, 1))
    assert listing.refresh([household.pk]) == 1
    assert listing.refresh([household.pk]) == 0
    _enroll(household, status=EnrollmentStatus.PENDING, effective_date=date(2026, 2, 1),
            plan_name="Newer plan")  # fmt: skip
    assert listing.refresh([household.pk]) == 1
    assert Household.objects.get(pk=household.pk).current_plan_name == "Newer plan"


def test_an_enrollment_without_an_effective_date_ranks_after_dated_ones(
    personas: Personas,
) -> None:
    """The same on SQLite and PostgreSQL (whose SQL orders NULL dates first when
    descending, SQLite last)."""
    household = personas.household_a
    _enroll(household, plan_name="Dated", status=EnrollmentStatus.PENDING,
            effective_date=date(2026, 1, 1))  # fmt: skip
    _enroll(household, plan_name="Undated", status=EnrollmentStatus.PENDING, effective_date=None)
    listing.refresh([household.pk])
    assert Household.objects.get(pk=household.pk).current_plan_name == "Dated"
