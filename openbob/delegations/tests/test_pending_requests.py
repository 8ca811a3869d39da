"""Pending delegation requests: listed in scope, accepted or declined, with htmx or without."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from openbob.book import delegations
from openbob.book.choices import DelegationStatus
from openbob.book.models import Delegation, Household
from openbob.testing import Personas, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_to_bob(personas: Personas) -> Delegation:
    return delegations.request(household=personas.household_a, agent=personas.bob)


def test_the_requested_agent_sees_and_accepts_the_request(
    personas: Personas, client: Client, request_to_bob: Delegation
) -> None:
    sign_in(client, personas.bob)
    assert (
        personas.household_a.primary_name.encode()
        in client.get(reverse("delegations:pending")).content
    )
    response = client.post(reverse("delegations:accept", args=[request_to_bob.pk]))
    assert response.status_code == 302
    assert Household.objects.get(pk=personas.household_a.pk).agent_id == personas.bob.pk


def test_htmx_declines_in_place(
    personas: Personas, client: Client, request_to_bob: Delegation
) -> None:
    sign_in(client, personas.alice)
    response = client.post(
        reverse("delegations:decline", args=[request_to_bob.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.content.decode().startswith(f'<tr id="request-{request_to_bob.pk}">')
    assert Delegation.objects.get(pk=request_to_bob.pk).status == DelegationStatus.DECLINED


@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 302), ("sam", 404), ("rita", 404), ("bob", 302), ("carol", 404), ("mallory", 404)],
)
@pytest.mark.parametrize("step", ["delegations:accept", "delegations:decline"])
def test_each_persona_may_answer_only_in_scope(
    personas: Personas, request_to_bob: Delegation, persona: str, status: int, step: str
) -> None:
    """Bob's request lives in sub-agency A1: alice reaches it, sam and rita (agency A only)
    do not, nor does carol (not hers) or mallory (outsider)."""
    client = sign_in(Client(), getattr(personas, persona))
    assert client.post(reverse(step, args=[request_to_bob.pk])).status_code == status


def test_read_only_staff_see_a_request_but_may_not_answer_it(
    personas: Personas, client: Client
) -> None:
    request = delegations.request(household=personas.household_a, agent=personas.carol)
    sign_in(client, personas.rita)
    assert (
        b"Answered by the agent or a manager" in client.get(reverse("delegations:pending")).content
    )
    assert client.post(reverse("delegations:accept", args=[request.pk])).status_code == 403
    assert Delegation.objects.get(pk=request.pk).status == DelegationStatus.PENDING


def test_answering_twice_is_explained(
    personas: Personas, client: Client, request_to_bob: Delegation
) -> None:
    sign_in(client, personas.bob)
    client.post(reverse("delegations:accept", args=[request_to_bob.pk]))
    assert client.post(reverse("delegations:accept", args=[request_to_bob.pk])).status_code == 404
