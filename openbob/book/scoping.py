"""Which agencies, enrollers and households a user may see and change.

This is the one place that decides scope; every view, API route, export, report and
task asks it. The rules:

* an Agency Manager sees the own agency and every sub-agency below it, never a parent
  or a sibling;
* Admin Staff (both levels) and read-only users see the own agency only;
* a Certified Agent sees the households delegated to them;
* anyone else (no agency, inactive) sees nothing.

Outsiders get 404 (`Http404`), never 403, so ids do not leak; a user who may see a
household but whose role does not grant the action gets 403 (`PermissionDenied`).
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from openbob.accounts.models import User
from openbob.accounts.roles import Perm, Role
from openbob.agencies.models import Agency
from openbob.book.models import Household


class Action(StrEnum):
    """What a user wants to do with a household."""

    VIEW = "view"
    EDIT = "edit"
    TRANSFER = "transfer"
    REVEAL_PII = "reveal_pii"


ACTION_PERMS: dict[Action, Perm] = {
    Action.VIEW: Perm.VIEW_BOOK,
    Action.EDIT: Perm.EDIT_HOUSEHOLD,
    Action.TRANSFER: Perm.TRANSFER_DELEGATION,
    Action.REVEAL_PII: Perm.VIEW_PII,
}


def agencies_visible_to(user: User) -> QuerySet[Agency]:
    """The agencies whose data `user` may reach (own agency, plus the subtree for managers)."""
    if not user.is_active or user.agency is None:
        return Agency.objects.none()
    if user.role == Role.AGENCY_MANAGER:
        return Agency.objects.filter(path__startswith=user.agency.path)
    return Agency.objects.filter(pk=user.agency.pk)


def visible_agency_ids(user: User) -> list[int]:
    return list(agencies_visible_to(user).values_list("pk", flat=True))


def enrollers_visible_to(user: User) -> QuerySet[User]:
    """The enroller accounts `user` may see: the roster of visible agencies, or oneself."""
    if not user.is_active or user.agency is None:
        return User.objects.none()
    if user.role == Role.AGENT:
        return User.objects.filter(pk=user.pk)
    return User.objects.filter(agency__in=agencies_visible_to(user))


def households_visible_to(user: User) -> QuerySet[Household]:
    """The households `user` may see. Every household list starts here."""
    if not user.is_active or user.agency is None:
        return Household.objects.none()
    if user.role == Role.AGENT:
        return Household.objects.filter(agent=user, agency=user.agency_id)
    return Household.objects.filter(agency_id__in=visible_agency_ids(user))


def can(user: User, action: Action, household: Household) -> bool:
    """True when `user` may take `action` on `household`."""
    return _is_visible(user, household) and user.can(ACTION_PERMS[action])


def get_household_for(user: User, pk: object, *, action: Action = Action.VIEW) -> Household:
    """The household `pk` if `user` may take `action` on it: 404 if unseen, 403 if read-only."""
    try:
        household = households_visible_to(user).get(pk=int(str(pk)))
    except (Household.DoesNotExist, ValueError) as exc:
        raise Http404("No such household") from exc
    if not user.can(ACTION_PERMS[action]):
        raise PermissionDenied("Your role does not allow this action")
    return household


def _is_visible(user: User, household: Household) -> bool:
    if not user.is_active or user.agency is None or household.agency_id is None:
        return False
    if user.role == Role.AGENT:
        return household.agent_id == user.pk and household.agency_id == user.agency_id
    if user.role == Role.AGENCY_MANAGER:
        return Agency.objects.filter(
            pk=household.agency_id, path__startswith=user.agency.path
        ).exists()
    return household.agency_id == user.agency_id
