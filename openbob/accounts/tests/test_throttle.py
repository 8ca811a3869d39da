"""Guessing is slowed in the app: 10 failures per account and 20 per IP an hour, per step.

Like healthchecks' rate-limit tests, most cases start from a counter already near its
limit; one case reaches the account limit through real failed sign-ins.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openbob.accounts import mfa
from openbob.accounts.models import Throttle, TotpDevice, User
from openbob.accounts.tests.helpers import (
    audit_actions,
    is_signed_in,
    post,
    submit_code,
    submit_password,
)
from openbob.accounts.throttle import Scope, Throttled, begin_attempt, email_digest

NOON = datetime(2026, 3, 2, 12, 0, 0, tzinfo=UTC)


def _preset(key: str, failures: int, *, at: datetime | None = None) -> None:
    Throttle.objects.create(key=key, failures=failures, window_start=at or timezone.now())


def _failures(key: str) -> int:
    return Throttle.objects.get(key=key).failures


def test_it_answers_429_to_the_eleventh_attempt_after_ten_wrong_passwords(
    csrf_client: Client, rita: User
) -> None:
    for attempt in range(10):
        response = submit_password(csrf_client, rita.email, f"wrong password {attempt}")
        assert response.status_code == 200
    response = submit_password(csrf_client, rita.email)
    assert response.status_code == 429 and int(response["Retry-After"]) <= 3600
    assert b"Too many attempts" in response.content and not is_signed_in(csrf_client)
    assert audit_actions() == ["auth.login_failed"] * 10 + ["auth.throttled"]


def test_it_answers_429_to_the_twenty_first_failure_from_one_ip(
    csrf_client: Client, rita: User
) -> None:
    _preset("login:ip:127.0.0.1", 19)
    assert submit_password(csrf_client, "someone@else.test", "wrong").status_code == 200
    assert submit_password(csrf_client, rita.email).status_code == 429
    other_ip = Client(enforce_csrf_checks=True, REMOTE_ADDR="10.0.0.7")
    assert submit_password(other_ip, rita.email).status_code == 302


def test_the_window_expires_on_its_own(csrf_client: Client, rita: User) -> None:
    _preset(f"login:account:{email_digest(rita.email)}", 10, at=NOON)
    with time_machine.travel(NOON + timedelta(minutes=59), tick=False):
        assert submit_password(csrf_client, rita.email).status_code == 429
    with time_machine.travel(NOON + timedelta(hours=1, seconds=1), tick=False):
        assert submit_password(csrf_client, rita.email).status_code == 302


def test_a_success_does_not_reset_the_ip_counter(csrf_client: Client, rita: User) -> None:
    _preset("login:ip:127.0.0.1", 18)
    submit_password(csrf_client, rita.email, "wrong")
    assert submit_password(csrf_client, rita.email).status_code == 302
    assert _failures("login:ip:127.0.0.1") == 19
    submit_password(csrf_client, rita.email, "wrong")
    assert submit_password(csrf_client, rita.email).status_code == 429


def test_it_allows_no_more_than_one_hundred_consecutive_failures(
    csrf_client: Client, rita: User
) -> None:
    streak = f"streak:{email_digest(rita.email)}"
    _preset(streak, 99, at=NOON)
    with time_machine.travel(NOON + timedelta(days=3), tick=False):
        submit_password(csrf_client, rita.email, "wrong")
        response = submit_password(csrf_client, rita.email)
    assert response.status_code == 429 and "Retry-After" not in response
    assert b"Ask your agency" in response.content
    Throttle.objects.filter(key=streak).delete()  # what support staff do in the admin
    assert submit_password(csrf_client, rita.email).status_code == 302


def test_a_success_starts_the_consecutive_count_again(csrf_client: Client, rita: User) -> None:
    streak = f"streak:{email_digest(rita.email)}"
    _preset(streak, 99)
    assert submit_password(csrf_client, rita.email).status_code == 302
    assert _failures(streak) == 0


def test_it_keys_account_throttles_on_a_hash_of_the_email(csrf_client: Client, rita: User) -> None:
    submit_password(csrf_client, rita.email, "wrong")
    keys = list(Throttle.objects.values_list("key", flat=True))
    assert not any("rita" in key for key in keys)
    assert f"login:account:{email_digest(rita.email)}" in keys


def test_a_refused_attempt_uses_up_nothing(rita: User) -> None:
    for _ in range(10):
        begin_attempt(Scope.LOGIN, email=rita.email, ip="10.0.0.1")
    with pytest.raises(Throttled):
        begin_attempt(Scope.LOGIN, email=rita.email, ip="10.0.0.1")
    assert _failures("login:ip:10.0.0.1") == 10
    assert _failures(f"streak:{email_digest(rita.email)}") == 10


def test_it_throttles_totp_and_recovery_codes(
    csrf_client: Client, alice: User, secret: str
) -> None:
    recovery = mfa.new_recovery_codes(alice)[0]
    submit_password(csrf_client, alice.email)
    for _ in range(10):
        assert submit_code(csrf_client, "000000").status_code == 200
    assert submit_code(csrf_client, pyotp.TOTP(secret).now()).status_code == 429
    assert submit_code(csrf_client, recovery).status_code == 429
    assert TotpDevice.objects.get(user=alice).last_used_step == 0
    assert mfa.remaining_recovery_codes(alice) == 10
    assert audit_actions()[-2:] == ["auth.throttled", "auth.throttled"]


def test_it_throttles_enrolment_codes(csrf_client: Client, alice: User) -> None:
    submit_password(csrf_client, alice.email)
    _preset(f"mfa:account:{email_digest(alice.email)}", 10)
    secret = mfa.device_secret(alice, confirmed=False)
    assert secret is not None
    url = reverse("accounts:login_enrol")
    assert post(csrf_client, url, {"code": pyotp.TOTP(secret).now()}).status_code == 429
    assert not mfa.is_enrolled(alice)
