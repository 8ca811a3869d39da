"""Signing in with email and password: the first step for everyone, the only one for rita."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.urls import reverse

from openbob.accounts.middleware import LOGIN_AT, MFA_VERIFIED
from openbob.accounts.models import TotpDevice, User
from openbob.accounts.tests.helpers import (
    audit_actions,
    is_signed_in,
    session_key,
    submit_password,
)
from openbob.accounts.views import PENDING
from openbob.audit.models import AuditEvent
from openbob.testing import PASSWORD


def test_it_shows_the_sign_in_form(csrf_client: Client) -> None:
    response = csrf_client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert b'name="email"' in response.content and b'name="password"' in response.content


def test_it_signs_in_a_read_only_user_with_a_password_alone(
    csrf_client: Client, rita: User
) -> None:
    response = submit_password(csrf_client, "Rita@A.test")
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    session = csrf_client.session
    assert isinstance(session[LOGIN_AT], float)
    assert session[MFA_VERIFIED] is False
    assert is_signed_in(csrf_client)


def test_it_gives_the_session_a_new_id_at_sign_in(csrf_client: Client, rita: User) -> None:
    before = csrf_client.session.session_key
    assert before is not None
    submit_password(csrf_client, rita.email)
    assert session_key(csrf_client) not in (None, before)
    assert not csrf_client.session.exists(before)


def test_it_rejects_a_wrong_password_without_saying_which_part_was_wrong(
    csrf_client: Client, rita: User
) -> None:
    wrong = submit_password(csrf_client, rita.email, "not the password at all")
    unknown = submit_password(csrf_client, "nobody@a.test")
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert b"The email address or password is not right." in response.content
    assert not is_signed_in(csrf_client)


def test_it_audits_failures_without_the_password(csrf_client: Client, rita: User) -> None:
    submit_password(csrf_client, rita.email, "guess-number-one")
    submit_password(csrf_client, "nobody@a.test", "guess-number-two")
    failures = AuditEvent.objects.filter(action="auth.login_failed")
    assert [event.actor_id for event in failures] == [rita.pk, None]
    rows = str(list(failures.values()))
    assert "guess-number" not in rows and "nobody@a.test" not in rows


def test_it_audits_a_sign_in(csrf_client: Client, rita: User) -> None:
    submit_password(csrf_client, rita.email)
    event = AuditEvent.objects.get(action="auth.login")
    assert (event.actor_id, event.ip, event.detail) == (
        rita.pk,
        "127.0.0.1",
        {"second_factor": "none"},
    )
    assert PASSWORD not in str(event.detail)


def test_it_refuses_a_disabled_account(csrf_client: Client, rita: User) -> None:
    User.objects.filter(pk=rita.pk).update(is_active=False)
    response = submit_password(csrf_client, rita.email)
    assert response.status_code == 200 and not is_signed_in(csrf_client)
    assert audit_actions() == ["auth.login_failed"]


def test_it_needs_a_csrf_token(csrf_client: Client, rita: User) -> None:
    data = {"email": rita.email, "password": PASSWORD}
    assert csrf_client.post(reverse("accounts:login"), data).status_code == 403


def test_it_sends_an_enrolled_user_to_the_code_step_without_signing_in(
    csrf_client: Client, alice: User, secret: str
) -> None:
    response = submit_password(csrf_client, alice.email)
    assert response["Location"] == reverse("accounts:login_code")
    assert set(csrf_client.session.keys()) == {PENDING}
    assert not is_signed_in(csrf_client)


def test_it_sends_a_user_who_needs_mfa_to_enrolment(csrf_client: Client, alice: User) -> None:
    response = submit_password(csrf_client, alice.email)
    assert response["Location"] == reverse("accounts:login_enrol")
    assert TotpDevice.objects.get(user=alice).confirmed_at is None
    assert not is_signed_in(csrf_client)


def test_it_returns_to_the_page_asked_for(csrf_client: Client, rita: User) -> None:
    response = submit_password(csrf_client, rita.email, next_url="/agents/?q=x")
    assert response["Location"] == "/agents/?q=x"


def test_it_ignores_a_next_url_on_another_site(csrf_client: Client, rita: User) -> None:
    response = submit_password(csrf_client, rita.email, next_url="https://evil.example/")
    assert response["Location"] == reverse("portal:home")


def test_it_ends_a_previous_sign_in_when_another_account_signs_in(
    csrf_client: Client, rita: User, alice: User, secret: str
) -> None:
    submit_password(csrf_client, rita.email)
    submit_password(csrf_client, alice.email)
    assert not is_signed_in(csrf_client)
    assert settings.SESSION_COOKIE_NAME in csrf_client.cookies
