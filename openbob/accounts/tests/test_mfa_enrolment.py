"""First sign-in of an account that needs MFA: scan a QR code, confirm a code, get codes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyotp
import pytest
from django.test import Client
from django.urls import reverse

from openbob.accounts import mfa
from openbob.accounts.middleware import MFA_VERIFIED
from openbob.accounts.models import RecoveryCode, TotpDevice, User
from openbob.accounts.tests.helpers import audit_actions, is_signed_in, post, submit_password
from openbob.book.pii import keyring

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


def _enrolment_secret(client: Client) -> str:
    response = client.get(reverse("accounts:login_enrol"))
    assert response.status_code == 200
    secret: str = response.context["secret"]
    return secret


def _confirm(client: Client, code: str) -> TestResponse:
    return post(client, reverse("accounts:login_enrol"), {"code": code})


def test_it_shows_a_qr_code_and_the_secret(csrf_client: Client, alice: User) -> None:
    submit_password(csrf_client, alice.email)
    response = csrf_client.get(reverse("accounts:login_enrol"))
    page = response.content.decode()
    secret = response.context["secret"]
    assert '<svg viewBox="' in page and "data:" not in page
    assert secret in page and len(secret) == 32
    assert "<script" not in page.split("</head>")[1] and "style=" not in page


def test_it_stores_the_secret_encrypted(csrf_client: Client, alice: User) -> None:
    submit_password(csrf_client, alice.email)
    secret = _enrolment_secret(csrf_client)
    stored = TotpDevice.objects.get(user=alice).secret_encrypted
    assert secret not in stored and keyring().decrypt(stored) == secret


def test_it_signs_in_and_shows_ten_recovery_codes_once(csrf_client: Client, alice: User) -> None:
    submit_password(csrf_client, alice.email, next_url="/agents/")
    secret = _enrolment_secret(csrf_client)
    response = _confirm(csrf_client, pyotp.TOTP(secret).now())
    codes = response.context["codes"]
    page = response.content.decode()
    assert len(codes) == 10 and all(code in page for code in codes)
    assert response.context["next"] == "/agents/"
    assert csrf_client.session[MFA_VERIFIED] is True and is_signed_in(csrf_client)
    assert TotpDevice.objects.get(user=alice).confirmed_at is not None
    assert audit_actions() == ["auth.mfa_enrolled", "auth.login"]
    again = csrf_client.get(reverse("accounts:security")).content.decode()
    assert not any(code in again for code in codes)


def test_it_rejects_a_wrong_confirmation_code(csrf_client: Client, alice: User) -> None:
    submit_password(csrf_client, alice.email)
    secret = _enrolment_secret(csrf_client)
    wrong = f"{(int(pyotp.TOTP(secret).now()) + 1) % 1_000_000:06d}"
    response = _confirm(csrf_client, wrong)
    assert response.status_code == 200
    assert TotpDevice.objects.get(user=alice).confirmed_at is None
    assert not RecoveryCode.objects.exists() and not is_signed_in(csrf_client)
    assert audit_actions() == ["auth.mfa_failed"]


def test_it_gives_a_new_secret_at_each_sign_in(csrf_client: Client, alice: User) -> None:
    submit_password(csrf_client, alice.email)
    first = _enrolment_secret(csrf_client)
    submit_password(csrf_client, alice.email)
    second = _enrolment_secret(csrf_client)
    assert first != second
    _confirm(csrf_client, pyotp.TOTP(first).now())
    assert not is_signed_in(csrf_client)


def test_it_never_shows_the_secret_of_a_confirmed_device(
    csrf_client: Client, alice: User, secret: str
) -> None:
    submit_password(csrf_client, alice.email)
    response = csrf_client.get(reverse("accounts:login_enrol"))
    assert response.status_code == 302 and secret.encode() not in response.content


def test_it_does_not_replace_a_confirmed_device(alice: User, secret: str) -> None:
    with pytest.raises(mfa.AlreadyEnrolled):
        mfa.start_enrolment(alice)
    assert mfa.device_secret(alice, confirmed=True) == secret


def test_the_enrolment_code_cannot_be_used_again_at_the_code_step(
    csrf_client: Client, alice: User
) -> None:
    submit_password(csrf_client, alice.email)
    code = pyotp.TOTP(_enrolment_secret(csrf_client)).now()
    _confirm(csrf_client, code)
    assert not mfa.verify_code(alice, code)
