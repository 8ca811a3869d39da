"""Signed, expiring, opaque tokens for download links (reliability.md F3).

Like healthchecks' ``hc/lib/signing.py``: the URL carries ``<body>.<signature>``, where
the body is the payload (ids only, never PII: ASVS 14.2.1) and its expiry, and the
signature is HMAC-SHA256 under a key derived from the secret and the token's purpose.
A token made for one purpose therefore never verifies for another, and the purpose
costs no space in the URL.

`read_token` raises `ExpiredToken` only for a genuine token past its expiry, and
`BadToken` for everything else, so a view can answer 410 Gone versus 404.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from collections.abc import Mapping

MIN_SECRET_BYTES = 16


class BadToken(Exception):
    """The token is garbage, was tampered with, or was made for another purpose."""


class ExpiredToken(BadToken):
    """The token is genuine but its expiry has passed."""


def make_token(
    payload: Mapping[str, str | int], *, secret: bytes, expires_at: int, purpose: str
) -> str:
    """A urlsafe token carrying `payload` until `expires_at` (Unix seconds)."""
    for key, value in payload.items():
        if not isinstance(key, str) or isinstance(value, bool) or not isinstance(value, str | int):
            raise TypeError("Token payloads map str keys to str or int values")
    body_json = json.dumps([expires_at, dict(payload)], separators=(",", ":"), sort_keys=True)
    body = _b64encode(body_json.encode("utf-8"))
    return f"{body}.{_signature(body, secret=secret, purpose=purpose)}"


def read_token(token: str, *, secret: bytes, purpose: str, now: int) -> dict[str, str | int]:
    """The payload of `token`, after checking its signature, purpose and expiry."""
    body, separator, signature = token.partition(".")
    if not separator or not token.isascii():
        raise BadToken("Malformed token")
    expected = _signature(body, secret=secret, purpose=purpose)
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("ascii")):
        raise BadToken("Bad signature")
    expires_at, payload = _decode_body(body)
    if now >= expires_at:
        raise ExpiredToken("Token has expired")
    return payload


def _signature(body: str, *, secret: bytes, purpose: str) -> str:
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"A signing secret needs at least {MIN_SECRET_BYTES} bytes")
    if not purpose:
        raise ValueError("A token needs a purpose")
    purpose_key = hmac.digest(secret, b"openbob.signing:" + purpose.encode("utf-8"), "sha256")
    return _b64encode(hmac.digest(purpose_key, body.encode("ascii"), "sha256"))


def _decode_body(body: str) -> tuple[int, dict[str, str | int]]:
    """Parse a signed body. It is ours, but a reused secret must not crash a view."""
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        expires_at, payload = json.loads(raw)
    except (binascii.Error, ValueError, TypeError):
        raise BadToken("Malformed token body") from None
    if type(expires_at) is not int or not isinstance(payload, dict):
        raise BadToken("Malformed token body")
    return expires_at, payload


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
