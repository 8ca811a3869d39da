"""Hypothesis throws odd filters and bodies at the API: every answer is a 2xx or a 4xx.

In-process, so it runs on both databases in seconds: NUL bytes, huge integers and
strange Unicode must end as 422 (or 404/409), never as a 500 from the database driver.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openbob.api.tests.conftest import ApiCaller
from openbob.book.choices import Program
from openbob.testing import Personas

FUZZ = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Lone surrogates cannot be sent in a URL or JSON body at all, so they are left out.
texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=120)
numbers = st.one_of(st.integers(), st.integers(-3, 3000), st.floats(allow_nan=True))
scalars = st.one_of(texts, numbers, st.booleans(), st.none())
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3)
)
query_values = st.one_of(texts, numbers.map(str), st.sampled_from(["true", "0", "", "ffm"]))
household_queries = st.fixed_dictionaries(
    {},
    optional={
        "q": texts,
        "program": st.one_of(st.sampled_from(list(Program)), query_values),
        "agent": query_values,
        "application_year": query_values,
        "archived": query_values,
        "limit": query_values,
        "offset": query_values,
    },
)


@FUZZ
@given(query=household_queries)
def test_household_filters_never_fail(api: ApiCaller, personas: Personas, query: Any) -> None:
    response = api.call("GET", "/api/households", as_user=personas.alice, **query)
    assert response.status_code in {200, 422}, response.content
    if response.status_code == 200:
        agencies = {item["agency_id"] for item in response.json()["items"]}
        assert agencies <= {personas.agency_a.pk, personas.agency_a1.pk}


def _bodies(fields: list[str]) -> st.SearchStrategy[Any]:
    keys = st.one_of(st.sampled_from(fields), texts)
    return st.one_of(json_values, st.dictionaries(keys, json_values, max_size=len(fields) + 1))


@FUZZ
@given(body=_bodies(["agency_id", "email", "first_name", "last_name", "license_number", "npn"]))
def test_enroller_bodies_never_fail(api: ApiCaller, personas: Personas, body: Any) -> None:
    response = api.call("POST", "/api/enrollers", as_user=personas.alice, body=body)
    assert response.status_code in {201, 400, 404, 409, 422}, response.content


@FUZZ
@given(body=_bodies(["archived"]))
def test_household_patches_never_fail(api: ApiCaller, personas: Personas, body: Any) -> None:
    url = f"/api/households/{personas.household_a.pk}"
    response = api.call("PATCH", url, as_user=personas.alice, body=body)
    assert response.status_code in {200, 400, 422}, response.content
