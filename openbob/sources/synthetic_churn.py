"""The generator's weekly churn: what happens to each household between two Fridays.

Each week `advance` applies at most one change per household and source: one roll,
walked down a table of weekly rates that depends on the household's state (a pending
enrollment may effectuate, an effectuated one terminate, an own AOR be flagged at risk).
Open DMIs and SVIs resolve at their own rates, and all within a few weeks, so every
open issue stays inside the follow-up exports' window; at-risk listings end in an AOR
swap or in nothing. New households join at the end of the week.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from openbob.sources.synthetic_catalog import (
    CALIFORNIA_PLANS,
    DMI_TYPES,
    MARKETPLACE_PLANS,
    SVI_TYPES,
    Plan,
)
from openbob.sources.synthetic_world import (
    CENT,
    CalheersCase,
    Coverage,
    FastRandom,
    HealthSherpaApp,
    Household,
    World,
    new_coverage,
    new_household,
    price,
    subsidy,
)

_DMI_MAX_WEEKS = 12  # forced resolution, so every open DMI stays inside the export window
_SVI_MAX_WEEKS = 8


class Step(enum.Enum):
    """One weekly change to a household's case or application."""

    LOSE = enum.auto()
    AGENT = enum.auto()
    PROGRAM = enum.auto()
    PLAN = enum.auto()
    GROSS = enum.auto()
    APTC = enum.auto()
    EFFECTUATE = enum.auto()
    FOLLOWUPS = enum.auto()
    CANCEL = enum.auto()
    TERMINATE = enum.auto()
    DMI = enum.auto()
    SVI = enum.auto()
    AT_RISK = enum.auto()
    SWAP_AOR = enum.auto()
    REGAIN_AOR = enum.auto()


Table = tuple[tuple[float, Step], ...]
_COVERAGE_STEPS: Table = ((0.006, Step.PLAN), (0.008, Step.GROSS), (0.012, Step.APTC))
_CASE_STATUS_STEPS: dict[str, Table] = {
    "Pending": ((0.27, Step.EFFECTUATE), (0.03, Step.CANCEL)),
    "Effectuated": ((0.005, Step.TERMINATE),),
}
_APP_STATUS_STEPS: dict[str, Table] = {
    "PendingEffectuation": ((0.25, Step.EFFECTUATE), (0.05, Step.FOLLOWUPS), (0.03, Step.CANCEL)),
    "PendingFollowups": ((0.25, Step.EFFECTUATE), (0.03, Step.CANCEL)),
    "Effectuated": ((0.005, Step.TERMINATE),),
}
_AOR_STEPS: dict[str, Table] = {
    "own": ((0.010, Step.AT_RISK), (0.002, Step.SWAP_AOR)),
    "outside": ((0.05, Step.REGAIN_AOR),),
}
_STATUS_WORDS = {
    Step.EFFECTUATE: "Effectuated",
    Step.FOLLOWUPS: "PendingFollowups",  # a raw-only change: still pending
    Step.CANCEL: "Cancelled",
    Step.TERMINATE: "Terminated",
}
_RATE_MOVES = (Decimal("0.95"), Decimal("0.98"), Decimal("1.02"), Decimal("1.05"), Decimal("1.08"))
_DMI_RESOLVES, _SVI_RESOLVES, _SWAP_AFTER_RISK, _EDE_LOST_AFTER_SWAP = 0.15, 0.2, 0.5, 0.5


@cache
def _case_table(status: str | None) -> Table:
    """Weekly steps of a case; `status` is None for a case without health coverage."""
    table: Table = ((0.010, Step.LOSE), (0.010, Step.AGENT), (0.005, Step.PROGRAM))
    if status is None:
        return table
    return table + _COVERAGE_STEPS + _CASE_STATUS_STEPS.get(status, ())


@cache
def _app_table(status: str, standing: str) -> Table:
    table: Table = ((0.010, Step.LOSE), (0.015, Step.DMI), (0.007, Step.SVI))
    return (
        table + _COVERAGE_STEPS + _APP_STATUS_STEPS.get(status, ()) + _AOR_STEPS.get(standing, ())
    )


def _standing(app: HealthSherpaApp) -> str:
    """Whose the agent of record is: 'own', 'at_risk', 'outside' or 'none'."""
    if app.at_risk_until is not None:
        return "at_risk"
    if app.aor is None:
        return "none"
    return "own" if app.aor is app.agent else "outside"


def _pick(rng: FastRandom, table: Table) -> Step | None:
    """One step from a table of (weekly probability, step); most weeks, none."""
    roll = rng.random()
    for probability, step in table:
        if roll < probability:
            return step
        roll -= probability
    return None


def advance(world: World, today: date) -> None:
    """Move the world one week on: churn every household, then add new ones."""
    rng = world.rng
    survivors = []
    for household in world.households:
        case = household.calheers
        if case is not None:
            step = _pick(rng, _case_table(case.coverage.status if case.coverage else None))
            if step is not None:
                _apply_case(world, household, case, step, today)
        app = household.healthsherpa
        if app is not None:
            _settle_issues(rng, app, today)
            _settle_risk(world, app, today)
            step = _pick(rng, _app_table(app.coverage.status, _standing(app)))
            if step is not None:
                _apply_app(world, household, app, step, today)
        if household.calheers is not None or household.healthsherpa is not None:
            survivors.append(household)
    survivors.extend(new_household(world, today) for _ in range(world.weekly_new))
    world.households = survivors


def _apply_case(
    world: World, household: Household, case: CalheersCase, step: Step, today: date
) -> None:
    if step is Step.LOSE:
        household.calheers = None
        return
    if step is Step.AGENT:
        _change_agent(world, case)
    elif step is Step.PROGRAM:
        _change_program(world, household, case, today)
    elif case.coverage is not None:
        _changenew_coverage(world.rng, household, case.coverage, CALIFORNIA_PLANS, step, today)
    case.last_updated = today


def _apply_app(
    world: World, household: Household, app: HealthSherpaApp, step: Step, today: date
) -> None:
    rng = world.rng
    if step is Step.LOSE:
        household.healthsherpa = None
    elif step is Step.DMI:
        _open_issue(rng, app.dmis, DMI_TYPES, today)
    elif step is Step.SVI:
        _open_issue(rng, app.svis, SVI_TYPES, today)
    elif step is Step.AT_RISK:
        app.at_risk_until = today + timedelta(weeks=rng.randint(0, 2))
    elif step is Step.SWAP_AOR:
        _swap_aor(world, app, today)
    elif step is Step.REGAIN_AOR:
        app.aor = app.agent
    else:
        _changenew_coverage(rng, household, app.coverage, MARKETPLACE_PLANS, step, today)


def _change_agent(world: World, case: CalheersCase) -> None:
    """Delegation moved to another agent of the book, of the same agency when possible."""
    others = [agent for agent in world.agents if agent is not case.agent]
    same_agency = [agent for agent in others if agent.agency is case.agent.agency]
    if others:
        case.agent = world.rng.choice(same_agency or others)


def _change_program(world: World, household: Household, case: CalheersCase, today: date) -> None:
    programs = ("Covered California", "Mixed Household", "Medi-Cal")
    case.program = world.rng.choice([name for name in programs if name != case.program])
    if case.program == "Medi-Cal":
        case.coverage = None
    elif case.coverage is None:
        case.coverage = new_coverage(world.rng, CALIFORNIA_PLANS, household, today, "Pending")


def _changenew_coverage(
    rng: FastRandom,
    household: Household,
    coverage: Coverage,
    plans: Sequence[Plan],
    step: Step,
    today: date,
) -> None:
    """A plan, premium, subsidy or status change. A change that happens to leave a value
    as it was is harmless: the ground truth compares values, not steps."""
    if step is Step.PLAN:
        coverage.plan = rng.choice([plan for plan in plans if plan is not coverage.plan])
        coverage.gross, coverage.aptc = price(rng, coverage.plan, household, today)
    elif step is Step.GROSS:
        coverage.gross = (coverage.gross * rng.choice(_RATE_MOVES)).quantize(CENT)
        coverage.aptc = min(coverage.aptc, coverage.gross)
    elif step is Step.APTC:
        coverage.aptc = subsidy(rng, coverage.plan, coverage.gross)
    else:
        coverage.status = _STATUS_WORDS[step]


def _open_issue(
    rng: FastRandom, issues: dict[str, date], kinds: Sequence[str], today: date
) -> None:
    candidates = [kind for kind in kinds if kind not in issues]
    if candidates:
        issues[rng.choice(candidates)] = today


def _settle_issues(rng: FastRandom, app: HealthSherpaApp, today: date) -> None:
    """Resolve open DMIs and SVIs: some each week, and every one after a few weeks."""
    for issues, chance, most_weeks in (
        (app.dmis, _DMI_RESOLVES, _DMI_MAX_WEEKS),
        (app.svis, _SVI_RESOLVES, _SVI_MAX_WEEKS),
    ):
        for kind, opened in list(issues.items()):
            if (today - opened).days >= most_weeks * 7 or rng.random() < chance:
                del issues[kind]


def _settle_risk(world: World, app: HealthSherpaApp, today: date) -> None:
    """An at-risk listing ends in an AOR swap or comes to nothing."""
    if app.at_risk_until is not None and today > app.at_risk_until:
        app.at_risk_until = None
        if world.rng.random() < _SWAP_AFTER_RISK:
            _swap_aor(world, app, today)


def _swap_aor(world: World, app: HealthSherpaApp, today: date) -> None:
    """Another agency's agent became agent of record; EDE permission is often lost too."""
    app.aor = world.rng.choice(world.outside_agents)
    if world.rng.random() < _EDE_LOST_AFTER_SWAP:
        app.ede_lost_on = app.ede_lost_on or today
