"""Export test fixtures: the personas' book with enrollments, members and follow-ups."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from openbob.api.tests.conftest import ApiCaller
from openbob.book.choices import Coverage, EnrollmentStatus, FollowUpKind, MetalTier, Program
from openbob.book.models import Enrollment, FollowUp, Household, Member
from openbob.book.pii import encrypt_dob, encrypt_text
from openbob.testing import Personas, make_household

SEEDED_SSNS = ("912000001", "912000002", "912000003", "912000004", "912000005", "912000006")
SEEDED_DOBS = (date(1980, 5, 17), date(1975, 2, 3))


def run_worker() -> None:
    """One pass of the real worker. It closes its database connection after each task,
    which on PostgreSQL ends a test transaction: tests that run it are transactional."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")


worker_test = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _export_dir(settings: Settings, tmp_path: Path) -> None:
    settings.OPENBOB_EXPORT_DIR = tmp_path / "exports"


@pytest.fixture
def api(client: Client) -> ApiCaller:
    return ApiCaller(client)


@pytest.fixture
def book(personas: Personas) -> Personas:
    """Carol's A household gets a spouse, health and dental plans and an open DMI;
    A also holds a Medi-Cal and a Mixed Household case of carol's."""
    household = personas.household_a
    household.household_size = 2
    household.save()
    Member.objects.create(
        household=household,
        first_name="Luis",
        last_name="Alvarez",
        relationship="Spouse",
        dob_encrypted=encrypt_dob(SEEDED_DOBS[1]),
        birth_year=SEEDED_DOBS[1].year,
        ssn_encrypted=encrypt_text(SEEDED_SSNS[3]),
        ssn_last4=SEEDED_SSNS[3][-4:],
        phone="0916555123",
        residence_zip="02134",
        text_opt_in=True,
    )
    Member.objects.filter(household=household, is_primary=True).update(
        relationship="Self", phone="9165551234", residence_zip="95815"
    )
    Enrollment.objects.create(
        household=household,
        carrier="Blue Shield",
        plan_name="Silver 70 HMO",
        metal_tier=MetalTier.SILVER,
        plan_type="HMO",
        status=EnrollmentStatus.EFFECTUATED,
        effective_date=date(2026, 1, 1),
        gross_premium=Decimal("812.40"),
        aptc=Decimal("700.00"),
        net_premium=Decimal("112.40"),
    )
    Enrollment.objects.create(
        household=household,
        coverage=Coverage.DENTAL,
        carrier="Delta",
        plan_name="Dental HMO",
        gross_premium=Decimal("30.00"),
    )
    FollowUp.objects.create(
        household=household,
        kind=FollowUpKind.DMI,
        issue_type="Income",
        due_date=timezone.localdate() + timedelta(days=30),
        opened_at=timezone.now(),
    )
    for name, program, ssn in (
        ("Mia Medina", Program.MEDI_CAL, SEEDED_SSNS[4]),
        ("Max Mixer", Program.MIXED_HOUSEHOLD, SEEDED_SSNS[5]),
    ):
        extra = make_household(personas.agency_a, personas.carol, name=name, ssn=ssn)
        Household.objects.filter(pk=extra.pk).update(program=program)
    return personas
