"""Re-authentication ("sudo mode") before sensitive actions (reliability B4, ASVS 7.5.1).

A stolen or unattended session must not be enough to export unmasked PII, create an API
token or change the second factor: such views ask again for the password and, for
accounts with a second factor, a code. A confirmation stays valid for
OPENBOB_SUDO_SECONDS (10 minutes). Signing in does not count: the point is a *second*
proof of presence.

Decorate views that show a confirmation page on GET and act on POST: when sudo has
lapsed the user comes back to `next` with a GET.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

SUDO_AT = "openbob_sudo_at"

P = ParamSpec("P")


def has_recent_auth(request: HttpRequest) -> bool:
    """True when this session confirmed password (and code) in the last 10 minutes."""
    confirmed = request.session.get(SUDO_AT)
    if not isinstance(confirmed, int | float):
        return False
    return 0 <= time.time() - confirmed <= settings.OPENBOB_SUDO_SECONDS


def mark_recent_auth(request: HttpRequest) -> None:
    """Record a successful re-authentication (the confirm page calls this)."""
    request.session[SUDO_AT] = time.time()


def require_recent_auth(
    view: Callable[Concatenate[HttpRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Send the user to `accounts:confirm?next=<this page>` unless sudo is fresh."""

    @wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_recent_auth(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:confirm')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper
