"""Every portal page answers each persona as the route matrix says, and no page is missed."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from openbob.api.api import api
from openbob.portal.tests.route_matrix import OWN_TESTS, rows
from openbob.testing import Personas, sign_in

ROOT = Path(__file__).resolve().parents[3]
FORM_DATA = {
    "portal:reveal": {"purpose": "renewal call"},
    "portal:note": {"body": "Called about renewal"},
    "delegations:tool": {"method": "case", "case": "C-NOT-ON-FILE", "disclaimers": "on"},
}


def api_paths() -> set[str]:
    """The OpenAPI paths, as Django routes (`{id}` written `<id>`), without the leading /."""
    paths = api.get_openapi_schema()["paths"]
    return {path.lstrip("/").replace("{", "<").replace("}", ">") for path in paths}


def url_names(*, api_operations: bool) -> set[str]:
    """Named URL patterns (admin excluded): the API's operations, or everything else.

    API operations are the routes of OpenAPI paths; their permissions are the API
    matrix's job (`openbob/api/tests/test_matrix.py`).
    """
    operations = api_paths()

    def walk(resolver: URLResolver, namespace: str | None, prefix: str) -> set[str]:
        names: set[str] = set()
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if pattern.app_name != "admin":
                    names |= walk(pattern, pattern.namespace or namespace, route)
            elif (
                isinstance(pattern, URLPattern)
                and pattern.name
                and (route in operations) == api_operations
            ):
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
        return names

    return walk(get_resolver(), None, "")


def test_every_route_has_a_permission_test() -> None:
    covered = {name for _, name, _, _ in rows()} | set(OWN_TESTS)
    assert sorted(url_names(api_operations=False) - covered) == []


def test_every_api_path_is_a_route() -> None:
    assert len(url_names(api_operations=True)) >= len(api_paths())


def test_every_delegated_route_names_an_existing_test_module() -> None:
    assert [path for path in OWN_TESTS.values() if not (ROOT / path).exists()] == []


def _target_kwargs(personas: Personas, target: str) -> dict[str, int]:
    households = {"a": personas.household_a, "a1": personas.household_a1, "b": personas.household_b}
    return {} if target == "-" else {"pk": households[target].pk}


@pytest.mark.parametrize(
    ("method", "name", "target", "expected"), rows(), ids=[f"{m} {n} {t}" for m, n, t, _ in rows()]
)
@pytest.mark.django_db
def test_each_persona_gets_the_expected_status(
    personas: Personas, method: str, name: str, target: str, expected: dict[str, int]
) -> None:
    url = reverse(name, kwargs=_target_kwargs(personas, target))
    got = {}
    for persona in expected:
        client = Client(enforce_csrf_checks=True)
        if persona != "anonymous":
            sign_in(client, getattr(personas, persona))
        if method == "GET":
            response = client.get(url)
        else:
            client.get(reverse("accounts:login"))
            token = client.cookies.get("csrftoken")
            data = {**FORM_DATA.get(name, {}), "csrfmiddlewaretoken": token.value if token else ""}
            response = client.post(url, data)
        got[persona] = response.status_code
        assert response.status_code != 500
    assert got == expected
