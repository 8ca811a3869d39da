"""Issuing, revoking and checking API tokens: the only code that touches `ApiToken`.

A token reads ``obk_<prefix>_<secret>``: `prefix` is 16 hex characters (64 bits) used
to find the row, `secret` is 43 URL-safe characters carrying 256 random bits. Only the
SHA-256 of the secret is stored. A plain (unpeppered) hash is enough because the secret
is random and long, so guessing it offline from a stolen hash is infeasible, and it
keeps tokens valid when SECRET_KEY is rotated.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from openbob.accounts.models import User
from openbob.api.models import ApiToken
from openbob.audit.services import record

DEFAULT_DAYS = 90
MAX_DAYS = 365
LAST_USED_RESOLUTION = timedelta(minutes=1)
_TOKEN_RE = re.compile(r"^obk_(?P<prefix>[0-9a-f]{16})_(?P<secret>[A-Za-z0-9_-]{43})$")


class TokenError(ValueError):
    """A token cannot be issued as asked (bad lifetime, inactive user)."""


@dataclass(frozen=True)
class IssuedToken:
    """A new token row and its plaintext, which exists only until it is shown once."""

    token: ApiToken
    plaintext: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def issue_token(
    *, user: User, name: str, days: int = DEFAULT_DAYS, actor: User | None, actor_label: str = ""
) -> IssuedToken:
    """Create a token for `user` valid for `days` (1 to 365) and audit who issued it."""
    if not 1 <= days <= MAX_DAYS:
        raise TokenError(f"A token lives between 1 and {MAX_DAYS} days.")
    if not user.is_active:
        raise TokenError("Tokens cannot be issued to an inactive account.")
    prefix, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100] or "API token",
        prefix=prefix,
        secret_hash=_hash(secret),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    _audit("api_token.create", token, actor, actor_label)
    return IssuedToken(token=token, plaintext=f"obk_{prefix}_{secret}")


@transaction.atomic
def revoke_token(*, token: ApiToken, actor: User | None, actor_label: str = "") -> bool:
    """Revoke `token` now; False (and no audit row) when it already was revoked."""
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        token.refresh_from_db(fields=["revoked_at"])
        _audit("api_token.revoke", token, actor, actor_label)
    return bool(revoked)


def _audit(action: str, token: ApiToken, actor: User | None, actor_label: str) -> None:
    detail = {
        "prefix": token.prefix,
        "name": token.name,
        "user": token.user.email,
        "expires_at": token.expires_at.isoformat(),
    }
    record(actor=actor, actor_label=actor_label, action=action, subject=token, detail=detail)


def authenticate(raw: str) -> User | None:
    """The active user `raw` speaks for, or None for a malformed, unknown, dead token.

    The secret is compared in constant time; `last_used_at` is written at most once a
    minute so that a busy client does not turn every read into a database write.
    """
    match = _TOKEN_RE.match(raw)
    if match is None:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__agency")
        .filter(prefix=match["prefix"])
        .first()
    )
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(match["secret"])):
        return None
    now = timezone.now()
    if not token.is_usable(now) or not token.user.is_active:
        return None
    _touch(token, now)
    return token.user


def _touch(token: ApiToken, now: datetime) -> None:
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
