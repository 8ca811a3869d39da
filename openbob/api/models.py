"""API tokens: hashed, expiring, revocable credentials that act as one user."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    """A bearer token for the JSON API, acting with its user's role and scope.

    Only `prefix` (a public lookup key) and the SHA-256 of the secret part are stored,
    so a copy of the database cannot be replayed against the API. A token always
    expires (at most a year after issue) and can be revoked at any time; the row is
    kept after revocation so the audit trail can name it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def is_usable(self, now: datetime) -> bool:
        """True while the token is neither revoked nor expired at `now`."""
        return self.revoked_at is None and now < self.expires_at

    @property
    def status(self) -> str:
        """'revoked', 'expired' or 'active', for people reading the token list."""
        if self.revoked_at is not None:
            return "revoked"
        return "active" if self.is_usable(timezone.now()) else "expired"
