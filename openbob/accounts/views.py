"""Sign-in (password, then a TOTP code or enrolment), logout, re-authentication, Security.

Between the password and the second factor the session holds only a *pending* marker
(user id, start time, next URL): no login, and it lapses after five minutes. `login()`
runs once every factor the account has passed, so an account that needs MFA never has a
password-only session. The session id changes after the password and again at login.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openbob.accounts import mfa
from openbob.accounts.forms import CodeForm, ConfirmForm, EnrolForm, LoginForm
from openbob.accounts.middleware import LOGIN_AT, MFA_VERIFIED
from openbob.accounts.models import User
from openbob.accounts.requests import current_user
from openbob.accounts.sudo import mark_recent_auth, require_recent_auth
from openbob.accounts.throttle import Scope, Throttled, begin_attempt, client_ip
from openbob.audit.services import record

PENDING = "openbob_pending_signin"
PENDING_SECONDS = 5 * 60
_FAILED_ACTION = {
    Scope.LOGIN: "auth.login_failed",
    Scope.MFA: "auth.mfa_failed",
    Scope.SUDO: "auth.sudo_failed",
}
_WRONG_CODE = "That code is not right, or it was already used."

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class Pending:
    """A sign-in whose password passed and whose second factor is still to come."""

    user: User
    next_url: str


def _audit(request: HttpRequest, action: str, actor: User | None, **detail: str) -> None:
    """Audit an authentication event; callers pass labels only, never a credential.

    A failed sign-in for an address no account has is recorded as "anonymous": the typed
    address is not stored, since people sometimes type their password into that field.
    """
    label = "" if actor else "anonymous"
    record(actor=actor, action=action, ip=client_ip(request), detail=detail, actor_label=label)


def _safe_next(request: HttpRequest, url: str | None, default: str) -> str:
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and allowed else resolve_url(default)


def _next_param(request: HttpRequest) -> str | None:
    return request.POST.get("next") or request.GET.get("next")


def _checked(
    request: HttpRequest,
    scope: Scope,
    *,
    email: str,
    actor: User | None,
    check: Callable[[], T | None],
) -> T | None:
    """Run `check` (None = wrong credential) under the throttle, auditing a failure.

    Raises `Throttled` (audited) before `check` runs when a limit is reached.
    """
    try:
        attempt = begin_attempt(scope, email=email, ip=client_ip(request))
    except Throttled:
        _audit(request, "auth.throttled", actor, step=str(scope))
        raise
    result = check()
    if result is None:
        _audit(request, _FAILED_ACTION[scope], actor)
        return None
    attempt.succeeded()
    return result


def _answers_throttle(
    view: Callable[Concatenate[HttpRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Turn `Throttled` into a 429 page that says how long to wait, or whom to ask."""

    @wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Throttled as exc:
            context = {"minutes": math.ceil(exc.retry_after / 60) if exc.retry_after else None}
            response = render(request, "accounts/throttled.html", context, status=429)
            if exc.retry_after:
                response["Retry-After"] = str(exc.retry_after)
            return response

    return wrapper


def _pending_signin(
    view: Callable[[HttpRequest, Pending], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Give the view the pending sign-in, or send the visitor back to the password step."""

    @wraps(view)
    def wrapper(request: HttpRequest) -> HttpResponse:
        pending = _pending(request)
        if pending is None:
            messages.error(request, "Your sign-in expired. Please sign in again.")
            return redirect("accounts:login")
        return view(request, pending)

    return wrapper


def _pending(request: HttpRequest) -> Pending | None:
    state = request.session.get(PENDING)
    if not isinstance(state, dict) or not 0 <= time.time() - state["at"] <= PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    user = User.objects.filter(pk=state["user"], is_active=True).first()
    return Pending(user, state["next"]) if user else None


def _begin_pending(request: HttpRequest, user: User, next_url: str) -> None:
    """A fresh session (new id, nobody signed in) holding only the pending marker."""
    request.session.flush()
    request.session[PENDING] = {"user": user.pk, "at": time.time(), "next": next_url}


def _complete_login(request: HttpRequest, user: User, method: mfa.Method) -> None:
    """Log in (Django gives the session a new id) and start the 12-hour clock."""
    request.session.pop(PENDING, None)
    login(request, user)
    request.session[LOGIN_AT] = time.time()
    request.session[MFA_VERIFIED] = method is not mfa.Method.NONE
    _audit(request, "auth.login", user, second_factor=str(method))


def _has_second_factor(user: User) -> bool:
    """Accounts that need MFA, and anyone who enrolled anyway, prove it at each sign-in."""
    return user.needs_mfa or mfa.is_enrolled(user)


def _authenticate(request: HttpRequest, email: str, password: str) -> User | None:
    user = authenticate(request, username=email, password=password)
    return user if isinstance(user, User) else None


def _after_password(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    if mfa.is_enrolled(user):
        step = "accounts:login_code"
    elif user.needs_mfa:
        mfa.start_enrolment(user)
        step = "accounts:login_enrol"
    else:
        _complete_login(request, user, mfa.Method.NONE)
        return redirect(next_url)
    _begin_pending(request, user, next_url)
    return redirect(step)


@require_http_methods(["GET", "POST"])
@_answers_throttle
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _next_param(request)
    form = LoginForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        email, password = form.cleaned_data["email"], form.cleaned_data["password"]
        user = _checked(
            request,
            Scope.LOGIN,
            email=email,
            actor=User.objects.filter(email=email).first(),
            check=lambda: _authenticate(request, email, password),
        )
        if user is not None:
            return _after_password(
                request, user, _safe_next(request, next_url, settings.LOGIN_REDIRECT_URL)
            )
        form.add_error(None, "The email address or password is not right.")
    return render(request, "accounts/login.html", {"form": form, "next": next_url or ""})


@require_http_methods(["GET", "POST"])
@_answers_throttle
@_pending_signin
def login_code(request: HttpRequest, pending: Pending) -> HttpResponse:
    user = pending.user
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        method = _checked(
            request,
            Scope.MFA,
            email=user.email,
            actor=user,
            check=lambda: mfa.verify_second_factor(user, form.cleaned_data["code"]),
        )
        if method is not None:
            _complete_login(request, user, method)
            return redirect(pending.next_url)
        form.add_error("code", _WRONG_CODE)
    return render(request, "accounts/login_code.html", {"form": form})


def _confirm_enrolment(user: User, code: str) -> list[str] | None:
    try:
        return mfa.confirm_enrolment(user, code)
    except mfa.InvalidCode:
        return None


def _qr_svg(uri: str) -> SafeString:
    """The otpauth URI as inline SVG markup (segno builds it; the page needs no data: URL)."""
    svg = segno.make(uri, error="m").svg_inline(
        omitsize=True, light="#fff", title="QR code for your app"
    )
    return mark_safe(svg)  # segno's own markup; no user input goes into it


@require_http_methods(["GET", "POST"])
@_answers_throttle
@_pending_signin
def login_enrol(request: HttpRequest, pending: Pending) -> HttpResponse:
    user = pending.user
    secret = mfa.device_secret(user, confirmed=False)
    if secret is None:
        messages.error(request, "Please sign in again to set up your authenticator app.")
        return redirect("accounts:login")
    form = EnrolForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        code = form.cleaned_data["code"]
        codes = _checked(
            request,
            Scope.MFA,
            email=user.email,
            actor=user,
            check=lambda: _confirm_enrolment(user, code),
        )
        if codes is not None:
            _audit(request, "auth.mfa_enrolled", user)
            _complete_login(request, user, mfa.Method.ENROLLED)
            shown = {"codes": codes, "next": pending.next_url}
            return render(request, "accounts/recovery_codes.html", shown)
        form.add_error("code", _WRONG_CODE)
    context: dict[str, Any] = {
        "form": form,
        "secret": secret,
        "qr": _qr_svg(mfa.provisioning_uri(user, secret)),
    }
    return render(request, "accounts/enrol.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """POST only (a link or image cannot sign anyone out); flushes the whole session."""
    if request.user.is_authenticated:
        _audit(request, "auth.logout", current_user(request))
    logout(request)
    return redirect("accounts:login")


def _reauthenticate(user: User, data: dict[str, str]) -> mfa.Method | None:
    """Password first: a wrong password never uses up a TOTP or recovery code."""
    if not user.check_password(data["password"]):
        return None
    if "code" not in data:
        return mfa.Method.NONE
    return mfa.verify_second_factor(user, data["code"])


@require_http_methods(["GET", "POST"])
@login_required
@_answers_throttle
def confirm(request: HttpRequest) -> HttpResponse:
    """The sudo step: password and, for accounts with a second factor, a code."""
    user = current_user(request)
    next_url = _safe_next(request, _next_param(request), "accounts:security")
    data = request.POST if request.method == "POST" else None
    form = ConfirmForm(data, needs_code=_has_second_factor(user))
    if form.is_valid():
        method = _checked(
            request,
            Scope.SUDO,
            email=user.email,
            actor=user,
            check=lambda: _reauthenticate(user, form.cleaned_data),
        )
        if method is not None:
            mark_recent_auth(request)
            _audit(request, "auth.sudo", user, second_factor=str(method))
            return redirect(next_url)
        form.add_error(None, "The password or code is not right.")
    return render(request, "accounts/confirm.html", {"form": form, "next": next_url})


@require_GET
@login_required
def security(request: HttpRequest) -> HttpResponse:
    """My Profile → Security: MFA status, new recovery codes, reset of the authenticator."""
    user = current_user(request)
    context = {
        "enrolled": mfa.is_enrolled(user),
        "codes_left": mfa.remaining_recovery_codes(user),
    }
    return render(request, "accounts/security.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@require_recent_auth
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Replace the recovery codes; the new ones are shown in this response only."""
    user = current_user(request)
    if not mfa.is_enrolled(user):
        return redirect("accounts:security")
    if request.method == "POST":
        codes = mfa.new_recovery_codes(user)
        _audit(request, "auth.recovery_codes_replaced", user)
        context = {"codes": codes, "next": reverse("accounts:security")}
        return render(request, "accounts/recovery_codes.html", context)
    return render(
        request,
        "accounts/confirm_action.html",
        {
            "title": "New recovery codes",
            "text": "Your current recovery codes will stop working.",
            "button": "Make new recovery codes",
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@require_recent_auth
def mfa_reset(request: HttpRequest) -> HttpResponse:
    """Remove the authenticator and sign out; the next sign-in enrols a new one."""
    user = current_user(request)
    if request.method == "POST":
        mfa.reset(user)
        _audit(request, "auth.mfa_reset", user)
        logout(request)
        messages.info(request, "Sign in again to set up your new authenticator app.")
        return redirect("accounts:login")
    return render(
        request,
        "accounts/confirm_action.html",
        {
            "title": "Reset two-factor authentication",
            "text": (
                "Your authenticator app and recovery codes will stop working and you will "
                "be signed out. At your next sign-in you set up a new authenticator app."
            ),
            "button": "Reset and sign out",
        },
    )
