"""The household page: masked members, contact, enrollments by source, history, notes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from openbob.audit.models import AuditEvent
from openbob.book import delegations
from openbob.book.choices import Coverage, Source
from openbob.book.models import Enrollment, Note
from openbob.testing import Personas, sign_in

pytestmark = pytest.mark.django_db


def _page(client: Client, personas: Personas) -> str:
    response = client.get(reverse("portal:household", args=[personas.household_a.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_members_are_masked_and_enrollments_grouped_by_source_with_provenance(
    personas: Personas, client: Client
) -> None:
    for source in (Source.CALHEERS, Source.HEALTHSHERPA):
        Enrollment.objects.create(
            household=personas.household_a,
            coverage=Coverage.HEALTH,
            source=source,
            plan_name=f"{source} plan",
            net_premium=Decimal("12.34"),
            field_sources={"net_premium": Source.HEALTHSHERPA, "status": Source.CALHEERS},
        )
    html = _page(sign_in(client, personas.rita), personas)
    assert "***-**-0001" in html and "912000001" not in html and "1980-05-17" not in html
    assert "<h3>CalHEERS Book of Business</h3>" in html and "<h3>HealthSherpa</h3>" in html
    assert "net premium: HealthSherpa" in html
    assert "masked for your role" in html


def test_the_history_shows_delegation_steps_with_who_and_why(
    personas: Personas, client: Client
) -> None:
    delegations.transfer(
        actor=personas.alice,
        household_ids=[personas.household_a.pk],
        to_agent_id=personas.bob.pk,
        reason="Coverage for leave",
    )
    html = _page(sign_in(client, personas.alice), personas)
    assert "Delegation transferred" in html and "Coverage for leave" in html
    assert f"by {personas.alice.full_name}" in html


def test_an_agent_adds_a_note_with_htmx_and_it_is_audited_without_its_text(
    personas: Personas, client: Client
) -> None:
    sign_in(client, personas.carol)
    url = reverse("portal:note", args=[personas.household_a.pk])
    response = client.post(url, {"body": "Asked for dental quote"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"<html" not in response.content
    assert b"Asked for dental quote" in response.content
    event = AuditEvent.objects.get(action="note.add")
    assert "Asked" not in str(event.detail)
    assert Note.objects.get().author == personas.carol


def test_an_empty_note_is_refused_with_a_message(personas: Personas, client: Client) -> None:
    sign_in(client, personas.carol)
    url = reverse("portal:note", args=[personas.household_a.pk])
    response = client.post(url, {"body": "   "}, follow=True)
    assert b"Write something in the note" in response.content
    assert not Note.objects.exists()
