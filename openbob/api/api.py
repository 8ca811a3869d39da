"""The JSON API: one NinjaAPI, each capability contributes a router. OpenAPI at /api/docs.

Every operation needs a bearer token (`openbob.api.auth`); there is no session auth,
so no CSRF question arises. Errors are always JSON ``{"detail": ...}``: 401 without a
valid token, 404 for what the caller cannot see, 403 for what their role may not do,
422 for invalid input.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from openbob.accounts.api import router as enrollers_router
from openbob.agencies.api import router as agencies_router
from openbob.alerts.api import router as alerts_router
from openbob.api import urls as token_pages
from openbob.api.auth import TokenAuth
from openbob.book.api import router as households_router
from openbob.exports.api import router as exports_router
from openbob.imports.api import changes_router, imports_router, profiles_router
from openbob.reports.api import router as reports_router
from openbob.retention.api import router as retention_router

logger = logging.getLogger(__name__)


class OpenBobApi(NinjaAPI):
    """NinjaAPI whose URL namespace also holds the token pages (``api:tokens``).

    Both live under /api/ and Django allows one include per namespace, so the HTML
    pages ride along with the API's own patterns instead of a second include.
    """

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        return [*patterns, *token_pages.urlpatterns], app_name, namespace


api = OpenBobApi(
    title="OpenBoB API",
    version="1",
    description=(
        "Scoped, token-authenticated access to the agency book. Create a token under "
        "My Profile → API tokens and send it as `Authorization: Bearer <token>`. "
        "A token acts with its user's role and agency scope; PII is always masked."
    ),
    docs_url="/docs",
    urls_namespace="api",
    auth=TokenAuth(),
)
api.add_router("/agencies", agencies_router)
api.add_router("/enrollers", enrollers_router)
api.add_router("/households", households_router)
api.add_router("/imports", imports_router)
api.add_router("/mapping-profiles", profiles_router)
api.add_router("/changes", changes_router)
api.add_router("/exports", exports_router)
api.add_router("/retention", retention_router)
api.add_router("/alerts", alerts_router)
api.add_router("/reports", reports_router)


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    """401 with the challenge RFC 6750 asks for, so clients know a bearer token is due."""
    response = api.create_response(request, {"detail": "Unauthorized"}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="openbob"'
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    """One message for missing and for other agencies' objects, so neither is revealed."""
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    detail = str(exc) or "Your role does not allow this action."
    return api.create_response(request, {"detail": detail}, status=403)


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bare JSON 500: no traceback, SQL or data in the body, even with DEBUG on."""
    logger.exception("API request failed: %s %s", request.method, request.path)
    return api.create_response(request, {"detail": "Internal server error."}, status=500)
