"""Top-level URL map: each capability mounts its own URLs."""

from django.contrib import admin
from django.urls import include, path

from openbob.api.api import api

urlpatterns = [
    path("", include("openbob.portal.urls")),
    path("accounts/", include("openbob.accounts.urls")),
    path("audit/", include("openbob.audit.urls")),
    path("imports/", include("openbob.imports.urls")),
    path("exports/", include("openbob.exports.urls")),
    path("delegations/", include("openbob.delegations.urls")),
    path("alerts/", include("openbob.alerts.urls")),
    path("retention/", include("openbob.retention.urls")),
    path("reports/", include("openbob.reports.urls")),
    path("api/", api.urls),
    path("support/", admin.site.urls),
]
