"""`bob demo_code EMAIL` prints a demo account's current code, in demo mode only."""

from __future__ import annotations

from io import StringIO

import pyotp
import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from openbob.accounts import mfa
from openbob.testing import Personas

SECRET = "OPENBOBDEMOONLYTOTPSECRET234567A"


@override_settings(DEMO=True)
def test_it_prints_the_current_code_in_demo_mode(personas: Personas) -> None:
    mfa.enrol_with_secret(personas.alice, SECRET)
    out = StringIO()
    call_command("demo_code", "Alice@A.test", stdout=out)
    assert out.getvalue().strip() == pyotp.TOTP(SECRET).now()


@override_settings(DEMO=False)
def test_it_refuses_outside_demo_mode(personas: Personas) -> None:
    mfa.enrol_with_secret(personas.alice, SECRET)
    with pytest.raises(CommandError, match="only in demo mode"):
        call_command("demo_code", personas.alice.email, stdout=StringIO())


@override_settings(DEMO=True)
def test_it_says_when_an_account_has_no_authenticator(personas: Personas) -> None:
    with pytest.raises(CommandError, match="no authenticator"):
        call_command("demo_code", personas.rita.email, stdout=StringIO())
