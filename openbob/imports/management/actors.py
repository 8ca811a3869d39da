"""Who a management command acts as (`--as EMAIL`): the same scope as in the portal."""

from __future__ import annotations

from django.core.management.base import CommandError

from openbob.accounts.models import User
from openbob.accounts.roles import Perm


def actor_by_email(email: str, *, perm: Perm | None = None) -> User:
    """The enroller with this email, in an agency and, if given, holding `perm`."""
    user = User.objects.filter(email=email.lower()).select_related("agency").first()
    if user is None or user.agency is None:
        raise CommandError(f"No enroller with email {email}")
    if perm is not None and not user.can(perm):
        raise CommandError(f"{email}: your role does not allow this ({perm.value})")
    return user
