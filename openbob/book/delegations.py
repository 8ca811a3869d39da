"""Delegation steps: request, accept, decline, transfer, remove, and delegate by consent.

Every step runs in one transaction, writes the `Delegation` rows that make up the
household's history, keeps the household's scoping columns (`agency`, `agent`) and its
list row in step, and writes one audit row per household (`delegation.<step>`), so the
audit log and the household page tell the same story. Scope and role come from
`openbob.book.scoping`: outsiders get 404, roles without the action 403.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from openbob.accounts.models import User
from openbob.accounts.roles import Perm, Role
from openbob.audit.services import record
from openbob.book.choices import DelegationStatus, Source
from openbob.book.listing import agent_sort_name, refresh
from openbob.book.models import Delegation, Household
from openbob.book.scoping import (
    Action,
    enrollers_visible_to,
    get_household_for,
    households_visible_to,
    visible_agency_ids,
)

MAX_REASON = 300
MAX_TRANSFER = 500
"""Households one transfer may move: a page's selection, or a small book at once."""


def pending_visible_to(user: User) -> QuerySet[Delegation]:
    """Pending requests `user` may see: an agent their own, staff their agencies'."""
    if not user.is_active or user.agency_id is None:
        return Delegation.objects.none()
    pending = Delegation.objects.filter(status=DelegationStatus.PENDING)
    if user.role == Role.AGENT:
        return pending.filter(agent=user, agency_id=user.agency_id)
    return pending.filter(agency_id__in=visible_agency_ids(user))


def may_answer(user: User, delegation: Delegation) -> bool:
    """Accept and decline: the requested agent, or a manager / admin level 2 of the agency."""
    return delegation.agent_id == user.pk or user.can(Perm.TRANSFER_DELEGATION)


def get_pending_for(user: User, pk: object) -> Delegation:
    """A pending request `user` may see (404 otherwise) and answer (403 otherwise)."""
    try:
        delegation = pending_visible_to(user).select_related("household").get(pk=int(str(pk)))
    except (Delegation.DoesNotExist, ValueError) as exc:
        raise Http404("No such delegation request") from exc
    if not may_answer(user, delegation):
        raise PermissionDenied("Your role may not answer delegation requests")
    return delegation


def transfer_targets(user: User) -> QuerySet[User]:
    """The agents `user` may move consumers to: active Certified Agents in scope."""
    return enrollers_visible_to(user).filter(is_active=True, role=Role.AGENT)


def _reason(text: str, *, required: bool) -> str:
    reason = text.strip()
    if required and not reason:
        raise ValidationError("Give a reason; it is kept in the household's history.")
    if len(reason) > MAX_REASON:
        raise ValidationError(f"Keep the reason under {MAX_REASON} characters.")
    return reason


def _audit(actor: User, step: str, household: Household, **detail: Any) -> None:
    record(actor=actor, action=f"delegation.{step}", subject=household, detail=detail)


def _place(household: Household, agent: User | None, agency_id: int | None) -> None:
    household.agent = agent
    household.agency_id = agency_id
    household.agent_name = agent_sort_name(agent)
    household.lost_at = None if agent is not None else timezone.now()
    household.save(update_fields=["agent", "agency", "agent_name", "lost_at", "updated_at"])


def _end_active(household: Household, actor: User, status: str, reason: str = "") -> int | None:
    """End the household's active delegation; returns the agent it was with."""
    now = timezone.now()
    active = household.delegations.filter(status=DelegationStatus.ACTIVE)
    previous = active.values_list("agent_id", flat=True).first()
    active.update(status=status, ended_at=now, acted_by=actor, reason=reason)
    return previous


def _start(household: Household, agent: User, actor: User, reason: str) -> Delegation:
    now = timezone.now()
    assert agent.agency_id is not None
    return Delegation.objects.create(
        household=household,
        agency_id=agent.agency_id,
        agent=agent,
        status=DelegationStatus.ACTIVE,
        requested_at=now,
        started_at=now,
        acted_by=actor,
        reason=reason,
        source=Source.PORTAL,
    )


@transaction.atomic
def request(*, household: Household, agent: User, source: str = Source.PORTAL) -> Delegation:
    """A consumer's request to be delegated to `agent`: pending until answered."""
    assert agent.agency_id is not None
    return Delegation.objects.create(
        household=household,
        agency_id=agent.agency_id,
        agent=agent,
        status=DelegationStatus.PENDING,
        requested_at=timezone.now(),
        source=source,
    )


@transaction.atomic
def accept(*, actor: User, delegation: Delegation) -> Delegation:
    """Accept a pending request: it becomes the household's one active delegation."""
    locked = _locked_pending(delegation)
    household = locked.household
    previous = _end_active(household, actor, DelegationStatus.TRANSFERRED, "Accepted elsewhere")
    locked.status = DelegationStatus.ACTIVE
    locked.started_at = timezone.now()
    locked.acted_by = actor
    locked.save(update_fields=["status", "started_at", "acted_by"])
    _place(household, locked.agent, locked.agency_id)
    refresh([household.pk])
    _audit(
        actor,
        "accept",
        household,
        delegation=locked.pk,
        from_agent=previous,
        to_agent=locked.agent_id,
    )
    return locked


@transaction.atomic
def decline(*, actor: User, delegation: Delegation, reason: str = "") -> Delegation:
    """Decline a pending request; the household stays where it was."""
    locked = _locked_pending(delegation)
    locked.status = DelegationStatus.DECLINED
    locked.ended_at = timezone.now()
    locked.acted_by = actor
    locked.reason = _reason(reason, required=False)
    locked.save(update_fields=["status", "ended_at", "acted_by", "reason"])
    _audit(actor, "decline", locked.household, delegation=locked.pk, agent=locked.agent_id)
    return locked


def _locked_pending(delegation: Delegation) -> Delegation:
    """The request, row-locked, still pending (a second click finds it answered)."""
    # No select_related: PostgreSQL cannot lock the nullable side of the agent join.
    locked = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if locked.status != DelegationStatus.PENDING:
        raise ValidationError("This request has already been answered.")
    return locked


@transaction.atomic
def transfer(
    *, actor: User, household_ids: Sequence[int], to_agent_id: object, reason: str
) -> list[Household]:
    """Move households to another agent of the agency ("Change Delegation").

    All or nothing: a household the actor cannot see makes the whole transfer a 404,
    and nothing moves. Manager and Admin Staff Level 2 only (403 for other roles).
    """
    if not actor.can(Perm.TRANSFER_DELEGATION):
        raise PermissionDenied("Only an Agency Manager or Admin Staff Level 2 may transfer")
    text = _reason(reason, required=True)
    target = _target(actor, to_agent_id)
    ids = sorted({int(pk) for pk in household_ids})
    if not ids:
        raise ValidationError("Select at least one consumer to transfer.")
    if len(ids) > MAX_TRANSFER:
        raise ValidationError(f"Transfer at most {MAX_TRANSFER} consumers at a time.")
    households = list(households_visible_to(actor).filter(pk__in=ids).select_for_update())
    if len(households) != len(ids):
        raise Http404("No such household")
    for household in households:
        previous = _end_active(household, actor, DelegationStatus.TRANSFERRED, text)
        _start(household, target, actor, text)
        _place(household, target, target.agency_id)
        _audit(actor, "transfer", household, from_agent=previous, to_agent=target.pk, reason=text)
    return households


def _target(actor: User, agent_id: object) -> User:
    try:
        return transfer_targets(actor).get(pk=int(str(agent_id)))
    except (User.DoesNotExist, ValueError) as exc:
        raise ValidationError("Choose an active agent of your agency.") from exc


@transaction.atomic
def remove(*, actor: User, household_pk: object, reason: str) -> Household:
    """End a household's delegation: it leaves the active book (kept, with its history).

    The agent holding it may remove it, and so may a Manager or Admin Staff Level 2.
    """
    household = get_household_for(actor, household_pk, action=Action.EDIT)
    if household.agent_id != actor.pk and not actor.can(Perm.TRANSFER_DELEGATION):
        raise PermissionDenied("Only the delegated agent or a manager may remove a delegation")
    text = _reason(reason, required=True)
    previous = _end_active(household, actor, DelegationStatus.REMOVED, text)
    _place(household, None, household.agency_id)
    _audit(actor, "remove", household, from_agent=previous, reason=text)
    return household


@transaction.atomic
def delegate_by_consent(*, actor: User, household: Household, via: str) -> Delegation:
    """Delegate `household` to `actor` with the consumer's consent (the delegation tool)."""
    locked = Household.objects.select_for_update().get(pk=household.pk)
    previous = _end_active(locked, actor, DelegationStatus.TRANSFERRED, f"Consumer consent: {via}")
    delegation = _start(locked, actor, actor, f"Consumer consent: {via}")
    _place(locked, actor, actor.agency_id)
    refresh([locked.pk])
    _audit(actor, "consent", locked, from_agent=previous, to_agent=actor.pk, via=via)
    return delegation
