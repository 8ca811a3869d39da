"""Rule by rule: each risk factor fires on its own, with its weight, and only then."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from openbob.book.choices import BinderStatus, DelegationStatus, EnrollmentStatus, FollowUpKind
from openbob.book.models import Delegation, Enrollment, FollowUp, Household, Member
from openbob.imports.choices import EventType, ImportStatus
from openbob.imports.models import ChangeEvent, ImportRun
from openbob.lib.weeks import PACIFIC
from openbob.retention import casework, rules
from openbob.retention.choices import Risk
from openbob.retention.sync import sync
from openbob.retention.tests.conftest import IN_SEASON, case_of, make_renewing
from openbob.testing import Personas

pytestmark = pytest.mark.django_db
RECENTLY = datetime(2026, 9, 1, 12, tzinfo=PACIFIC)


def _event(household: Household, kind: EventType, old: str | None, new: str | None) -> None:
    assert household.agency is not None
    run = ImportRun.objects.create(
        agency=household.agency,
        file_name="book.xlsx",
        sha256="0" * 64,
        status=ImportStatus.SUCCEEDED,
    )
    ChangeEvent.objects.create(
        agency=household.agency, agent=household.agent, household=household, run=run,
        source="calheers", type=kind, key=household.case_number or "", old=old, new=new,
        week=RECENTLY.date(), as_of=RECENTLY,
    )  # fmt: skip


def _follow_up(household: Household, due: date) -> None:
    FollowUp.objects.create(
        household=household, kind=FollowUpKind.DMI, issue_type="Income", due_date=due,
        opened_at=timezone.now(),
    )  # fmt: skip


def _lost_delegation(household: Household) -> None:
    assert household.agency is not None
    Delegation.objects.create(
        household=household,
        agency=household.agency,
        agent=household.agent,
        status=DelegationStatus.REMOVED,
        ended_at=RECENTLY,
    )


SCENARIOS: dict[str, Callable[[Household], object]] = {
    "premium_increase": lambda hh: _event(hh, EventType.NET_PREMIUM_CHANGED, "250.00", "310.00"),
    "aptc_decrease": lambda hh: _event(hh, EventType.APTC_CHANGED, "400.00", "340.00"),
    "dmi_svi_open": lambda hh: _follow_up(hh, IN_SEASON + timedelta(days=30)),
    "dmi_svi_expired": lambda hh: _follow_up(hh, IN_SEASON - timedelta(days=1)),
    "binder_pending": lambda hh: Enrollment.objects.filter(household=hh).update(
        binder_status=BinderStatus.PENDING
    ),
    "aor_changed": lambda hh: _event(hh, EventType.AOR_CHANGED, "1234567", "7654321"),
    "aor_at_risk": lambda hh: Household.objects.filter(pk=hh.pk).update(aor_at_risk_at=RECENTLY),
    "delegation_lost": lambda hh: _lost_delegation(hh),
    "program_change": lambda hh: _event(
        hh, EventType.PROGRAM_CHANGED, "medi_cal", "covered_california"
    ),
    "turning_65": lambda hh: Member.objects.filter(household=hh).update(birth_year=2026 - 65),
    "no_contact": lambda hh: Household.objects.filter(pk=hh.pk).update(
        primary_phone="", primary_email=""
    ),
    "cancellation_past_year": lambda hh: Enrollment.objects.create(
        household=hh,
        status=EnrollmentStatus.CANCELLED,
        effective_date=date(2026, 3, 1),
        end_date=date(2026, 3, 31),
    ),
}


def test_every_rule_has_a_scenario() -> None:
    assert sorted(SCENARIOS) == sorted(rule.key for rule in rules.RULES)


@pytest.mark.parametrize("key", sorted(SCENARIOS))
def test_each_rule_fires_alone_with_its_weight(personas: Personas, key: str) -> None:
    household = make_renewing(personas.household_a)
    SCENARIOS[key](household)
    sync(today=IN_SEASON)
    case = case_of(household)
    assert case.reason_keys == [key]
    assert case.score == rules.WEIGHTS[key]
    assert case.computed_risk == rules.category(rules.WEIGHTS[key])


def test_a_household_without_risk_factors_is_very_low(personas: Personas) -> None:
    household = make_renewing(personas.household_a)
    sync(today=IN_SEASON)
    case = case_of(household)
    assert (case.reason_keys, case.score, case.risk) == ([], 0, Risk.VERY_LOW)


def test_premium_decrease_and_aptc_increase_do_not_fire(personas: Personas) -> None:
    household = make_renewing(personas.household_a)
    _event(household, EventType.NET_PREMIUM_CHANGED, "310.00", "250.00")
    _event(household, EventType.APTC_CHANGED, "340.00", "400.00")
    sync(today=IN_SEASON)
    assert case_of(household).reason_keys == []


def test_events_older_than_the_lookback_do_not_count(personas: Personas) -> None:
    household = make_renewing(personas.household_a)
    _event(household, EventType.AOR_CHANGED, "1", "2")
    ChangeEvent.objects.update(as_of=RECENTLY - timedelta(days=rules.LOOKBACK_DAYS + 60))
    sync(today=IN_SEASON)
    assert case_of(household).reason_keys == []


def test_weights_add_up_and_high_scores_are_very_high_risk(personas: Personas) -> None:
    household = make_renewing(personas.household_a)
    for key in ("dmi_svi_expired", "aor_changed", "binder_pending"):
        SCENARIOS[key](household)
    sync(today=IN_SEASON)
    case = case_of(household)
    assert case.reason_keys == ["dmi_svi_expired", "binder_pending", "aor_changed"]
    assert case.score == 4 + 3 + 3
    assert case.risk == Risk.VERY_HIGH


@pytest.mark.parametrize(
    ("score", "risk"),
    [(0, 1), (1, 2), (2, 2), (3, 3), (5, 3), (6, 4), (8, 4), (9, 5), (30, 5)],
)
def test_scores_map_to_the_five_categories(score: int, risk: int) -> None:
    assert rules.category(score) == risk


def test_an_exchange_risk_overrides_the_computed_one_and_says_so(
    personas: Personas, client_as: Callable[..., object]
) -> None:
    household = make_renewing(personas.household_a)
    sync(today=IN_SEASON)
    case = case_of(household)
    casework.set_exchange_risk(actor=personas.alice, case=case, risk=Risk.HIGH)
    SCENARIOS["no_contact"](household)
    sync(today=IN_SEASON, force=True)
    case.refresh_from_db()
    assert (case.computed_risk, case.exchange_risk, case.risk) == (Risk.LOW, Risk.HIGH, Risk.HIGH)
    page = client_as(personas.alice).get(f"/retention/cases/{case.pk}/")  # type: ignore[attr-defined]
    assert b"Risk category imported from the exchange" in page.content


def test_scoring_uses_decimal_amounts_not_text_order() -> None:
    from openbob.retention.signals import EVENT_RULES

    assert EVENT_RULES["premium_increase"](EventType.GROSS_PREMIUM_CHANGED, "99.00", "100.00")
    assert not EVENT_RULES["premium_increase"](EventType.GROSS_PREMIUM_CHANGED, "9.00", "10x")
    assert Decimal("100.00") > Decimal("99.00")
