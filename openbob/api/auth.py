"""Bearer-token authentication for every API operation (the API has no session auth)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from openbob.accounts.models import User
from openbob.api.tokens import authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer obk_…`; anything else leaves the request unauthenticated (401).

    `__call__` is ninja's, minus its DEBUG log line that would write a mistyped header
    (possibly a token) to the log.
    """

    def __call__(self, request: HttpRequest) -> User | None:
        scheme, _, credentials = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != self.openapi_scheme:
            return None
        return self.authenticate(request, credentials.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return authenticate(token)


def current_user(request: HttpRequest) -> User:
    """The user the request's token acts for (TokenAuth guarantees there is one)."""
    user = getattr(request, "auth", None)
    assert isinstance(user, User)
    return user
