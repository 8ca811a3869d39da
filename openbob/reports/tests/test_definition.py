"""Definitions are validated strictly: every problem named, never an exception leaking."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from openbob.reports.definition import DefinitionError, parse


def _definition(**parts: Any) -> dict[str, Any]:
    return {"type": "consumers", "columns": ["consumer_name"], **parts}


def _problems(raw: object) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        parse(raw)
    return caught.value.problems


def test_it_coerces_values_to_the_fields_types() -> None:
    definition = parse(
        _definition(
            filters=[
                {"field": "year_of_application", "op": "equals", "value": "2025"},
                {
                    "field": "health_enrollment_status",
                    "op": "in",
                    "value": ["pending", "Effectuated"],
                },
                {"field": "net_premium", "op": "between", "value": ["$1,000", "2000.50"]},
                {"field": "effective_date", "op": "after", "value": "2025-01-01"},
                {"field": "archived", "op": "equals", "value": "no"},
            ]
        )
    )
    values = [f.value for f in definition.filters]
    assert values == [
        2025,
        ["pending", "effectuated"],
        [Decimal("1000"), Decimal("2000.50")],
        date(2025, 1, 1),
        False,
    ]


def test_round_trips_through_json() -> None:
    raw = _definition(
        filters=[{"field": "net_premium", "op": "between", "value": ["1", "2"]}],
        sort=[{"field": "consumer_name", "desc": True}],
        group_by="enroller_contact",
        sums=["net_premium"],
    )
    assert parse(parse(raw).to_json()).to_json() == parse(raw).to_json()


def test_an_unknown_field_is_named() -> None:
    assert _problems(_definition(columns=["consumer_name", "shoe_size"])) == [
        "Column 2: “shoe_size” is not a field of Consumers with health enrollments reports."
    ]


def test_an_unknown_operator_lists_the_ones_that_fit_the_field() -> None:
    problems = _problems(
        _definition(filters=[{"field": "year_of_application", "op": "contains", "value": "20"}])
    )
    assert problems == [
        "Filter 1: “Year of Application” cannot be filtered with “contains”; use equals, "
        "is one of, between, less than, more than, is empty, is not empty."
    ]


def test_every_problem_is_reported_at_once() -> None:
    problems = _problems(
        {
            "type": "consumers",
            "columns": [],
            "filters": [
                {"field": "year_of_application", "op": "equals", "value": "soon"},
                {"field": "household_income", "op": "equals", "value": "1"},
                {"field": "eligibility_program", "op": "equals", "value": "Medicare"},
                {"field": "effective_date", "op": "between", "value": ["2025-02-01", "2025-01-01"]},
            ],
            "sums": ["consumer_name"],
            "colour": "blue",
        }
    )
    assert problems == [
        "Unknown part of a report definition: colour.",
        "Choose at least one column.",
        "Filter 1 (“Year of Application”): “soon” is not a whole number.",
        "“Household Income” is masked PII and cannot be used to filter.",
        "Filter 3 (“Eligibility Program”): “Medicare” is not one of: Covered California, "
        "Mixed Household, Medi-Cal, HealthCare.gov (FFM).",
        "Filter 4 (“Effective Date”): “between” needs the smaller value first.",
        "“Consumer Name” is not an amount or a number, so it cannot be summed.",
        "Sums need a group-by field.",
    ]


@pytest.mark.parametrize(
    "raw",
    [
        None,
        [],
        "consumers",
        {"type": "nope", "columns": ["x"]},
        {"type": ["consumers"], "columns": ["x"]},
        _definition(columns="consumer_name"),
        _definition(columns=[{"a": 1}]),
        _definition(filters=[["consumer_name", "equals", "x"]]),
        _definition(filters=[{"field": "consumer_name", "op": "equals", "value": "x\x00"}]),
        _definition(filters=[{"field": "consumer_name", "op": "in", "value": "x"}]),
        _definition(filters=[{"field": "consumer_name", "op": "is_empty", "value": "x"}]),
        _definition(filters=[{"field": "year_of_application", "op": "equals", "value": 10**30}]),
        _definition(filters=[{"field": "net_premium", "op": "equals", "value": "NaN"}]),
        _definition(filters=[{"field": "consumer_name", "op": "equals", "value": True}]),
        _definition(sort=[{"field": "consumer_name", "desc": "yes"}]),
        _definition(sort=[{"field": "household_income"}]),
        _definition(group_by="household_income"),
        _definition(columns=["consumer_name", "consumer_name"]),
        _definition(filters=[{}] * 21),
    ],
)
def test_malformed_definitions_end_as_definition_errors(raw: object) -> None:
    assert _problems(raw)
