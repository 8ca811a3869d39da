"""Change Delegation from Active Consumers: managers and admin level 2 only, audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.urls import reverse

from openbob.audit.models import AuditEvent
from openbob.book.models import Household
from openbob.portal.tests.book_fixture import build_book
from openbob.testing import Personas, sign_in

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db


def _post(client: Client, ids: list[int], agent: int, reason: str = "Rebalancing") -> TestResponse:
    data = {
        "household": [str(i) for i in ids],
        "agent": str(agent),
        "reason": reason,
        "next": "/consumers/?sort=name",
    }
    return client.post(reverse("portal:transfer"), data)


def test_a_manager_moves_three_selected_consumers_to_another_agent(
    personas: Personas, client: Client
) -> None:
    households = build_book(personas)[:3]
    ids = [h.pk for h in households]
    response = _post(sign_in(client, personas.alice), ids, personas.bob.pk)
    assert response.status_code == 302
    assert response["Location"] == "/consumers/?sort=name"
    assert set(Household.objects.filter(pk__in=ids).values_list("agent", flat=True)) == {
        personas.bob.pk
    }
    assert AuditEvent.objects.filter(action="delegation.transfer").count() == 3


def test_read_only_and_agents_get_403_and_nothing_moves(personas: Personas, client: Client) -> None:
    ids = [personas.household_a.pk]
    for user in (personas.rita, personas.carol):
        assert _post(sign_in(Client(), user), ids, personas.bob.pk).status_code == 403
    assert Household.objects.get(pk=ids[0]).agent_id == personas.carol.pk


def test_an_outsider_household_in_the_selection_is_404_and_nothing_moves(
    personas: Personas, client: Client
) -> None:
    ids = [personas.household_a.pk, personas.household_b.pk]
    assert _post(sign_in(client, personas.alice), ids, personas.bob.pk).status_code == 404
    assert Household.objects.get(pk=ids[0]).agent_id == personas.carol.pk


def test_a_missing_reason_is_explained_and_nothing_moves(
    personas: Personas, client: Client
) -> None:
    sign_in(client, personas.alice)
    response = client.post(
        reverse("portal:transfer"),
        {"household": [personas.household_a.pk], "agent": personas.bob.pk, "reason": ""},
        follow=True,
    )
    assert b"Give a reason" in response.content
    assert Household.objects.get(pk=personas.household_a.pk).agent_id == personas.carol.pk
