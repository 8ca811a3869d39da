"""The second factor: TOTP (RFC 6238) and single-use recovery codes (reliability B2).

* Seeds come from a CSPRNG (`pyotp.random_base32` uses `secrets`) and are stored
  encrypted with the field key ring; they are decrypted only here (they are not PII).
* A code is accepted for the current 30-second step or one step either side. Accepting
  moves `last_used_step` forward with a compare-and-set UPDATE, so that code and every
  older one are refused afterwards, even when two requests race with the same code.
* Recovery codes are stored as HMAC-SHA256 under the Django secret key, salted with the
  user id: a stolen database alone does not let anyone test guesses offline, and one
  UPDATE ... WHERE used_at IS NULL marks a code used exactly once. Hashes made with a
  key in SECRET_KEY_FALLBACKS still verify, so the secret key can be rotated.
"""

from __future__ import annotations

import secrets
import time
from enum import StrEnum

import pyotp
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from openbob.accounts.models import RecoveryCode, TotpDevice, User
from openbob.book.pii import keyring

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1
ISSUER = "OpenBoB"
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 12
# No 0/o, 1/i/l: codes are read off paper.
_RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
_RECOVERY_SALT = "openbob.accounts.mfa.recovery"


class Method(StrEnum):
    """How the second factor was passed (recorded in the audit row, never the code)."""

    NONE = "none"
    TOTP = "totp"
    RECOVERY = "recovery"
    ENROLLED = "enrolled"


class InvalidCode(Exception):
    """The code is wrong, outside the ±1 step window, or already used."""


class AlreadyEnrolled(Exception):
    """The user has a confirmed device; only `reset` may replace it."""


def is_enrolled(user: User) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def start_enrolment(user: User) -> str:
    """A fresh secret for a pending (unconfirmed) device, replacing any earlier pending one.

    Called once per sign-in, so a secret someone else saw in an earlier session is gone.
    """
    secret = pyotp.random_base32()
    encrypted = keyring().encrypt(secret)
    with transaction.atomic():
        device, created = TotpDevice.objects.select_for_update().get_or_create(
            user=user, defaults={"secret_encrypted": encrypted}
        )
        if created:
            return secret
        if device.confirmed_at is not None:
            raise AlreadyEnrolled(user.pk)
        device.secret_encrypted = encrypted
        device.last_used_step = 0
        device.save(update_fields=["secret_encrypted", "last_used_step"])
    return secret


def device_secret(user: User, *, confirmed: bool) -> str | None:
    """The secret of the user's pending (enrolment page) or confirmed (demo) device.

    Asking for one kind never returns the other, so the enrolment page cannot be used
    to read the secret of a device that is already in use.
    """
    devices = TotpDevice.objects.filter(user=user, confirmed_at__isnull=not confirmed)
    device = devices.first()
    return keyring().decrypt(device.secret_encrypted) if device else None


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def confirm_enrolment(user: User, code: str) -> list[str]:
    """Confirm the pending device with a code from it; returns fresh recovery codes.

    Raises `InvalidCode` when the code does not match (or the device is not pending).
    """
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=True).first()
    if device is None or not _accept(device, code):
        raise InvalidCode
    pending = TotpDevice.objects.filter(pk=device.pk, confirmed_at__isnull=True)
    if not pending.update(confirmed_at=timezone.now()):
        raise InvalidCode
    return new_recovery_codes(user)


def verify_code(user: User, code: str) -> bool:
    """True, once, for a current code of the user's confirmed device."""
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    return device is not None and _accept(device, code)


def use_recovery_code(user: User, code: str) -> bool:
    """True, once, for one of the user's unused recovery codes."""
    unused = RecoveryCode.objects.filter(
        user=user, code_hash__in=_recovery_hashes(user, code), used_at__isnull=True
    )
    return unused.update(used_at=timezone.now()) > 0


def verify_second_factor(user: User, code: str) -> Method | None:
    """Accept a six-digit TOTP code or a recovery code typed into the same field."""
    cleaned = code.replace(" ", "")
    if len(cleaned) == DIGITS and cleaned.isdigit():
        return Method.TOTP if verify_code(user, cleaned) else None
    return Method.RECOVERY if use_recovery_code(user, cleaned) else None


def new_recovery_codes(user: User) -> list[str]:
    """Replace all the user's recovery codes; the plaintexts are returned once, never kept."""
    codes = [_random_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(user=user, code_hash=_recovery_hashes(user, code)[0]) for code in codes
        )
    return codes


def remaining_recovery_codes(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def reset(user: User) -> None:
    """Remove the device and recovery codes; the user enrols again at the next sign-in."""
    with transaction.atomic():
        TotpDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()


def enrol_with_secret(user: User, secret: str) -> None:
    """A confirmed device with a known secret. Only the demo uses it (shared demo secret)."""
    pyotp.TOTP(secret).byte_secret()  # raises on anything but base32
    TotpDevice.objects.update_or_create(
        user=user,
        defaults={
            "secret_encrypted": keyring().encrypt(secret),
            "confirmed_at": timezone.now(),
            "last_used_step": 0,
        },
    )


def current_code(secret: str) -> str:
    """The code an authenticator app shows now for `secret`."""
    return pyotp.TOTP(secret).now()


def _matching_step(secret: str, code: str, after_step: int) -> int | None:
    """The step (within the drift window, later than `after_step`) whose code is `code`."""
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    now = int(time.time()) // STEP_SECONDS
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if step > after_step and constant_time_compare(totp.generate_otp(step), code):
            return step
    return None


def _accept(device: TotpDevice, code: str) -> bool:
    if len(code) != DIGITS or not code.isdigit():
        return False
    secret = keyring().decrypt(device.secret_encrypted)
    step = _matching_step(secret, code, device.last_used_step)
    if step is None:
        return False
    # Compare-and-set: of two requests racing with one code, only one moves the step.
    unused = TotpDevice.objects.filter(pk=device.pk, last_used_step__lt=step)
    return unused.update(last_used_step=step) == 1


def _random_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4))


def _recovery_hashes(user: User, code: str) -> list[str]:
    """The code's hash under the secret key, then under each fallback key."""
    normalized = code.replace("-", "").replace(" ", "").lower()
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return [
        salted_hmac(
            _RECOVERY_SALT, f"{user.pk}:{normalized}", secret=key, algorithm="sha256"
        ).hexdigest()
        for key in keys
    ]
