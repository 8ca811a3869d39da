"""The support site (Django admin) for accounts, second factors and throttles.

Nobody reaches the admin without MFA: its own login page is replaced by a redirect to
the portal's sign-in, and `User.needs_mfa` includes every `is_staff` account. Password
hashes, TOTP secrets and recovery-code hashes are never shown.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from openbob.accounts import mfa
from openbob.accounts.models import RecoveryCode, Throttle, TotpDevice, User
from openbob.accounts.throttle import client_ip, email_digest
from openbob.accounts.views import logout_view
from openbob.audit.services import record


def _login_through_portal(
    request: HttpRequest, extra_context: dict[str, Any] | None = None
) -> HttpResponse:
    """Replaces `admin.site.login`, which checks a password only and would skip MFA."""
    if not request.user.is_authenticated:
        target = request.GET.get("next") or reverse("admin:index")
        return redirect_to_login(target, login_url=reverse("accounts:login"))
    if admin.site.has_permission(request):
        return redirect("admin:index")
    raise PermissionDenied("This account does not use the support site.")


def _logout_through_portal(
    request: HttpRequest, extra_context: dict[str, Any] | None = None
) -> HttpResponse:
    """Replaces `admin.site.logout`, so signing out of the admin is audited like any other."""
    return logout_view(request)


admin.site.login = _login_through_portal  # type: ignore[method-assign]
admin.site.logout = _logout_through_portal  # type: ignore[method-assign,assignment]
admin.site.site_header = "OpenBoB support"


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    """Accounts; no password field (new accounts get an unusable password)."""

    list_display = ("email", "full_name", "agency", "role", "is_active", "is_staff")
    list_filter = ("role", "is_active", "is_staff", "certification_status")
    search_fields = ("email", "first_name", "last_name", "license_number", "npn")
    autocomplete_fields = ("agency",)
    fields = (
        "email",
        ("first_name", "last_name"),
        "agency",
        "role",
        ("license_number", "npn"),
        "primary_site",
        "certification_status",
        ("is_primary_contact", "email_alerts"),
        ("is_active", "is_staff", "is_superuser"),
        "groups",
        "user_permissions",
        ("last_login", "date_joined"),
    )
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ("groups", "user_permissions")
    actions = ["reset_mfa"]

    def save_model(self, request: HttpRequest, obj: User, form: object, change: bool) -> None:
        if not change:
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)

    @admin.action(description="Reset two-factor authentication (enrol again at next sign-in)")
    def reset_mfa(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = request.user if isinstance(request.user, User) else None
        for user in queryset:
            mfa.reset(user)
            record(actor=actor, action="auth.mfa_reset", subject=user, ip=client_ip(request))
        messages.success(request, f"Two-factor authentication reset for {queryset.count()}.")


class _ReadOnlyAdmin(admin.ModelAdmin[TotpDevice | RecoveryCode]):
    """Second factors are created and removed only through `openbob.accounts.mfa`."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(TotpDevice)
class TotpDeviceAdmin(_ReadOnlyAdmin):
    list_display = ("user", "confirmed_at")
    fields = ("user", "confirmed_at")
    search_fields = ("user__email",)


@admin.register(RecoveryCode)
class RecoveryCodeAdmin(_ReadOnlyAdmin):
    list_display = ("user", "used_at")
    fields = ("user", "used_at")
    search_fields = ("user__email",)


@admin.register(Throttle)
class ThrottleAdmin(admin.ModelAdmin[Throttle]):
    """Deleting a row lifts that throttle, e.g. an account's `streak:` lock."""

    list_display = ("key", "failures", "window_start")
    search_fields = ("key",)
    readonly_fields = ("key", "failures", "window_start")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Throttle], search_term: str
    ) -> tuple[QuerySet[Throttle], bool]:
        """Search by email address: rows hold only its keyed hash."""
        if "@" in search_term:
            return queryset.filter(key__endswith=email_digest(search_term)), False
        return super().get_search_results(request, queryset, search_term)
