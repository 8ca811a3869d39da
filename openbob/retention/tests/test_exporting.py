"""The "retention_cases" export: the case list's "Export cases" button (who sees it, who
may press it) and the file it produces through the export pipeline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from openbob.accounts.models import User
from openbob.agencies.models import Agency
from openbob.audit.models import AuditEvent
from openbob.exports import services
from openbob.exports.access import BLOCKED, NO_ROLE
from openbob.exports.models import ExportJob, ExportStatus
from openbob.retention.exporting import KIND
from openbob.retention.models import RetentionCase
from openbob.testing import Personas, sign_in

pytestmark = pytest.mark.django_db
EXPORT_URL = "/retention/export/"
BUTTON = b"Export cases"
# POST /retention/export/ with a valid CSRF token: 302 to Exports History once queued.
EXPORT = {
    "alice": 302,
    "sam": 302,
    "rita": 403,
    "bob": 302,
    "carol": 302,
    "mallory": 302,
    "anonymous": 302,
}


@pytest.fixture(autouse=True)
def _export_dir(settings: Settings, tmp_path: Path) -> None:
    settings.OPENBOB_EXPORT_DIR = tmp_path / "exports"


def _cases(user: User, fmt: str = "xlsx") -> ExportJob:
    job = services.request_export(user=user, kind=KIND, fmt=fmt, options={}, enqueue=False)
    return services.run_job(job.pk, notify=False)


def _rows(job: ExportJob) -> list[dict[str, Any]]:
    assert job.status == ExportStatus.SUCCEEDED, job.error
    sheet = openpyxl.load_workbook(job.file_path, read_only=True).worksheets[0]
    header, *data = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    return [dict(zip(header, row, strict=True)) for row in data]


def _post_with_csrf(user: User | None, data: dict[str, str]) -> Any:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        sign_in(client, user)
    client.get(reverse("accounts:login"))
    token = client.cookies["csrftoken"].value
    return client.post(EXPORT_URL, {**data, "csrfmiddlewaretoken": token})


def test_each_persona_may_export_their_cases_except_read_only_users(
    renewal_book: Personas,
) -> None:
    got = {
        name: _post_with_csrf(
            None if name == "anonymous" else getattr(renewal_book, name), {"format": "csv"}
        ).status_code
        for name in EXPORT
    }
    assert got == EXPORT
    requesters = ExportJob.objects.values_list("requester__email", flat=True)
    allowed = {"alice": "a", "sam": "a", "bob": "a1", "carol": "a", "mallory": "b"}
    assert sorted(requesters) == sorted(f"{name}@{agency}.test" for name, agency in allowed.items())


def test_the_button_queues_a_case_export_audited_and_sends_to_exports_history(
    renewal_book: Personas,
) -> None:
    response = _post_with_csrf(renewal_book.carol, {"format": "csv"})
    assert response["Location"] == reverse("exports:history")
    job = ExportJob.objects.get()
    assert (job.requester, job.kind, job.format, job.masked) == (
        renewal_book.carol,
        KIND,
        "csv",
        True,
    )
    assert AuditEvent.objects.filter(action="export.request", subject_id=str(job.pk)).exists()


def test_an_unknown_format_is_refused_without_queueing_anything(
    renewal_book: Personas,
) -> None:
    response = _post_with_csrf(renewal_book.carol, {"format": "pdf"})
    assert response["Location"] == reverse("retention:cases")
    assert not ExportJob.objects.exists()


def test_the_export_needs_a_post_with_a_csrf_token(renewal_book: Personas) -> None:
    client = sign_in(Client(enforce_csrf_checks=True), renewal_book.carol)
    assert client.get(EXPORT_URL).status_code == 405
    assert client.post(EXPORT_URL, {"format": "csv"}).status_code == 403
    assert not ExportJob.objects.exists()


def test_the_button_shows_only_to_those_who_may_export(renewal_book: Personas) -> None:
    def page(user: User) -> bytes:
        return sign_in(Client(), user).get(reverse("retention:cases")).content

    assert BUTTON in page(renewal_book.carol)
    assert BUTTON in page(renewal_book.bob)
    assert BUTTON not in page(renewal_book.rita)
    Agency.objects.filter(pk=renewal_book.agency_a1.pk).update(allow_agent_exports=False)
    assert BUTTON not in page(User.objects.get(pk=renewal_book.bob.pk))
    assert _post_with_csrf(renewal_book.bob, {"format": "csv"}).status_code == 403


def test_the_case_export_holds_each_users_own_cases_with_readable_values(
    renewal_book: Personas,
) -> None:
    alice = _rows(_cases(renewal_book.alice))
    assert sorted(row["Consumer Name"] for row in alice) == ["Ana Alvarez", "Ben Brooks"]
    (ben,) = _rows(_cases(renewal_book.bob))
    case = RetentionCase.objects.get(household=renewal_book.household_a1)
    assert ben["Case ID"] == case.pk
    assert ben["Application Case Number"] == renewal_book.household_a1.case_number
    assert (ben["Plan Year"], ben["Score"]) == (case.plan_year, case.score)
    assert ben["Risk Category"] == case.get_risk_display()
    assert (ben["Risk Source"], ben["Status"], ben["Assignee"]) == (
        "Computed",
        "Open",
        "Bob Tester",
    )
    assert (ben["Closed"], ben["Resolution"], ben["Last Interaction"]) == (None, None, None)
    assert [row["Consumer Name"] for row in _rows(_cases(renewal_book.mallory))] == ["Bea Baker"]


def test_the_case_export_is_refused_by_the_export_switch_and_to_roles_without_exports(
    renewal_book: Personas,
) -> None:
    Agency.objects.filter(pk=renewal_book.agency_a1.pk).update(allow_agent_exports=False)
    with pytest.raises(PermissionDenied, match="Prevent exports"):
        _cases(User.objects.select_related("agency").get(pk=renewal_book.bob.pk))
    with pytest.raises(PermissionDenied, match=NO_ROLE):
        _cases(renewal_book.rita)
    job = services.request_export(
        user=renewal_book.carol, kind=KIND, fmt="csv", options={}, enqueue=False
    )
    Agency.objects.filter(pk=renewal_book.agency_a.pk).update(allow_agent_exports=False)
    assert services.run_job(job.pk, notify=False).error == BLOCKED


def test_the_case_export_is_listed_in_history_under_its_title(
    renewal_book: Personas, client: Client
) -> None:
    _cases(renewal_book.alice, fmt="csv")
    history = sign_in(client, renewal_book.alice).get(reverse("exports:history")).content
    assert "Retention cases (CSV (UTF-8))" in history.decode()
