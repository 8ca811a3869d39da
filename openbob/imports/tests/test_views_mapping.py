"""Unknown layouts: map the columns once, save the mapping, and have it offered next time."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from openbob.audit.models import AuditEvent
from openbob.book.models import Household
from openbob.imports.models import ImportJob, JobStatus, MappingProfile
from openbob.imports.profiles import header_signature
from openbob.imports.tests.uploading import (
    CARRIER_HEADERS,
    CARRIER_MAPPING,
    carrier_csv,
    last_job,
    upload,
    uploads_left,
)
from openbob.sources.formats import FormatId
from openbob.testing import Personas, sign_in


@pytest.fixture(autouse=True)
def _private_data_dir(settings: Settings, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"


def _mapping_form(mapping: dict[str, str], name: str = "Acme broker book") -> dict[str, str]:
    return {"name": name, **{f"map_{target}": header for target, header in mapping.items()}}


def _upload_carrier(client: Client, personas: Personas, folder: Path) -> ImportJob:
    sign_in(client, personas.alice)
    response = upload(client, personas.agency_a, carrier_csv(folder))
    job = last_job()
    assert response["Location"] == reverse("imports:mapping", args=[job.pk])
    return job


def test_an_unknown_layout_waits_for_a_mapping_with_a_proposal(
    client: Client, personas: Personas, tmp_path: Path
) -> None:
    job = _upload_carrier(client, personas, tmp_path)
    assert job.status == JobStatus.NEEDS_MAPPING
    assert job.headers == list(CARRIER_HEADERS)
    assert Path(job.upload_path).is_file(), "the upload is kept for the mapping"
    page = client.get(reverse("imports:mapping", args=[job.pk])).content.decode()
    assert "does not know this file" in page and "a guess from the column names" in page
    assert '<label for="id_map_ffm_app_id">' in page
    assert '<option value="Exchange ID" selected>' in page  # proposed for FFM Application ID
    assert '<option value="Member Name" selected>' in page


def test_saving_the_mapping_imports_the_file_with_it(
    client: Client, personas: Personas, tmp_path: Path
) -> None:
    job = _upload_carrier(client, personas, tmp_path)
    response = client.post(
        reverse("imports:mapping", args=[job.pk]), _mapping_form(CARRIER_MAPPING)
    )
    assert response["Location"] == reverse("imports:result", args=[job.pk])
    profile = MappingProfile.objects.get()
    assert (profile.agency, profile.name, profile.created_by) == (
        personas.agency_a,
        "Acme broker book",
        personas.alice,
    )
    assert profile.mapping == CARRIER_MAPPING
    assert profile.header_signature == header_signature(CARRIER_HEADERS)
    job.refresh_from_db()
    assert (job.status, job.profile, job.format) == (
        JobStatus.SUCCEEDED,
        profile,
        FormatId.GENERIC,
    )
    assert Household.objects.filter(ffm_app_id__in=["9100001", "9100002"]).count() == 2
    assert uploads_left() == []
    assert AuditEvent.objects.filter(action="mapping_profile.save").count() == 1


def test_the_saved_mapping_is_offered_for_the_next_file_of_that_layout(
    client: Client, personas: Personas, tmp_path: Path
) -> None:
    first = _upload_carrier(client, personas, tmp_path / "january")
    client.post(reverse("imports:mapping", args=[first.pk]), _mapping_form(CARRIER_MAPPING))
    reordered = tuple(reversed(CARRIER_HEADERS))
    upload(client, personas.agency_a, carrier_csv(tmp_path / "february", columns=reordered))
    second = last_job()
    assert second.status == JobStatus.NEEDS_MAPPING
    page = client.get(reverse("imports:mapping", args=[second.pk])).content.decode()
    assert "Your saved mapping “Acme broker book”" in page
    assert 'value="Acme broker book"' in page


def test_a_saved_mapping_chosen_on_upload_imports_at_once(
    client: Client, personas: Personas, tmp_path: Path
) -> None:
    profile = MappingProfile.objects.create(
        agency=personas.agency_a, name="Acme", mapping=CARRIER_MAPPING
    )
    sign_in(client, personas.alice)
    assert "Column mapping" in client.get(reverse("imports:upload")).content.decode()
    upload(client, personas.agency_a, carrier_csv(tmp_path), profile=profile.pk)
    assert (last_job().status, last_job().profile) == (JobStatus.SUCCEEDED, profile)


def test_a_mapping_without_a_household_key_is_refused(
    client: Client, personas: Personas, tmp_path: Path
) -> None:
    job = _upload_carrier(client, personas, tmp_path)
    without_key = {k: v for k, v in CARRIER_MAPPING.items() if k != "ffm_app_id"}
    response = client.post(reverse("imports:mapping", args=[job.pk]), _mapping_form(without_key))
    assert response.status_code == 200
    assert "Map a Case Number or an FFM Application ID column" in response.content.decode()
    twice = {**CARRIER_MAPPING, "plan_name": "Exchange ID"}
    response = client.post(reverse("imports:mapping", args=[job.pk]), _mapping_form(twice))
    assert "is used twice" in response.content.decode()
    assert not MappingProfile.objects.exists()
    job.refresh_from_db()
    assert job.status == JobStatus.NEEDS_MAPPING


def test_a_mapping_that_no_longer_fits_asks_again(
    client: Client, personas: Personas, tmp_path: Path
) -> None:
    stale = {**CARRIER_MAPPING, "gross_premium": "Monthly Premium"}
    profile = MappingProfile.objects.create(agency=personas.agency_a, name="Old", mapping=stale)
    sign_in(client, personas.alice)
    response = upload(client, personas.agency_a, carrier_csv(tmp_path), profile=profile.pk)
    job = last_job()
    assert response["Location"] == reverse("imports:mapping", args=[job.pk])
    assert "The mapping “Old” does not fit this file" in job.message


def test_mapping_is_for_managers_of_the_agency(
    client: Client, personas: Personas, tmp_path: Path
) -> None:
    job = _upload_carrier(client, personas, tmp_path)
    url = reverse("imports:mapping", args=[job.pk])
    for persona, status in (("sam", 403), ("rita", 403), ("bob", 403), ("mallory", 404)):
        sign_in(client, getattr(personas, persona))
        assert client.get(url).status_code == status
        assert client.post(url, _mapping_form(CARRIER_MAPPING)).status_code == status
    assert client.put(url).status_code == 405
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("accounts:login"))
    assert not MappingProfile.objects.exists()


def test_mapping_needs_a_csrf_token(
    csrf_client: Client, personas: Personas, tmp_path: Path
) -> None:
    job = _upload_carrier(Client(), personas, tmp_path)
    sign_in(csrf_client, personas.alice)
    url = reverse("imports:mapping", args=[job.pk])
    assert csrf_client.post(url, _mapping_form(CARRIER_MAPPING)).status_code == 403
    assert not MappingProfile.objects.exists()
