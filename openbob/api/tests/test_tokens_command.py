"""`bob tokens create` and `bob tokens revoke`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from openbob.api.management.commands.tokens import CLI_ACTOR
from openbob.api.models import ApiToken
from openbob.audit.models import AuditEvent
from openbob.testing import Personas


def _create(*args: str) -> str:
    out = StringIO()
    call_command("tokens", "create", *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_it_creates_a_working_token_printed_once(client: Client, personas: Personas) -> None:
    plaintext = _create("SAM@a.test", "--name", "nightly sync", "--days", "30")
    token = ApiToken.objects.get()
    assert (token.user, token.name, plaintext.split("_")[1]) == (
        personas.sam,
        "nightly sync",
        token.prefix,
    )
    assert (token.expires_at - token.created_at).days == 30
    response = client.get("/api/households", headers={"Authorization": f"Bearer {plaintext}"})
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="api_token.create")
    assert (event.actor_id, event.actor_label) == (None, CLI_ACTOR)


@pytest.mark.parametrize(
    "args",
    [
        ("nobody@a.test", "--name", "x"),
        ("sam@a.test", "--name", "x", "--days", "366"),
        ("sam@a.test", "--name", "x", "--days", "0"),
    ],
)
def test_it_refuses_unknown_accounts_and_bad_lifetimes(
    personas: Personas, args: tuple[str]
) -> None:
    with pytest.raises(CommandError):
        _create(*args)
    assert not ApiToken.objects.exists()


def test_it_revokes_by_prefix_once(personas: Personas) -> None:
    _create("sam@a.test", "--name", "x")
    prefix = ApiToken.objects.get().prefix
    call_command("tokens", "revoke", prefix, stdout=StringIO())
    assert ApiToken.objects.get().revoked_at is not None
    with pytest.raises(CommandError, match="already revoked"):
        call_command("tokens", "revoke", prefix, stdout=StringIO())
    with pytest.raises(CommandError, match="No token"):
        call_command("tokens", "revoke", "0000000000000000", stdout=StringIO())
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1
