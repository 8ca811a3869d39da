"""Retention fixtures: a renewal-ready book on top of the personas, synced in season."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from openbob.accounts.models import User
from openbob.accounts.roles import Role
from openbob.api.tests.conftest import ApiCaller
from openbob.book.choices import BinderStatus, EnrollmentStatus
from openbob.book.models import Enrollment, Household
from openbob.retention.models import RetentionCase
from openbob.retention.sync import sync
from openbob.testing import Personas, make_user

IN_SEASON = date(2026, 10, 5)
PLAN_YEAR = 2026


def make_renewing(household: Household, **enrollment: object) -> Household:
    """Give `household` contact details and an effectuated 2026 enrollment to year end."""
    household.primary_phone = "9165550100"
    household.primary_email = "consumer@example.com"
    household.save(update_fields=["primary_phone", "primary_email"])
    Enrollment.objects.create(
        household=household,
        policy_id=f"P{household.pk}",
        carrier="Blue Shield of California",
        plan_name="Silver 70 PPO",
        gross_premium=Decimal("650.00"),
        aptc=Decimal("400.00"),
        net_premium=Decimal("250.00"),
        effective_date=date(PLAN_YEAR, 1, 1),
        end_date=date(PLAN_YEAR, 12, 31),
        status=EnrollmentStatus.EFFECTUATED,
        binder_status=BinderStatus.PAID,
        **enrollment,
    )
    return household


def case_of(household: Household) -> RetentionCase:
    return RetentionCase.objects.get(household=household, plan_year=PLAN_YEAR)


@pytest.fixture
def renewal_book(personas: Personas) -> Personas:
    """The personas' three households renewing, synced on a day of renewal season."""
    for household in (personas.household_a, personas.household_a1, personas.household_b):
        make_renewing(household)
    sync(today=IN_SEASON)
    return personas


@pytest.fixture
def dave(personas: Personas) -> User:
    """A second Certified Agent in sub-agency A1, to transfer bob's cases to."""
    return make_user("dave@a1.test", Role.AGENT, personas.agency_a1)


@pytest.fixture
def api(client: Client) -> ApiCaller:
    """Calls the JSON API as a persona, through a real bearer token."""
    return ApiCaller(client)
