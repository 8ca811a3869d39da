"""Template context for every page: may the user export, and unread notifications.

Values are callables, which templates call only where used, so pages that never show
them run no query for them.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from openbob.accounts.models import User
from openbob.exports import access, catalogue
from openbob.exports.models import Notification


def exports(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {}
    return {
        "nav_can_export": lambda: access.refusal(user) is None,
        "nav_can_export_book_all": lambda: _may(user, "book_all"),
        "nav_can_export_book_agent": lambda: _may(user, "book_agent"),
        "nav_can_export_clients": lambda: _may(user, "clients"),
        "nav_unread_notifications": lambda: Notification.objects.filter(
            user=user, read_at__isnull=True
        ).count(),
    }


def _may(user: User, kind: str) -> bool:
    spec = catalogue.get(kind)
    return spec is not None and access.refusal(user, spec) is None
