"""Session lifetime and MFA enforcement for every request."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

LOGIN_AT = "openbob_login_at"
MFA_VERIFIED = "openbob_mfa_verified"


class SessionLifetimeMiddleware:
    """End sessions older than the absolute limit (12 h), whatever their activity.

    The idle limit (15 min) is Django's own SESSION_COOKIE_AGE, refreshed per request.
    A session whose account was disabled or deleted is flushed at its next request,
    so re-enabling the account later does not bring the old session back.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            if SESSION_KEY in request.session:
                request.session.flush()
        elif _past_absolute_limit(request):
            logout(request)
            return redirect(settings.LOGIN_URL)
        return self.get_response(request)


def _past_absolute_limit(request: HttpRequest) -> bool:
    started = request.session.get(LOGIN_AT)
    limit = settings.OPENBOB_SESSION_ABSOLUTE_SECONDS
    return not isinstance(started, int | float) or time.time() - started > limit


class MfaRequiredMiddleware:
    """A password-only session of an account that needs MFA reaches nothing but sign-in.

    Sign-in only logs such a user in after the TOTP step, so this is a second line of
    defence (an admin-created session, a half-finished flow), not the main gate.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "needs_mfa", True)
            and not request.session.get(MFA_VERIFIED)
        ):
            logout(request)
            return redirect(settings.LOGIN_URL)
        return self.get_response(request)
