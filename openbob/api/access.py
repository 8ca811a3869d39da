"""Lookups and permission checks every API route uses on top of `openbob.book.scoping`.

Order matters and matches `get_household_for`: first "can this user see the object at
all" (404 otherwise, so ids of other agencies do not leak), then "does the role allow
this action" (403).
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from openbob.accounts.models import User
from openbob.accounts.roles import Perm

M = TypeVar("M", bound=Model)


def get_visible(scope: QuerySet[M], pk: int) -> M:
    """The object `pk` from a scoped queryset, or 404 when the user cannot see it."""
    obj = scope.filter(pk=pk).first()
    if obj is None:
        raise Http404("Not found")
    return obj


def require(user: User, perm: Perm) -> None:
    """403 unless the user's role grants `perm` (scope is checked separately)."""
    if not user.can(perm):
        raise PermissionDenied("Your role does not allow this action.")
