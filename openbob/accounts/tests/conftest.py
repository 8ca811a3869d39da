"""Accounts fixtures: real argon2 passwords and enrolled authenticators for the personas."""

from __future__ import annotations

import pyotp
import pytest
from django.contrib.auth.hashers import make_password

from openbob.accounts import mfa
from openbob.accounts.models import User
from openbob.accounts.tests.helpers import with_password
from openbob.testing import PASSWORD, Personas


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One real argon2 hash of PASSWORD, made once; every sign-in still verifies it."""
    return make_password(PASSWORD)


@pytest.fixture
def alice(personas: Personas, password_hash: str) -> User:
    """Agency manager (needs MFA) with a password, no authenticator yet."""
    return with_password(personas.alice, password_hash)


@pytest.fixture
def rita(personas: Personas, password_hash: str) -> User:
    """Read-only staff (no PII, so no MFA) with a password."""
    return with_password(personas.rita, password_hash)


@pytest.fixture
def secret(alice: User) -> str:
    """Alice's authenticator: a confirmed device with this base32 secret."""
    value = pyotp.random_base32()
    mfa.enrol_with_secret(alice, value)
    return value
