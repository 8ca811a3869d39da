"""The delegation tool: outcomes, the passcode's life (expiry, single use, limits), scope."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from openbob.audit.models import AuditEvent
from openbob.book.models import Household
from openbob.delegations import tool
from openbob.delegations.models import Passcode
from openbob.testing import Personas, make_household, sign_in

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db
SEARCH = {"disclaimers": "on"}


@pytest.fixture(autouse=True)
def _sms_by_email(settings: Settings) -> None:
    settings.OPENBOB_SMS_BACKEND = "email"
    settings.OPENBOB_SMS_EMAIL_DOMAIN = "sms.example.net"


def _search(client: Client, **fields: str) -> TestResponse:
    return client.post(reverse("delegations:tool"), {**SEARCH, **fields})


def _code() -> str:
    match = re.search(r"passcode is (\d{6})", str(mail.outbox[-1].body))
    assert match
    return match.group(1)


def test_an_agent_delegates_a_consumer_of_another_agency_by_ssn_and_passcode(
    personas: Personas, client: Client
) -> None:
    sign_in(client, personas.carol)
    response = _search(client, method="ssn", ssn="912-00-0003")
    assert response.status_code == 302
    passcode = Passcode.objects.get()
    assert response["Location"] == reverse("delegations:phone", args=[passcode.pk])
    page = client.get(response["Location"])
    assert b"One match found" in page.content and b"Bea Baker" not in page.content
    client.post(reverse("delegations:phone", args=[passcode.pk]), {"phone": "(916) 555-0199"})
    assert mail.outbox[-1].to == ["9165550199@sms.example.net"]
    done = client.post(reverse("delegations:code", args=[passcode.pk]), {"code": _code()})
    household = Household.objects.get(pk=personas.household_b.pk)
    assert done["Location"] == reverse("portal:household", args=[household.pk])
    assert (household.agent_id, household.agency_id) == (personas.carol.pk, personas.agency_a.pk)
    assert AuditEvent.objects.filter(action="delegation.consent").count() == 1


def test_name_dob_and_zip_finds_the_consumer(personas: Personas, client: Client) -> None:
    personas.household_a1.members.update(residence_zip="95814")
    sign_in(client, personas.carol)
    response = _search(
        client,
        method="name_dob_zip",
        first_name="ben",
        last_name="BROOKS",
        dob="1980-05-17",
        zip_code="95814",
    )
    assert response.status_code == 302


def test_no_match_advises_a_new_application(personas: Personas, client: Client) -> None:
    sign_in(client, personas.carol)
    response = _search(client, method="ssn", ssn="999999999")
    assert b"No match" in response.content and b"new application" in response.content


def test_several_matches_advise_the_service_center(personas: Personas, client: Client) -> None:
    make_household(personas.agency_b, personas.mallory, name="Bea Baker", ssn="912000003")
    sign_in(client, personas.carol)
    response = _search(client, method="ssn", ssn="912000003")
    assert b"More than one match" in response.content and b"Service Center" in response.content
    assert not Passcode.objects.exists()


def test_a_consumer_already_delegated_to_you_links_to_the_household(
    personas: Personas, client: Client
) -> None:
    sign_in(client, personas.carol)
    response = _search(client, method="case", case=str(personas.household_a.case_number))
    assert b"Already delegated to you" in response.content
    assert reverse("portal:household", args=[personas.household_a.pk]).encode() in response.content


def test_the_disclaimers_must_be_confirmed(personas: Personas, client: Client) -> None:
    sign_in(client, personas.carol)
    response = client.post(reverse("delegations:tool"), {"method": "ssn", "ssn": "912000003"})
    assert response.status_code == 200 and not Passcode.objects.exists()


def _sent(personas: Personas, client: Client) -> Passcode:
    sign_in(client, personas.carol)
    _search(client, method="ssn", ssn="912000003")
    passcode = Passcode.objects.get()
    client.post(reverse("delegations:phone", args=[passcode.pk]), {"phone": "9165550199"})
    return passcode


def test_a_code_is_single_use(personas: Personas, client: Client) -> None:
    passcode = _sent(personas, client)
    code = _code()
    url = reverse("delegations:code", args=[passcode.pk])
    assert client.post(url, {"code": code}).status_code == 302
    assert client.post(url, {"code": code}).status_code == 404


def test_an_expired_code_is_refused(personas: Personas, client: Client) -> None:
    passcode = _sent(personas, client)
    Passcode.objects.filter(pk=passcode.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(reverse("delegations:code", args=[passcode.pk]), {"code": _code()})
    assert b"expired" in response.content
    assert Household.objects.get(pk=personas.household_b.pk).agent_id == personas.mallory.pk


def test_five_wrong_codes_lock_the_passcode_even_for_the_right_one(
    personas: Personas, client: Client
) -> None:
    passcode = _sent(personas, client)
    url = reverse("delegations:code", args=[passcode.pk])
    right = _code()
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for _ in range(tool.WRONG_TRIES):
        assert b"not right" in client.post(url, {"code": wrong}).content
    assert client.post(url, {"code": right}).status_code == 429
    assert Household.objects.get(pk=personas.household_b.pk).agent_id == personas.mallory.pk


def test_sending_is_rate_limited_per_phone(personas: Personas, client: Client) -> None:
    passcode = _sent(personas, client)
    url = reverse("delegations:phone", args=[passcode.pk])
    for _ in range(tool.SENDS_PER_PHONE_PER_HOUR - 1):
        assert client.post(url, {"phone": "9165550199"}).status_code == 302
    assert client.post(url, {"phone": "9165550199"}).status_code == 429


def test_searching_is_rate_limited(personas: Personas, client: Client) -> None:
    sign_in(client, personas.carol)
    for _ in range(tool.SEARCHES_PER_HOUR):
        _search(client, method="ssn", ssn="999999999")
    assert _search(client, method="ssn", ssn="999999999").status_code == 429


def test_another_users_passcode_is_404(personas: Personas, client: Client) -> None:
    passcode = _sent(personas, client)
    for persona in ("mallory", "bob", "alice"):
        other = sign_in(Client(), getattr(personas, persona))
        for step in ("delegations:phone", "delegations:code"):
            assert other.get(reverse(step, args=[passcode.pk])).status_code == 404


def test_staff_without_a_book_may_not_use_the_tool(personas: Personas) -> None:
    for persona in ("sam", "rita"):
        client = sign_in(Client(), getattr(personas, persona))
        assert client.get(reverse("delegations:tool")).status_code == 403


def test_the_search_terms_never_reach_the_audit_log(personas: Personas, client: Client) -> None:
    sign_in(client, personas.carol)
    _search(
        client,
        method="name_dob_zip",
        first_name="Bea",
        last_name="Baker",
        dob=str(date(1980, 5, 17)),
        zip_code="95814",
    )
    event = AuditEvent.objects.get(action="delegation.tool_search")
    assert "Baker" not in str(event.detail) and "1980" not in str(event.detail)


def test_the_console_backend_prints_the_code_and_hides_the_number() -> None:
    from openbob.delegations.sms import ConsoleBackend

    stream = io.StringIO()
    ConsoleBackend(stream).send("9165550199", "code 123456")
    assert stream.getvalue() == "SMS to ***-***-0199: code 123456\n"
