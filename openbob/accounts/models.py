"""Enroller accounts, their second factor and the throttles that guard sign-in."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from openbob.accounts.roles import Perm, Role, role_has


class CertificationStatus(models.TextChoices):
    CERTIFIED = "certified", "Certified"
    PENDING = "pending", "Pending"
    EXPIRED = "expired", "Expired"
    NOT_CERTIFIED = "not_certified", "Not certified"


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """An enroller (agent, manager, admin staff) or a support-staff account.

    Enrollers belong to exactly one agency; support staff (``is_staff``) use the Django
    admin and have no agency, so portal scoping shows them no household.
    """

    email = models.EmailField(unique=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.AGENT)
    license_number = models.CharField(max_length=30, blank=True, db_index=True)
    npn = models.CharField("NPN", max_length=20, blank=True, db_index=True)
    primary_site = models.CharField(max_length=300, blank=True)
    certification_status = models.CharField(
        max_length=20, choices=CertificationStatus.choices, default=CertificationStatus.CERTIFIED
    )
    is_primary_contact = models.BooleanField(default=False)
    email_alerts = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def can(self, perm: Perm) -> bool:
        """True when the user's role grants `perm` (scope is checked separately)."""
        return self.is_active and self.agency_id is not None and role_has(self.role, perm)

    @property
    def needs_mfa(self) -> bool:
        """Every account that can see PII, and every support-staff account, needs TOTP."""
        return self.is_staff or role_has(self.role, Perm.VIEW_PII)


class TotpDevice(models.Model):
    """A user's TOTP authenticator. The seed is stored encrypted (field key ring).

    `confirmed_at` is empty while enrolment is pending; `last_used_step` is the 30-second
    step of the last accepted code, so that code and every older one are refused.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp")
    secret_encrypted = models.TextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_used_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"TOTP for {self.user}"


class RecoveryCode(models.Model):
    """A single-use recovery code, stored only as a keyed hash (see `openbob.accounts.mfa`)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=128)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code of {self.user_id}"


class Throttle(models.Model):
    """A fixed-window counter of failed attempts for one key (account, IP, code kind).

    Like healthchecks' TokenBucket it lives in the application, so a deployment without
    a reverse proxy is still protected; the window expires on its own, so an attacker
    cannot lock a victim out for good.
    """

    key = models.CharField(max_length=128, unique=True)
    window_start = models.DateTimeField()
    failures = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.key
