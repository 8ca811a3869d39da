"""Import history, "What changed", the household's change history, and the menu entries."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openbob.accounts.models import User
from openbob.agencies.models import Agency
from openbob.book.choices import FollowUpKind, Source
from openbob.book.models import FollowUp, Household
from openbob.imports.choices import EventType, ImportStatus
from openbob.imports.models import ChangeEvent, ImportRun
from openbob.imports.ordering import import_order, path_as_of
from openbob.imports.pipeline import import_file
from openbob.imports.tests.uploading import generated
from openbob.testing import Personas, sign_in

WEEK_1, WEEK_2 = date(2025, 1, 3), date(2025, 1, 10)
CHANGES = reverse("imports:changes")
HISTORY = reverse("imports:history")


def _run(agency: Agency, actor: User | None, name: str) -> ImportRun:
    return ImportRun.objects.create(
        agency=agency,
        actor=actor,
        file_name=name,
        sha256=name.ljust(64, "0"),
        format="calheers_book_of_business",
        status=ImportStatus.SUCCEEDED,
        rows=10,
        counts={"households_updated": 4, "events": 2},
        as_of=timezone.now(),
        week=WEEK_2,
    )


def _event(run: ImportRun, household: Household, kind: EventType, week: date) -> ChangeEvent:
    assert household.agency is not None
    return ChangeEvent.objects.create(
        agency=household.agency,
        agent=household.agent,
        household=household,
        run=run,
        source=Source.CALHEERS,
        type=kind,
        key=household.case_number or "",
        old="pending",
        new="effectuated",
        week=week,
        as_of=datetime(week.year, week.month, week.day, 5, tzinfo=UTC),
    )


@pytest.fixture
def events(personas: Personas) -> dict[str, ChangeEvent]:
    """Changes in A (carol's), A1 (bob's) and B (mallory's), in two weeks."""
    run_a = _run(personas.agency_a, personas.alice, "book_a.xlsx")
    run_b = _run(personas.agency_b, personas.mallory, "book_b.xlsx")
    return {
        "a_old": _event(run_a, personas.household_a, EventType.PLAN_CHANGED, WEEK_1),
        "a": _event(run_a, personas.household_a, EventType.STATUS_CHANGED, WEEK_2),
        "a1": _event(run_a, personas.household_a1, EventType.HOUSEHOLD_LOST, WEEK_2),
        "b": _event(run_b, personas.household_b, EventType.STATUS_CHANGED, WEEK_2),
    }


def _listed(page: str, events: dict[str, ChangeEvent]) -> set[str]:
    """Which of `events` the page's table lists (a row naming its type and household)."""
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")
    return {name for name, event in events.items() if any(_shows(row, event) for row in rows)}


def _shows(row: str, event: ChangeEvent) -> bool:
    household = reverse("portal:household", args=[event.household_id])
    return event.get_type_display() in row and household in row


@pytest.mark.parametrize(
    ("persona", "seen"),
    [
        ("alice", {"a", "a1"}),
        ("sam", {"a"}),
        ("rita", {"a"}),
        ("carol", {"a"}),
        ("bob", {"a1"}),
        ("mallory", {"b"}),
    ],
)
def test_each_persona_sees_the_changes_of_their_own_book(
    client: Client,
    personas: Personas,
    events: dict[str, ChangeEvent],
    persona: str,
    seen: set[str],
) -> None:
    sign_in(client, getattr(personas, persona))
    page = client.get(CHANGES).content.decode()
    assert _listed(page, events) == seen
    assert "Sat 2025-01-10" not in page and "Fri 2025-01-10" in page  # latest week first


def test_it_filters_by_week_type_agent_and_source(
    client: Client, personas: Personas, events: dict[str, ChangeEvent]
) -> None:
    sign_in(client, personas.alice)
    page = client.get(CHANGES).content.decode()
    assert "Plan changed" not in page.split("<tbody>")[1], "week 1 is not the default"
    assert '<span class="num">2</span><br><span class="label">All changes</span>' in page
    by_type = client.get(CHANGES, {"week": "2025-01-10", "type": "household_lost"}).content
    assert _listed(by_type.decode(), events) == {"a1"}
    by_week = client.get(CHANGES, {"week": "2025-01-03"}).content.decode()
    assert _listed(by_week, events) == {"a_old"}
    by_agent = client.get(CHANGES, {"agent": personas.carol.pk}).content.decode()
    assert _listed(by_agent, events) == {"a"}
    other_source = client.get(CHANGES, {"source": "healthsherpa"}).content.decode()
    assert _listed(other_source, events) == {"a", "a1"}, "an unknown source is ignored"
    assert client.get(CHANGES, {"source": "calheers"}).status_code == 200


def test_htmx_gets_the_results_part_and_browsers_the_page(
    client: Client, personas: Personas, events: dict[str, ChangeEvent]
) -> None:
    sign_in(client, personas.alice)
    part = client.get(CHANGES, {"type": "status_changed"}, headers={"HX-Request": "true"})
    html = part.content.decode()
    assert html.lstrip().startswith("{") is False and "<html" not in html
    assert 'id="changes"' in html and 'hx-get="/imports/changes/"' in html
    assert "HX-Request" in part["Vary"]
    full = client.get(CHANGES, {"type": "status_changed"}).content.decode()
    assert "<html" in full and "<h1>What changed</h1>" in full
    assert '<label for="id_week">' in full and '<label for="id_type">' in full


def test_it_paginates(client: Client, personas: Personas) -> None:
    run = _run(personas.agency_a, personas.alice, "big.xlsx")
    for _ in range(55):
        _event(run, personas.household_a, EventType.APTC_CHANGED, WEEK_2)
    sign_in(client, personas.alice)
    first = client.get(CHANGES).content.decode()
    assert "Page 1 of 2 · 55 in all" in first and "page=2" in first
    assert "Page 2 of 2" in client.get(CHANGES, {"page": 2}).content.decode()


def test_the_agent_filter_is_only_for_roles_that_see_the_roster(
    client: Client, personas: Personas, events: dict[str, ChangeEvent]
) -> None:
    sign_in(client, personas.bob)
    assert 'name="agent"' not in client.get(CHANGES).content.decode()


def test_what_changed_is_get_only_and_signed_in(client: Client, personas: Personas) -> None:
    assert client.get(CHANGES)["Location"].startswith(reverse("accounts:login"))
    sign_in(client, personas.bob)
    assert client.post(CHANGES).status_code == 405
    assert "No changes yet" in client.get(CHANGES).content.decode()


def test_history_lists_the_runs_of_the_visible_agencies(
    client: Client, personas: Personas, events: dict[str, ChangeEvent]
) -> None:
    _run(personas.agency_a1, None, "roster_a1.csv")
    sign_in(client, personas.alice)
    page = client.get(HISTORY).content.decode()
    assert page.index("roster_a1.csv") < page.index("book_a.xlsx"), "newest first"
    assert "book_b.xlsx" not in page
    assert "households updated 4" in page and "Alice Tester" in page
    sign_in(client, personas.mallory)
    page = client.get(HISTORY).content.decode()
    assert "book_b.xlsx" in page and "book_a.xlsx" not in page


@pytest.mark.parametrize("persona", ["sam", "rita", "bob", "carol"])
def test_history_is_for_managers_only(client: Client, personas: Personas, persona: str) -> None:
    sign_in(client, getattr(personas, persona))
    assert client.get(HISTORY).status_code == 403


def test_history_is_get_only(client: Client, personas: Personas) -> None:
    sign_in(client, personas.alice)
    assert client.post(HISTORY).status_code == 405
    client.logout()
    assert client.get(HISTORY)["Location"].startswith(reverse("accounts:login"))


def test_the_household_page_shows_its_changes_and_follow_ups(
    client: Client, personas: Personas, events: dict[str, ChangeEvent]
) -> None:
    FollowUp.objects.create(
        household=personas.household_a,
        kind=FollowUpKind.DMI,
        issue_type="Income",
        status="Outstanding",
        source=Source.HEALTHSHERPA,
        opened_at=timezone.now(),
    )
    sign_in(client, personas.carol)
    page = client.get(reverse("portal:household", args=[personas.household_a.pk])).content
    history = page.decode().split(">Change history</h2>")[1]
    assert history.index("Enrollment status changed") < history.index("Plan changed")
    assert "Lost" not in history, "only this household's changes"
    follow_ups = page.decode().split(">Follow-ups</h2>")[1]
    assert "Data matching issue (DMI)" in follow_ups and "Income" in follow_ups


def test_the_menu_offers_imports_to_managers_and_changes_to_everyone(
    client: Client, personas: Personas
) -> None:
    home = reverse("portal:home")
    manager = sign_in(client, personas.alice).get(home).content.decode()
    assert all(f'href="{url}"' in manager for url in (CHANGES, HISTORY, "/imports/"))
    agent = sign_in(client, personas.bob).get(home).content.decode()
    assert f'href="{CHANGES}"' in agent
    assert f'href="{HISTORY}"' not in agent and 'href="/imports/"' not in agent


def test_two_imported_weeks_show_up_as_changes(
    client: Client, personas: Personas, tmp_path: Path
) -> None:
    """The pages over a real import: two generated weeks of every file."""
    summary = generated(tmp_path)
    paths = [path for week in summary.weeks for path in week.files.values()]
    for path in import_order(paths):
        import_file(
            actor=personas.alice, agency=personas.agency_a, path=path, as_of=path_as_of(path)
        )
    sign_in(client, personas.alice)
    page = client.get(CHANGES).content.decode()
    total = ChangeEvent.objects.filter(week=summary.weeks[1].week).count()
    assert total > 0
    assert f'<span class="num">{total}</span><br><span class="label">All changes</span>' in page
    assert page.count('href="/households/') == min(total, 50)
    history = client.get(HISTORY).content.decode()
    assert (
        history.count(f"{CHANGES}?week=") == ImportRun.objects.filter(counts__events__gt=0).count()
    )
