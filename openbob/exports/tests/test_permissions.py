"""Who may export: roles, the "Prevent exports" switch (UI, API, worker), scope, and
the unmasked path (permission + fresh re-authentication + purpose + audit row)."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from openbob.accounts.sudo import SUDO_AT
from openbob.agencies.models import Agency
from openbob.api.tests.conftest import ApiCaller
from openbob.audit.models import AuditEvent
from openbob.book.models import Member
from openbob.exports import access, services
from openbob.exports.models import ExportJob, ExportStatus
from openbob.exports.tests.conftest import run_worker, worker_test
from openbob.testing import Personas, sign_in

pytestmark = pytest.mark.django_db


def _switch(agency: Agency, *, allow: bool, cascade: bool = False) -> None:
    Agency.objects.filter(pk=agency.pk).update(
        allow_agent_exports=allow, cascade_export_block=cascade
    )


def _buttons(client: Client) -> bool:
    return "Export Book of Business" in client.get(reverse("portal:consumers")).content.decode()


def test_prevent_exports_applies_to_the_agencys_own_agents_only(personas: Personas) -> None:
    _switch(personas.agency_a, allow=False)
    assert (
        access.refusal(Agency.objects.get(pk=personas.agency_a.pk).users.get(pk=personas.carol.pk))
        == access.BLOCKED
    )
    assert access.refusal(personas.bob) is None  # sub-agency keeps its own setting
    assert access.refusal(personas.alice) is None  # managers keep their exports
    _switch(personas.agency_a, allow=False, cascade=True)
    assert access.refusal(personas.bob) == access.BLOCKED


def test_a_blocked_agent_sees_no_button_and_gets_clear_refusals(
    personas: Personas, api: ApiCaller
) -> None:
    carol = sign_in(Client(), personas.carol)
    assert _buttons(carol)
    _switch(personas.agency_a, allow=False)

    assert not _buttons(carol)
    assert carol.get(reverse("exports:index")).status_code == 403
    assert (
        carol.post(
            reverse("exports:new", args=["book_agent"]),
            {"format": "xlsx", "agent_id": personas.carol.pk},
        ).status_code
        == 403
    )
    response = api.call(
        "POST",
        "/api/exports",
        as_user=personas.carol,
        body={"type": "book_agent", "agent_id": personas.carol.pk},
    )
    assert response.status_code == 403
    assert "turned off exports" in response.json()["detail"]
    assert not ExportJob.objects.exists()


@worker_test
def test_the_worker_checks_the_switch_again(personas: Personas, api: ApiCaller) -> None:
    response = api.call(
        "POST",
        "/api/exports",
        as_user=personas.bob,
        body={"type": "book_agent", "agent_id": personas.bob.pk},
    )
    assert response.status_code == 202
    _switch(personas.agency_a, allow=False, cascade=True)

    run_worker()

    job = ExportJob.objects.get()
    assert job.status == ExportStatus.FAILED and job.error == access.BLOCKED and not job.file_path
    detail = api.get_json(f"/api/exports/{job.pk}", as_user=personas.bob)
    assert detail["status"] == "failed" and detail["download_url"] is None


@worker_test
def test_the_api_returns_a_fresh_link_in_the_job_detail(personas: Personas, api: ApiCaller) -> None:
    created = api.call(
        "POST", "/api/exports", as_user=personas.alice, body={"type": "book_all", "format": "csv"}
    )
    assert created.status_code == 202 and created.json()["status"] == "queued"
    run_worker()
    detail = api.get_json(f"/api/exports/{created.json()['id']}", as_user=personas.alice)
    assert detail["status"] == "succeeded" and detail["rows"] == 2
    assert detail["download_url"].startswith("/exports/download/")
    assert sign_in(Client(), personas.alice).get(detail["download_url"]).status_code == 200
    assert [job["id"] for job in api.get_json("/api/exports", as_user=personas.alice)["items"]] == [
        detail["id"]
    ]
    assert (
        api.call("POST", "/api/exports", as_user=personas.alice, body={"type": "nope"}).status_code
        == 422
    )


def test_managers_flip_the_switch_and_it_is_audited(personas: Personas) -> None:
    alice = sign_in(Client(), personas.alice)
    response = alice.post(reverse("exports:settings"), {"cascade_export_block": "on"})
    assert response.status_code == 302
    agency = Agency.objects.get(pk=personas.agency_a.pk)
    assert not agency.allow_agent_exports and agency.cascade_export_block
    event = AuditEvent.objects.get(action="agency.update")
    assert set(event.fields) == {"allow_agent_exports", "cascade_export_block"}
    assert sign_in(Client(), personas.sam).get(reverse("exports:settings")).status_code == 403


def test_an_outsider_cannot_export_another_agencys_agent(personas: Personas) -> None:
    mallory = sign_in(Client(), personas.mallory)
    response = mallory.post(
        reverse("exports:new", args=["book_agent"]),
        {"format": "xlsx", "agent_id": personas.carol.pk},
    )
    assert response.status_code == 404
    assert not ExportJob.objects.exists()


def test_the_agent_search_accepts_partial_case_insensitive_values(personas: Personas) -> None:
    personas.carol.license_number, personas.carol.primary_site = "0L12345", "Sacramento, CA 95815"
    personas.carol.save()
    for query in ("CAR", "tester carol", "a.test", "l123", "sacram"):
        assert personas.carol in access.find_agents(personas.alice, query)
    assert list(access.find_agents(personas.mallory, "carol")) == []
    page = sign_in(Client(), personas.alice).get(
        reverse("exports:new", args=["book_agent"]), {"q": "sacra"}
    )
    assert "Carol Tester" in page.content.decode()


@worker_test
def test_unmasked_needs_permission_sudo_and_purpose_and_is_audited(personas: Personas) -> None:
    with pytest.raises(PermissionDenied):
        services.request_export(
            user=personas.carol,
            kind="book_agent",
            fmt="csv",
            options={"agent_id": personas.carol.pk},
            masked=False,
            purpose="renewals",
        )
    with pytest.raises(PermissionDenied):
        services.request_export(
            user=personas.alice, kind="book_all", fmt="csv", options={}, masked=False, purpose=" "
        )
    with pytest.raises(PermissionDenied):
        services.request_export(
            user=personas.alice,
            kind="enrollments",
            fmt="csv",
            options={},
            masked=False,
            purpose="x",
        )

    alice = sign_in(Client(), personas.alice)
    url = reverse("exports:new", args=["book_all"])
    no_purpose = alice.post(url, {"format": "csv", "unmasked": "on"})
    assert no_purpose.status_code == 200 and "State why" in no_purpose.content.decode()
    no_sudo = alice.post(url, {"format": "csv", "unmasked": "on", "purpose": "carrier audit"})
    assert no_sudo.status_code == 302 and no_sudo["Location"].startswith(
        reverse("accounts:confirm")
    )
    assert not ExportJob.objects.exists()

    session = alice.session
    session[SUDO_AT] = time.time()
    session.save()
    assert (
        alice.post(url, {"format": "csv", "unmasked": "on", "purpose": "carrier audit"}).status_code
        == 302
    )
    run_worker()

    job = ExportJob.objects.get()
    assert job.status == ExportStatus.SUCCEEDED and not job.masked
    with Path(job.file_path).open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert {row["Customer SSN"] for row in rows} == {"912-00-0001", "912-00-0002"}
    assert {row["Customer Date of Birth"] for row in rows} == {"1980-05-17"}
    reveal = AuditEvent.objects.get(action="pii.reveal")
    members = Member.objects.filter(household__agency__in=[personas.agency_a, personas.agency_a1])
    assert sorted(reveal.detail["member_ids"]) == sorted(members.values_list("pk", flat=True))
    assert reveal.purpose == "carrier audit" and reveal.actor_id == personas.alice.pk
