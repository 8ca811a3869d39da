"""My Reports pages for every persona, and the builder's edits, run, save and delete."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openbob.audit.models import AuditEvent
from openbob.reports.definition import parse
from openbob.reports.models import Report
from openbob.reports.services import Target, save_new
from openbob.testing import Personas, sign_in

pytestmark = pytest.mark.django_db
PERSONAS = ("alice", "sam", "rita", "bob", "carol", "mallory", "anonymous")
ACTIVE_2025 = {
    "filter_field": ["year_of_application", "health_enrollment_status"],
    "filter_op": ["equals", "in"],
    "filter_value": ["2025", "Pending, Effectuated"],
    "filter_to": ["", ""],
}


def _client(personas: Personas, persona: str) -> Client:
    client = Client()
    return client if persona == "anonymous" else sign_in(client, getattr(personas, persona))


def _state(**extra: Any) -> dict[str, Any]:
    return {"type": "consumers", "column": ["consumer_name", "year_of_application"], **extra}


def _carols_private(personas: Personas) -> Report:
    definition = parse({"type": "consumers", "columns": ["consumer_name"]})
    return save_new(user=personas.carol, definition=definition, name="Mine", target=Target())


def test_every_persona_may_open_my_reports_and_the_sample(book: Personas, sample: Report) -> None:
    index, detail = reverse("reports:index"), reverse("reports:detail", args=[sample.pk])
    got = [
        (_client(book, p).get(index).status_code, _client(book, p).get(detail).status_code)
        for p in PERSONAS
    ]
    assert got == [(200, 200)] * 6 + [(302, 302)]


def test_a_private_report_is_its_owners_alone(book: Personas) -> None:
    report = _carols_private(book)
    urls = [reverse(f"reports:{name}", args=[report.pk]) for name in ("detail", "delete", "export")]
    got = {p: [_client(book, p).get(urls[0]).status_code] for p in PERSONAS}
    got = {p: [*codes, _client(book, p).post(urls[1]).status_code] for p, codes in got.items()}
    assert got == {
        "alice": [404, 404],
        "sam": [404, 404],
        "rita": [404, 404],
        "bob": [404, 404],
        "carol": [200, 302],
        "mallory": [404, 404],
        "anonymous": [302, 302],
    }
    assert not Report.objects.filter(pk=report.pk).exists()


def test_export_needs_the_export_permission(book: Personas, sample: Report) -> None:
    url = reverse("reports:export", args=[sample.pk])
    got = [_client(book, p).post(url, {"format": "csv"}).status_code for p in PERSONAS]
    assert got == [302, 302, 403, 302, 302, 302, 302]


def test_the_sample_opens_run_with_the_viewers_rows(book: Personas, sample: Report) -> None:
    page = _client(book, "bob").get(reverse("reports:detail", args=[sample.pk])).content.decode()
    assert "Ben Brooks" in page and "Ana Alvarez" not in page and "1 rows" in page


def test_the_builder_adds_moves_and_removes_columns(book: Personas) -> None:
    client = _client(book, "alice")
    url = reverse("reports:new")
    html = client.post(
        url, {**_state(), "do": "add_column", "new_column": "net_premium"}
    ).content.decode()
    assert 'name="column" value="net_premium"' in html
    html = client.post(url, {**_state(), "do": "up:year_of_application"}).content.decode()
    assert html.index('value="year_of_application"') < html.index(
        'name="column" value="consumer_name"'
    )
    html = client.post(url, {**_state(), "do": "remove_column:consumer_name"}).content.decode()
    assert 'name="column" value="consumer_name"' not in html
    html = client.post(
        url, {**_state(), "do": "add_filter", "new_filter": "eligibility_program"}
    ).content.decode()
    assert 'name="filter_field" value="eligibility_program"' in html


def test_run_shows_rows_and_htmx_gets_only_the_builder(book: Personas) -> None:
    client = _client(book, "alice")
    response = client.post(
        reverse("reports:new"),
        {**_state(**ACTIVE_2025), "do": "run"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert html.startswith('\n<form id="builder"') or html.lstrip().startswith('<form id="builder"')
    assert "Ana Alvarez" in html and "Ben Brooks" in html and "Cora Cruz" not in html


def test_a_bad_filter_is_shown_not_a_500(book: Personas) -> None:
    client = _client(book, "alice")
    data = {
        **_state(),
        "filter_field": ["year_of_application"],
        "filter_op": ["contains"],
        "filter_value": ["x"],
        "filter_to": [""],
        "do": "run",
    }
    response = client.post(reverse("reports:new"), data)
    assert response.status_code == 200
    assert "cannot be filtered with “contains”" in response.content.decode()
    for bogus in (
        {"type": "x", "column": ["\x00"], "do": "page:abc"},
        {**_state(), "do": "page:" + "9" * 5000},
        {**_state(), "do": "save_as", "name": "x", "folder": "9" * 5000},
        {**_state(), "do": "remove_filter:" + "9" * 5000},
    ):
        assert client.post(reverse("reports:new"), bogus).status_code == 200


def test_save_as_puts_the_report_in_private_reports_and_recent(
    book: Personas, sample: Report
) -> None:
    client = _client(book, "alice")
    data = {**_state(**ACTIVE_2025), "do": "save_as", "name": "2025 only", "folder": "private"}
    response = client.post(reverse("reports:detail", args=[sample.pk]), data)
    report = Report.objects.get(name="2025 only")
    assert response.status_code == 302 and response["Location"] == reverse(
        "reports:detail", args=[report.pk]
    )
    assert (report.owner, report.folder, report.sample) == (book.alice, None, False)
    assert parse(report.definition).filters[0].value == 2025
    assert AuditEvent.objects.filter(action="report.create", subject_id=str(report.pk)).exists()
    index = client.get(reverse("reports:index")).content.decode()
    recent = index[index.index('id="recent-h"') : index.index('id="private-h"')]
    assert "2025 only" in recent
    again = client.post(reverse("reports:detail", args=[sample.pk]), data)
    assert "Private Reports already holds a report named “2025 only”" in again.content.decode()


def test_the_sample_cannot_be_saved_over_or_deleted(book: Personas, sample: Report) -> None:
    client = _client(book, "alice")
    response = client.post(reverse("reports:detail", args=[sample.pk]), {**_state(), "do": "save"})
    assert "cannot be changed" in response.content.decode()
    assert client.post(reverse("reports:delete", args=[sample.pk])).status_code == 403


def test_a_shared_folder_shows_each_viewer_only_their_scope(book: Personas) -> None:
    alice = _client(book, "alice")
    data = {
        **_state(**ACTIVE_2025),
        "do": "save_as",
        "name": "Team 2025",
        "folder": "new",
        "new_folder": "Team",
    }
    alice.post(reverse("reports:new"), data)
    report = Report.objects.get(name="Team 2025")
    assert report.folder is not None and report.folder.agency == book.agency_a
    url = reverse("reports:detail", args=[report.pk])
    carol = _client(book, "carol").get(url).content.decode()
    assert "Ana Alvarez" in carol and "Ben Brooks" not in carol
    bob = _client(book, "bob").get(url).content.decode()
    assert "Ben Brooks" in bob and "Ana Alvarez" not in bob
    assert _client(book, "mallory").get(url).status_code == 404
    assert (
        _client(book, "carol").post(reverse("reports:delete", args=[report.pk])).status_code == 403
    )
    refused = _client(book, "carol").post(reverse("reports:new"), {**data, "name": "Carol's"})
    assert "Only agency managers and admin staff" in refused.content.decode()
