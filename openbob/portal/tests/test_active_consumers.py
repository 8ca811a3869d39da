"""Active Consumers: scope, filters, search, every sort in both directions, keyset paging."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from openbob.book import consumer_filters
from openbob.book.models import Household
from openbob.portal import consumers as consumer_list
from openbob.portal.consumers import SORT_LABELS
from openbob.portal.tests.book_fixture import build_book, outsider_ids
from openbob.testing import Personas, make_household, sign_in

pytestmark = pytest.mark.django_db
ROW = re.compile(r'href="/households/(\d+)/"')


def _ids(client: Client, **params: object) -> list[int]:
    response = client.get(reverse("portal:consumers"), {k: str(v) for k, v in params.items()})
    assert response.status_code == 200
    seen: list[int] = []
    for pk in map(int, ROW.findall(response.content.decode())):
        if pk not in seen:
            seen.append(pk)
    return seen


@pytest.fixture
def manager(personas: Personas, client: Client) -> Client:
    build_book(personas)
    return sign_in(client, personas.alice)


def _names(ids: list[int]) -> list[str]:
    names = dict(Household.objects.filter(pk__in=ids).values_list("pk", "primary_name"))
    return [names[pk] for pk in ids]


def test_the_manager_sees_the_agency_subtree_and_never_an_outsiders_household(
    personas: Personas, manager: Client
) -> None:
    ids = _ids(manager)
    assert len(ids) == 8
    assert not set(ids) & outsider_ids(personas)


def test_an_agent_sees_only_their_own_consumers(personas: Personas, client: Client) -> None:
    build_book(personas)
    ids = _ids(sign_in(client, personas.bob))
    assert set(Household.objects.filter(pk__in=ids).values_list("agent", flat=True)) == {
        personas.bob.pk
    }


def test_filters_narrow_the_list(personas: Personas, manager: Client) -> None:
    assert _names(_ids(manager, agent=personas.bob.pk)) == [
        "Ben Brooks",
        "Walter Vance",
        "Ximena Watts",
    ]
    assert _names(_ids(manager, program="mixed_household")) == ["Yusuf Xu"]
    assert _names(_ids(manager, status="terminated")) == ["Uma Tran"]
    assert _names(_ids(manager, metal_tier="platinum")) == ["Walter Vance"]
    assert _names(_ids(manager, carrier="blue sh")) == ["Uma Tran", "Walter Vance", "Yusuf Xu"]
    assert _names(_ids(manager, effective_from="2026-03-01", effective_to="2026-04-30")) == [
        "Walter Vance",
        "Ximena Watts",
    ]
    assert len(_ids(manager, year=2025)) == 3


def test_follow_up_and_at_risk_filters(personas: Personas, manager: Client) -> None:
    Household.objects.filter(primary_name="Zoe Young").update(open_follow_ups=2)
    Household.objects.filter(primary_name="Uma Tran").update(aor_at_risk_at="2026-01-05T00:00:00Z")
    assert _names(_ids(manager, follow_ups="on")) == ["Zoe Young"]
    assert _names(_ids(manager, at_risk="on")) == ["Uma Tran"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zoe", ["Zoe Young"]),
        ("YOUNG", ["Zoe Young"]),
        ("vera und", ["Vera Underwood"]),
        ("ximena@example.com", ["Ximena Watts"]),
        ("(916) 555-0103", ["Walter Vance"]),
        ("+1 916 555 0103", ["Walter Vance"]),
    ],
)
def test_search_finds_by_name_email_and_phone(
    manager: Client, query: str, expected: list[str]
) -> None:
    assert _names(_ids(manager, q=query)) == expected


def test_search_finds_by_case_id_and_ffm_id(manager: Client) -> None:
    household = Household.objects.get(primary_name="Yusuf Xu")
    assert _ids(manager, q=household.case_number) == [household.pk]
    Household.objects.filter(pk=household.pk).update(ffm_app_id="FFM-12345")
    assert _ids(manager, q="FFM-12345") == [household.pk]


def test_a_search_too_broad_for_the_cap_asks_to_be_narrowed(
    personas: Personas, manager: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index, name in enumerate(["Quinn Able", "Quincy Baker"]):
        make_household(personas.agency_a, personas.carol, name=name, ssn=f"91234990{index}")
    monkeypatch.setattr(consumer_filters, "SEARCH_CAP", 1)
    broad = manager.get(reverse("portal:consumers"), {"q": "quin"}).content.decode()
    assert "More than 1 households match this search" in broad
    assert len(set(ROW.findall(broad))) == 1
    narrow = manager.get(reverse("portal:consumers"), {"q": "quinn"}).content.decode()
    assert "Narrow it" not in narrow and len(set(ROW.findall(narrow))) == 1


@pytest.mark.parametrize("key", list(SORT_LABELS))
def test_every_column_sorts_both_ways_and_pages_without_gaps(
    personas: Personas, client: Client, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    build_book(personas)
    sign_in(client, personas.alice)
    monkeypatch.setattr(consumer_list, "PAGE_SIZE", 3)
    column = consumer_list.order_of(key).column
    for sort in (key, f"-{key}"):
        seen, params = [], {"sort": sort}
        while True:
            response = client.get(reverse("portal:consumers"), params)
            page = response.context["result"].page.rows
            seen += [(getattr(h, column), h.pk) for h in page]
            following = response.context["next_query"]
            if not following:
                break
            params = dict(pair.split("=", 1) for pair in following.split("&"))
        assert len(seen) == 8 == len(set(seen))
        assert seen == sorted(seen, reverse=sort.startswith("-"))


def test_previous_goes_back_to_the_same_rows(
    personas: Personas, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_book(personas)
    sign_in(client, personas.alice)
    monkeypatch.setattr(consumer_list, "PAGE_SIZE", 3)
    first = client.get(reverse("portal:consumers"), {"sort": "-premium"})
    after = dict(p.split("=", 1) for p in first.context["next_query"].split("&"))
    second = client.get(reverse("portal:consumers"), after)
    before = dict(p.split("=", 1) for p in second.context["previous_query"].split("&"))
    again = client.get(reverse("portal:consumers"), before)
    assert [h.pk for h in again.context["result"].page.rows] == [
        h.pk for h in first.context["result"].page.rows
    ]


def test_a_tampered_page_link_says_so_instead_of_failing(manager: Client) -> None:
    response = manager.get(reverse("portal:consumers"), {"after": "not-a-cursor"}, follow=True)
    assert response.status_code == 200
    assert b"not valid any more" in response.content


def test_htmx_gets_only_the_results_and_a_plain_request_the_whole_page(manager: Client) -> None:
    fragment = manager.get(reverse("portal:consumers"), HTTP_HX_REQUEST="true")
    page = manager.get(reverse("portal:consumers"))
    assert b"<html" not in fragment.content and b"<table" in fragment.content
    assert b"<html" in page.content and b'id="consumer-results"' in page.content


def test_change_delegation_is_offered_to_managers_only(personas: Personas, client: Client) -> None:
    build_book(personas)
    assert (
        b"Change Delegation"
        in sign_in(client, personas.sam).get(reverse("portal:consumers")).content
    )
    assert (
        b"Change Delegation"
        not in sign_in(Client(), personas.rita).get(reverse("portal:consumers")).content
    )
