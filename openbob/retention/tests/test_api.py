"""The retention API: same scope and rules as the pages, through real bearer tokens."""

from __future__ import annotations

import pytest

from openbob.accounts.models import User
from openbob.api.tests.conftest import ApiCaller
from openbob.retention.choices import CaseStatus
from openbob.retention.tests.conftest import case_of
from openbob.testing import Personas

pytestmark = pytest.mark.django_db


def test_lists_hold_only_the_callers_scope(api: ApiCaller, renewal_book: Personas) -> None:
    names = {
        persona: sorted(c["consumer_name"] for c in api.get_json(
            "/api/retention/cases", as_user=getattr(renewal_book, persona)
        )["items"])
        for persona in ("alice", "bob", "mallory")
    }  # fmt: skip
    assert names == {
        "alice": ["Ana Alvarez", "Ben Brooks"],
        "bob": ["Ben Brooks"],
        "mallory": ["Bea Baker"],
    }


def test_an_outsider_gets_404_for_a_case_and_its_writes(
    api: ApiCaller, renewal_book: Personas
) -> None:
    pk = case_of(renewal_book.household_a).pk
    mallory = renewal_book.mallory
    assert api.call("GET", f"/api/retention/cases/{pk}", as_user=mallory).status_code == 404
    body = {"resolution": "other", "steps_to_resolve": "x"}
    close = api.call("POST", f"/api/retention/cases/{pk}/close", as_user=mallory, body=body)
    assert close.status_code == 404


def test_read_only_users_may_look_but_not_close(api: ApiCaller, renewal_book: Personas) -> None:
    pk = case_of(renewal_book.household_a).pk
    assert (
        api.call("GET", f"/api/retention/cases/{pk}", as_user=renewal_book.rita).status_code == 200
    )
    body = {"resolution": "other", "steps_to_resolve": "x"}
    response = api.call(
        "POST", f"/api/retention/cases/{pk}/close", as_user=renewal_book.rita, body=body
    )
    assert response.status_code == 403


def test_closing_without_required_fields_is_422_naming_each(
    api: ApiCaller, renewal_book: Personas
) -> None:
    pk = case_of(renewal_book.household_a).pk
    response = api.call(
        "POST", f"/api/retention/cases/{pk}/close", as_user=renewal_book.carol, body={}
    )
    assert response.status_code == 422
    fields = sorted(error["loc"][-1] for error in response.json()["detail"])
    assert fields == ["resolution", "steps_to_resolve"]


def test_an_agent_logs_an_interaction_and_closes_the_case(
    api: ApiCaller, renewal_book: Personas
) -> None:
    pk = case_of(renewal_book.household_a).pk
    carol = renewal_book.carol
    logged = api.call(
        "POST", f"/api/retention/cases/{pk}/interactions", as_user=carol,
        body={"channel": "phone", "outcome": "reached", "notes": "Will renew"},
    )  # fmt: skip
    assert logged.status_code == 201
    body = {"resolution": "renewed_same_plan", "steps_to_resolve": "Renewed on the call."}
    closed = api.call("POST", f"/api/retention/cases/{pk}/close", as_user=carol, body=body)
    assert closed.status_code == 200
    assert closed.json()["status"] == CaseStatus.CLOSED
    assert len(closed.json()["interactions"]) == 1


def test_transfers_are_for_managers_and_unseen_cases_are_404(
    api: ApiCaller, renewal_book: Personas, dave: User
) -> None:
    own = case_of(renewal_book.household_a1).pk
    other = case_of(renewal_book.household_b).pk
    body = {"case_ids": [own], "agent_id": dave.pk}
    assert (
        api.call(
            "POST", "/api/retention/transfers", as_user=renewal_book.bob, body=body
        ).status_code
        == 403
    )
    body_b = {"case_ids": [own, other], "agent_id": dave.pk}
    assert (
        api.call(
            "POST", "/api/retention/transfers", as_user=renewal_book.alice, body=body_b
        ).status_code
        == 404
    )
    moved = api.call("POST", "/api/retention/transfers", as_user=renewal_book.alice, body=body)
    assert moved.json() == {"transferred": 1}


def test_the_dashboard_has_activity_only_for_managers(
    api: ApiCaller, renewal_book: Personas
) -> None:
    alice = api.get_json("/api/retention/dashboard", as_user=renewal_book.alice)
    bob = api.get_json("/api/retention/dashboard", as_user=renewal_book.bob)
    assert alice["open_cases"] == 2
    assert {a["name"] for a in alice["activity"]} >= {"Bob Tester", "Carol Tester"}
    assert (bob["open_cases"], bob["activity"]) == (1, [])
