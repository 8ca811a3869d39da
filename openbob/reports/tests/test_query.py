"""Running reports: filters by type, sort, group-by with sums, pages, scope and masks."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from openbob.accounts.models import User
from openbob.reports import query
from openbob.reports.definition import parse
from openbob.testing import Personas

pytestmark = pytest.mark.django_db
ACTIVE_2025: list[dict[str, Any]] = [
    {"field": "year_of_application", "op": "equals", "value": 2025},
    {"field": "health_enrollment_status", "op": "in", "value": ["Pending", "Effectuated"]},
]


def _run(user: User, **parts: Any) -> query.Page:
    raw = {"type": "consumers", "columns": ["consumer_name"], **parts}
    return query.run(user, parse(raw), page=parts.pop("page", 1))


def _names(user: User, *filters: dict[str, Any]) -> list[object]:
    page = _run(user, filters=list(filters), sort=[{"field": "consumer_name"}])
    return [row[0] for row in page.rows]


def test_consumers_with_active_2025_cases(book: Personas) -> None:
    assert _names(book.alice, *ACTIVE_2025) == ["Ana Alvarez", "Ben Brooks"]


def test_each_viewer_sees_only_their_scope(book: Personas) -> None:
    assert _names(book.sam, *ACTIVE_2025) == ["Ana Alvarez"]
    assert _names(book.bob, *ACTIVE_2025) == ["Ben Brooks"]
    assert _names(book.mallory, *ACTIVE_2025) == ["Bea Baker"]
    assert _names(book.alice) == [
        "Ana Alvarez",
        "Ben Brooks",
        "Cora Cruz",
        "Mia Medina",
    ]


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        ({"field": "consumer_name", "op": "contains", "value": "AR"}, ["Ana Alvarez"]),
        ({"field": "consumer_name", "op": "equals", "value": "cora cruz"}, ["Cora Cruz"]),
        (
            {"field": "consumer_name", "op": "in", "value": ["Mia Medina", "Cora Cruz"]},
            ["Cora Cruz", "Mia Medina"],
        ),
        ({"field": "enroller_contact", "op": "contains", "value": "bob"}, ["Ben Brooks"]),
        ({"field": "account_name", "op": "equals", "value": "Agency A1"}, ["Ben Brooks"]),
        ({"field": "eligibility_program", "op": "equals", "value": "Medi-Cal"}, ["Mia Medina"]),
        ({"field": "health_enrollment_name", "op": "is_empty"}, ["Mia Medina"]),
        (
            {"field": "net_premium", "op": "between", "value": ["50", "112.40"]},
            ["Ana Alvarez", "Ben Brooks"],
        ),
        ({"field": "net_premium", "op": "after", "value": "112.40"}, ["Cora Cruz"]),
        (
            {"field": "effective_date", "op": "before", "value": "2026-01-01"},
            ["Ana Alvarez", "Ben Brooks"],
        ),
        ({"field": "year_of_application", "op": "in", "value": [2026]}, ["Cora Cruz"]),
        ({"field": "contact_application_id", "op": "not_empty"}, []),
        (
            {"field": "last_updated_date", "op": "after", "value": "2000-01-01"},
            ["Ana Alvarez", "Ben Brooks", "Cora Cruz", "Mia Medina"],
        ),
    ],
)
def test_each_operator_filters_by_its_fields_type(
    book: Personas, flt: dict[str, Any], expected: list[str]
) -> None:
    assert _names(book.alice, flt) == expected


def test_group_by_counts_and_sums_within_scope(book: Personas) -> None:
    page = _run(book.alice, group_by="enroller_contact", sums=["net_premium"])
    assert page.headers == ["Enroller Contact", "Rows", "Sum of Net Premium"]
    assert page.rows == [
        ["Bob Tester", 1, Decimal("50.00")],
        ["Carol Tester", 3, Decimal("412.40")],
    ]
    assert page.totals == ["Total", 4, Decimal("462.40")]


def test_sort_and_pages(book: Personas) -> None:
    definition = parse(
        {
            "type": "consumers",
            "columns": ["consumer_name", "net_premium"],
            "sort": [{"field": "net_premium", "desc": True}],
        }
    )
    first = query.run(book.alice, definition, page=1, size=3)
    second = query.run(book.alice, definition, page=2, size=3)
    assert (first.total, first.pages, first.has_next, second.has_next) == (4, 2, True, False)
    assert [r[0] for r in first.rows + second.rows] == [
        "Cora Cruz",
        "Ana Alvarez",
        "Ben Brooks",
        "Mia Medina",
    ]
    assert query.run(book.alice, definition, page=99, size=3).number == 2


def test_masked_pii_shows_the_mask_and_codes_show_labels(book: Personas) -> None:
    raw = {
        "type": "members",
        "columns": ["first_name", "customer_ssn", "customer_date_of_birth", "eligibility_program"],
        "filters": [{"field": "first_name", "op": "equals", "value": "Ana"}],
    }
    page = query.run(book.alice, parse(raw))
    assert page.rows == [["Ana", "***-**-0001", "**/**/1980", "Covered California"]]


@pytest.mark.parametrize(
    "type_key", ["members", "enrollments", "delegations", "follow_ups", "changes", "agents"]
)
def test_every_report_type_runs_with_all_its_columns_in_scope(
    book: Personas, type_key: str
) -> None:
    from openbob.reports.fields import BY_KEY

    report_type = BY_KEY[type_key]
    raw = {"type": type_key, "columns": [f.key for f in report_type.fields]}
    page = query.run(book.bob, parse(raw))
    assert len(page.headers) == len(report_type.fields)
    rows = list(query.stream(book.mallory, parse(raw)))
    assert all(len(row) == len(report_type.fields) for row in rows)


@pytest.mark.parametrize(
    ("type_key", "column", "stored", "shown"),
    [
        ("follow_ups", "kind", "dmi", "Data matching issue (DMI)"),
        ("delegations", "delegation_status", "active", "Active"),
    ],
)
def test_coded_cells_show_their_labels(type_key: str, column: str, stored: str, shown: str) -> None:
    from openbob.reports.fields import BY_KEY

    field = next(f for f in BY_KEY[type_key].fields if f.key == column)
    assert query.to_cell(field, stored) == shown
