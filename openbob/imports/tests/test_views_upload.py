"""The upload page: who may use it, the size limit, CSRF, private files, inline vs queued."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from django.core.files.uploadhandler import StopUpload
from django.test import Client, RequestFactory
from django.urls import reverse
from pytest_django import Settings

from openbob.book.models import Household
from openbob.imports.models import ImportJob, ImportRun, JobStatus
from openbob.imports.tests.uploading import (
    generated,
    last_job,
    upload,
    uploads_left,
    week_file,
    with_bad_dates,
)
from openbob.imports.uploads import PrivateUploadHandler
from openbob.sources.formats import FormatId
from openbob.sources.generate import GenerationSummary
from openbob.testing import Personas, sign_in

URL = "/imports/"


@pytest.fixture(autouse=True)
def _private_data_dir(settings: Settings, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> GenerationSummary:
    return generated(tmp_path_factory.mktemp("generated"), weeks=1)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 200), ("mallory", 200), ("sam", 403), ("rita", 403), ("bob", 403), ("carol", 403)],
)
def test_only_agency_managers_may_upload(
    client: Client, personas: Personas, persona: str, status: int
) -> None:
    sign_in(client, getattr(personas, persona))
    assert client.get(URL).status_code == status
    assert client.post(URL, {}).status_code == status


def test_it_sends_anonymous_users_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_it_rejects_other_methods(client: Client, personas: Personas, method: str) -> None:
    sign_in(client, personas.alice)
    assert getattr(client, method)(URL).status_code == 405


def test_the_form_is_labelled(client: Client, personas: Personas) -> None:
    page = sign_in(client, personas.alice).get(URL).content.decode()
    for name in ("uploads", "agency", "as_of", "allow_partial"):
        assert f'<label for="id_{name}"' in page
    assert "multiple" in page and 'enctype="multipart/form-data"' in page


def test_it_imports_a_small_file_in_the_request(
    client: Client, personas: Personas, files: GenerationSummary
) -> None:
    sign_in(client, personas.alice)
    response = upload(
        client, personas.agency_a, week_file(files, FormatId.HEALTHSHERPA_ENROLLMENTS)
    )
    job = last_job()
    assert response["Location"] == reverse("imports:result", args=[job.pk])
    assert (job.status, job.agency, job.actor) == (
        JobStatus.SUCCEEDED,
        personas.agency_a,
        personas.alice,
    )
    assert job.run is not None and job.run.format == FormatId.HEALTHSHERPA_ENROLLMENTS
    assert job.file_name == week_file(files, FormatId.HEALTHSHERPA_ENROLLMENTS).name
    assert job.upload_path == "" and uploads_left() == []
    page = client.get(response["Location"]).content.decode()
    assert "Imported" in page and "households created" in page


def test_it_imports_several_files_rosters_first(
    client: Client, personas: Personas, files: GenerationSummary
) -> None:
    sign_in(client, personas.alice)
    layouts = (
        FormatId.HEALTHSHERPA_DMI,
        FormatId.CALHEERS_BOOK,
        FormatId.HEALTHSHERPA_ROSTER,
    )
    response = upload(client, personas.agency_a, *(week_file(files, f) for f in layouts))
    assert response["Location"] == URL
    runs = ImportRun.objects.order_by("pk").values_list("format", flat=True)
    assert list(runs) == [
        FormatId.HEALTHSHERPA_ROSTER,
        FormatId.CALHEERS_BOOK,
        FormatId.HEALTHSHERPA_DMI,
    ]
    page = client.get(URL).content.decode()
    assert all(week_file(files, f).name in page for f in layouts)
    assert uploads_left() == []


def test_a_file_with_errors_writes_nothing_and_lists_every_error(
    client: Client, personas: Personas, files: GenerationSummary, tmp_path: Path
) -> None:
    source = week_file(files, FormatId.HEALTHSHERPA_ENROLLMENTS)
    bad = with_bad_dates(source, tmp_path / "enrollments_bad.csv", column="effective_date", rows=3)
    sign_in(client, personas.alice)
    households = Household.objects.count()
    response = upload(client, personas.agency_a, bad)
    job = last_job()
    assert job.status == JobStatus.REJECTED and job.run is None and job.error_count >= 3
    assert Household.objects.count() == households
    page = client.get(response["Location"]).content.decode()
    assert "effective_date" in page and "Every problem, as CSV" in page
    assert "The rejected rows" not in page
    assert page.count("<td>enrollments_bad.csv</td>") == job.error_count


def test_valid_rows_only_hands_back_the_rejected_rows(
    client: Client, personas: Personas, files: GenerationSummary, tmp_path: Path
) -> None:
    source = week_file(files, FormatId.HEALTHSHERPA_ENROLLMENTS)
    bad = with_bad_dates(source, tmp_path / "enrollments_bad.csv", column="effective_date", rows=2)
    sign_in(client, personas.alice)
    response = upload(client, personas.agency_a, bad, allow_partial="on")
    job = last_job()
    assert job.status == JobStatus.SUCCEEDED and job.run is not None
    assert job.run.rejected_rows >= 1
    assert Path(job.rejected_path).is_file() and Path(job.errors_path).is_file()
    assert stat.S_IMODE(Path(job.rejected_path).stat().st_mode) == 0o600
    page = client.get(response["Location"]).content.decode()
    assert "The rejected rows" in page and "Every problem, as CSV" in page


def test_a_large_file_is_queued_for_the_worker(
    client: Client, personas: Personas, files: GenerationSummary, settings: Settings
) -> None:
    settings.OPENBOB_IMPORT_INLINE_MAX_BYTES = 100
    sign_in(client, personas.alice)
    response = upload(client, personas.agency_a, week_file(files, FormatId.HEALTHSHERPA_ROSTER))
    job = last_job()
    assert job.status == JobStatus.QUEUED and job.task_id
    assert not ImportRun.objects.exists()
    kept = Path(job.upload_path)
    assert uploads_left() == [kept.parent, kept]
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(kept.parent.stat().st_mode) == 0o700
    page = client.get(response["Location"]).content.decode()
    assert "Queued" in page and 'hx-trigger="every 3s"' in page
    part = client.get(response["Location"], headers={"HX-Request": "true"})
    assert part.content.decode().startswith('<div id="result-body"')


def test_it_refuses_an_upload_over_the_limit_before_reading_it(
    client: Client, personas: Personas, files: GenerationSummary, settings: Settings
) -> None:
    settings.OPENBOB_UPLOAD_MAX_BYTES = 2_000
    sign_in(client, personas.alice)
    response = upload(client, personas.agency_a, week_file(files, FormatId.CALHEERS_BOOK))
    assert response.status_code == 413
    assert "larger than the limit" in response.content.decode()
    assert not ImportJob.objects.exists() and uploads_left() == []


def test_it_stops_a_stream_that_grows_past_the_limit(settings: Settings) -> None:
    """A client can understate Content-Length: the handler counts what actually arrives."""
    handler = PrivateUploadHandler(RequestFactory().post("/"), limit=10)
    handler.new_file("uploads", "book.csv", "text/csv", None)
    handler.receive_data_chunk(b"12345", 0)
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"678901", 5)
    assert handler.too_large
    handler.discard_unclaimed()
    assert uploads_left() == []


def test_uploads_need_a_csrf_token(
    csrf_client: Client, personas: Personas, files: GenerationSummary
) -> None:
    sign_in(csrf_client, personas.alice)
    response = upload(
        csrf_client, personas.agency_a, week_file(files, FormatId.HEALTHSHERPA_ROSTER)
    )
    assert response.status_code == 403
    assert not ImportJob.objects.exists() and uploads_left() == []


def test_a_manager_imports_into_a_sub_agency_but_never_another_agency(
    client: Client, personas: Personas, files: GenerationSummary
) -> None:
    roster = week_file(files, FormatId.HEALTHSHERPA_ROSTER)
    sign_in(client, personas.alice)
    upload(client, personas.agency_a1, roster)
    assert last_job().agency == personas.agency_a1
    response = upload(client, personas.agency_b, roster)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert ImportJob.objects.count() == 1 and uploads_left() == []


def test_a_result_is_for_the_managers_of_its_agency(
    client: Client, personas: Personas, files: GenerationSummary
) -> None:
    roster = week_file(files, FormatId.HEALTHSHERPA_ROSTER)
    sign_in(client, personas.alice)
    upload(client, personas.agency_a1, roster)
    url = reverse("imports:result", args=[last_job().pk])
    expected = {"alice": 200, "mallory": 404, "sam": 403, "rita": 403, "bob": 403, "carol": 403}
    for persona, status in expected.items():
        sign_in(client, getattr(personas, persona))
        assert client.get(url).status_code == status
    assert client.post(url).status_code == 405
    sign_in(client, personas.alice)
    assert client.get(reverse("imports:result", args=[last_job().pk + 1])).status_code == 404
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("accounts:login"))
