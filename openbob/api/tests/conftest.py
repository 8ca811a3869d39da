"""API test fixtures: a caller that speaks as a persona through a real bearer token."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from openbob.accounts.models import User
from openbob.api.tokens import issue_token

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


class ApiCaller:
    """`api.call("GET", "/api/households", as_user=alice, limit=5)` → the response.

    Each persona gets one token on first use, issued through the real service, so the
    tests exercise the same authentication path as a client would.
    """

    def __init__(self, client: Client) -> None:
        self.client = client
        self.tokens: dict[int, str] = {}

    def token_for(self, user: User) -> str:
        if user.pk not in self.tokens:
            self.tokens[user.pk] = issue_token(user=user, name="test", actor=user).plaintext
        return self.tokens[user.pk]

    def call(
        self,
        method: str,
        path: str,
        *,
        as_user: User | None,
        body: Any = None,
        **query: Any,
    ) -> TestResponse:
        headers = {"Authorization": f"Bearer {self.token_for(as_user)}"} if as_user else {}
        url = f"{path}?{urlencode(query)}" if query else path
        data = "" if body is None else json.dumps(body)
        return self.client.generic(
            method, url, data=data, content_type="application/json", headers=headers
        )

    def get_json(self, path: str, *, as_user: User, **query: Any) -> Any:
        response = self.call("GET", path, as_user=as_user, **query)
        assert response.status_code == 200, response.content
        return response.json()


@pytest.fixture
def api(client: Client) -> ApiCaller:
    return ApiCaller(client)
