"""Field encryption for PII columns (SSN, DOB, income) and blind indexes to find them.

AES-256-GCM, because it is authenticated encryption (ASVS 11.3.3) and seven times
faster than Fernet on the import hot path (perf.md section 7). Every token names its
key, so keys can rotate (ASVS 11.1.1)::

    v1.<kid>.<base64url(nonce || ciphertext || tag)>

The ``v1.<kid>`` prefix is bound as associated data: a token cannot be relabelled with
another key id or version. Any change to a token, down to one character, makes
`KeyRing.decrypt` raise `DecryptionError`; it never returns wrong data.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = "v1"
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
MIN_INDEX_KEY_BYTES = 16
_KEY_ID = re.compile(r"[a-z0-9]{1,16}")


class DecryptionError(Exception):
    """A token is malformed, tampered with, or made with a key the ring does not hold."""


def generate_key() -> str:
    """A new random 256-bit key, urlsafe base64, as `KeyRing.from_string` reads it."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def blind_index(key: bytes, value: str) -> str:
    """Keyed HMAC-SHA256 of `value` (hex), for exact lookup without decrypting.

    The caller normalises `value` first (e.g. `masking.normalize_ssn`) and prefixes a
    domain such as ``"ssn:"``, so equal inputs of different kinds never collide.
    """
    if len(key) < MIN_INDEX_KEY_BYTES:
        raise ValueError(f"A blind-index key needs at least {MIN_INDEX_KEY_BYTES} bytes")
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    """Strict unpadded urlsafe base64; raises ValueError on anything else.

    Re-encoding and comparing rejects the non-canonical spellings a lenient decoder
    maps to the same bytes, so a changed character can never go unnoticed.
    """
    if not text.isascii():
        raise ValueError("not base64")
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except binascii.Error:
        raise ValueError("not base64") from None
    if _b64encode(data) != text:
        raise ValueError("not canonical base64")
    return data


def _associated_data(kid: str) -> bytes:
    return f"{VERSION}.{kid}".encode("ascii")


class KeyRing:
    """The field-encryption keys: the first encrypts, every one of them decrypts."""

    def __init__(self, keys: Sequence[tuple[str, bytes]]) -> None:
        if not keys:
            raise ValueError("A key ring needs at least one key")
        self._ciphers: dict[str, AESGCM] = {}
        for kid, key in keys:
            if not _KEY_ID.fullmatch(kid):
                raise ValueError(f"Key id {kid!r} must be 1-16 lowercase letters or digits")
            if kid in self._ciphers:
                raise ValueError(f"Key id {kid!r} appears twice")
            if len(key) != KEY_BYTES:
                raise ValueError(f"Key {kid!r} must be {KEY_BYTES} bytes, not {len(key)}")
            self._ciphers[kid] = AESGCM(key)
        self._primary_id = keys[0][0]

    @classmethod
    def from_string(cls, spec: str) -> KeyRing:
        """Parse ``"kid1:<base64 key>,kid2:<base64 key>"``; error messages never show a key."""
        keys: list[tuple[str, bytes]] = []
        for position, entry in enumerate(spec.split(","), start=1):
            kid, separator, encoded = entry.strip().partition(":")
            if not separator or not kid or not encoded:
                raise ValueError(f"Key entry {position} is not in the form 'kid:base64key'")
            try:
                key = _b64decode(encoded.strip().rstrip("="))
            except ValueError:
                raise ValueError(f"Key {kid!r} is not valid urlsafe base64") from None
            keys.append((kid, key))
        return cls(keys)

    @property
    def primary_id(self) -> str:
        """The id of the key new tokens are encrypted with."""
        return self._primary_id

    def __repr__(self) -> str:
        return f"KeyRing(ids={list(self._ciphers)!r})"

    def encrypt(self, plaintext: str) -> str:
        """Encrypt under the primary key with a fresh random nonce."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self._primary_id].encrypt(
            nonce, plaintext.encode("utf-8"), _associated_data(self._primary_id)
        )
        return f"{VERSION}.{self._primary_id}.{_b64encode(nonce + sealed)}"

    def decrypt(self, token: str) -> str:
        """The plaintext of `token`; raises `DecryptionError` unless it is intact."""
        try:
            return self._open(token).decode("utf-8")
        except UnicodeDecodeError:
            raise DecryptionError("Token does not hold text") from None

    def needs_rotation(self, token: str) -> bool:
        """True when `token` was encrypted with a key other than the primary one."""
        return self._key_id(token) != self._primary_id

    def rotate(self, token: str) -> str:
        """`token` re-encrypted under the primary key (unchanged if it already is).

        The plaintext stays inside this method, so a rotation job never holds PII.
        """
        if not self.needs_rotation(token):
            return token
        return self.encrypt(self.decrypt(token))

    def _key_id(self, token: str) -> str:
        version, _, rest = token.partition(".")
        kid, separator, _ = rest.partition(".")
        if version != VERSION or not separator:
            raise DecryptionError("Token is not a v1 field-encryption token")
        if kid not in self._ciphers:
            shown = kid if _KEY_ID.fullmatch(kid) else "?"
            raise DecryptionError(f"Token uses key id {shown!r}, which is not in the key ring")
        return kid

    def _open(self, token: str) -> bytes:
        kid = self._key_id(token)
        try:
            blob = _b64decode(token.split(".", 2)[2])
        except ValueError:
            raise DecryptionError("Token body is not valid base64") from None
        if len(blob) < NONCE_BYTES + TAG_BYTES:
            raise DecryptionError("Token is too short")
        nonce, sealed = blob[:NONCE_BYTES], blob[NONCE_BYTES:]
        try:
            return self._ciphers[kid].decrypt(nonce, sealed, _associated_data(kid))
        except InvalidTag:
            raise DecryptionError("Token failed authentication") from None
