"""Synthetic agencies, enrollers and households for the demo, the tests and the benchmarks.

Deterministic for a given seed (Faker and `random.Random` both seeded). SSNs come only
from the never-issued 9xx area. Names and streets are drawn from pools built once, so
seeding a million households is bounded by the database, not by Faker.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import cast

from django.db import transaction
from django.utils import timezone
from faker import Faker

from openbob.accounts.models import CertificationStatus, User
from openbob.accounts.roles import Role
from openbob.agencies.models import Agency
from openbob.agencies.services import create_agency
from openbob.book.choices import (
    BinderStatus,
    Coverage,
    DelegationStatus,
    EnrollmentStatus,
    FollowUpKind,
    MetalTier,
    PlanType,
    Program,
    Source,
)
from openbob.book.listing import agent_sort_name
from openbob.book.models import Delegation, Enrollment, FollowUp, Household, Member
from openbob.book.pii import encrypt_dob, encrypt_income, encrypt_text, identity_index, ssn_index

BATCH = 2_000
CARRIERS = (
    "Anthem Blue Cross",
    "Blue Shield of California",
    "Health Net",
    "Kaiser Permanente",
    "Molina Healthcare",
    "Oscar Health",
    "Sharp Health Plan",
    "Valley Health Plan",
)
TIERS = (
    MetalTier.BRONZE,
    MetalTier.SILVER,
    MetalTier.SILVER_73,
    MetalTier.SILVER_87,
    MetalTier.SILVER_94,
    MetalTier.GOLD,
    MetalTier.PLATINUM,
    MetalTier.MINIMUM,
)
COPAYS: dict[str, tuple[int, ...]] = {
    MetalTier.MINIMUM: (0,),
    MetalTier.BRONZE: (65, 60),
    MetalTier.SILVER: (50, 45),
    MetalTier.SILVER_73: (50, 35),
    MetalTier.SILVER_87: (15, 10),
    MetalTier.SILVER_94: (5, 10),
    MetalTier.GOLD: (35, 30),
    MetalTier.PLATINUM: (15, 20),
}
DEDUCTIBLES: dict[str, tuple[int, ...]] = {
    MetalTier.MINIMUM: (9200,),
    MetalTier.BRONZE: (5800, 6300),
    MetalTier.SILVER: (5200, 5400),
    MetalTier.SILVER_73: (3700, 3800),
    MetalTier.SILVER_87: (1400, 1500),
    MetalTier.SILVER_94: (0, 75),
    MetalTier.GOLD: (0,),
    MetalTier.PLATINUM: (0,),
}
DMI_TYPES = ("Income", "Citizenship", "Immigration status", "SSN", "Incarceration")
SVI_TYPES = ("Loss of coverage", "Move", "Marriage")
FOLLOW_UP_SHARE = 0.125
AT_RISK_SHARE = 0.03
PENDING_SHARE = 0.01
RELATIONSHIPS = ("Spouse", "Child", "Child", "Parent", "Other")
LANGUAGES = ("English", "English", "English", "Spanish", "Spanish", "Chinese", "Vietnamese")


@dataclass
class SeedSummary:
    """What a seeding run created, including the demo personas' emails by role."""

    agencies: list[Agency] = field(default_factory=list)
    enrollers: list[User] = field(default_factory=list)
    households: int = 0
    personas: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Pools:
    first: Sequence[str]
    last: Sequence[str]
    streets: Sequence[str]
    cities: Sequence[tuple[str, str]]


def _pools(fake: Faker) -> _Pools:
    return _Pools(
        first=[fake.first_name() for _ in range(400)],
        last=[fake.last_name() for _ in range(600)],
        streets=[fake.street_address() for _ in range(800)],
        cities=[
            (fake.city(), f"9{fake.random_int(0, 6)}{fake.random_int(0, 999):03d}")
            for _ in range(120)
        ],
    )


def fake_ssn(rng: random.Random) -> str:
    """A 9-digit SSN from the never-issued 900-999 area."""
    return f"{rng.randint(900, 999)}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"


@transaction.atomic
def seed(
    *,
    consumers: int,
    seed: int = 1,
    password: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> SeedSummary:
    """Build an agency tree with enrollers of every role and `consumers` households."""
    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    summary = SeedSummary()
    _build_tree(summary, fake, rng, password)
    agents = [u for u in summary.enrollers if u.role == Role.AGENT]
    for done in _build_households(consumers, agents, _pools(fake), rng):
        summary.households = done
        if progress is not None:
            progress(done)
    return summary


def _build_tree(
    summary: SeedSummary, fake: Faker, rng: random.Random, password: str | None
) -> None:
    top = create_agency(name="Golden State Health Agency", site_address="Sacramento, CA 95815")
    north = create_agency(
        name="Northern Valley Insurance", parent=top, site_address="Redding, CA 96001"
    )
    coast = create_agency(
        name="Coastal Benefits Group", parent=top, site_address="San Luis Obispo, CA 93401"
    )
    bay = create_agency(name="Bay Family Coverage", parent=coast, site_address="Oakland, CA 94612")
    summary.agencies = [top, north, coast, bay]
    staff = [
        ("manager", Role.AGENCY_MANAGER, top),
        ("admin2", Role.ADMIN_STAFF_2, top),
        ("admin1", Role.ADMIN_STAFF_1, top),
        ("readonly", Role.READ_ONLY, top),
        ("coast.manager", Role.AGENCY_MANAGER, coast),
    ]
    for handle, role, agency in staff:
        user = _enroller(fake, rng, f"{handle}@demo.openbob.test", role, agency, password)
        summary.enrollers.append(user)
        summary.personas[handle] = user.email
    for index in range(12):
        agency = summary.agencies[index % len(summary.agencies)]
        user = _enroller(
            fake, rng, f"agent{index + 1}@demo.openbob.test", Role.AGENT, agency, password
        )
        summary.enrollers.append(user)
    summary.personas["agent"] = "agent1@demo.openbob.test"


def _enroller(
    fake: Faker, rng: random.Random, email: str, role: str, agency: Agency, password: str | None
) -> User:
    return User.objects.create_user(
        email,
        password,
        first_name=fake.first_name(),
        last_name=fake.last_name(),
        agency=agency,
        role=role,
        license_number=f"0{rng.randint(100000, 999999)}",
        npn=str(rng.randint(10_000_000, 19_999_999)),
        primary_site=agency.site_address,
        certification_status=rng.choice(
            [CertificationStatus.CERTIFIED] * 5 + [CertificationStatus.PENDING]
        ),
        is_primary_contact=role == Role.AGENCY_MANAGER,
    )


def _build_households(
    total: int, agents: Sequence[User], pools: _Pools, rng: random.Random
) -> Iterator[int]:
    now = timezone.now()
    done = 0
    while done < total:
        size = min(BATCH, total - done)
        households = [_household(rng, pools, agents, done + i) for i in range(size)]
        enrollments = [_enrollments(rng, hh) for hh in households]
        follow_ups = [_follow_ups(rng, hh, now) for hh in households]
        for hh, own, items in zip(households, enrollments, follow_ups, strict=True):
            _summarise(hh, own, items)
        Household.objects.bulk_create(households, batch_size=BATCH)
        members: list[Member] = []
        delegations: list[Delegation] = []
        for hh in households:
            members.extend(_members(rng, pools, hh))
            delegations.append(
                Delegation(
                    household=hh,
                    agency_id=cast(int, hh.agency_id),
                    agent_id=hh.agent_id,
                    status=DelegationStatus.ACTIVE,
                    started_at=now,
                    source=Source.SEED,
                )
            )
            if rng.random() < PENDING_SHARE:
                delegations.append(_pending_request(rng, hh, agents, now))
        Member.objects.bulk_create(members, batch_size=BATCH)
        Enrollment.objects.bulk_create([e for own in enrollments for e in own], batch_size=BATCH)
        FollowUp.objects.bulk_create([f for own in follow_ups for f in own], batch_size=BATCH)
        Delegation.objects.bulk_create(delegations, batch_size=BATCH)
        done += size
        yield done


def _summarise(hh: Household, enrollments: list[Enrollment], follow_ups: list[FollowUp]) -> None:
    """Fill the household's list row from what was just generated (see `book.listing`)."""
    hh.agent_name = agent_sort_name(hh.agent)
    hh.open_follow_ups = sum(1 for f in follow_ups if f.resolved_at is None)
    health = next((e for e in enrollments if e.coverage == Coverage.HEALTH), None)
    if health is None:
        return
    hh.current_plan_name = health.plan_name
    hh.current_plan_type = health.plan_type
    hh.current_metal_tier = health.metal_tier
    hh.current_carrier = health.carrier
    hh.current_status = health.status
    hh.current_effective_date = health.effective_date
    hh.current_premium = health.net_premium or Decimal("0")
    hh.current_office_visit_copay = health.office_visit_copay or Decimal("0")
    hh.current_generic_drug_copay = health.generic_drug_copay or Decimal("0")
    hh.current_deductible = health.deductible or Decimal("0")


def _follow_ups(rng: random.Random, hh: Household, now: datetime) -> list[FollowUp]:
    """About one household in eight has a DMI or SVI; a third of those are resolved."""
    if rng.random() >= FOLLOW_UP_SHARE:
        return []
    kind = rng.choice([FollowUpKind.DMI, FollowUpKind.DMI, FollowUpKind.SVI])
    opened = now - timedelta(days=rng.randint(5, 80))
    resolved = opened + timedelta(days=rng.randint(1, 4)) if rng.random() < 1 / 3 else None
    return [
        FollowUp(
            household=hh,
            kind=kind,
            issue_type=rng.choice(DMI_TYPES if kind == FollowUpKind.DMI else SVI_TYPES),
            status="Resolved" if resolved else "Documents needed",
            due_date=(opened + timedelta(days=90)).date(),
            source=Source.SEED,
            opened_at=opened,
            resolved_at=resolved,
        )
    ]


def _pending_request(
    rng: random.Random, hh: Household, agents: Sequence[User], now: datetime
) -> Delegation:
    """A consumer asking to be delegated to another agent of the same agency."""
    colleagues = [a for a in agents if a.agency_id == hh.agency_id and a.pk != hh.agent_id]
    agent = rng.choice(colleagues or list(agents))
    return Delegation(
        household=hh,
        agency_id=cast(int, agent.agency_id),
        agent=agent,
        status=DelegationStatus.PENDING,
        requested_at=now - timedelta(hours=rng.randint(1, 240)),
        source=Source.SEED,
    )


def _household(rng: random.Random, pools: _Pools, agents: Sequence[User], n: int) -> Household:
    agent = agents[n % len(agents)]
    program = rng.choices(list(Program)[:3], weights=[80, 8, 12])[0]
    last = rng.choice(pools.last)
    first = rng.choice(pools.first)
    flagged = rng.random() < AT_RISK_SHARE
    return Household(
        aor_at_risk_at=timezone.now() if flagged else None,
        agency_id=agent.agency_id,
        agent=agent,
        case_number=f"{rng.randint(10**9, 10**10 - 1)}",
        application_year=rng.choice([2025, 2026, 2026]),
        program=program,
        household_size=rng.randint(1, 5),
        income_encrypted=encrypt_income(Decimal(rng.randint(14_000, 160_000))),
        primary_name=f"{first} {last}",
        primary_phone=f"{rng.randint(200, 999)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}",
        primary_email=f"{first}.{last}{n}@example.com".lower(),
        source=Source.SEED,
    )


def _members(rng: random.Random, pools: _Pools, hh: Household) -> list[Member]:
    first, last = hh.primary_name.split(" ", 1)
    street = rng.choice(pools.streets)
    city, zip_code = rng.choice(pools.cities)
    people = [(first, "Self")] + [
        (rng.choice(pools.first), rng.choice(RELATIONSHIPS))
        for _ in range((hh.household_size or 1) - 1)
    ]
    members = []
    for index, (given, relationship) in enumerate(people):
        dob = _birth_date(rng, relationship)
        ssn = fake_ssn(rng)
        members.append(
            Member(
                household=hh,
                is_primary=index == 0,
                first_name=given,
                last_name=last,
                dob_encrypted=encrypt_dob(dob),
                birth_year=dob.year,
                ssn_encrypted=encrypt_text(ssn),
                ssn_last4=ssn[-4:],
                ssn_index=ssn_index(ssn),
                identity_index=identity_index(given, last, dob),
                relationship=relationship,
                phone=hh.primary_phone if index == 0 else "",
                email=hh.primary_email if index == 0 else "",
                written_language=rng.choice(LANGUAGES),
                spoken_language=rng.choice(LANGUAGES),
                residence_line1=street,
                residence_city=city,
                residence_state="CA",
                residence_zip=zip_code,
                mailing_line1=street,
                mailing_city=city,
                mailing_state="CA",
                mailing_zip=zip_code,
                source=Source.SEED,
            )
        )
    return members


def _enrollments(rng: random.Random, hh: Household) -> list[Enrollment]:
    if hh.program == Program.MEDI_CAL:
        return []
    gross = Decimal(rng.randint(250, 1800)) + Decimal(rng.randint(0, 99)) / 100
    aptc = min(gross, Decimal(rng.randint(0, 1200)))
    year = hh.application_year or 2026
    carrier = rng.choice(CARRIERS)
    tier = rng.choice(TIERS)
    plan_type = rng.choice(list(PlanType))
    health = Enrollment(
        household=hh,
        coverage=Coverage.HEALTH,
        carrier=carrier,
        plan_name=f"{carrier.split()[0]} {tier.label} {plan_type}",
        hios_plan_id=_hios_id(rng),
        metal_tier=tier,
        plan_type=plan_type,
        gross_premium=gross,
        aptc=aptc,
        net_premium=gross - aptc,
        office_visit_copay=Decimal(rng.choice(COPAYS[tier])),
        generic_drug_copay=Decimal(rng.choice((5, 10, 15, 19))),
        deductible=Decimal(rng.choice(DEDUCTIBLES[tier])),
        effective_date=date(year, 1, 1),
        end_date=date(year, 12, 31),
        status=rng.choices(list(EnrollmentStatus), weights=[10, 80, 5, 5])[0],
        binder_status=rng.choices(list(BinderStatus), weights=[85, 10, 5])[0],
        source=Source.SEED,
    )
    return [health]


def _hios_id(rng: random.Random) -> str:
    """A plausible 14-character HIOS plan id with its CSR variant suffix (-01 to -06)."""
    return f"{rng.randint(10000, 99999)}CA{rng.randint(100, 999):03d}0001-0{rng.randint(1, 6)}"


def _birth_date(rng: random.Random, relationship: str) -> date:
    """Adults born 1946-2000, children 2006-2024: households that look like households."""
    if relationship == "Child":
        return date(2006, 1, 1) + timedelta(days=rng.randint(0, 6_900))
    return date(1946, 1, 1) + timedelta(days=rng.randint(0, 20_000))
