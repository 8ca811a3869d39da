"""Sessions end after 15 idle minutes, after 12 hours whatever the activity, and when the
account is disabled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from django.test import Client
from django.urls import reverse

from openbob.accounts.models import User
from openbob.accounts.tests.helpers import is_signed_in, session_key
from openbob.testing import Personas, sign_in

NOON = datetime(2026, 3, 2, 12, 0, 0, tzinfo=UTC)


def test_it_ends_a_session_after_fifteen_idle_minutes(client: Client, personas: Personas) -> None:
    with time_machine.travel(NOON, tick=False) as traveller:
        sign_in(client, personas.carol)
        traveller.shift(timedelta(minutes=15, seconds=1))
        assert not is_signed_in(client)


def test_each_request_restarts_the_idle_clock(client: Client, personas: Personas) -> None:
    with time_machine.travel(NOON, tick=False) as traveller:
        sign_in(client, personas.carol)
        for _ in range(3):
            traveller.shift(timedelta(minutes=14))
            assert is_signed_in(client)


def test_it_ends_a_session_after_twelve_hours_however_active(
    client: Client, personas: Personas
) -> None:
    with time_machine.travel(NOON, tick=False) as traveller:
        sign_in(client, personas.carol)
        for _ in range(51):  # 51 x 14 min = 11 h 54 min
            traveller.shift(timedelta(minutes=14))
            assert is_signed_in(client)
        traveller.shift(timedelta(minutes=7))
        response = client.get(reverse("portal:profile"))
    assert response["Location"] == reverse("accounts:login")
    assert not is_signed_in(client)


def test_disabling_an_account_ends_its_session_at_the_next_request(
    client: Client, personas: Personas
) -> None:
    sign_in(client, personas.carol)
    old_key = session_key(client)
    User.objects.filter(pk=personas.carol.pk).update(is_active=False)
    assert not is_signed_in(client)
    assert not client.session.exists(old_key or "")
    User.objects.filter(pk=personas.carol.pk).update(is_active=True)
    assert not is_signed_in(client)
