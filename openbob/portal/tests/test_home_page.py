"""Home: the counts of the user's own book and this week's changes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openbob.book import delegations
from openbob.book.choices import FollowUpKind
from openbob.book.models import FollowUp
from openbob.portal.tests.book_fixture import build_book
from openbob.testing import Personas, sign_in

pytestmark = pytest.mark.django_db


def test_the_counts_cover_the_users_scope_only(personas: Personas, client: Client) -> None:
    build_book(personas)
    FollowUp.objects.create(
        household=personas.household_a, kind=FollowUpKind.DMI, opened_at=timezone.now()
    )
    FollowUp.objects.create(
        household=personas.household_b, kind=FollowUpKind.DMI, opened_at=timezone.now()
    )
    delegations.request(household=personas.household_a, agent=personas.carol)
    summary = sign_in(client, personas.alice).get(reverse("portal:home")).context["summary"]
    assert summary.households == 8
    assert summary.active_enrollments == 4
    assert summary.pending_delegations == 1
    assert summary.open_follow_ups == 1
    bob = sign_in(Client(), personas.bob).get(reverse("portal:home")).context["summary"]
    assert (bob.households, bob.pending_delegations, bob.open_follow_ups) == (3, 0, 0)
