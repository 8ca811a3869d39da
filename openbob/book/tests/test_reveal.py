"""Revealing PII (D1): scope and purpose checked first, exactly one audit row per reveal.

Personas (see openbob/testing.py): alice manages A (and A1 below it), carol is an agent
in A, rita is read-only in A, mallory manages the unrelated agency B.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from openbob.accounts.models import User
from openbob.audit.context import current_request_id
from openbob.audit.models import AuditEvent
from openbob.audit.reveal import reveal_income, reveal_member, reveal_rows
from openbob.book.models import Household, Member
from openbob.book.pii import encrypt_income
from openbob.lib.crypto import DecryptionError
from openbob.testing import Personas, sign_in

pytestmark = pytest.mark.django_db
REQUEST_ID = "req-reveal-test-0001"


@pytest.fixture
def request_id() -> Iterator[str]:
    """Stand in for RequestIdMiddleware: the id every audit row of this 'request' carries."""
    token = current_request_id.set(REQUEST_ID)
    yield REQUEST_ID
    current_request_id.reset(token)


def _member(household: Household) -> Member:
    return household.members.get()


def test_a_reveal_returns_the_values_and_writes_exactly_one_complete_audit_row(
    personas: Personas, request_id: str
) -> None:
    member = _member(personas.household_a)
    values = reveal_member(
        actor=personas.alice, member=member, fields=["ssn", "dob"], purpose="Renewal call"
    )
    assert values == {"ssn": "912000001", "dob": "1980-05-17"}
    event = AuditEvent.objects.get()
    assert (event.actor, event.agency_id, event.action) == (
        personas.alice,
        personas.agency_a.pk,
        "pii.reveal",
    )
    assert (event.subject_type, event.subject_id) == ("book.member", str(member.pk))
    assert (event.fields, event.purpose, event.request_id) == (
        ["ssn", "dob"],
        "Renewal call",
        request_id,
    )


def test_revealing_income_writes_one_row_naming_the_household(personas: Personas) -> None:
    Household.objects.filter(pk=personas.household_a.pk).update(
        income_encrypted=encrypt_income(Decimal("45123.00"))
    )
    personas.household_a.refresh_from_db()
    income = reveal_income(actor=personas.carol, household=personas.household_a, purpose="APTC")
    assert income == "45123.00"
    event = AuditEvent.objects.get()
    assert (event.subject_type, event.subject_id, event.fields) == (
        "book.household",
        str(personas.household_a.pk),
        ["income"],
    )


@pytest.mark.parametrize("purpose", ["", "   ", "\t\n"])
def test_an_empty_purpose_is_refused_and_nothing_is_recorded(
    personas: Personas, purpose: str
) -> None:
    with pytest.raises(PermissionDenied, match="purpose"):
        reveal_member(
            actor=personas.alice,
            member=_member(personas.household_a),
            fields=["ssn"],
            purpose=purpose,
        )
    assert not AuditEvent.objects.exists()


def test_an_outsider_is_refused_and_nothing_is_recorded(personas: Personas) -> None:
    with pytest.raises(PermissionDenied):
        reveal_member(
            actor=personas.mallory,
            member=_member(personas.household_a),
            fields=["ssn"],
            purpose="Curious",
        )
    with pytest.raises(PermissionDenied):
        reveal_income(actor=personas.mallory, household=personas.household_a, purpose="Curious")
    assert not AuditEvent.objects.exists()


def test_a_read_only_user_is_refused_even_inside_the_own_agency(personas: Personas) -> None:
    with pytest.raises(PermissionDenied):
        reveal_member(
            actor=personas.rita,
            member=_member(personas.household_a),
            fields=["ssn"],
            purpose="Renewal call",
        )
    assert not AuditEvent.objects.exists()


def test_an_agent_may_reveal_only_the_households_delegated_to_them(personas: Personas) -> None:
    reveal_member(
        actor=personas.bob, member=_member(personas.household_a1), fields=["dob"], purpose="Call"
    )
    with pytest.raises(PermissionDenied):
        reveal_member(
            actor=personas.bob, member=_member(personas.household_a), fields=["dob"], purpose="Call"
        )
    assert AuditEvent.objects.count() == 1


def test_a_tampered_ciphertext_raises_and_reveals_nothing(personas: Personas) -> None:
    member = _member(personas.household_a)
    last = member.ssn_encrypted[-1]
    member.ssn_encrypted = member.ssn_encrypted[:-1] + ("B" if last == "A" else "A")
    with pytest.raises(DecryptionError):
        reveal_member(actor=personas.alice, member=member, fields=["ssn"], purpose="Renewal")
    assert not AuditEvent.objects.exists()


def _book_of_a(personas: Personas) -> list[Member]:
    return list(
        Member.objects.filter(household__in=[personas.household_a, personas.household_a1])
        .select_related("household")
        .order_by("pk")
    )


def test_a_bulk_reveal_writes_one_row_listing_every_member_before_any_value_leaves(
    personas: Personas, request_id: str
) -> None:
    members = _book_of_a(personas)
    rows = reveal_rows(
        actor=personas.alice, members=members, fields=["ssn", "dob", "income"], purpose="Export"
    )
    event = AuditEvent.objects.get()
    assert event.detail == {"member_ids": [m.pk for m in members]}
    assert (event.fields, event.purpose, event.request_id) == (
        ["ssn", "dob", "income"],
        "Export",
        request_id,
    )
    assert list(rows) == [
        {"member_id": members[0].pk, "ssn": "912000001", "dob": "1980-05-17", "income": ""},
        {"member_id": members[1].pk, "ssn": "912000002", "dob": "1980-05-17", "income": ""},
    ]
    assert AuditEvent.objects.count() == 1


def test_a_bulk_reveal_with_one_member_out_of_scope_reveals_and_records_nothing(
    personas: Personas,
) -> None:
    members = [*_book_of_a(personas), _member(personas.household_b)]
    with pytest.raises(PermissionDenied):
        reveal_rows(actor=personas.alice, members=members, fields=["ssn"], purpose="Export")
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("who", "purpose"), [("rita", "Export"), ("mallory", "Export"), ("alice", " ")]
)
def test_a_bulk_reveal_is_refused_like_a_single_one(
    personas: Personas, who: str, purpose: str
) -> None:
    actor: User = getattr(personas, who)
    with pytest.raises(PermissionDenied):
        reveal_rows(actor=actor, members=_book_of_a(personas), fields=["ssn"], purpose=purpose)
    assert not AuditEvent.objects.exists()


def test_the_reveal_page_records_each_reveal_under_the_request_id(
    personas: Personas, client: Client
) -> None:
    sign_in(client, personas.alice)
    response = client.post(
        reverse("portal:reveal", args=[personas.household_a.pk]),
        {"purpose": "Renewal call"},
        headers={"X-Request-ID": REQUEST_ID},
    )
    assert response.status_code == 200
    assert response["X-Request-ID"] == REQUEST_ID
    events = list(AuditEvent.objects.all())
    assert [e.fields for e in events] == [["ssn", "dob"], ["income"]]
    assert {(e.actor_id, e.purpose, e.request_id) for e in events} == {
        (personas.alice.pk, "Renewal call", REQUEST_ID)
    }
