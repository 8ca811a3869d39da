"""Each book page runs a bounded number of queries, however big the page or the book."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openbob.book import delegations
from openbob.portal.tests.book_fixture import build_book
from openbob.testing import Personas, sign_in

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str, params: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def _grown(personas: Personas) -> None:
    """Build the book twice over, so that a per-row query would show as growth."""
    build_book(personas)


def _own(client: Client, url: str, params: dict[str, str] | None = None) -> int:
    """Queries of the page itself: beyond those every page's layout runs (profile page)."""
    return _queries(client, url, params) - _queries(client, reverse("portal:profile"))


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("portal:home", {}),
        ("portal:agents", {}),
        ("portal:consumers", {}),
        ("portal:consumers", {"sort": "-premium", "q": "zoe", "follow_ups": ""}),
        ("delegations:pending", {}),
    ],
)
def test_list_pages_do_not_query_per_row(
    personas: Personas, client: Client, name: str, params: dict[str, str]
) -> None:
    sign_in(client, personas.alice)
    build_book(personas)
    delegations.request(household=personas.household_a, agent=personas.carol)
    small = _own(client, reverse(name), params)
    _grown(personas)
    for household in personas.household_a1, personas.household_b:
        delegations.request(household=household, agent=personas.bob)
    assert _own(client, reverse(name), params) == small
    assert small <= 15


def test_the_household_page_is_bounded(personas: Personas, client: Client) -> None:
    sign_in(client, personas.alice)
    url = reverse("portal:household", args=[personas.household_a.pk])
    assert _own(client, url) <= 15
