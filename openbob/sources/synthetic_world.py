"""The generator's simulated world: an agency tree, its agents and its households.

Everything random comes from one `FastRandom(seed)` consumed in a fixed order, and
Faker (seeded alike) only fills name and street pools once, so the same arguments give
the same world week after week. Households live in a list (never a set), because set
order of strings changes between Python processes.

The weekly changes are in `openbob.sources.synthetic_churn`. The files and the ground
truth are both derived from the world's state, so they cannot disagree.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Generic, TypeVar

from faker import Faker

from openbob.sources.ground_truth import CalheersState, HealthSherpaState, Snapshot
from openbob.sources.synthetic_catalog import (
    CALIFORNIA,
    CALIFORNIA_PLANS,
    CANCEL_NOTES,
    DENTAL_PLANS,
    DMI_TYPES,
    LANGUAGES,
    MARKETPLACE_PLANS,
    MARKETPLACE_STATES,
    RELATIONSHIPS,
    Place,
    Plan,
)
from openbob.sources.vocab import enrollment_status, program

CENT = Decimal("0.01")
DMI_DUE_DAYS = 95
SVI_DUE_DAYS = 30
_CALHEERS_ONLY, _HEALTHSHERPA_ONLY = 0.5, 0.8  # cumulative shares; the rest is in both
_WEEKLY_NEW = 0.012
T = TypeVar("T")


class FastRandom(random.Random):
    """`random.Random` whose `randint` and `choice` cost one `random()` call.

    The standard versions draw bits in a loop to be exactly uniform, which is a third of
    the generator's time at 200,000 households; one float is uniform to within 2**-53,
    ample for synthetic people. Same seed, same sequence, as before.
    """

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq: Sequence[T]) -> T:  # type: ignore[override]
        return seq[int(self.random() * len(seq))]


@dataclass(frozen=True, slots=True)
class Weighted(Generic[T]):
    """A weighted choice with its cumulative weights computed once (`Random.choices`
    recomputes them on every call, which shows at 200,000 households)."""

    values: tuple[T, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, *pairs: tuple[T, float]) -> Weighted[T]:
        return cls(tuple(value for value, _ in pairs), tuple(accumulate(w for _, w in pairs)))

    def pick(self, rng: FastRandom) -> T:
        return self.values[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


_HOUSEHOLD_SIZE = Weighted.of((1, 40), (2, 27), (3, 17), (4, 11), (5, 5))
_PROGRAM = Weighted.of(("Covered California", 80), ("Mixed Household", 8), ("Medi-Cal", 12))
_CASE_STATUS = Weighted.of(
    ("Effectuated", 70), ("Pending", 20), ("Cancelled", 4), ("Terminated", 6)
)
_APP_STATUS = Weighted.of(
    ("Effectuated", 65),
    ("PendingEffectuation", 20),
    ("PendingFollowups", 5),
    ("Cancelled", 4),
    ("Terminated", 6),
)
_VERIFICATIONS = Weighted.of((0, 85), (1, 12), (2, 3))
_NOTICES = Weighted.of((0, 90), (1, 10))


@dataclass(slots=True)
class Agency:
    name: str
    parent: Agency | None
    city: str


@dataclass(slots=True)
class Agent:
    first_name: str
    last_name: str
    email: str
    license_number: str
    npn: str
    phone: str
    agency: Agency
    created: date

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def aor_label(self) -> str:
        """How HealthSherpa shows an agent of record."""
        return f"{self.name} (NPN: {self.npn})"


@dataclass(frozen=True, slots=True)
class Person:
    first_name: str
    middle_name: str | None
    last_name: str
    dob: date
    ssn: str
    gender: str
    relationship: str


@dataclass(slots=True)
class Coverage:
    """A health enrollment; `status` is the raw word the source writes."""

    plan: Plan
    status: str
    start: date
    gross: Decimal
    aptc: Decimal

    @property
    def net(self) -> Decimal:
        return self.gross - self.aptc


@dataclass(slots=True)
class CalheersCase:
    case_number: str
    program: str
    application_year: int
    agent: Agent
    delegation_date: date
    coverage: Coverage | None
    dental: tuple[str, str] | None
    consent_valid_through: date
    outstanding_verifications: int
    notices_pending: int
    last_updated: date


@dataclass(slots=True)
class HealthSherpaApp:
    healthsherpa_id: str
    ffm_app_id: str
    subscriber_id: str
    issuer_policy_id: str | None
    agent: Agent
    aor: Agent | None
    coverage: Coverage
    submitted: date
    notes: str | None
    income: Decimal
    ssn_masked: bool
    at_risk_until: date | None = None
    ede_lost_on: date | None = None
    dmis: dict[str, date] = field(default_factory=dict)
    svis: dict[str, date] = field(default_factory=dict)

    def at_risk(self, today: date) -> bool:
        return self.at_risk_until is not None and today <= self.at_risk_until


@dataclass(slots=True)
class Household:
    number: int
    members: list[Person]
    street: str
    unit: str | None
    place: Place
    phone: str
    secondary_phone: str | None
    email: str
    language: str
    text_opt_in: bool
    homeless: bool
    calheers: CalheersCase | None = None
    healthsherpa: HealthSherpaApp | None = None

    @property
    def primary(self) -> Person:
        return self.members[0]


@dataclass(frozen=True, slots=True)
class Pools:
    """Names and streets drawn from Faker once; hot loops pick from them."""

    first_names: Sequence[str]
    last_names: Sequence[str]
    streets: Sequence[str]
    companies: Sequence[str]

    @classmethod
    def from_faker(cls, fake: Faker) -> Pools:
        return cls(
            first_names=sorted({fake.first_name() for _ in range(600)}),
            last_names=sorted({fake.last_name() for _ in range(900)}),
            streets=sorted({fake.street_name() for _ in range(1200)}),
            companies=sorted({fake.company() for _ in range(200)}),
        )


@dataclass(slots=True)
class World:
    rng: FastRandom
    pools: Pools
    agencies: list[Agency]
    agents: list[Agent]
    outside_agents: list[Agent]
    households: list[Household]
    weekly_new: int
    next_number: int = 0
    next_case: int = 0
    next_app: int = 0

    def snapshot(self, today: date) -> Snapshot:
        """The ground-truth view of this week's files."""
        calheers = {
            hh.calheers.case_number: _calheers_state(hh.calheers)
            for hh in self.households
            if hh.calheers is not None
        }
        healthsherpa = {
            hh.healthsherpa.ffm_app_id: _healthsherpa_state(hh.healthsherpa, today)
            for hh in self.households
            if hh.healthsherpa is not None
        }
        return Snapshot(calheers, healthsherpa)

    def clients_agent(self) -> Agent:
        """The agent whose Clients export is written: the first with HealthSherpa clients."""
        owners = {id(hh.healthsherpa.agent) for hh in self.households if hh.healthsherpa}
        return next((agent for agent in self.agents if id(agent) in owners), self.agents[0])


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"


def _status(raw: str | None) -> str | None:
    status = enrollment_status(raw)
    return status.value if status else None


def _calheers_state(case: CalheersCase) -> CalheersState:
    coverage = case.coverage
    normalised_program = program(case.program)
    return CalheersState(
        agent=case.agent.license_number,
        status=_status(coverage.status) if coverage else None,
        plan=coverage.plan.name if coverage else None,
        gross_premium=_money(coverage.gross) if coverage else None,
        aptc=_money(coverage.aptc) if coverage else None,
        net_premium=_money(coverage.net) if coverage else None,
        program=normalised_program.value if normalised_program else None,
    )


def _healthsherpa_state(app: HealthSherpaApp, today: date) -> HealthSherpaState:
    coverage = app.coverage
    return HealthSherpaState(
        aor=app.aor.npn if app.aor else None,
        status=_status(coverage.status),
        plan=coverage.plan.name,
        gross_premium=_money(coverage.gross),
        aptc=_money(coverage.aptc),
        net_premium=_money(coverage.net),
        at_risk=app.at_risk(today),
        dmis=frozenset(app.dmis),
        svis=frozenset(app.svis),
    )


def build_world(*, agencies: int, agents: int, consumers: int, seed: int, today: date) -> World:
    """The baseline world: an agency tree, its agents, and `consumers` households."""
    if agencies < 1 or agents < 1 or consumers < 0:
        raise ValueError("need at least one agency and one agent, and no negative consumers")
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = FastRandom(seed)
    pools = Pools.from_faker(fake)
    tree = _agency_tree(rng, pools, agencies)
    outsider = Agency("Other agency (not in this book)", None, "Elsewhere")
    people = _agents(
        rng, pools, _round_robin(tree, agents) + [outsider] * max(3, agents // 2), today
    )
    world = World(
        rng=rng,
        pools=pools,
        agencies=tree,
        agents=people[:agents],
        outside_agents=people[agents:],
        households=[],
        weekly_new=max(1, round(consumers * _WEEKLY_NEW)) if consumers else 0,
        next_case=rng.randint(10**9, 2 * 10**9),
        next_app=rng.randint(10**9, 2 * 10**9),
    )
    world.households = [new_household(world, today) for _ in range(consumers)]
    return world


def _agency_tree(rng: FastRandom, pools: Pools, count: int) -> list[Agency]:
    names = rng.sample(list(pools.companies), min(count, len(pools.companies)))
    names += [f"Agency {index}" for index in range(len(names), count)]
    tree: list[Agency] = []
    for index, name in enumerate(names):
        parent = rng.choice(tree) if index else None
        tree.append(Agency(f"{name} Insurance Services", parent, rng.choice(CALIFORNIA).city))
    return tree


def _agents(rng: FastRandom, pools: Pools, agencies: Sequence[Agency], today: date) -> list[Agent]:
    """One agent per agency slot, round-robin, with unique names, licenses and NPNs."""
    agents: list[Agent] = []
    names: set[tuple[str, str]] = set()
    for index in range(len(agencies)):
        first, last = rng.choice(pools.first_names), rng.choice(pools.last_names)
        while (first, last) in names:
            first, last = rng.choice(pools.first_names), rng.choice(pools.last_names)
        names.add((first, last))
        agency = agencies[index]
        letter = "ABCDEFGHJKLMNPRSTUVWXYZ"[index % 23]
        agents.append(
            Agent(
                first_name=first,
                last_name=last,
                email=f"{_handle(first)}.{_handle(last)}{index}@agents.example.com",
                license_number=f"0{letter}{10_000 + index * 7 + rng.randint(0, 6):05d}",
                npn=str(10_000_000 + index * 1_009 + rng.randint(0, 1_000)),
                phone=_phone(rng),
                agency=agency,
                created=today - timedelta(days=rng.randint(90, 2_000)),
            )
        )
    return agents


def _round_robin(agencies: Sequence[Agency], count: int) -> list[Agency]:
    return [agencies[index % len(agencies)] for index in range(count)]


def _handle(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _phone(rng: FastRandom) -> str:
    return str(rng.randint(2_092_000_000, 9_899_999_999))


def _ssn(rng: FastRandom) -> str:
    """A 9-digit SSN from the never-issued 900-999 area."""
    return str(rng.randint(900_000_000, 999_999_999))


def _birthday(rng: FastRandom, today: date, youngest: int, oldest: int) -> date:
    return today - timedelta(days=rng.randint(youngest * 365 + 1, oldest * 365 + 364))


def _members(rng: FastRandom, pools: Pools, today: date) -> list[Person]:
    size = _HOUSEHOLD_SIZE.pick(rng)
    last = rng.choice(pools.last_names)
    primary = Person(
        rng.choice(pools.first_names),
        rng.choice("ABCDEJLMRS") if rng.random() < 0.3 else None,
        last,
        _birthday(rng, today, 19, 64),
        _ssn(rng),
        rng.choice("FM"),
        "Self",
    )
    people = [primary]
    for index in range(1, size):
        relationship = "Spouse" if index == 1 and rng.random() < 0.7 else rng.choice(RELATIONSHIPS)
        youngest, oldest = (0, 25) if relationship == "Child" else (19, 64)
        people.append(
            Person(
                rng.choice(pools.first_names),
                None,
                last,
                _birthday(rng, today, youngest, oldest),
                _ssn(rng),
                rng.choice("FM"),
                relationship,
            )
        )
    return people


def new_household(world: World, today: date) -> Household:
    """A household in CalHEERS only, HealthSherpa only, or both (same people)."""
    rng = world.rng
    share = rng.random()
    in_calheers = share < _CALHEERS_ONLY or share >= _HEALTHSHERPA_ONLY
    in_healthsherpa = share >= _CALHEERS_ONLY
    members = _members(rng, world.pools, today)
    place = rng.choice(CALIFORNIA if in_calheers else MARKETPLACE_STATES)
    world.next_number += 1
    number = world.next_number
    primary = members[0]
    household = Household(
        number=number,
        members=members,
        street=f"{rng.randint(10, 29_999)} {rng.choice(world.pools.streets)}",
        unit=rng.choice(("Apt 4, Bldg B", f"Unit {rng.randint(1, 300)}"))
        if rng.random() < 0.2
        else None,
        place=place,
        phone=_phone(rng),
        secondary_phone=_phone(rng) if rng.random() < 0.3 else None,
        email=f"{_handle(primary.first_name)}.{_handle(primary.last_name)}{number}@example.com",
        language=rng.choice(LANGUAGES),
        text_opt_in=rng.random() < 0.6,
        homeless=rng.random() < 0.01,
    )
    if in_calheers:
        household.calheers = _new_case(world, household, today)
    if in_healthsherpa:
        household.healthsherpa = _new_app(world, household, today)
    return household


def new_coverage(
    rng: FastRandom, plans: Sequence[Plan], household: Household, start: date, status: str
) -> Coverage:
    plan = rng.choice(plans)
    gross, aptc = price(rng, plan, household, start)
    return Coverage(plan, status, start, gross, aptc)


def price(
    rng: FastRandom, plan: Plan, household: Household, today: date
) -> tuple[Decimal, Decimal]:
    age = (today - household.primary.dob).days // 365
    factor = 1 + Decimal(max(0, age - 21)) * Decimal("0.03")
    gross = plan.base_rate * factor * (1 + Decimal("0.6") * (len(household.members) - 1))
    gross = gross.quantize(CENT)
    return gross, subsidy(rng, plan, gross)


def subsidy(rng: FastRandom, plan: Plan, gross: Decimal) -> Decimal:
    """APTC as a share of the gross premium; Minimum Coverage plans get none."""
    share = 0 if plan.metal_tier == "Minimum Coverage" else rng.randint(0, 95)
    return (gross * share / 100).quantize(CENT)


def _new_case(world: World, household: Household, today: date) -> CalheersCase:
    rng = world.rng
    world.next_case += rng.randint(1, 97)
    case_program = _PROGRAM.pick(rng)
    start = date(today.year, rng.randint(1, today.month), 1)
    status = _CASE_STATUS.pick(rng)
    coverage = None
    if case_program != "Medi-Cal":
        coverage = new_coverage(rng, CALIFORNIA_PLANS, household, start, status)
    return CalheersCase(
        case_number=str(world.next_case),
        program=case_program,
        application_year=today.year,
        agent=rng.choice(world.agents),
        delegation_date=today - timedelta(days=rng.randint(0, 700)),
        coverage=coverage,
        dental=rng.choice(DENTAL_PLANS) if rng.random() < 0.25 else None,
        consent_valid_through=today + timedelta(days=rng.randint(30, 700)),
        outstanding_verifications=_VERIFICATIONS.pick(rng),
        notices_pending=_NOTICES.pick(rng),
        last_updated=today - timedelta(days=rng.randint(0, 60)),
    )


def _new_app(world: World, household: Household, today: date) -> HealthSherpaApp:
    rng = world.rng
    world.next_app += rng.randint(1, 89)
    agent = rng.choice(world.agents)
    start = date(today.year, rng.randint(1, today.month), 1)
    status = _APP_STATUS.pick(rng)
    app = HealthSherpaApp(
        healthsherpa_id=str(3_000_000 + world.next_number),
        ffm_app_id=str(world.next_app),
        subscriber_id=f"{world.next_app % 10**10:010d}",
        issuer_policy_id=f"U{rng.randint(10**7, 10**8 - 1)}" if rng.random() < 0.7 else None,
        agent=agent,
        aor=agent if rng.random() < 0.97 else None,
        coverage=new_coverage(rng, MARKETPLACE_PLANS, household, start, status),
        submitted=today - timedelta(days=rng.randint(0, 120)),
        notes=rng.choice(CANCEL_NOTES) if status == "Cancelled" else None,
        income=Decimal(rng.randint(14_000, 160_000)),
        ssn_masked=rng.random() < 0.1,
        ede_lost_on=today if rng.random() < 0.01 else None,
    )
    if rng.random() < 0.1:
        app.dmis[rng.choice(DMI_TYPES)] = today
    return app
