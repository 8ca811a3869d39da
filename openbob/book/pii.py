"""Encrypting PII on the way in, and the keyed indexes that let us find it again.

Decryption is deliberately absent: the only way back to plaintext is
`openbob.audit.reveal`, which writes an audit row for every value it returns.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal
from functools import cache

from django.conf import settings

from openbob.lib.crypto import KeyRing, blind_index


@cache
def keyring() -> KeyRing:
    """The field-encryption key ring from OPENBOB_FIELD_KEYS (first key encrypts)."""
    return KeyRing.from_string(settings.OPENBOB_FIELD_KEYS)


def _index_key() -> bytes:
    return str(settings.OPENBOB_BLIND_INDEX_KEY).encode()


def encrypt_text(value: str) -> str:
    """Encrypt one PII value; empty stays empty so 'unknown' needs no ciphertext."""
    return keyring().encrypt(value) if value else ""


def encrypt_dob(dob: date | None) -> str:
    return encrypt_text(dob.isoformat()) if dob else ""


def encrypt_income(income: Decimal | None) -> str:
    return encrypt_text(f"{income:.2f}") if income is not None else ""


def ssn_index(ssn: str) -> str:
    """Blind index of a normalised 9-digit SSN."""
    return blind_index(_index_key(), f"ssn:{ssn}")


def _fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if c.isalnum()).casefold()


def identity_index(first_name: str, last_name: str, dob: date) -> str:
    """Blind index of normalised name + DOB, to match one person across sources."""
    return blind_index(_index_key(), f"id:{_fold(first_name)}|{_fold(last_name)}|{dob:%Y-%m-%d}")


def people_fingerprint(text: str) -> str:
    """Keyed fingerprint of a household's members as a source states them (`text`, PII
    and all): equal for the same people, and nothing to learn them from without the key."""
    return blind_index(_index_key(), f"people:{text}")
