"""The support site (Django admin) is reached through our sign-in, never around MFA."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from openbob.accounts import mfa
from openbob.accounts.models import Throttle, User
from openbob.accounts.tests.helpers import post, submit_password, with_password
from openbob.accounts.throttle import email_digest
from openbob.audit.models import AuditEvent
from openbob.testing import Personas, sign_in


@pytest.fixture
def support(db: None, password_hash: str) -> User:
    """Support staff: no agency, full admin rights."""
    user = User.objects.create_superuser("help@openbob.test", None, first_name="Hal")
    return with_password(user, password_hash)


def test_the_admin_login_page_sends_visitors_to_our_sign_in(client: Client) -> None:
    response = client.get("/support/", follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('accounts:login')}?next=/support/"


def test_a_staff_account_must_pass_mfa_before_the_admin(csrf_client: Client, support: User) -> None:
    response = submit_password(csrf_client, support.email, next_url="/support/")
    assert response["Location"] == reverse("accounts:login_enrol")
    assert csrf_client.get("/support/")["Location"].startswith("/support/login/")


def test_a_signed_in_staff_member_reaches_the_admin(client: Client, support: User) -> None:
    sign_in(client, support)
    assert client.get("/support/").status_code == 200
    assert client.get("/support/login/")["Location"] == reverse("admin:index")


def test_a_signed_in_enroller_is_refused(client: Client, personas: Personas) -> None:
    sign_in(client, personas.alice)
    assert client.get("/support/login/?next=/support/").status_code == 403


def test_the_admin_never_shows_passwords_or_second_factor_secrets(
    client: Client, support: User, alice: User, secret: str
) -> None:
    mfa.new_recovery_codes(alice)
    sign_in(client, support)
    pages = [
        reverse("admin:accounts_user_change", args=[alice.pk]),
        reverse("admin:accounts_totpdevice_change", args=[alice.totp.pk]),
        reverse("admin:accounts_recoverycode_changelist"),
    ]
    stored = [
        alice.totp.secret_encrypted,
        *alice.recovery_codes.values_list("code_hash", flat=True),
    ]
    for url in pages:
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 200 and "Alice" in page
        assert "argon2" not in page and secret not in page
        assert not any(value in page for value in stored)


def test_the_second_factor_admins_are_read_only(client: Client, support: User, secret: str) -> None:
    sign_in(client, support)
    assert client.get(reverse("admin:accounts_totpdevice_add")).status_code == 403
    assert client.get(reverse("admin:accounts_recoverycode_add")).status_code == 403


def test_support_finds_an_accounts_throttle_by_email(
    client: Client, support: User, personas: Personas
) -> None:
    key = f"streak:{email_digest(personas.carol.email)}"
    Throttle.objects.create(key=key, failures=100, window_start="2026-03-02T12:00:00Z")
    sign_in(client, support)
    url = reverse("admin:accounts_throttle_changelist")
    assert key in client.get(url, {"q": "Carol@A.test"}).content.decode()
    assert key not in client.get(url, {"q": "sam@a.test"}).content.decode()


def test_support_can_reset_an_accounts_mfa(
    csrf_client: Client, support: User, alice: User, secret: str
) -> None:
    sign_in(csrf_client, support)
    data = {"action": "reset_mfa", "_selected_action": [alice.pk]}
    post(csrf_client, reverse("admin:accounts_user_changelist"), data)
    assert not mfa.is_enrolled(alice)
    event = AuditEvent.objects.get(action="auth.mfa_reset")
    assert (event.actor_id, event.subject_id) == (support.pk, str(alice.pk))


def test_signing_out_of_the_admin_is_our_logout(csrf_client: Client, support: User) -> None:
    sign_in(csrf_client, support)
    response = post(csrf_client, reverse("admin:logout"))
    assert response["Location"] == reverse("accounts:login")
