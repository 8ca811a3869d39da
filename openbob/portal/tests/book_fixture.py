"""A small book across the personas' agencies, for the list and household page tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Q

from openbob.book import listing
from openbob.book.choices import Coverage, EnrollmentStatus, MetalTier, Program
from openbob.book.models import Enrollment, Household
from openbob.testing import Personas, make_household

PEOPLE = [
    # name, agent persona, program, tier, premium, status
    ("Zoe Young", "carol", Program.COVERED_CALIFORNIA, MetalTier.GOLD, "410.00", "effectuated"),
    ("Yusuf Xu", "carol", Program.MIXED_HOUSEHOLD, MetalTier.SILVER, "12.50", "pending"),
    ("Ximena Watts", "bob", Program.COVERED_CALIFORNIA, MetalTier.BRONZE, "0.00", "effectuated"),
    (
        "Walter Vance",
        "bob",
        Program.COVERED_CALIFORNIA,
        MetalTier.PLATINUM,
        "890.10",
        "effectuated",
    ),
    ("Vera Underwood", "carol", Program.MEDI_CAL, "", "0", ""),
    ("Uma Tran", "carol", Program.COVERED_CALIFORNIA, MetalTier.SILVER_94, "55.00", "terminated"),
]


def build_book(personas: Personas) -> list[Household]:
    """Six households in A and A1 (plus the personas' three), list rows refreshed."""
    households = []
    for index, (name, agent_name, program, tier, premium, status) in enumerate(PEOPLE):
        agent = getattr(personas, agent_name)
        household = make_household(agent.agency, agent, name=name, ssn=f"9123400{index:02d}")
        Household.objects.filter(pk=household.pk).update(
            program=program,
            primary_email=f"{name.split()[0].lower()}@example.com",
            primary_phone=f"(916) 555-01{index:02d}",
            application_year=2025 + index % 2,
        )
        if tier:
            Enrollment.objects.create(
                household=household,
                coverage=Coverage.HEALTH,
                plan_name=f"{tier} plan",
                carrier="Blue Shield of California" if index % 2 else "Kaiser Permanente",
                metal_tier=tier,
                plan_type="HMO" if index % 2 else "PPO",
                net_premium=Decimal(premium),
                status=status or EnrollmentStatus.PENDING,
                effective_date=date(2026, 1 + index, 1),
                office_visit_copay=Decimal(index * 5),
                generic_drug_copay=Decimal(index),
                deductible=Decimal(index * 100),
            )
        households.append(household)
    listing.refresh(Household.objects.values_list("pk", flat=True))
    return households


def outsider_ids(personas: Personas) -> set[int]:
    return set(
        Household.objects.filter(~Q(agency__path__startswith=personas.agency_a.path)).values_list(
            "pk", flat=True
        )
    )
