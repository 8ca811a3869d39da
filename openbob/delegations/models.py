"""The delegation tool's state: searches (for rate limits) and one-time passcodes."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ToolSearch(models.Model):
    """One search with the delegation tool: how, and with what outcome (never the terms).

    Counting these rows is the per-user search limit: an SSN search answers "is there
    such a consumer", so it must not be an unlimited oracle.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=20)
    outcome = models.CharField(max_length=20)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self) -> str:
        return f"{self.method} -> {self.outcome}"


class Passcode(models.Model):
    """A one-time passcode sent to a consumer's phone to consent to one delegation.

    The match (`household`) is kept here, server side, and never shown: the enroller
    learns only that there is exactly one consumer. The code is stored as a keyed hash;
    it expires, is single-use, and allows a few wrong tries. Of the phone only the last
    four digits are kept (to show); `PasscodeSend` counts sends per phone by keyed hash.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey("book.Household", on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)
    phone_last4 = models.CharField(max_length=4, blank=True)
    code_hash = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"passcode {self.pk} of {self.user_id}"


class PasscodeSend(models.Model):
    """One passcode text sent: counted for the per-enroller and per-phone send limits."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    phone_hash = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["user", "at"]),
            models.Index(fields=["phone_hash", "at"]),
        ]

    def __str__(self) -> str:
        return f"send by {self.user_id} at {self.at:%Y-%m-%d %H:%M}"
