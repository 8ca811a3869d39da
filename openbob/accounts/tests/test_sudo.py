"""Re-authentication ("sudo") before sensitive actions: password, plus a code if enrolled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import pyotp
import time_machine
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from openbob.accounts import mfa
from openbob.accounts.models import Throttle, User
from openbob.accounts.sudo import has_recent_auth
from openbob.accounts.tests.helpers import audit_actions, post, submit_password
from openbob.accounts.throttle import email_digest
from openbob.testing import PASSWORD, sign_in

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

NOON = datetime(2026, 3, 2, 12, 0, 0, tzinfo=UTC)
GUARDED = "/accounts/security/recovery-codes/"


def _confirm_url(next_url: str = GUARDED) -> str:
    return f"{reverse('accounts:confirm')}?{urlencode({'next': next_url})}"


def _confirm(client: Client, **data: str) -> TestResponse:
    return post(client, _confirm_url(), {"next": GUARDED, **data})


def _sudo_is_fresh(client: Client) -> bool:
    request = RequestFactory().get("/")
    request.session = client.session
    return has_recent_auth(request)


def test_it_confirms_password_and_code_then_returns(
    csrf_client: Client, alice: User, secret: str
) -> None:
    sign_in(csrf_client, alice)
    assert csrf_client.get(GUARDED)["Location"] == _confirm_url()
    page = csrf_client.get(_confirm_url()).content.decode()
    assert 'name="password"' in page and 'name="code"' in page
    response = _confirm(csrf_client, password=PASSWORD, code=pyotp.TOTP(secret).now())
    assert response["Location"] == GUARDED
    assert csrf_client.get(GUARDED).status_code == 200
    assert audit_actions() == ["auth.sudo"]


def test_it_asks_a_read_only_user_for_the_password_only(csrf_client: Client, rita: User) -> None:
    submit_password(csrf_client, rita.email)
    assert not _sudo_is_fresh(csrf_client), "signing in is not re-authentication"
    assert b'name="code"' not in csrf_client.get(_confirm_url()).content
    _confirm(csrf_client, password=PASSWORD)
    assert _sudo_is_fresh(csrf_client)


def test_a_wrong_password_does_not_use_up_the_code(
    csrf_client: Client, alice: User, secret: str
) -> None:
    sign_in(csrf_client, alice)
    code = pyotp.TOTP(secret).now()
    response = _confirm(csrf_client, password="not my password", code=code)
    assert response.status_code == 200
    assert not _sudo_is_fresh(csrf_client)
    assert mfa.verify_code(alice, code)
    assert audit_actions() == ["auth.sudo_failed"]


def test_it_rejects_a_wrong_code(csrf_client: Client, alice: User, secret: str) -> None:
    sign_in(csrf_client, alice)
    _confirm(csrf_client, password=PASSWORD, code="000000")
    assert not _sudo_is_fresh(csrf_client)


def test_it_lapses_after_ten_minutes(csrf_client: Client, rita: User) -> None:
    with time_machine.travel(NOON, tick=False) as traveller:
        sign_in(csrf_client, rita)
        _confirm(csrf_client, password=PASSWORD)
        traveller.shift(timedelta(seconds=settings.OPENBOB_SUDO_SECONDS))
        assert _sudo_is_fresh(csrf_client)
        traveller.shift(timedelta(seconds=1))
        assert not _sudo_is_fresh(csrf_client)
        assert csrf_client.get(GUARDED)["Location"] == _confirm_url()


def test_it_is_throttled(csrf_client: Client, alice: User, secret: str) -> None:
    sign_in(csrf_client, alice)
    Throttle.objects.create(
        key=f"sudo:account:{email_digest(alice.email)}", failures=10, window_start=timezone.now()
    )
    response = _confirm(csrf_client, password=PASSWORD, code=pyotp.TOTP(secret).now())
    assert response.status_code == 429
    assert not _sudo_is_fresh(csrf_client)
    assert audit_actions() == ["auth.throttled"]


def test_it_does_not_return_to_another_site(csrf_client: Client, rita: User) -> None:
    sign_in(csrf_client, rita)
    url = reverse("accounts:confirm")
    response = post(csrf_client, url, {"password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == reverse("accounts:security")


def test_it_needs_a_signed_in_user(client: Client) -> None:
    for url in (reverse("accounts:confirm"), GUARDED):
        assert client.get(url)["Location"].startswith(reverse("accounts:login"))
