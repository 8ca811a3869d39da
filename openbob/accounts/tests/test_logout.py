"""Signing out: POST only, the whole session is flushed, the old cookie opens nothing."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.urls import reverse

from openbob.accounts.tests.helpers import audit_actions, is_signed_in, post, session_key
from openbob.testing import Personas, sign_in


def test_it_signs_out_and_flushes_the_session(csrf_client: Client, personas: Personas) -> None:
    sign_in(csrf_client, personas.carol)
    old_key = session_key(csrf_client)
    response = post(csrf_client, reverse("accounts:logout"))
    assert response["Location"] == reverse("accounts:login")
    assert not csrf_client.session.exists(old_key or "")
    assert not is_signed_in(csrf_client)
    assert audit_actions() == ["auth.logout"]


def test_replaying_the_old_cookie_leads_to_the_sign_in_page(
    csrf_client: Client, personas: Personas
) -> None:
    sign_in(csrf_client, personas.carol)
    old_key = session_key(csrf_client)
    post(csrf_client, reverse("accounts:logout"))
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_key or ""
    response = replay.get(reverse("portal:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_refuses_get(csrf_client: Client, personas: Personas) -> None:
    sign_in(csrf_client, personas.carol)
    assert csrf_client.get(reverse("accounts:logout")).status_code == 405
    assert is_signed_in(csrf_client)


def test_it_needs_a_csrf_token(csrf_client: Client, personas: Personas) -> None:
    sign_in(csrf_client, personas.carol)
    assert csrf_client.post(reverse("accounts:logout")).status_code == 403
    assert is_signed_in(csrf_client)
