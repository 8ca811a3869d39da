"""Report test fixtures: the personas' book with 2025 and 2026 cases, and the sample.

Scope of the book, by persona (see `openbob.testing`): alice sees A and A1 (five
households), sam and rita see A (four), carol her three in A, bob his one in A1,
mallory only B's.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.test import Client
from pytest_django.fixtures import Settings

from openbob.api.tests.conftest import ApiCaller
from openbob.book.choices import Coverage, EnrollmentStatus, Program
from openbob.book.models import Enrollment, Household
from openbob.reports.models import Report
from openbob.testing import Personas, make_household


def _health(household: Household, plan: str, status: str, net: str, year: int) -> None:
    Enrollment.objects.create(
        household=household,
        coverage=Coverage.HEALTH,
        carrier="Blue Shield",
        plan_name=plan,
        status=status,
        effective_date=date(year, 1, 1),
        gross_premium=Decimal(net) + 100,
        net_premium=Decimal(net),
    )


@pytest.fixture
def book(personas: Personas) -> Personas:
    """Active 2025 cases: Ana (carol, A), Ben (bob, A1), Bea (mallory, B). Cora (carol)
    is a 2026 case, Mia (carol) a 2025 Medi-Cal case without a health plan."""
    Household.objects.filter(
        pk__in=[personas.household_a.pk, personas.household_a1.pk, personas.household_b.pk]
    ).update(application_year=2025)
    _health(personas.household_a, "Silver 70 HMO", EnrollmentStatus.EFFECTUATED, "112.40", 2025)
    _health(personas.household_a1, "Bronze 60 PPO", EnrollmentStatus.PENDING, "50.00", 2025)
    _health(personas.household_b, "Gold 80 HMO", EnrollmentStatus.EFFECTUATED, "10.00", 2025)
    cora = make_household(personas.agency_a, personas.carol, name="Cora Cruz", ssn="912000011")
    _health(cora, "Gold 80 HMO", EnrollmentStatus.EFFECTUATED, "300.00", 2026)
    mia = make_household(personas.agency_a, personas.carol, name="Mia Medina", ssn="912000012")
    Household.objects.filter(pk=mia.pk).update(application_year=2025, program=Program.MEDI_CAL)
    return personas


@pytest.fixture
def sample(db: None) -> Report:
    """The installed sample (a transactional test's flush removes migration data)."""
    found = Report.objects.filter(sample=True).first()
    if found is not None:
        return found
    migration = import_module("openbob.reports.migrations.0002_sample_report")
    migration.install(apps, None)
    return Report.objects.get(sample=True)


@pytest.fixture(autouse=True)
def _export_dir(settings: Settings, tmp_path: Path) -> None:
    settings.OPENBOB_EXPORT_DIR = tmp_path / "exports"


@pytest.fixture
def api(client: Client) -> ApiCaller:
    return ApiCaller(client)
