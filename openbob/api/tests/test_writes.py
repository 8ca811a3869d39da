"""Writes: what each PATCH and POST changes, what it records, and how it refuses input."""

from __future__ import annotations

from typing import Any

import pytest

from openbob.accounts.models import User
from openbob.accounts.roles import Role
from openbob.agencies.models import Agency
from openbob.api.tests.conftest import ApiCaller
from openbob.audit.models import AuditEvent
from openbob.book.models import Household
from openbob.testing import Personas


def _new_agent(personas: Personas, **overrides: Any) -> dict[str, Any]:
    body = {
        "agency_id": personas.agency_a1.pk,
        "email": "Nina.Agent@A1.test",
        "first_name": "Nina",
        "last_name": "Agent",
        "license_number": "0K99999",
    }
    return {**body, **overrides}


def test_it_archives_a_household_and_audits_before_and_after(
    api: ApiCaller, personas: Personas
) -> None:
    household = personas.household_a1
    response = api.call(
        "PATCH", f"/api/households/{household.pk}", as_user=personas.bob, body={"archived": True}
    )
    assert response.status_code == 200 and response.json()["archived"] is True
    household.refresh_from_db()
    assert household.archived
    event = AuditEvent.objects.get(action="household.update")
    assert (event.actor_id, event.subject_id) == (personas.bob.pk, str(household.pk))
    assert event.detail == {"changes": {"archived": [False, True]}}


def test_a_patch_that_changes_nothing_writes_nothing(api: ApiCaller, personas: Personas) -> None:
    household = personas.household_a
    before = Household.objects.values_list("updated_at", flat=True).get(pk=household.pk)
    for body in ({}, {"archived": False}, {"archived": None}):
        response = api.call(
            "PATCH", f"/api/households/{household.pk}", as_user=personas.alice, body=body
        )
        assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="household.update").exists()
    assert Household.objects.values_list("updated_at", flat=True).get(pk=household.pk) == before


def test_a_manager_changes_agency_settings(api: ApiCaller, personas: Personas) -> None:
    body = {"allow_agent_exports": False, "cascade_export_block": True}
    response = api.call(
        "PATCH", f"/api/agencies/{personas.agency_a1.pk}", as_user=personas.alice, body=body
    )
    assert response.status_code == 200
    agency = Agency.objects.get(pk=personas.agency_a1.pk)
    assert (agency.allow_agent_exports, agency.cascade_export_block) == (False, True)
    event = AuditEvent.objects.get(action="agency.update")
    assert sorted(event.fields) == ["allow_agent_exports", "cascade_export_block"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/agencies/{a}", {"name": "Renamed"}),  # not a setting the API changes
        ("/api/agencies/{a}", {"allow_agent_exports": "maybe"}),
        ("/api/households/{h}", {"agency_id": 1}),
        ("/api/households/{h}", {"archived": [True]}),
        ("/api/households/{h}", ["archived"]),
    ],
)
def test_patches_refuse_unknown_or_invalid_fields(
    api: ApiCaller, personas: Personas, path: str, body: Any
) -> None:
    url = path.format(a=personas.agency_a.pk, h=personas.household_a.pk)
    response = api.call("PATCH", url, as_user=personas.alice, body=body)
    assert response.status_code == 422
    assert not AuditEvent.objects.exclude(action="api_token.create").exists()


def test_it_adds_an_agent_without_a_password(api: ApiCaller, personas: Personas) -> None:
    response = api.call("POST", "/api/enrollers", as_user=personas.alice, body=_new_agent(personas))
    assert response.status_code == 201
    agent = User.objects.get(pk=response.json()["id"])
    assert (agent.email, agent.role, agent.agency_id) == (
        "nina.agent@a1.test",
        Role.AGENT,
        personas.agency_a1.pk,
    )
    assert not agent.has_usable_password()
    event = AuditEvent.objects.get(action="enroller.create")
    assert event.detail == {
        "email": agent.email,
        "agency_id": personas.agency_a1.pk,
        "role": "agent",
    }


@pytest.mark.parametrize("email", ["carol@a.test", "CAROL@A.TEST", "mallory@b.test"])
def test_a_taken_email_is_a_409_with_a_clear_message(
    api: ApiCaller, personas: Personas, email: str
) -> None:
    body = _new_agent(personas, email=email)
    response = api.call("POST", "/api/enrollers", as_user=personas.alice, body=body)
    assert response.status_code == 409
    assert response.json() == {"detail": "An enroller with this email address already exists."}
    assert User.objects.filter(email__iexact=email).count() == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"email": "not-an-email"},
        {"email": "x" * 250 + "@a.test"},
        {"first_name": ""},
        {"first_name": "Nina\x00"},
        {"role": "manager"},  # roles are granted in the portal, under re-authentication
        {"agency_id": 0},
        {"agency_id": "A"},
        {"license_number": "<script>"},
    ],
)
def test_invalid_enrollers_are_422(
    api: ApiCaller, personas: Personas, overrides: dict[str, Any]
) -> None:
    body = _new_agent(personas, **overrides)
    response = api.call("POST", "/api/enrollers", as_user=personas.alice, body=body)
    assert response.status_code == 422
    assert not User.objects.filter(first_name="Nina").exists()


@pytest.mark.parametrize("raw", ["{", "", "null", "[]", '"text"', "\x00"])
def test_malformed_bodies_are_4xx_never_5xx(api: ApiCaller, personas: Personas, raw: str) -> None:
    headers = {"Authorization": f"Bearer {api.token_for(personas.alice)}"}
    response = api.client.post(
        "/api/enrollers", data=raw, content_type="application/json", headers=headers
    )
    assert 400 <= response.status_code < 500
    assert "detail" in response.json()
