"""Removing a delegation from the household page: who may, and what it leaves behind."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from openbob.book.models import Household
from openbob.testing import Personas, sign_in

pytestmark = pytest.mark.django_db


def _remove(client: Client, household: Household) -> int:
    url = reverse("portal:remove_delegation", args=[household.pk])
    return client.post(url, {"reason": "Consumer asked"}).status_code


def test_the_agent_removes_their_delegation_and_the_manager_still_sees_the_history(
    personas: Personas, client: Client
) -> None:
    assert _remove(sign_in(client, personas.carol), personas.household_a) == 302
    page = sign_in(Client(), personas.alice).get(
        reverse("portal:household", args=[personas.household_a.pk])
    )
    assert b"Delegation removed" in page.content and b"Consumer asked" in page.content
    assert b"Left the active book" in page.content


def test_outsiders_get_404_and_read_only_403(personas: Personas) -> None:
    assert _remove(sign_in(Client(), personas.mallory), personas.household_a) == 404
    assert _remove(sign_in(Client(), personas.rita), personas.household_a) == 403
    assert _remove(sign_in(Client(), personas.bob), personas.household_a) == 404
    assert Household.objects.get(pk=personas.household_a.pk).agent_id == personas.carol.pk
