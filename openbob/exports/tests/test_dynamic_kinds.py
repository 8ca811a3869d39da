"""Dynamic export kinds: the registry, and a job of a kind no longer known. The kinds
themselves are tested in the apps that register them (`openbob.reports`,
`openbob.retention`)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from openbob.api.tests.conftest import ApiCaller
from openbob.exports import dynamic, services
from openbob.exports.models import ExportJob, ExportStatus
from openbob.retention.exporting import RetentionCasesExport
from openbob.testing import Personas

pytestmark = pytest.mark.django_db


def test_a_dynamic_kind_cannot_take_a_static_exports_key() -> None:
    class Clash(RetentionCasesExport):
        key = "book_all"

    with pytest.raises(ImproperlyConfigured, match="static catalogue export"):
        dynamic.register(Clash())


def test_a_job_of_a_kind_no_longer_known_still_lists_and_fails_clearly(
    personas: Personas, client: Client
) -> None:
    job = ExportJob.objects.create(requester=personas.alice, kind="gone_export", format="csv")
    items = ApiCaller(client).get_json("/api/exports", as_user=personas.alice)["items"]
    assert [item["title"] for item in items] == ["Unknown export (gone_export)"]
    job = services.run_job(job.pk, notify=False)
    assert (job.status, job.error) == (ExportStatus.FAILED, "This export type no longer exists.")
