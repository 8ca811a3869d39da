"""Which retention cases a user may see and work, derived from `openbob.book.scoping`.

Managers, admin staff and read-only users see the cases of the agencies
`agencies_visible_to` gives them; an agent sees the cases assigned to them in their
own agency (after a transfer the case moves with it, the household's delegation does
not). Outsiders get 404; a role without the action gets 403.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from openbob.accounts.models import User
from openbob.accounts.roles import Perm, Role
from openbob.book.scoping import visible_agency_ids
from openbob.retention.models import RetentionCase


class CaseAction(StrEnum):
    VIEW = "view"
    WORK = "work"  # log interactions, update, close
    TRANSFER = "transfer"


ACTION_PERMS: dict[CaseAction, Perm] = {
    CaseAction.VIEW: Perm.VIEW_BOOK,
    CaseAction.WORK: Perm.EDIT_HOUSEHOLD,
    CaseAction.TRANSFER: Perm.MANAGE_RETENTION,
}


def cases_visible_to(user: User) -> QuerySet[RetentionCase]:
    """The retention cases `user` may see. Every case list starts here."""
    if not user.is_active or user.agency_id is None:
        return RetentionCase.objects.none()
    if user.role == Role.AGENT:
        return RetentionCase.objects.filter(assignee=user, agency_id=user.agency_id)
    return RetentionCase.objects.filter(agency_id__in=visible_agency_ids(user))


def require(user: User, action: CaseAction) -> None:
    """403 unless the user's role allows `action` on cases."""
    if not user.can(ACTION_PERMS[action]):
        raise PermissionDenied("Your role does not allow this action")


def get_case_for(user: User, pk: object, *, action: CaseAction = CaseAction.VIEW) -> RetentionCase:
    """Case `pk` if `user` may take `action` on it: 404 if unseen, 403 if not allowed."""
    try:
        case = cases_visible_to(user).select_related("assignee", "household").get(pk=int(str(pk)))
    except (RetentionCase.DoesNotExist, ValueError) as exc:
        raise Http404("No such case") from exc
    require(user, action)
    return case


def transfer_targets(user: User) -> QuerySet[User]:
    """Agents a manager may move cases to: active Certified Agents of their scope."""
    if not user.can(Perm.MANAGE_RETENTION):
        return User.objects.none()
    return User.objects.filter(
        agency_id__in=visible_agency_ids(user), role=Role.AGENT, is_active=True
    ).order_by("last_name", "first_name", "pk")
