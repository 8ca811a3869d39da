"""Reads: other agencies' ids never appear, PII is only masked, filters and pages behave."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import pytest

from openbob.accounts.models import User
from openbob.accounts.roles import Role
from openbob.api.params import MAX_LIMIT
from openbob.api.tests.conftest import ApiCaller
from openbob.book.choices import DelegationStatus, Program
from openbob.book.models import Enrollment, Household
from openbob.book.pii import encrypt_income
from openbob.testing import Personas, make_household

LISTS = ("/api/agencies", "/api/enrollers", "/api/households")
SEEDED_INCOME = Decimal("54321.09")
# Every form the personas' fake SSNs, DOBs and income could leak in.
SEEDED_PII = [
    *(f"91200000{n}" for n in (1, 2, 3)),
    *(f"912-00-000{n}" for n in (1, 2, 3)),
    "1980-05-17",
    "05/17/1980",
    "54321",
]


def _ids(api: ApiCaller, path: str, user: User, **query: Any) -> set[int]:
    return {
        item["id"] for item in api.get_json(path, as_user=user, limit=MAX_LIMIT, **query)["items"]
    }


def _a_side_ids(personas: Personas) -> dict[str, set[int]]:
    """Ids under agency A (and A1), which mallory of agency B must never see."""
    return {
        "/api/agencies": {personas.agency_a.pk, personas.agency_a1.pk},
        "/api/enrollers": set(
            User.objects.filter(agency__in=[personas.agency_a, personas.agency_a1]).values_list(
                "pk", flat=True
            )
        ),
        "/api/households": {personas.household_a.pk, personas.household_a1.pk},
    }


@pytest.mark.parametrize("path", LISTS)
def test_lists_hold_no_ids_of_another_agency(api: ApiCaller, personas: Personas, path: str) -> None:
    seen_by_mallory = _ids(api, path, personas.mallory)
    seen_by_alice = _ids(api, path, personas.alice)
    assert seen_by_mallory and seen_by_mallory.isdisjoint(_a_side_ids(personas)[path])
    assert seen_by_alice == _a_side_ids(personas)[path]


def test_an_agent_lists_only_households_delegated_to_them(
    api: ApiCaller, personas: Personas
) -> None:
    assert _ids(api, "/api/households", personas.bob) == {personas.household_a1.pk}


def test_filters_cannot_widen_the_scope(api: ApiCaller, personas: Personas) -> None:
    filters = {"agent": personas.carol.pk, "q": "Ana"}
    assert _ids(api, "/api/households", personas.mallory, **filters) == set()


def _every_read(api: ApiCaller, personas: Personas, user: User) -> Iterable[str]:
    for path in LISTS:
        yield api.call("GET", path, as_user=user).content.decode()
    households = [personas.household_a, personas.household_a1, personas.household_b]
    for household in households:
        yield api.call("GET", f"/api/households/{household.pk}", as_user=user).content.decode()


@pytest.mark.parametrize("persona", ["alice", "sam", "rita", "bob", "mallory"])
def test_no_response_holds_seeded_pii(api: ApiCaller, personas: Personas, persona: str) -> None:
    for household in (personas.household_a, personas.household_a1, personas.household_b):
        household.income_encrypted = encrypt_income(SEEDED_INCOME)
        household.save()
    bodies = "\n".join(_every_read(api, personas, getattr(personas, persona)))
    leaked = [value for value in SEEDED_PII if value in bodies]
    assert leaked == []


def test_a_household_shows_masked_members_enrollments_and_delegation(
    api: ApiCaller, personas: Personas
) -> None:
    household = personas.household_a
    Enrollment.objects.create(
        household=household, carrier="Blue Shield", net_premium=Decimal("12.5")
    )
    body = api.get_json(f"/api/households/{household.pk}", as_user=personas.rita)
    member = body["members"][0]
    assert (member["ssn_masked"], member["dob_masked"]) == ("***-**-0001", "**/**/1980")
    assert not {"ssn", "dob", "income", "ssn_last4", "birth_year"} & (member.keys() | body.keys())
    assert [e["carrier"] for e in body["enrollments"]] == ["Blue Shield"]
    assert body["delegation"]["agent"] == {"id": personas.carol.pk, "name": "Carol Tester"}
    assert body["delegation"]["status"] == DelegationStatus.ACTIVE


def test_household_filters(api: ApiCaller, personas: Personas) -> None:
    extra = make_household(personas.agency_a, personas.carol, name="Zoe Zamora", ssn="912000009")
    Household.objects.filter(pk=extra.pk).update(
        program=Program.FFM, ffm_app_id="FFM-77", application_year=2025, archived=True
    )
    cases: dict[str, tuple[dict[str, Any], set[int]]] = {
        "q=zAm (name, partial)": ({"q": "zAm"}, {extra.pk}),
        "q=case number": ({"q": extra.case_number}, {extra.pk}),
        "q=FFM id": ({"q": "ffm-77"}, {extra.pk}),
        "program": ({"program": Program.FFM}, {extra.pk}),
        "agent": ({"agent": personas.bob.pk}, {personas.household_a1.pk}),
        "application_year": ({"application_year": 2025}, {extra.pk}),
        "archived": ({"archived": "false"}, {personas.household_a.pk, personas.household_a1.pk}),
    }
    for label, (query, expected) in cases.items():
        assert _ids(api, "/api/households", personas.alice, **query) == expected, label


def test_enroller_filters(api: ApiCaller, personas: Personas) -> None:
    User.objects.filter(pk=personas.carol.pk).update(license_number="0K12345")
    User.objects.filter(pk=personas.bob.pk).update(is_active=False)
    cases: dict[str, tuple[dict[str, Any], set[int]]] = {
        "q first name": ({"q": "CAR"}, {personas.carol.pk}),
        "q email": ({"q": "@a1.test"}, {personas.bob.pk}),
        "q license": ({"q": "k123"}, {personas.carol.pk}),
        "role": ({"role": Role.READ_ONLY}, {personas.rita.pk}),
        "inactive": ({"active": "false"}, {personas.bob.pk}),
    }
    for label, (query, expected) in cases.items():
        assert _ids(api, "/api/enrollers", personas.alice, **query) == expected, label


def test_pages_are_capped_and_ordered(api: ApiCaller, personas: Personas) -> None:
    bulk = [Household(agency=personas.agency_a, primary_name=f"Bulk {i:04d}") for i in range(505)]
    Household.objects.bulk_create(bulk)
    page = api.get_json("/api/households", as_user=personas.alice, limit=MAX_LIMIT)
    names = [item["primary_name"] for item in page["items"]]
    assert (len(names), page["count"]) == (MAX_LIMIT, 507)
    assert names[:3] == ["Ana Alvarez", "Ben Brooks", "Bulk 0000"]
    tail = api.get_json("/api/households", as_user=personas.alice, limit=10, offset=503)
    assert [i["primary_name"] for i in tail["items"]] == [f"Bulk {i:04d}" for i in range(501, 505)]


@pytest.mark.parametrize(
    "query", [{"limit": MAX_LIMIT + 1}, {"limit": 0}, {"offset": -1}, {"offset": 10**19}]
)
def test_out_of_range_pages_are_422(api: ApiCaller, personas: Personas, query: Any) -> None:
    response = api.call("GET", "/api/households", as_user=personas.alice, **query)
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)


def test_the_openapi_schema_and_docs_are_served(client: Any, db: None) -> None:
    schema = client.get("/api/openapi.json").json()
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    assert client.get("/api/docs").status_code == 200


def test_a_crash_is_a_bare_json_500(
    api: ApiCaller, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(user: User) -> None:
        raise RuntimeError("SELECT ssn_encrypted FROM book_member")

    monkeypatch.setattr("openbob.book.api.households_visible_to", crash)
    response = api.call("GET", "/api/households", as_user=personas.alice)
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error."}
    assert b"SELECT" not in response.content and b"Traceback" not in response.content
