"""Transfer, accept, decline, remove and consent: history rows, scope, audit, all-or-nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from openbob.audit.models import AuditEvent
from openbob.book import delegations
from openbob.book.choices import DelegationStatus
from openbob.book.models import Delegation, Household
from openbob.testing import Personas, make_household, make_user

pytestmark = pytest.mark.django_db


def _statuses(household: Household) -> list[str]:
    return list(household.delegations.order_by("pk").values_list("status", flat=True))


def test_a_manager_transfers_households_to_another_agent_with_a_reason(
    personas: Personas,
) -> None:
    extra = make_household(personas.agency_a, personas.carol, name="Cruz Diaz", ssn="912000011")
    moved = delegations.transfer(
        actor=personas.alice,
        household_ids=[personas.household_a.pk, extra.pk],
        to_agent_id=personas.bob.pk,
        reason="Carol is on leave",
    )
    assert {h.pk for h in moved} == {personas.household_a.pk, extra.pk}
    household = Household.objects.get(pk=personas.household_a.pk)
    assert household.agent_id == personas.bob.pk
    assert household.agency_id == personas.agency_a1.pk
    assert household.agent_name == f"{personas.bob.last_name}, {personas.bob.first_name}"
    assert _statuses(household) == [DelegationStatus.TRANSFERRED, DelegationStatus.ACTIVE]
    new = household.delegations.get(status=DelegationStatus.ACTIVE)
    assert (new.acted_by, new.reason) == (personas.alice, "Carol is on leave")
    audit = AuditEvent.objects.filter(action="delegation.transfer")
    assert audit.count() == 2
    assert audit.filter(subject_id=str(household.pk)).get().detail == {
        "from_agent": personas.carol.pk,
        "to_agent": personas.bob.pk,
        "reason": "Carol is on leave",
    }


def test_a_transfer_including_an_outsiders_household_moves_nothing(personas: Personas) -> None:
    with pytest.raises(Http404):
        delegations.transfer(
            actor=personas.alice,
            household_ids=[personas.household_a.pk, personas.household_b.pk],
            to_agent_id=personas.bob.pk,
            reason="sweep",
        )
    assert Household.objects.get(pk=personas.household_a.pk).agent_id == personas.carol.pk
    assert not AuditEvent.objects.filter(action="delegation.transfer").exists()


def test_only_managers_and_admin_level_2_transfer(personas: Personas) -> None:
    for actor in (personas.rita, personas.carol):
        with pytest.raises(PermissionDenied):
            delegations.transfer(
                actor=actor,
                household_ids=[personas.household_a.pk],
                to_agent_id=personas.bob.pk,
                reason="x",
            )
    delegations.transfer(
        actor=personas.sam,
        household_ids=[personas.household_a.pk],
        to_agent_id=personas.carol.pk,
        reason="back to carol",
    )


def test_a_transfer_needs_a_reason_and_an_agent_of_the_agency(personas: Personas) -> None:
    ids = [personas.household_a.pk]
    with pytest.raises(ValidationError, match="reason"):
        delegations.transfer(
            actor=personas.alice, household_ids=ids, to_agent_id=personas.bob.pk, reason="  "
        )
    outsider_agent = make_user("olga@b.test", "agent", personas.agency_b)
    with pytest.raises(ValidationError, match="agent of your agency"):
        delegations.transfer(
            actor=personas.alice, household_ids=ids, to_agent_id=outsider_agent.pk, reason="r"
        )
    with pytest.raises(ValidationError, match="agent of your agency"):
        delegations.transfer(
            actor=personas.sam,
            household_ids=ids,
            to_agent_id=personas.bob.pk,
            reason="bob is in a sub-agency sam cannot reach",
        )


def test_accepting_a_request_makes_it_the_one_active_delegation(personas: Personas) -> None:
    request = delegations.request(household=personas.household_a, agent=personas.bob)
    assert list(delegations.pending_visible_to(personas.bob)) == [request]
    assert list(delegations.pending_visible_to(personas.carol)) == []
    delegations.accept(actor=personas.bob, delegation=request)
    household = Household.objects.get(pk=personas.household_a.pk)
    assert (household.agent_id, household.agency_id) == (personas.bob.pk, personas.agency_a1.pk)
    assert _statuses(household) == [DelegationStatus.TRANSFERRED, DelegationStatus.ACTIVE]
    assert AuditEvent.objects.filter(action="delegation.accept").count() == 1
    with pytest.raises(ValidationError, match="already been answered"):
        delegations.accept(actor=personas.bob, delegation=request)


def test_declining_a_request_leaves_the_household_where_it_was(personas: Personas) -> None:
    request = delegations.request(household=personas.household_a, agent=personas.bob)
    delegations.decline(actor=personas.alice, delegation=request, reason="Not our client")
    household = Household.objects.get(pk=personas.household_a.pk)
    assert household.agent_id == personas.carol.pk
    assert Delegation.objects.get(pk=request.pk).status == DelegationStatus.DECLINED
    assert AuditEvent.objects.filter(action="delegation.decline").count() == 1


def test_an_outsider_cannot_reach_a_request_and_read_only_cannot_answer(
    personas: Personas,
) -> None:
    request = delegations.request(household=personas.household_a, agent=personas.carol)
    with pytest.raises(Http404):
        delegations.get_pending_for(personas.mallory, request.pk)
    with pytest.raises(PermissionDenied):
        delegations.get_pending_for(personas.rita, request.pk)
    assert delegations.get_pending_for(personas.carol, request.pk) == request


def test_removing_a_delegation_takes_the_household_out_of_the_active_book(
    personas: Personas,
) -> None:
    delegations.remove(
        actor=personas.carol,
        household_pk=personas.household_a.pk,
        reason="Consumer moved out of state",
    )
    household = Household.objects.get(pk=personas.household_a.pk)
    assert household.agent_id is None and household.lost_at is not None
    assert household.agency_id == personas.agency_a.pk
    assert _statuses(household) == [DelegationStatus.REMOVED]
    assert AuditEvent.objects.filter(action="delegation.remove").count() == 1


def test_only_the_agent_or_a_manager_removes_and_outsiders_get_404(personas: Personas) -> None:
    with pytest.raises(Http404):
        delegations.remove(actor=personas.mallory, household_pk=personas.household_a.pk, reason="x")
    with pytest.raises(PermissionDenied):
        delegations.remove(actor=personas.rita, household_pk=personas.household_a.pk, reason="x")
    admin1 = make_user("adam@a.test", "admin1", personas.agency_a)
    with pytest.raises(PermissionDenied):
        delegations.remove(actor=admin1, household_pk=personas.household_a.pk, reason="x")
