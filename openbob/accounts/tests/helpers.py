"""Browser-like steps shared by the accounts tests: CSRF-carrying posts and sign-in steps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.test import Client
from django.urls import reverse

from openbob.accounts.models import User
from openbob.audit.models import AuditEvent
from openbob.testing import PASSWORD

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


def with_password(user: User, password_hash: str) -> User:
    """Give `user` a real argon2 hash made once per run (hashing is the slow half)."""
    User.objects.filter(pk=user.pk).update(password=password_hash)
    user.refresh_from_db()
    return user


def post(client: Client, url: str, data: dict[str, Any] | None = None) -> TestResponse:
    """POST as a browser would: with the CSRF token the sign-in page set in a cookie."""
    if settings.CSRF_COOKIE_NAME not in client.cookies:
        client.get(reverse("accounts:login"))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    return client.post(url, {**(data or {}), "csrfmiddlewaretoken": token})


def submit_password(
    client: Client, email: str, password: str = PASSWORD, *, next_url: str = ""
) -> TestResponse:
    data = {"email": email, "password": password, "next": next_url}
    return post(client, reverse("accounts:login"), data)


def submit_code(client: Client, code: str) -> TestResponse:
    return post(client, reverse("accounts:login_code"), {"code": code})


def session_key(client: Client) -> str | None:
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie.value if cookie else None


def is_signed_in(client: Client) -> bool:
    """True when the session cookie opens a signed-in page (not a redirect to sign-in)."""
    return client.get(reverse("portal:profile")).status_code == 200


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.values_list("action", flat=True))
