"""The Retention cases report type: the Retention Workspace's cases, scoped like it.

Cases: Ana (carol, A; exchange risk 5, in progress), Cora (carol, A; computed risk 5,
open), Dan (carol, A; risk 3, closed as renewed), Ben (bob, A1; risk 3, open) and Bea
(mallory, B; risk 1, open).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openbob.accounts.models import User
from openbob.book.models import Household
from openbob.reports import query
from openbob.reports.definition import parse
from openbob.reports.fields import BY_KEY
from openbob.retention.choices import CaseStatus, Resolution, Risk
from openbob.retention.exporting import FIELDS
from openbob.retention.models import RetentionCase
from openbob.testing import Personas, make_household, sign_in

pytestmark = pytest.mark.django_db
OPENED = datetime(2026, 10, 5, 16, tzinfo=UTC)
OPEN: dict[str, Any] = {"field": "status", "op": "in", "value": ["Open", "In Progress"]}


def _case(household: Household, risk: Risk, **fields: Any) -> RetentionCase:
    assert household.agency_id is not None
    return RetentionCase.objects.create(
        household=household,
        agency_id=household.agency_id,
        assignee_id=household.agent_id,
        plan_year=2026,
        consumer_name=household.primary_name,
        risk=risk,
        computed_risk=risk,
        opened_at=OPENED,
        opened_on=OPENED.date(),
        scored_at=OPENED,
        **fields,
    )


@pytest.fixture
def cases(personas: Personas) -> Personas:
    a, carol = personas.agency_a, personas.carol
    _case(
        personas.household_a,
        Risk.VERY_HIGH,
        exchange_risk=Risk.VERY_HIGH,
        status=CaseStatus.IN_PROGRESS,
        score=2,
        reasons=",aptc_decrease,",
    )
    _case(make_household(a, carol, name="Cora Cruz", ssn="912000011"), Risk.VERY_HIGH)
    _case(
        make_household(a, carol, name="Dan Diaz", ssn="912000012"),
        Risk.MEDIUM,
        status=CaseStatus.CLOSED,
        resolution=Resolution.RENEWED_SAME_PLAN,
        closed_at=datetime(2026, 11, 2, 18, tzinfo=UTC),
    )
    _case(personas.household_a1, Risk.MEDIUM)
    _case(personas.household_b, Risk.VERY_LOW)
    return personas


def _run(user: User, **parts: Any) -> query.Page:
    raw = {"type": "retention_cases", "columns": ["consumer_name"], **parts}
    return query.run(user, parse(raw))


def _names(user: User, *filters: dict[str, Any]) -> list[object]:
    page = _run(user, filters=list(filters), sort=[{"field": "consumer_name"}])
    return [row[0] for row in page.rows]


def test_a_manager_sees_the_cases_of_their_agencies_and_sub_agencies(cases: Personas) -> None:
    assert _names(cases.alice) == ["Ana Alvarez", "Ben Brooks", "Cora Cruz", "Dan Diaz"]


def test_an_agent_sees_only_the_cases_assigned_to_them(cases: Personas) -> None:
    assert _names(cases.carol) == ["Ana Alvarez", "Cora Cruz", "Dan Diaz"]
    assert _names(cases.bob) == ["Ben Brooks"]


def test_an_outsider_sees_none_of_the_agencys_cases(cases: Personas) -> None:
    assert _names(cases.mallory) == ["Bea Baker"]
    cases.bob.agency = None
    cases.bob.save(update_fields=["agency"])
    assert _names(cases.bob) == []


def test_open_cases_grouped_by_risk_category_count_each_category(cases: Personas) -> None:
    page = _run(cases.alice, filters=[OPEN], group_by="risk_category")
    assert page.headers == ["Risk Category", "Rows"]
    assert page.rows == [["3 Medium Risk", 1], ["5 Very High Risk", 2]]
    assert page.totals == ["Total", 3]


def test_risk_source_groups_and_filters_on_whether_the_exchange_sent_the_risk(
    cases: Personas,
) -> None:
    page = _run(cases.alice, group_by="risk_source")
    assert page.rows == [["Computed", 3], ["Exchange", 1]]
    exchange = {"field": "risk_source", "op": "equals", "value": "Exchange"}
    assert _names(cases.alice, exchange) == ["Ana Alvarez"]


def test_cells_show_labels_names_and_dates_not_stored_codes(cases: Personas) -> None:
    columns = [
        "consumer_name",
        "risk_category",
        "risk_source",
        "score",
        "reasons",
        "status",
        "enroller_contact",
        "opened",
        "resolution",
    ]
    page = _run(cases.carol, columns=columns, sort=[{"field": "consumer_name"}])
    assert page.rows[0] == [
        "Ana Alvarez",
        "5 Very High Risk",
        "Exchange",
        2,
        "APTC decrease",
        "In Progress",
        "Carol Tester",
        OPENED,
        None,
    ]
    assert page.rows[2][-1] == "Renewed with same plan"


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        ({"field": "risk_category", "op": "equals", "value": "5"}, ["Ana Alvarez", "Cora Cruz"]),
        ({"field": "risk_category", "op": "is_empty"}, []),
        ({"field": "resolution", "op": "not_empty"}, ["Dan Diaz"]),
        ({"field": "closed", "op": "after", "value": "2026-11-01"}, ["Dan Diaz"]),
        ({"field": "enroller_contact", "op": "contains", "value": "bob"}, ["Ben Brooks"]),
        (
            {"field": "application_case_number", "op": "equals", "value": "C0001001"},
            ["Ben Brooks"],
        ),
    ],
)
def test_filters_work_on_case_fields(
    cases: Personas, flt: dict[str, Any], expected: list[str]
) -> None:
    assert _names(cases.alice, flt) == expected


def test_every_case_column_of_the_retention_export_is_a_report_field() -> None:
    fields = BY_KEY["retention_cases"].fields
    assert all(f.column is declared for f, declared in zip(fields, FIELDS, strict=True))


def test_the_builder_runs_a_grouped_case_report_for_the_viewers_cases(cases: Personas) -> None:
    data = {
        "type": "retention_cases",
        "column": ["consumer_name", "risk_category"],
        "filter_field": ["status"],
        "filter_op": ["in"],
        "filter_value": ["Open, In Progress"],
        "filter_to": [""],
        "group_by": "risk_category",
        "do": "run",
    }
    html = sign_in(Client(), cases.carol).post(reverse("reports:new"), data).content.decode()
    assert "5 Very High Risk" in html and "3 Medium Risk" not in html
