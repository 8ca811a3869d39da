"""Request helpers every view uses: who is signed in, and whether htmx asked."""

from __future__ import annotations

from django.http import HttpRequest

from openbob.accounts.models import User


def current_user(request: HttpRequest) -> User:
    """The signed-in enroller (views are behind `login_required`)."""
    user = request.user
    assert isinstance(user, User)
    return user


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request that wants a fragment (a boosted one wants the whole page)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-Boosted")
