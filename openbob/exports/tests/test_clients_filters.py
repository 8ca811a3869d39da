"""The Clients export takes the Active Consumers list's filters: "Export these clients"
on the list, the same filters in `POST /api/exports`, applied by the worker within the
requester's scope and stated in the file."""

from __future__ import annotations

import csv
import html
import logging
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from openbob.accounts.models import User
from openbob.accounts.roles import Role
from openbob.agencies.models import Agency
from openbob.api.tests.conftest import ApiCaller
from openbob.audit.models import AuditEvent
from openbob.book.choices import Program
from openbob.book.models import Household
from openbob.exports import services
from openbob.exports.models import ExportJob, ExportStatus
from openbob.exports.tests.conftest import run_worker, worker_test
from openbob.testing import Personas, SmtpInbox, make_household, make_user, sign_in

pytestmark = pytest.mark.django_db

EXPORT_LINK = re.compile(r'href="(/exports/[^"]*clients/[^"]*)">Export these clients<')
LISTED = re.compile(r'href="/households/(\d+)/"')
NO_SUCH_AGENT = "Select a valid choice. That choice is not one of the available choices."


@pytest.fixture
def mias(book: Personas) -> Personas:
    """Medi-Cal "Mia"s of carol (wanted), of bob (other agent) and a Covered California
    Mia of carol (other program), beside the book's Mia Medina (Medi-Cal, carol)."""
    for agency, agent, name, program in (
        (book.agency_a, book.carol, "Mia Morales", Program.MEDI_CAL),
        (book.agency_a1, book.bob, "Mia Moore", Program.MEDI_CAL),
        (book.agency_a, book.carol, "Mia Cruz", Program.COVERED_CALIFORNIA),
    ):
        household = make_household(agency, agent, name=name, ssn="912000009")
        Household.objects.filter(pk=household.pk).update(program=program)
    return book


def _filters(personas: Personas) -> dict[str, Any]:
    return {"agent": personas.carol.pk, "program": Program.MEDI_CAL, "q": "mia"}


def _listed_names(client: Client, **params: Any) -> set[str]:
    page = client.get(reverse("portal:consumers"), params).content.decode()
    ids = {int(pk) for pk in LISTED.findall(page)}
    return set(Household.objects.filter(pk__in=ids).values_list("primary_name", flat=True))


def _export_link(client: Client, **params: Any) -> str | None:
    page = client.get(reverse("portal:consumers"), params).content.decode()
    found = EXPORT_LINK.search(page)
    return html.unescape(found.group(1)) if found else None


def _csv_names(job: ExportJob) -> set[str]:
    with Path(job.file_path).open(encoding="utf-8", newline="") as stream:
        return {row["Primary Contact"] for row in csv.DictReader(stream)}


def _api_export(api: ApiCaller, user: User, **body: Any) -> Any:
    return api.call(
        "POST", "/api/exports", as_user=user, body={"type": "clients", "format": "csv", **body}
    )


@worker_test
def test_export_these_clients_writes_exactly_the_households_the_list_shows(
    mias: Personas, client: Client, smtp: SmtpInbox
) -> None:
    sign_in(client, mias.alice)
    params = {**_filters(mias), "sort": "-premium"}
    listed = _listed_names(client, **params)
    assert listed == {"Mia Medina", "Mia Morales"}
    link = _export_link(client, **params)
    assert link is not None and "sort" not in link

    form = client.get(link).content.decode()
    assert "Search: “mia”; Agent: Carol Tester; Program: Medi-Cal" in html.unescape(form)
    response = client.post(link, {"format": "xlsx", "include_unsubmitted": "on"})
    assert response.status_code == 302, response.content
    job = ExportJob.objects.get(requester=mias.alice, kind="clients")
    assert job.parameters["filters"] == _filters(mias)

    run_worker()

    job.refresh_from_db()
    assert job.status == ExportStatus.SUCCEEDED, job.error
    workbook = openpyxl.load_workbook(job.file_path, read_only=True)
    title, header, *rows = workbook.worksheets[0].iter_rows(values_only=True)
    assert {row[header.index("Primary Contact")] for row in rows} == listed
    assert "filters: Search: “mia”; Agent: Carol Tester; Program: Medi-Cal" in str(title[0])
    legend = dict(workbook["Legend"].iter_rows(min_row=2, values_only=True))
    assert legend["Filters"] == "Search: “mia”; Agent: Carol Tester; Program: Medi-Cal"


def test_the_api_takes_the_same_filters_and_the_file_holds_only_the_filtered_households(
    mias: Personas, api: ApiCaller
) -> None:
    response = _api_export(api, mias.alice, filters=_filters(mias), include_unsubmitted=True)
    assert response.status_code == 202, response.content
    assert response.json()["parameters"]["filters"] == _filters(mias)

    job = services.run_job(response.json()["id"], notify=False)
    assert job.status == ExportStatus.SUCCEEDED, job.error
    assert _csv_names(job) == {"Mia Medina", "Mia Morales"}
    unfiltered = services.run_job(
        _api_export(api, mias.alice, include_unsubmitted=True).json()["id"], notify=False
    )
    assert _csv_names(unfiltered) > {"Mia Medina", "Mia Morales", "Mia Moore", "Mia Cruz"}


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"colour": "red"}, "Unknown filter(s): colour. Filters are: q, agent, program"),
        ({"program": "gold"}, "Filter program (Program): Select a valid choice. gold is not"),
        ({"year": "soon"}, "Filter year (Application year): Enter a whole number."),
        ({"effective_from": "2026-02-30"}, "Filter effective_from (Effective from): Enter a"),
        ({"q": "x" * 101}, "Filter q (Search): Ensure this value has at most 100 characters"),
    ],
)
def test_bad_filters_are_refused_with_a_clear_message_and_queue_nothing(
    personas: Personas, api: ApiCaller, filters: dict[str, Any], message: str
) -> None:
    response = _api_export(api, personas.alice, filters=filters)
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert not ExportJob.objects.exists()


def test_filters_are_refused_where_they_do_not_belong_or_are_not_plain_values(
    personas: Personas, api: ApiCaller
) -> None:
    response = api.call(
        "POST",
        "/api/exports",
        as_user=personas.alice,
        body={"type": "book_all", "filters": {"program": "medi_cal"}},
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "Book of Business (All Agents) takes no list filters."
    assert _api_export(api, personas.alice, filters={"agent": [1]}).status_code == 422
    assert not ExportJob.objects.exists()


def test_the_request_page_shows_bad_list_filters_and_queues_nothing(
    personas: Personas, client: Client
) -> None:
    sign_in(client, personas.alice)
    url = reverse("exports:new", args=["clients"]) + "?program=gold"
    page = client.get(url).content.decode()
    assert "These list filters cannot be applied: Filter program (Program)" in page
    assert client.post(url, {"format": "csv"}).status_code == 200
    assert not ExportJob.objects.exists()


def test_an_outsiders_agent_is_refused_like_a_missing_one_and_never_reaches_outside_scope(
    book: Personas, api: ApiCaller
) -> None:
    zed = make_user("zed@b.test", Role.AGENT, book.agency_b)
    make_household(book.agency_b, zed, name="Zoe Zed", ssn="912000010")
    for agent_id in (zed.pk, 999_999):
        response = _api_export(api, book.alice, filters={"agent": agent_id})
        assert response.status_code == 422
        assert response.json()["detail"] == f"Filter agent (Agent): {NO_SUCH_AGENT}"
    refused = _api_export(api, book.mallory, filters={"agent": book.carol.pk})
    assert refused.json()["detail"] == f"Filter agent (Agent): {NO_SUCH_AGENT}"

    # A job whose agent has left the requester's scope since it was requested.
    job = services.request_export(
        user=book.alice,
        kind="clients",
        fmt="xlsx",
        options={"include_unsubmitted": True, "filters": {"agent": book.carol.pk}},
        enqueue=False,
    )
    ExportJob.objects.filter(pk=job.pk).update(
        parameters={**job.parameters, "filters": {"agent": zed.pk}}
    )
    job = services.run_job(job.pk, notify=False)
    assert job.status == ExportStatus.SUCCEEDED and job.rows == 0
    legend = openpyxl.load_workbook(job.file_path, read_only=True)["Legend"]
    assert dict(legend.iter_rows(min_row=2, values_only=True))["Filters"] == (
        "Agent: not in your scope"
    )


def test_the_search_text_is_stored_for_the_job_but_never_logged(
    mias: Personas, api: ApiCaller, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    response = _api_export(api, mias.alice, filters={"q": "Morales"}, include_unsubmitted=True)
    job = services.run_job(response.json()["id"], notify=True)

    assert job.parameters["filters"] == {"q": "Morales"}
    assert _csv_names(job) == {"Mia Morales"}
    (audited,) = AuditEvent.objects.filter(action="export.request")
    assert audited.detail["parameters"]["filters"] == {"q": services.SEARCH_WITHHELD}
    assert "Morales" not in caplog.text


def test_export_these_clients_follows_the_filters_and_shows_only_to_exporters(
    personas: Personas,
) -> None:
    alice = sign_in(Client(), personas.alice)
    assert _export_link(alice) == reverse("exports:new", args=["clients"])
    fragment = alice.get(
        reverse("portal:consumers"), {"q": "ana", "year": "1"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    # An invalid filter makes the list ignore every filter; so does the export.
    assert 'href="/exports/clients/">Export these clients' in fragment
    fragment = alice.get(
        reverse("portal:consumers"), {"q": "ana", "follow_ups": ""}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'clients/?q=ana">Export these clients' in fragment

    assert _export_link(sign_in(Client(), personas.rita)) is None  # read-only: no exports
    carol = sign_in(Client(), personas.carol)
    assert _export_link(carol, mine="1") == reverse("exports:new", args=["clients"])
    Agency.objects.filter(pk=personas.agency_a.pk).update(allow_agent_exports=False)
    assert _export_link(carol) is None


def test_the_command_line_takes_the_same_filters(mias: Personas, tmp_path: Path) -> None:
    out = tmp_path / "mias.csv"
    filters = [f"--filter={name}={value}" for name, value in _filters(mias).items()]
    call_command(
        "export", "clients", "--as", "alice@a.test", "--format", "csv", "--out", str(out),
        "--include-unsubmitted", *filters,
    )  # fmt: skip
    with out.open(encoding="utf-8", newline="") as stream:
        assert {row["Primary Contact"] for row in csv.DictReader(stream)} == {
            "Mia Medina",
            "Mia Morales",
        }
    with pytest.raises(CommandError, match="Unknown filter"):
        call_command(
            "export", "clients", "--as", "alice@a.test", "--out", str(out), "--filter", "colour=red"
        )
    with pytest.raises(CommandError, match="NAME=VALUE"):
        call_command(
            "export", "clients", "--as", "alice@a.test", "--out", str(out), "--filter", "mia"
        )
