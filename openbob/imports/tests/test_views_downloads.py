"""Report downloads: signed, expiring, bound to the user (reliability F3)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from openbob.accounts.roles import Role
from openbob.accounts.sudo import SUDO_AT
from openbob.audit.models import AuditEvent
from openbob.imports.models import ImportJob
from openbob.imports.tests.uploading import generated, last_job, upload, week_file, with_bad_dates
from openbob.sources.formats import FormatId
from openbob.testing import Personas, make_user, sign_in


@pytest.fixture(autouse=True)
def _private_data_dir(settings: Settings, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def partial_job(client: Client, personas: Personas, tmp_path: Path) -> ImportJob:
    """Alice imported the valid rows of a file with two bad rows: both reports exist."""
    enrollments = week_file(generated(tmp_path / "gen", weeks=1), FormatId.HEALTHSHERPA_ENROLLMENTS)
    bad = with_bad_dates(enrollments, tmp_path / "enrollments_x.csv", column="dob", rows=2)
    sign_in(client, personas.alice)
    upload(client, personas.agency_a, bad, allow_partial="on")
    return last_job()


def _links(client: Client, job: ImportJob) -> dict[str, str]:
    page = client.get(reverse("imports:result", args=[job.pk])).content.decode()
    found = re.findall(r'href="(/imports/downloads/[^"]+)">([^<]+)<', page)
    return {"rejected" if text.startswith("The rejected") else "errors": url for url, text in found}


def _confirm_password(client: Client) -> None:
    session = client.session
    session[SUDO_AT] = time.time()
    session.save()


def test_the_errors_link_downloads_the_errors_csv(client: Client, partial_job: ImportJob) -> None:
    response = client.get(_links(client, partial_job)["errors"])
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="enrollments_x-errors.csv"'
    assert response["Cache-Control"] == "no-store"
    body = response.getvalue().decode()
    assert body.startswith("file,row,column,reason,value")
    assert body.count("enrollments_x.csv") == 2
    event = AuditEvent.objects.get(action="import.report_download")
    assert event.detail == {"report": "errors"}


def test_the_rejected_rows_need_a_fresh_password(client: Client, partial_job: ImportJob) -> None:
    url = _links(client, partial_job)["rejected"]
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/confirm/")
    _confirm_password(client)
    response = client.get(url)
    assert response.status_code == 200
    body = response.getvalue().decode()
    header, *rows = body.strip().splitlines()
    assert header.startswith("source row,healthsherpa_id")
    assert len(rows) == 2 and all("not a date" in row for row in rows)


def test_an_expired_link_is_gone(
    client: Client, personas: Personas, partial_job: ImportJob
) -> None:
    url = _links(client, partial_job)["errors"]
    with time_machine.travel(time.time() + 16 * 60):
        sign_in(client, personas.alice)  # a fresh session: only the link is old
        response = client.get(url)
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_deleted_file_is_gone(client: Client, partial_job: ImportJob) -> None:
    url = _links(client, partial_job)["errors"]
    Path(partial_job.errors_path).unlink()
    assert client.get(url).status_code == 410


def test_a_tampered_link_is_not_found(client: Client, partial_job: ImportJob) -> None:
    url = _links(client, partial_job)["errors"]
    body, signature = url.rstrip("/").rsplit("/", 1)[1].split(".")
    forged = f"/imports/downloads/{body}.{signature[:-2]}AA/"
    assert client.get(forged).status_code == 404
    assert client.get("/imports/downloads/not-a-token/").status_code == 404


def test_a_link_is_not_found_for_anyone_else(
    client: Client, personas: Personas, partial_job: ImportJob
) -> None:
    url = _links(client, partial_job)["errors"]
    other_manager = make_user("olga@a.test", Role.AGENCY_MANAGER, personas.agency_a)
    for user, status in ((other_manager, 404), (personas.mallory, 404), (personas.rita, 403)):
        sign_in(client, user)
        assert client.get(url).status_code == status
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("accounts:login"))
    assert not AuditEvent.objects.filter(action="import.report_download").exists()


def test_downloads_take_get_only(client: Client, partial_job: ImportJob) -> None:
    assert client.post(_links(client, partial_job)["errors"]).status_code == 405
