"""My Profile → API tokens: list, create (shown once, after re-authentication), revoke."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from openbob.accounts.models import User
from openbob.accounts.sudo import SUDO_AT
from openbob.api.models import ApiToken
from openbob.api.tokens import issue_token
from openbob.audit.models import AuditEvent
from openbob.testing import Personas, sign_in

SignIn = Callable[[User], Client]


def _with_sudo(client: Client) -> Client:
    """The session has just confirmed the password again (what accounts:confirm does)."""
    session = client.session
    session[SUDO_AT] = time.time()
    session.save()
    return client


def test_creating_a_token_needs_recent_reauthentication(
    client_as: SignIn, personas: Personas
) -> None:
    client = client_as(personas.alice)
    url = reverse("api:token_create")
    for response in (client.get(url), client.post(url, {"name": "x", "days": "30"})):
        assert response.status_code == 302
        assert (
            response["Location"] == f"{reverse('accounts:confirm')}?next=%2Fapi%2Ftokens%2Fnew%2F"
        )
    assert not ApiToken.objects.exists()
    _with_sudo(client)
    assert client.get(url).status_code == 200
    lapsed = timedelta(seconds=settings.OPENBOB_SUDO_SECONDS + 1)
    with time_machine.travel(lapsed, tick=False):
        assert client.post(url, {"name": "x", "days": "30"}).status_code == 302
    assert not ApiToken.objects.exists()


def test_the_pages_need_a_signed_in_user(client: Client, personas: Personas) -> None:
    token = issue_token(user=personas.alice, name="t", actor=None).token
    for method, url in [
        ("get", reverse("api:tokens")),
        ("get", reverse("api:token_create")),
        ("post", reverse("api:token_create")),
        ("post", reverse("api:token_revoke", args=[token.pk])),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert ApiToken.objects.get().revoked_at is None


def test_it_lists_only_ones_own_tokens(client_as: SignIn, personas: Personas) -> None:
    issue_token(user=personas.alice, name="alice's sync", actor=None)
    issue_token(user=personas.sam, name="sam's report", actor=None)
    page = client_as(personas.alice).get(reverse("api:tokens")).content.decode()
    assert "alice&#x27;s sync" in page and "sam&#x27;s report" not in page


def test_it_shows_a_new_token_once(client_as: SignIn, personas: Personas) -> None:
    client = _with_sudo(client_as(personas.rita))
    response = client.post(reverse("api:token_create"), {"name": "dashboard", "days": "30"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=personas.rita)
    plaintext = response.context["plaintext"]
    assert plaintext.startswith(f"obk_{token.prefix}_") and plaintext in response.content.decode()
    assert plaintext not in client.get(reverse("api:tokens")).content.decode()
    assert AuditEvent.objects.filter(action="api_token.create", actor=personas.rita).count() == 1


def test_an_invalid_form_creates_nothing(client_as: SignIn, personas: Personas) -> None:
    client = _with_sudo(client_as(personas.alice))
    for data in ({"name": "x", "days": "366"}, {"name": "", "days": "30"}, {"days": "abc"}):
        response = client.post(reverse("api:token_create"), data)
        assert response.status_code == 200 and response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_it_revokes_ones_own_token(client_as: SignIn, personas: Personas) -> None:
    token = issue_token(user=personas.alice, name="t", actor=None).token
    response = client_as(personas.alice).post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("api:tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoke", actor=personas.alice).exists()


def test_it_hides_other_users_tokens(client_as: SignIn, personas: Personas) -> None:
    token = issue_token(user=personas.sam, name="t", actor=None).token
    response = client_as(personas.mallory).post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_rejects_get(client_as: SignIn, personas: Personas) -> None:
    token = issue_token(user=personas.alice, name="t", actor=None).token
    assert (
        client_as(personas.alice).get(reverse("api:token_revoke", args=[token.pk])).status_code
        == 405
    )


def test_the_forms_need_a_csrf_token(csrf_client: Client, personas: Personas) -> None:
    client = _with_sudo(sign_in(csrf_client, personas.alice))
    token = issue_token(user=personas.alice, name="t", actor=None).token
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 403
    assert client.post(reverse("api:token_create"), {"name": "x", "days": "1"}).status_code == 403
    assert ApiToken.objects.count() == 1
