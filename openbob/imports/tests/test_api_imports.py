"""The imports API: uploads swept across agencies and roles, mapping profiles, changes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_django import Settings

from openbob.api.tests.conftest import ApiCaller
from openbob.audit.models import AuditEvent
from openbob.book.choices import Source
from openbob.imports.choices import EventType, ImportStatus
from openbob.imports.models import ChangeEvent, ImportJob, ImportRun, MappingProfile
from openbob.imports.tests.uploading import (
    CARRIER_HEADERS,
    CARRIER_MAPPING,
    carrier_csv,
    generated,
    uploads_left,
    week_file,
    with_bad_dates,
)
from openbob.sources.formats import FormatId
from openbob.sources.generate import GenerationSummary
from openbob.testing import Personas

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(autouse=True)
def _private_data_dir(settings: Settings, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> GenerationSummary:
    return generated(tmp_path_factory.mktemp("generated"), weeks=1)


@pytest.fixture
def api(client: Client) -> ApiCaller:
    return ApiCaller(client)


def _post_file(api: ApiCaller, user: Any, path: Path, **fields: Any) -> TestResponse:
    headers = {"Authorization": f"Bearer {api.token_for(user)}"} if user else {}
    with path.open("rb") as handle:
        return api.client.post("/api/imports", {"file": handle, **fields}, headers=headers)


@pytest.mark.parametrize(
    ("persona", "target", "status"),
    [
        ("alice", "agency_a", 201),
        ("alice", "agency_a1", 201),
        ("alice", "agency_b", 404),
        ("mallory", "agency_b", 201),
        ("mallory", "agency_a", 404),
        ("mallory", "agency_a1", 404),
        ("sam", "agency_a", 403),
        ("rita", "agency_a", 403),
        ("bob", "agency_a1", 403),
        ("carol", "agency_a", 403),
        (None, "agency_a", 401),
    ],
)
def test_uploads_are_swept_across_agencies_and_roles(
    api: ApiCaller,
    personas: Personas,
    files: GenerationSummary,
    persona: str | None,
    target: str,
    status: int,
) -> None:
    user = getattr(personas, persona) if persona else None
    agency = getattr(personas, target)
    roster = week_file(files, FormatId.HEALTHSHERPA_ROSTER)
    response = _post_file(api, user, roster, agency_id=agency.pk)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    if status == 201:
        body = response.json()
        assert (body["status"], body["agency_id"]) == ("succeeded", agency.pk)
        assert body["run"]["format"] == FormatId.HEALTHSHERPA_ROSTER
    else:
        assert not ImportJob.objects.exists() and not ImportRun.objects.exists()
    assert uploads_left() == []


def test_an_upload_defaults_to_the_own_agency(
    api: ApiCaller, personas: Personas, files: GenerationSummary
) -> None:
    response = _post_file(api, personas.alice, week_file(files, FormatId.HEALTHSHERPA_ROSTER))
    assert response.json()["agency_id"] == personas.agency_a.pk


def test_a_rejected_upload_returns_every_error(
    api: ApiCaller, personas: Personas, files: GenerationSummary, tmp_path: Path
) -> None:
    source = week_file(files, FormatId.HEALTHSHERPA_ENROLLMENTS)
    bad = with_bad_dates(source, tmp_path / "enrollments.csv", column="effective_date", rows=3)
    body = _post_file(api, personas.alice, bad).json()
    assert (body["status"], body["run"], body["error_count"]) == ("rejected", None, 3)
    assert [(e["file"], e["row"], e["column"]) for e in body["errors"]] == [
        ("enrollments.csv", 2, "effective_date"),
        ("enrollments.csv", 3, "effective_date"),
        ("enrollments.csv", 4, "effective_date"),
    ]
    again = api.get_json(f"/api/imports/{body['id']}", as_user=personas.alice)
    assert again["errors"] == body["errors"]
    partial = _post_file(api, personas.alice, bad, allow_partial="true").json()
    assert partial["status"] == "succeeded" and partial["run"]["rejected_rows"] >= 1


def test_a_large_upload_is_queued(
    api: ApiCaller, personas: Personas, files: GenerationSummary, settings: Settings
) -> None:
    settings.OPENBOB_IMPORT_INLINE_MAX_BYTES = 10
    body = _post_file(api, personas.alice, week_file(files, FormatId.HEALTHSHERPA_ROSTER)).json()
    assert (body["status"], body["run"]) == ("queued", None)
    assert len(uploads_left()) == 2  # the kept file and its private folder


def test_an_upload_over_the_limit_is_refused_unread(
    api: ApiCaller, personas: Personas, files: GenerationSummary, settings: Settings
) -> None:
    settings.OPENBOB_UPLOAD_MAX_BYTES = 1_000
    response = _post_file(api, personas.alice, week_file(files, FormatId.CALHEERS_BOOK))
    assert response.status_code == 413
    assert "larger than the limit" in response.json()["detail"]
    assert not ImportJob.objects.exists() and uploads_left() == []


def test_a_body_without_a_file_is_invalid(api: ApiCaller, personas: Personas) -> None:
    response = api.call("POST", "/api/imports", as_user=personas.alice, body={"x": 1})
    assert response.status_code == 422


def test_an_unknown_layout_is_mapped_through_the_api(
    api: ApiCaller, personas: Personas, tmp_path: Path
) -> None:
    carrier = carrier_csv(tmp_path)
    first = _post_file(api, personas.alice, carrier).json()
    assert (first["status"], first["headers"]) == ("needs_mapping", list(CARRIER_HEADERS))
    assert first["proposal"]["profile"] is None
    assert first["proposal"]["mapping"]["ffm_app_id"] == "Exchange ID"
    body = {"name": "Acme", "mapping": CARRIER_MAPPING, "headers": first["headers"]}
    saved = api.call("POST", "/api/mapping-profiles", as_user=personas.alice, body=body)
    assert saved.status_code == 201, saved.content
    assert saved.json()["agency_id"] == personas.agency_a.pk
    listed = api.get_json("/api/mapping-profiles", as_user=personas.alice)["items"]
    assert [p["name"] for p in listed] == ["Acme"]
    offered = api.get_json(f"/api/imports/{first['id']}", as_user=personas.alice)["proposal"]
    assert offered == {"mapping": CARRIER_MAPPING, "profile": "Acme"}
    done = _post_file(api, personas.alice, carrier, profile="Acme").json()
    assert (done["status"], done["profile"], done["format"]) == ("succeeded", "Acme", "generic")


def test_mapping_profiles_refuse_what_cannot_read_a_file(
    api: ApiCaller, personas: Personas, tmp_path: Path
) -> None:
    def save(body: dict[str, Any]) -> TestResponse:
        return api.call("POST", "/api/mapping-profiles", as_user=personas.alice, body=body)

    no_key = {"name": "X", "mapping": {"full_name": "Member Name"}}
    assert "Case Number or an FFM Application ID" in save(no_key).json()["detail"]
    not_in_file = {"name": "X", "mapping": CARRIER_MAPPING, "headers": ["Member Name"]}
    assert "Not a column of the file" in save(not_in_file).json()["detail"]
    unknown = {"name": "X", "mapping": {**CARRIER_MAPPING, "shoe_size": "Size"}}
    assert save(unknown).status_code == 422
    assert save({"name": "", "mapping": CARRIER_MAPPING}).status_code == 422
    assert not MappingProfile.objects.exists()
    response = _post_file(api, personas.alice, carrier_csv(tmp_path), profile="Nope")
    assert response.status_code == 422 and not ImportJob.objects.exists()


def test_saving_a_profile_twice_replaces_it_and_is_audited(
    api: ApiCaller, personas: Personas
) -> None:
    body = {"name": "Acme", "mapping": CARRIER_MAPPING}
    api.call("POST", "/api/mapping-profiles", as_user=personas.alice, body=body)
    changed = {**body, "mapping": {"ffm_app_id": "Exchange ID"}}
    api.call("POST", "/api/mapping-profiles", as_user=personas.alice, body=changed)
    assert MappingProfile.objects.get().mapping == {"ffm_app_id": "Exchange ID"}
    assert AuditEvent.objects.filter(action="mapping_profile.save").count() == 2


def test_import_lists_are_scoped(api: ApiCaller, personas: Personas) -> None:
    for agency in (personas.agency_a, personas.agency_a1, personas.agency_b):
        ImportJob.objects.create(agency=agency, file_name=f"{agency.name}.csv")
    alice = api.get_json("/api/imports", as_user=personas.alice)["items"]
    assert {j["file_name"] for j in alice} == {"Agency A.csv", "Agency A1.csv"}
    mallory = api.get_json("/api/imports", as_user=personas.mallory)["items"]
    assert [j["file_name"] for j in mallory] == ["Agency B.csv"]


def _event(run: ImportRun, household: Any, kind: EventType, week: str) -> ChangeEvent:
    return ChangeEvent.objects.create(
        agency_id=household.agency_id,
        agent=household.agent,
        household=household,
        run=run,
        source=Source.CALHEERS,
        type=kind,
        key=household.case_number,
        week=week,
        as_of=datetime.fromisoformat(f"{week}T21:00").replace(tzinfo=UTC),
    )


@pytest.fixture
def events(personas: Personas) -> None:
    for agency, households in (
        (personas.agency_a, (personas.household_a, personas.household_a1)),
        (personas.agency_b, (personas.household_b,)),
    ):
        run = ImportRun.objects.create(
            agency=agency,
            file_name="book.xlsx",
            sha256=str(agency.pk),
            status=ImportStatus.SUCCEEDED,
        )
        for household in households:
            _event(run, household, EventType.PLAN_CHANGED, "2025-01-03")
            _event(run, household, EventType.APTC_CHANGED, "2025-01-10")


def _changes(api: ApiCaller, user: Any, **query: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = api.get_json("/api/changes", as_user=user, **query)["items"]
    return items


@pytest.mark.usefixtures("events")
def test_changes_are_scoped_like_households(api: ApiCaller, personas: Personas) -> None:
    def households(user: Any) -> set[int]:
        return {item["household"]["id"] for item in _changes(api, user)}

    a, a1, b = personas.household_a.pk, personas.household_a1.pk, personas.household_b.pk
    assert households(personas.alice) == {a, a1}
    assert households(personas.rita) == households(personas.sam) == {a}
    assert households(personas.bob) == {a1}
    assert households(personas.mallory) == {b}
    assert api.call("GET", "/api/changes", as_user=None).status_code == 401


@pytest.mark.usefixtures("events")
def test_changes_filter_by_date_type_and_agent(api: ApiCaller, personas: Personas) -> None:
    since = _changes(api, personas.alice, since="2025-01-05")
    assert {c["type"] for c in since} == {"aptc_changed"} and len(since) == 2
    assert since[0]["type_label"] == "APTC (subsidy) changed"
    plans = _changes(api, personas.alice, type="plan_changed", agent=personas.bob.pk)
    assert [(c["household"]["id"], c["agent"]["id"]) for c in plans] == [
        (personas.household_a1.pk, personas.bob.pk)
    ]
    assert len(_changes(api, personas.alice, since="", type="", agent="")) == 4
    page = api.get_json("/api/changes", as_user=personas.alice, limit=1, offset=1)
    assert page["count"] == 4 and len(page["items"]) == 1
    too_many = api.call("GET", "/api/changes", as_user=personas.alice, limit=501)
    assert too_many.status_code == 422


texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
query_values = st.one_of(texts, st.integers().map(str), st.sampled_from(["", "2025-01-10"]))


@FUZZ
@given(
    query=st.fixed_dictionaries(
        {},
        optional=dict.fromkeys(("since", "type", "agent", "limit", "offset"), query_values),
    )
)
def test_change_filters_never_fail(api: ApiCaller, personas: Personas, query: Any) -> None:
    response = api.call("GET", "/api/changes", as_user=personas.alice, **query)
    assert response.status_code in {200, 422}, response.content


json_values = st.recursive(
    st.one_of(texts, st.integers(), st.booleans(), st.none()),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
)


@FUZZ
@given(
    body=st.one_of(
        json_values,
        st.dictionaries(st.sampled_from(["name", "mapping", "headers", "agency_id"]), json_values),
        st.builds(
            lambda name, mapping: {"name": name, "mapping": mapping},
            texts,
            st.dictionaries(st.sampled_from([*CARRIER_MAPPING, "ssn"]), texts, max_size=4),
        ),
    )
)
def test_profile_bodies_never_fail(api: ApiCaller, personas: Personas, body: Any) -> None:
    response = api.call("POST", "/api/mapping-profiles", as_user=personas.alice, body=body)
    assert response.status_code in {201, 400, 404, 422}, response.content
