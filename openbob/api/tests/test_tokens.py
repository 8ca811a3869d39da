"""Token lifecycle: format, hashing, expiry, revocation and what authentication accepts."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.test import Client
from pytest_django import Settings

from openbob.accounts.models import User
from openbob.api.models import ApiToken
from openbob.api.tests.conftest import ApiCaller
from openbob.api.tokens import DEFAULT_DAYS, MAX_DAYS, TokenError, issue_token, revoke_token
from openbob.audit.models import AuditEvent
from openbob.testing import Personas

URL = "/api/households"


def _status(client: Client, authorization: str | None) -> int:
    headers = {"Authorization": authorization} if authorization is not None else {}
    return client.get(URL, headers=headers).status_code


def _all_stored_values() -> str:
    """Every value of every row of every table, as one string to search."""
    return repr([list(m._default_manager.values_list()) for m in apps.get_models()])


def test_it_issues_obk_tokens_with_256_random_bits(personas: Personas) -> None:
    first = issue_token(user=personas.alice, name="crm sync", actor=personas.alice)
    second = issue_token(user=personas.alice, name="crm sync", actor=personas.alice)
    match = re.fullmatch(r"obk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})", first.plaintext)
    assert match is not None and match[1] == first.token.prefix
    assert first.plaintext != second.plaintext
    assert first.token.expires_at - first.token.created_at == timedelta(days=DEFAULT_DAYS)


def test_it_never_stores_the_plaintext(personas: Personas) -> None:
    issued = issue_token(user=personas.alice, name="crm sync", actor=personas.alice)
    secret = issued.plaintext[len("obk_") + 16 + 1 :]
    stored = _all_stored_values()
    assert issued.plaintext not in stored
    assert secret not in stored


def test_it_accepts_a_valid_token_and_notes_its_use(api: ApiCaller, personas: Personas) -> None:
    response = api.call("GET", URL, as_user=personas.alice)
    assert response.status_code == 200
    assert ApiToken.objects.get(user=personas.alice).last_used_at is not None


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer",
        "Bearer ",
        "Bearer not-a-token",
        "Basic YWxpY2U6cGFzc3dvcmQ=",
        "Bearer obk_0123456789abcdef_" + "A" * 43,  # unknown prefix
        "Bearer obk_0123456789ABCDEF_" + "A" * 43,  # malformed prefix
        "Bearer obk_0123456789abcdef_" + "A" * 44,  # over-long secret
        "Bearer \x00obk",
    ],
)
def test_it_rejects_missing_malformed_and_unknown_tokens(
    client: Client, db: None, authorization: str | None
) -> None:
    response = client.get(URL, headers={"Authorization": authorization} if authorization else {})
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}
    assert response["WWW-Authenticate"] == 'Bearer realm="openbob"'


def test_it_rejects_a_wrong_secret_for_a_known_prefix(client: Client, personas: Personas) -> None:
    issued = issue_token(user=personas.alice, name="t", actor=personas.alice)
    wrong = issued.plaintext[:-1] + ("A" if issued.plaintext[-1] != "A" else "B")
    assert _status(client, f"Bearer {wrong}") == 401
    assert _status(client, f"Bearer {issued.plaintext}") == 200


def test_it_rejects_other_schemes_even_with_a_valid_token(
    client: Client, personas: Personas
) -> None:
    issued = issue_token(user=personas.alice, name="t", actor=personas.alice)
    assert _status(client, f"Token {issued.plaintext}") == 401
    assert _status(client, f"bearer {issued.plaintext}") == 200


def test_it_rejects_expired_tokens(client: Client, personas: Personas) -> None:
    issued = issue_token(user=personas.alice, name="t", days=1, actor=personas.alice)
    expiry = issued.token.expires_at
    with time_machine.travel(expiry - timedelta(seconds=1), tick=False):
        assert _status(client, f"Bearer {issued.plaintext}") == 200
    with time_machine.travel(expiry + timedelta(seconds=1), tick=False):
        assert _status(client, f"Bearer {issued.plaintext}") == 401


def test_it_rejects_revoked_tokens(client: Client, personas: Personas) -> None:
    issued = issue_token(user=personas.alice, name="t", actor=personas.alice)
    assert revoke_token(token=issued.token, actor=personas.alice)
    assert _status(client, f"Bearer {issued.plaintext}") == 401


def test_it_rejects_tokens_of_deactivated_users(client: Client, personas: Personas) -> None:
    issued = issue_token(user=personas.alice, name="t", actor=personas.alice)
    User.objects.filter(pk=personas.alice.pk).update(is_active=False)
    assert _status(client, f"Bearer {issued.plaintext}") == 401


@pytest.mark.parametrize("days", [0, -1, MAX_DAYS + 1])
def test_it_bounds_the_lifetime(personas: Personas, days: int) -> None:
    with pytest.raises(TokenError):
        issue_token(user=personas.alice, name="t", days=days, actor=personas.alice)
    assert not ApiToken.objects.exists()


def test_it_allows_a_year_at_most(personas: Personas) -> None:
    token = issue_token(user=personas.alice, name="t", days=MAX_DAYS, actor=None).token
    assert token.expires_at - token.created_at == timedelta(days=365)


def test_it_refuses_tokens_for_inactive_accounts(personas: Personas) -> None:
    personas.rita.is_active = False
    with pytest.raises(TokenError):
        issue_token(user=personas.rita, name="t", actor=None)


def test_it_audits_issue_and_revoke_once(personas: Personas) -> None:
    issued = issue_token(user=personas.sam, name="reports", actor=personas.alice)
    assert revoke_token(token=issued.token, actor=personas.sam)
    assert not revoke_token(token=issued.token, actor=personas.sam)
    events = list(AuditEvent.objects.filter(subject_id=str(issued.token.pk)))
    assert [(e.action, e.actor_id) for e in events] == [
        ("api_token.create", personas.alice.pk),
        ("api_token.revoke", personas.sam.pk),
    ]
    assert events[0].detail["prefix"] == issued.token.prefix
    assert issued.plaintext not in repr([e.detail for e in events])


def test_it_notes_use_at_most_once_a_minute(client: Client, personas: Personas) -> None:
    issued = issue_token(user=personas.alice, name="t", actor=personas.alice)
    header = f"Bearer {issued.plaintext}"
    with time_machine.travel(issued.token.created_at, tick=False):
        _status(client, header)
        first = ApiToken.objects.get().last_used_at
    with time_machine.travel(issued.token.created_at + timedelta(seconds=30), tick=False):
        _status(client, header)
        assert ApiToken.objects.get().last_used_at == first
    with time_machine.travel(issued.token.created_at + timedelta(minutes=2), tick=False):
        _status(client, header)
        assert ApiToken.objects.get().last_used_at != first


def test_it_never_logs_a_mistyped_authorization_header(
    client: Client, personas: Personas, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings.DEBUG = True  # ninja's own HttpBearer logs the raw header in DEBUG
    issued = issue_token(user=personas.alice, name="t", actor=personas.alice)
    with caplog.at_level(logging.DEBUG):
        assert _status(client, f"Token {issued.plaintext}") == 401
    assert issued.plaintext not in caplog.text
