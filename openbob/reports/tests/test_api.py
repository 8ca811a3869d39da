"""The reports API: catalogue, list, create, run and export, scoped and strict."""

from __future__ import annotations

from typing import Any

import pytest

from openbob.accounts.models import User
from openbob.accounts.roles import Role
from openbob.api.tests.conftest import ApiCaller
from openbob.audit.models import AuditEvent
from openbob.exports.models import ExportJob
from openbob.reports.models import Report, ReportFolder
from openbob.testing import Personas, make_user

pytestmark = pytest.mark.django_db
ACTIVE_2025: dict[str, Any] = {
    "type": "consumers",
    "columns": ["consumer_name", "health_enrollment_status", "net_premium"],
    "filters": [
        {"field": "year_of_application", "op": "equals", "value": 2025},
        {"field": "health_enrollment_status", "op": "in", "value": ["Pending", "Effectuated"]},
    ],
    "sort": [{"field": "consumer_name", "desc": False}],
}


def test_the_catalogue_lists_types_fields_operators_and_masking(
    api: ApiCaller, book: Personas
) -> None:
    types = api.get_json("/api/reports/fields", as_user=book.rita)
    consumers = next(t for t in types if t["key"] == "consumers")
    year = next(f for f in consumers["fields"] if f["key"] == "year_of_application")
    assert year["label"] == "Year of Application" and "between" in year["operators"]
    income = next(f for f in consumers["fields"] if f["key"] == "household_income")
    assert income["operators"] == [] and income["masking"] == "Always masked as *****."


def test_create_list_run_and_export_a_report(
    api: ApiCaller, book: Personas, sample: Report
) -> None:
    created = api.call(
        "POST",
        "/api/reports",
        as_user=book.alice,
        body={"name": "2025 only", "definition": ACTIVE_2025},
    )
    assert created.status_code == 201, created.content
    report_id = created.json()["id"]
    assert created.json()["folder"] == "Private Reports"
    names = [r["name"] for r in api.get_json("/api/reports", as_user=book.alice)["items"]]
    assert names == ["My Book of Business", "2025 only"]
    assert [r["name"] for r in api.get_json("/api/reports", as_user=book.bob)["items"]] == [
        "My Book of Business"
    ]
    result = api.get_json(f"/api/reports/{report_id}/run", as_user=book.alice)
    assert result["rows"] == [
        ["Ana Alvarez", "Effectuated", "112.40"],
        ["Ben Brooks", "Pending", "50.00"],
    ]
    assert result["total"] == 2 and result["grouped"] is False
    queued = api.call(
        "POST", f"/api/reports/{report_id}/export", as_user=book.alice, body={"format": "csv"}
    )
    assert queued.status_code == 202 and queued.json()["status"] == "queued"
    job = ExportJob.objects.get(pk=queued.json()["id"])
    assert (job.kind, job.parameters, job.masked) == (
        "report",
        {"report_id": report_id, "bom": False},
        True,
    )
    assert AuditEvent.objects.filter(action="export.request", subject_id=str(job.pk)).exists()


def test_a_definition_runs_unsaved_and_groups(api: ApiCaller, book: Personas) -> None:
    body = {"definition": {**ACTIVE_2025, "group_by": "enroller_contact", "sums": ["net_premium"]}}
    result = api.call("POST", "/api/reports/run", as_user=book.mallory, body=body).json()
    assert result["rows"] == [["Mallory Tester", 1, "10.00"]]
    assert result["totals"] == ["Total", 1, "10.00"]


@pytest.mark.parametrize(
    ("definition", "detail"),
    [
        ({"type": "consumers", "columns": ["nope"]}, "“nope” is not a field"),
        (
            {**ACTIVE_2025, "filters": [{"field": "consumer_name", "op": "like", "value": "a"}]},
            "cannot be filtered with “like”",
        ),
        ({**ACTIVE_2025, "group_by": "household_income"}, "masked PII"),
        ("not an object", "Input should be a valid dictionary"),
    ],
)
def test_bad_definitions_are_422_with_the_reason(
    api: ApiCaller, book: Personas, definition: Any, detail: str
) -> None:
    for path, body in (
        ("/api/reports", {"name": "x", "definition": definition}),
        ("/api/reports/run", {"definition": definition}),
    ):
        response = api.call("POST", path, as_user=book.alice, body=body)
        assert response.status_code == 422, response.content
        assert detail in str(response.json()["detail"])
    assert Report.objects.filter(sample=False).count() == 0


def test_outsiders_get_404_and_read_only_cannot_export(
    api: ApiCaller, book: Personas, sample: Report
) -> None:
    created = api.call(
        "POST", "/api/reports", as_user=book.carol, body={"name": "Mine", "definition": ACTIVE_2025}
    )
    report_id = created.json()["id"]
    for user in (book.alice, book.bob, book.mallory):
        assert api.call("GET", f"/api/reports/{report_id}", as_user=user).status_code == 404
        assert api.call("GET", f"/api/reports/{report_id}/run", as_user=user).status_code == 404
    refused = api.call("POST", f"/api/reports/{sample.pk}/export", as_user=book.rita, body={})
    assert refused.status_code == 403
    assert api.call("GET", "/api/reports", as_user=None).status_code == 401
    folder = api.call(
        "POST",
        "/api/reports",
        as_user=book.alice,
        body={"name": "x", "folder_id": 99, "definition": ACTIVE_2025},
    )
    assert folder.status_code == 404


def test_a_manager_sees_what_they_save_in_a_sub_agency_folder_and_rows_stay_scoped(
    api: ApiCaller, book: Personas
) -> None:
    folder = ReportFolder.objects.create(agency=book.agency_a1, name="A1 team")
    created = api.call(
        "POST",
        "/api/reports",
        as_user=book.alice,
        body={"name": "A1 2025", "folder_id": folder.pk, "definition": ACTIVE_2025},
    )
    assert created.status_code == 201, created.content
    url = f"/api/reports/{created.json()['id']}"
    assert api.get_json(url, as_user=book.alice)["folder"] == "A1 team"
    listed = api.get_json("/api/reports", as_user=book.alice)["items"]
    assert "A1 2025" in [r["name"] for r in listed]
    dana = make_user("dana@a1.test", Role.AGENCY_MANAGER, book.agency_a1)

    def names(user: User) -> list[str]:
        return [row[0] for row in api.get_json(f"{url}/run", as_user=user)["rows"]]

    assert names(book.alice) == ["Ana Alvarez", "Ben Brooks"]
    assert names(dana) == names(book.bob) == ["Ben Brooks"]
    for outsider in (book.sam, book.carol, book.mallory):
        assert api.call("GET", url, as_user=outsider).status_code == 404
