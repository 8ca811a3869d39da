"""Limits on failed passwords, second-factor codes and re-authentication (reliability B1).

Why in the application: small agencies often run OpenBoB without a reverse proxy, so
guessing must be slowed here (like healthchecks' `TokenBucket`, unlike NetBox).

Each step (`Scope`) has two fixed one-hour windows: 10 failures per account and 20 per
client IP. Windows expire on their own, so an attacker cannot lock a victim out for good.
On top, NIST SP 800-63B §5.2.2 allows no more than 100 *consecutive* failures on one
account: that count spans every step and window and only a success resets it; when it
is reached, support staff clear the account's `streak:` row in the admin.

A slot is reserved atomically (a conditional UPDATE) *before* the password or code is
checked and handed back on success. Concurrent requests therefore cannot overshoot a
limit, and a throttled request never tests a password at all.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from openbob.accounts.models import Throttle

ACCOUNT_LIMIT = 10
IP_LIMIT = 20
CONSECUTIVE_LIMIT = 100
WINDOW = timedelta(hours=1)
_EMAIL_SALT = "openbob.accounts.throttle.email"


class Scope(StrEnum):
    """The step being guarded; each has its own windows."""

    LOGIN = "login"
    MFA = "mfa"
    SUDO = "sudo"


class Throttled(Exception):
    """Too many failures: the caller answers 429 without checking the credential.

    `retry_after` is the number of seconds until the window ends, or None when the
    account reached its consecutive-failure cap and needs support staff.
    """

    def __init__(self, scope: Scope, retry_after: int | None) -> None:
        super().__init__(f"{scope} throttled")
        self.scope = scope
        self.retry_after = retry_after


def client_ip(request: HttpRequest) -> str | None:
    """The peer address. X-Forwarded-For is ignored: without a trusted proxy it is forged."""
    try:
        return str(ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")))
    except ValueError:
        return None


def email_digest(email: str) -> str:
    """Keyed hash of the address, so throttle rows never hold an email in clear."""
    normalized = email.strip().lower()
    return salted_hmac(_EMAIL_SALT, normalized, algorithm="sha256").hexdigest()


@dataclass(frozen=True)
class _Counter:
    """One row of `Throttle`: a fixed window, or (window None) a consecutive count."""

    key: str
    limit: int
    window: timedelta | None

    def reserve(self) -> bool:
        """Count this attempt as a failure up front; False when the limit is reached."""
        now = timezone.now()
        row, _ = Throttle.objects.get_or_create(key=self.key, defaults={"window_start": now})
        if self.window is not None and row.window_start <= now - self.window:
            # Compare-and-set, so two requests seeing the same expired window reset it once.
            Throttle.objects.filter(pk=row.pk, window_start=row.window_start).update(
                window_start=now, failures=0
            )
        rows = Throttle.objects.filter(pk=row.pk, failures__lt=self.limit)
        return rows.update(failures=F("failures") + 1) == 1

    def release(self) -> None:
        """Give back this attempt's slot (earlier failures stay counted).

        Should the window have rolled over meanwhile, the slot comes off the new window:
        inexact by one per attempt in flight at the boundary, never beyond a limit.
        """
        Throttle.objects.filter(key=self.key, failures__gt=0).update(failures=F("failures") - 1)

    def succeed(self) -> None:
        """A window gives back the slot; a consecutive count starts again from zero."""
        if self.window is not None:
            self.release()
        else:
            Throttle.objects.filter(key=self.key).update(failures=0, window_start=timezone.now())

    def seconds_left(self) -> int | None:
        if self.window is None:
            return None
        start = Throttle.objects.filter(key=self.key).values_list("window_start", flat=True)
        remaining = (start.get() + self.window - timezone.now()).total_seconds()
        return max(1, math.ceil(remaining))


@dataclass(frozen=True)
class Attempt:
    """Slots reserved for one attempt; call `succeeded` when the credential was right."""

    counters: tuple[_Counter, ...]

    def succeeded(self) -> None:
        for counter in self.counters:
            counter.succeed()


def _counters(scope: Scope, email: str, ip: str | None) -> tuple[_Counter, ...]:
    digest = email_digest(email)
    counters = [
        _Counter(f"{scope}:account:{digest}", ACCOUNT_LIMIT, WINDOW),
        _Counter(f"streak:{digest}", CONSECUTIVE_LIMIT, None),
    ]
    if ip is not None:
        counters.insert(0, _Counter(f"{scope}:ip:{ip}", IP_LIMIT, WINDOW))
    return tuple(counters)


def begin_attempt(scope: Scope, *, email: str, ip: str | None) -> Attempt:
    """Reserve a failure slot on every counter of this attempt, or raise `Throttled`.

    Reservations already made are released when a later counter refuses, so a refused
    attempt costs nothing and the per-IP window is not used up by a locked account.
    """
    reserved: list[_Counter] = []
    for counter in _counters(scope, email, ip):
        if not counter.reserve():
            for done in reserved:
                done.release()
            raise Throttled(scope, counter.seconds_left())
        reserved.append(counter)
    return Attempt(tuple(reserved))
