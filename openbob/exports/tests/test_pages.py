"""Persona rows of the export pages that take an argument (the route matrix holds the
others): request and legend pages per export, and the per-job actions."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from openbob.exports import services
from openbob.exports.models import ExportJob, ExportStatus
from openbob.testing import Personas, sign_in

pytestmark = pytest.mark.django_db
PERSONAS = ("alice", "sam", "rita", "bob", "carol", "mallory", "anonymous")

# GET exports:new <kind>: agency exports for managers and admin staff, agent exports for
# anyone with the export permission, never for read-only.
NEW = {
    "book_all": (200, 200, 403, 403, 403, 200, 302),
    "book_agent": (200, 200, 403, 200, 200, 200, 302),
    "dmi_followups": (200, 200, 403, 200, 200, 200, 302),
    "nope": (404, 404, 404, 404, 404, 404, 302),
}


def _client(personas: Personas, persona: str) -> Client:
    client = Client(enforce_csrf_checks=False)
    return client if persona == "anonymous" else sign_in(client, getattr(personas, persona))


@pytest.mark.parametrize("kind", sorted(NEW))
def test_request_pages(personas: Personas, kind: str) -> None:
    got = tuple(
        _client(personas, p).get(reverse("exports:new", args=[kind])).status_code for p in PERSONAS
    )
    assert got == NEW[kind]


def test_legend_pages_hold_no_data_so_every_signed_in_user_may_read_them(
    personas: Personas,
) -> None:
    url = reverse("exports:legend", args=["book_all"])
    got = tuple(_client(personas, p).get(url).status_code for p in PERSONAS)
    assert got == (200, 200, 200, 200, 200, 200, 302)
    assert "Delegated Agent" in _client(personas, "alice").get(url).content.decode()


@pytest.mark.parametrize("action", ["link", "retry", "cancel"])
def test_job_actions_answer_only_the_requester(personas: Personas, action: str) -> None:
    job = ExportJob.objects.create(
        requester=personas.carol, kind="book_agent", format="csv", status=ExportStatus.FAILED
    )
    url = reverse(f"exports:{action}", args=[job.pk])
    got = tuple(_client(personas, p).post(url).status_code for p in PERSONAS)
    assert got == (404, 404, 404, 404, 302, 404, 302)
    assert all(_client(personas, p).get(url).status_code in (405, 302) for p in PERSONAS)


def test_download_links_answer_only_the_requester(personas: Personas, tmp_path) -> None:  # type: ignore[no-untyped-def]
    file = tmp_path / "x.csv"
    file.write_text("a\n")
    job = ExportJob.objects.create(
        requester=personas.carol,
        kind="book_agent",
        format="csv",
        status=ExportStatus.SUCCEEDED,
        file_path=str(file),
    )
    url = services.download_path(job)
    got = tuple(_client(personas, p).get(url).status_code for p in PERSONAS)
    assert got == (404, 404, 404, 404, 200, 404, 302)
