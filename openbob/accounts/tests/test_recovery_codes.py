"""Recovery codes: sign in once each without the app, and make new ones after sudo."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from openbob.accounts import mfa
from openbob.accounts.models import RecoveryCode, User
from openbob.accounts.sudo import SUDO_AT
from openbob.accounts.tests.helpers import (
    audit_actions,
    is_signed_in,
    post,
    submit_code,
    submit_password,
)
from openbob.audit.models import AuditEvent
from openbob.testing import Personas, sign_in


@pytest.fixture
def codes(alice: User, secret: str) -> list[str]:
    return mfa.new_recovery_codes(alice)


def _with_sudo(client: Client) -> Client:
    session = client.session
    session[SUDO_AT] = time.time()
    session.save()
    return client


def test_it_signs_in_with_a_recovery_code(
    csrf_client: Client, alice: User, codes: list[str]
) -> None:
    submit_password(csrf_client, alice.email)
    response = submit_code(csrf_client, codes[3].upper())
    assert response["Location"] == reverse("portal:home") and is_signed_in(csrf_client)
    assert AuditEvent.objects.get(action="auth.login").detail == {"second_factor": "recovery"}
    assert mfa.remaining_recovery_codes(alice) == 9


def test_it_accepts_a_recovery_code_only_once(alice: User, codes: list[str]) -> None:
    assert mfa.use_recovery_code(alice, codes[0])
    assert not mfa.use_recovery_code(alice, codes[0])
    assert mfa.use_recovery_code(alice, codes[1].replace("-", " "))


def test_it_accepts_only_the_owners_codes(
    personas: Personas, alice: User, codes: list[str]
) -> None:
    assert not mfa.use_recovery_code(personas.mallory, codes[0])
    assert mfa.use_recovery_code(alice, codes[0])


def test_it_stores_recovery_codes_only_as_hashes(alice: User, codes: list[str]) -> None:
    stored = " ".join(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert not any(code.replace("-", "") in stored or code in stored for code in codes)
    assert len(set(codes)) == 10


def test_it_still_accepts_codes_made_before_the_secret_key_rotated(
    alice: User, codes: list[str]
) -> None:
    rotated = {"SECRET_KEY": "a-new-secret-key-" + "x" * 50}
    with override_settings(**rotated, SECRET_KEY_FALLBACKS=[settings.SECRET_KEY]):
        assert mfa.use_recovery_code(alice, codes[0])
    with override_settings(**rotated):
        assert not mfa.use_recovery_code(alice, codes[1])


def test_the_security_page_shows_the_mfa_status(
    client: Client, alice: User, codes: list[str]
) -> None:
    mfa.use_recovery_code(alice, codes[0])
    page = sign_in(client, alice).get(reverse("accounts:security")).content.decode()
    assert "On (authenticator app)" in page and "<dd>9</dd>" in page
    assert reverse("accounts:recovery_codes") in page and reverse("accounts:mfa_reset") in page


def test_making_new_codes_needs_recent_reauthentication(
    csrf_client: Client, alice: User, codes: list[str]
) -> None:
    sign_in(csrf_client, alice)
    url = reverse("accounts:recovery_codes")
    for response in (csrf_client.get(url), post(csrf_client, url)):
        assert response["Location"] == f"{reverse('accounts:confirm')}?{urlencode({'next': url})}"
    assert mfa.use_recovery_code(alice, codes[0])


def test_it_replaces_the_codes_after_reauthentication(
    csrf_client: Client, alice: User, codes: list[str]
) -> None:
    _with_sudo(sign_in(csrf_client, alice))
    response = post(csrf_client, reverse("accounts:recovery_codes"))
    fresh = response.context["codes"]
    assert len(fresh) == 10 and fresh[0] in response.content.decode()
    assert not mfa.use_recovery_code(alice, codes[0])
    assert mfa.use_recovery_code(alice, fresh[0])
    assert audit_actions() == ["auth.recovery_codes_replaced"]


def test_resetting_mfa_removes_the_app_and_signs_out(
    csrf_client: Client, alice: User, codes: list[str]
) -> None:
    _with_sudo(sign_in(csrf_client, alice))
    assert csrf_client.get(reverse("accounts:mfa_reset")).status_code == 200
    response = post(csrf_client, reverse("accounts:mfa_reset"))
    assert response["Location"] == reverse("accounts:login")
    assert not mfa.is_enrolled(alice) and not RecoveryCode.objects.exists()
    assert not is_signed_in(csrf_client)
    assert audit_actions() == ["auth.mfa_reset"]
    next_step = submit_password(csrf_client, alice.email)
    assert next_step["Location"] == reverse("accounts:login_enrol")
