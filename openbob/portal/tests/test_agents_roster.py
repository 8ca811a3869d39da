"""The agent roster refines by name, status, certification and license, partially."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from openbob.accounts.models import CertificationStatus, User
from openbob.testing import Personas, sign_in

pytestmark = pytest.mark.django_db


def _emails(client: Client, **params: str) -> set[str]:
    response = client.get(reverse("portal:agents"), params)
    assert response.status_code == 200
    return {u.email for u in response.context["page"]}


def test_refining_is_partial_and_case_insensitive(personas: Personas, client: Client) -> None:
    User.objects.filter(pk=personas.bob.pk).update(
        license_number="0H12345", certification_status=CertificationStatus.EXPIRED
    )
    User.objects.filter(pk=personas.carol.pk).update(is_active=False)
    sign_in(client, personas.alice)
    assert _emails(client, first_name="CAR") == {"carol@a.test"}
    assert _emails(client, last_name="test") >= {"alice@a.test", "bob@a1.test"}
    assert _emails(client, license_number="h123") == {"bob@a1.test"}
    assert _emails(client, certification="expired") == {"bob@a1.test"}
    assert _emails(client, status="inactive") == {"carol@a.test"}
    assert "mallory@b.test" not in _emails(client)


def test_the_roster_counts_each_agents_active_consumers(personas: Personas, client: Client) -> None:
    page = sign_in(client, personas.alice).get(reverse("portal:agents")).context["page"]
    counts = {u.email: u.consumers for u in page}
    assert counts["carol@a.test"] == 1 and counts["bob@a1.test"] == 1
