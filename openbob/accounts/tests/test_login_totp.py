"""The second sign-in step: a six-digit code from the user's authenticator app."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from django.db import connections
from django.test import Client
from django.urls import reverse

from openbob.accounts import mfa
from openbob.accounts.middleware import LOGIN_AT, MFA_VERIFIED
from openbob.accounts.models import User
from openbob.accounts.tests.helpers import (
    audit_actions,
    is_signed_in,
    session_key,
    submit_code,
    submit_password,
)
from openbob.audit.models import AuditEvent
from openbob.testing import needs_concurrent_writers, sign_in

NOON = datetime(2026, 3, 2, 12, 0, 0, tzinfo=UTC)  # a step boundary: 30 s steps from 1970


def _code(secret: str, *, steps: int = 0) -> str:
    """The code an authenticator app shows `steps` 30-second steps from now."""
    return pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=30 * steps))


def test_it_signs_in_with_a_current_code(csrf_client: Client, alice: User, secret: str) -> None:
    submit_password(csrf_client, alice.email, next_url="/agents/")
    response = submit_code(csrf_client, _code(secret))
    assert response.status_code == 302 and response["Location"] == "/agents/"
    session = csrf_client.session
    assert session[MFA_VERIFIED] is True and isinstance(session[LOGIN_AT], float)
    assert is_signed_in(csrf_client)
    assert audit_actions() == ["auth.login"]
    assert AuditEvent.objects.get().detail == {"second_factor": "totp"}


def test_it_gives_the_session_a_new_id_after_each_factor(
    csrf_client: Client, alice: User, secret: str
) -> None:
    first = csrf_client.session.session_key
    submit_password(csrf_client, alice.email)
    second = session_key(csrf_client)
    submit_code(csrf_client, _code(secret))
    assert len({first, second, session_key(csrf_client)}) == 3


def test_it_rejects_a_wrong_code(csrf_client: Client, alice: User, secret: str) -> None:
    submit_password(csrf_client, alice.email)
    wrong = f"{(int(_code(secret)) + 1) % 1_000_000:06d}"
    response = submit_code(csrf_client, wrong)
    assert response.status_code == 200 and b"That code is not right" in response.content
    assert not is_signed_in(csrf_client)
    assert audit_actions() == ["auth.mfa_failed"]
    assert wrong not in str(AuditEvent.objects.values().get())


def test_it_rejects_a_replayed_code(alice: User, secret: str) -> None:
    code = _code(secret)
    assert mfa.verify_code(alice, code)
    assert not mfa.verify_code(alice, code)


def test_it_rejects_an_older_code_once_a_newer_one_was_used(alice: User, secret: str) -> None:
    with time_machine.travel(NOON, tick=False):
        assert mfa.verify_code(alice, _code(secret))
        assert not mfa.verify_code(alice, _code(secret, steps=-1))


@pytest.mark.parametrize(("steps", "accepted"), [(-2, False), (-1, True), (1, True), (2, False)])
def test_it_allows_one_step_of_clock_drift_either_way(
    alice: User, secret: str, steps: int, accepted: bool
) -> None:
    with time_machine.travel(NOON + timedelta(seconds=10), tick=False):
        assert mfa.verify_code(alice, _code(secret, steps=steps)) is accepted


def test_it_lets_only_one_of_two_racing_requests_use_a_code(
    transactional_db: None, alice: User, secret: str
) -> None:
    needs_concurrent_writers()
    code = _code(secret)
    start = threading.Barrier(4)
    results: list[bool] = []

    def verify() -> None:
        try:
            start.wait()
            results.append(mfa.verify_code(User.objects.get(pk=alice.pk), code))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=verify) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]


def test_it_forgets_a_pending_sign_in_after_five_minutes(
    csrf_client: Client, alice: User, secret: str
) -> None:
    with time_machine.travel(NOON, tick=False) as traveller:
        submit_password(csrf_client, alice.email)
        traveller.shift(timedelta(minutes=5, seconds=1))
        response = submit_code(csrf_client, _code(secret))
    assert response["Location"] == reverse("accounts:login")
    assert not is_signed_in(csrf_client)


def test_it_accepts_the_code_within_five_minutes(
    csrf_client: Client, alice: User, secret: str
) -> None:
    with time_machine.travel(NOON, tick=False) as traveller:
        submit_password(csrf_client, alice.email)
        traveller.shift(timedelta(minutes=4, seconds=50))
        submit_code(csrf_client, _code(secret))
        assert is_signed_in(csrf_client)


def test_the_code_step_needs_the_password_step_first(
    csrf_client: Client, alice: User, secret: str
) -> None:
    response = submit_code(csrf_client, _code(secret))
    assert response["Location"] == reverse("accounts:login")
    assert not is_signed_in(csrf_client)


def test_it_turns_away_a_password_only_session_of_an_account_that_needs_mfa(
    client: Client, alice: User
) -> None:
    sign_in(client, alice)
    session = client.session
    session[MFA_VERIFIED] = False
    session.save()
    response = client.get(reverse("portal:profile"))
    assert response["Location"] == reverse("accounts:login")
    assert not is_signed_in(client)
