"""Every Retention page answers each persona as expected; outsiders get 404, never data."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from openbob.retention.choices import CaseStatus, Resolution
from openbob.retention.tests.conftest import case_of
from openbob.testing import Personas, sign_in

pytestmark = pytest.mark.django_db
PERSONAS = ("alice", "sam", "rita", "bob", "carol", "mallory")
# target: whose case ("a" carol's in A, "a1" bob's in A1, "b" mallory's in B)
DETAIL = {
    "a": {"alice": 200, "sam": 200, "rita": 200, "bob": 404, "carol": 200, "mallory": 404},
    "a1": {"alice": 200, "sam": 404, "rita": 404, "bob": 200, "carol": 404, "mallory": 404},
    "b": {"alice": 404, "sam": 404, "rita": 404, "bob": 404, "carol": 404, "mallory": 200},
}
LOG = {
    "a": {"alice": 302, "sam": 302, "rita": 403, "bob": 404, "carol": 302, "mallory": 404},
    "b": {"alice": 404, "sam": 404, "rita": 404, "bob": 404, "carol": 404, "mallory": 302},
}


def _case_pk(personas: Personas, target: str) -> int:
    households = {"a": personas.household_a, "a1": personas.household_a1, "b": personas.household_b}
    return case_of(households[target]).pk


@pytest.mark.parametrize("target", sorted(DETAIL))
def test_each_persona_sees_exactly_the_cases_in_scope(renewal_book: Personas, target: str) -> None:
    url = f"/retention/cases/{_case_pk(renewal_book, target)}/"
    got = {p: sign_in(Client(), getattr(renewal_book, p)).get(url).status_code for p in PERSONAS}
    assert got == DETAIL[target]


@pytest.mark.parametrize("target", sorted(LOG))
def test_only_editing_roles_in_scope_may_log_interactions(
    renewal_book: Personas, target: str
) -> None:
    url = f"/retention/cases/{_case_pk(renewal_book, target)}/interactions/"
    data = {"channel": "phone", "outcome": "no_answer"}
    got = {
        p: sign_in(Client(), getattr(renewal_book, p)).post(url, data).status_code for p in PERSONAS
    }
    assert got == LOG[target]


def test_lists_and_dashboards_answer_everyone_signed_in_and_send_others_to_sign_in(
    renewal_book: Personas,
) -> None:
    for url in ("/retention/", "/retention/dashboard/"):
        assert Client().get(url).status_code == 302
        for persona in PERSONAS:
            assert sign_in(Client(), getattr(renewal_book, persona)).get(url).status_code == 200


def test_the_list_ranks_by_risk_and_shows_reasons_only_in_scope(
    renewal_book: Personas, client_as: Callable[..., Client]
) -> None:
    page = client_as(renewal_book.alice).get("/retention/").content.decode()
    assert "Ana Alvarez" in page and "Ben Brooks" in page
    assert "Bea Baker" not in page
    assert "No risk factor" in page


def test_the_close_form_explains_what_is_missing(
    renewal_book: Personas, client_as: Callable[..., Client]
) -> None:
    case = case_of(renewal_book.household_a)
    response = client_as(renewal_book.carol).post(
        f"/retention/cases/{case.pk}/update/", {"status": "closed"}
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "The case cannot be closed yet" in text
    assert "Choose the resolution reason" in text
    assert "Describe the steps taken" in text
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_the_close_form_closes_a_complete_case(
    renewal_book: Personas, client_as: Callable[..., Client]
) -> None:
    case = case_of(renewal_book.household_a)
    data = {
        "status": "closed",
        "resolution": Resolution.RENEWED_NEW_PLAN,
        "steps_to_resolve": "Compared plans; switched to Gold 80.",
    }
    response = client_as(renewal_book.carol).post(f"/retention/cases/{case.pk}/update/", data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_only_managers_transfer_and_only_to_agents_of_the_case_agency(
    renewal_book: Personas, client_as: Callable[..., Client]
) -> None:
    from openbob.accounts.roles import Role
    from openbob.testing import make_user

    dave = make_user("dave@a1.test", Role.AGENT, renewal_book.agency_a1)
    case = case_of(renewal_book.household_a1)
    data = {"agent": dave.pk, "cases": [case.pk]}
    assert sign_in(Client(), renewal_book.sam).post("/retention/transfer/", data).status_code == 403
    assert sign_in(Client(), renewal_book.bob).post("/retention/transfer/", data).status_code == 403
    client_as(renewal_book.mallory).post("/retention/transfer/", data)
    case.refresh_from_db()
    assert case.assignee == renewal_book.bob
    client_as(renewal_book.alice).post("/retention/transfer/", data)
    case.refresh_from_db()
    assert case.assignee == dave


def test_managers_see_the_enroller_activity_report_and_agents_do_not(
    renewal_book: Personas,
) -> None:
    alice = sign_in(Client(), renewal_book.alice).get("/retention/dashboard/").content
    carol = sign_in(Client(), renewal_book.carol).get("/retention/dashboard/").content
    assert b"Enroller activity" in alice
    assert b"Enroller activity" not in carol


def test_refresh_rebuilds_the_figures(
    renewal_book: Personas, client_as: Callable[..., Client]
) -> None:
    response = client_as(renewal_book.rita).post("/retention/dashboard/")
    assert response.status_code == 302
