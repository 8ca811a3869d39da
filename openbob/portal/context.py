"""Template context shared by every portal page: the navigation agents know."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from openbob.accounts.roles import Perm


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_can_view_roster": user.can(Perm.VIEW_ROSTER),
        "nav_can_view_audit": user.can(Perm.VIEW_AUDIT),
        "nav_can_manage_agency": user.can(Perm.MANAGE_AGENCY),
        "nav_can_transfer": user.can(Perm.TRANSFER_DELEGATION),
    }
