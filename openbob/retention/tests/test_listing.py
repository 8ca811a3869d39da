"""The case list pages through every case in scope exactly once, highest risk first,
each page a bounded query per agency and status, and ignores a tampered cursor."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db.models import Q
from django.test import Client
from django.utils import timezone

from openbob.book.models import Household
from openbob.retention import listing
from openbob.retention.access import cases_visible_to
from openbob.retention.choices import CaseStatus
from openbob.retention.models import RetentionCase
from openbob.testing import Personas, sign_in

pytestmark = pytest.mark.django_db
STATUSES = (CaseStatus.OPEN, CaseStatus.IN_PROGRESS, CaseStatus.CLOSED)


def _cases(household: Household, count: int) -> None:
    """`count` cases of `household` (one per plan year) with a spread of risk, status, age."""
    opened = timezone.now().replace(microsecond=123456)
    assert household.agency is not None
    for n in range(count):
        RetentionCase.objects.create(
            household=household,
            agency=household.agency,
            assignee_id=household.agent_id,
            plan_year=2000 + n,
            status=STATUSES[n % 3],
            consumer_name=f"Consumer {n}",
            risk=1 + n % 5,
            opened_at=opened - timedelta(hours=n % 4),
            opened_on=opened.date(),
            scored_at=opened,
        )


@pytest.fixture
def many(personas: Personas) -> Personas:
    _cases(personas.household_a, 17)
    _cases(personas.household_a1, 13)
    _cases(personas.household_b, 5)
    return personas


def test_pages_follow_one_another_in_list_order_without_gaps_or_repeats(many: Personas) -> None:
    alice = many.alice
    everything = cases_visible_to(alice)
    parts = listing.branches(alice, list(CaseStatus.values))
    seen: list[int] = []
    cursor = None
    while True:
        rows, cursor = listing.page(everything, parts, cursor, 4)
        assert len(rows) <= 4
        seen += [case.pk for case in rows]
        if cursor is None:
            break
    assert seen == list(everything.order_by(*listing.ORDER).values_list("pk", flat=True))
    assert len(seen) == 30  # A and A1, not mallory's B


def test_an_agents_pages_split_by_status_only(many: Personas) -> None:
    parts = listing.branches(many.bob, [CaseStatus.OPEN, CaseStatus.IN_PROGRESS])
    assert parts == [Q(status=CaseStatus.OPEN), Q(status=CaseStatus.IN_PROGRESS)]
    rows, cursor = listing.page(cases_visible_to(many.bob), parts, None, 50)
    assert cursor is None
    assert {case.household_id for case in rows} == {many.household_a1.pk}
    assert len(rows) == 9  # 13 cases, a third of them closed


def test_a_long_list_links_to_its_next_page_keeping_the_filters(personas: Personas) -> None:
    _cases(personas.household_a, 130)  # 26 of each risk, a third of them closed
    client = sign_in(Client(), personas.alice)
    first = client.get("/retention/", {"status": "all", "risk": "3"}).content.decode()
    assert first.count('href="/retention/cases/') == 26
    assert "Next page" not in first
    first = client.get("/retention/", {"status": "all"}).content.decode()
    assert first.count('href="/retention/cases/') == 50
    link = re.search(r'href="\?([^"]+)">Next page', first)
    assert link is not None
    assert link[1].startswith("status=all&amp;after=")
    second = client.get("/retention/?" + link[1].replace("&amp;", "&")).content.decode()
    assert second.count('href="/retention/cases/') == 50
    assert 'href="?status=all">First page' in second
    pages = set(re.findall(r'href="/retention/cases/(\d+)/', first + second))
    assert len(pages) == 100


def test_a_cursor_continues_and_a_tampered_one_means_the_first_page(many: Personas) -> None:
    client = sign_in(Client(), many.alice)
    everything = cases_visible_to(many.alice).order_by(*listing.ORDER)
    tenth = listing.Cursor.of(everything[9])
    after = client.get("/retention/", {"status": "all", "after": tenth.token}).content.decode()
    assert after.count('href="/retention/cases/') == 20
    assert 'href="?status=all">First page' in after
    for token in ("x.y.z", "1.2", "9" * 40 + ".1.1", "5.-99999999999999999999.1"):
        tampered = client.get("/retention/", {"status": "all", "after": token})
        assert tampered.status_code == 200
        assert tampered.content.decode().count('href="/retention/cases/') == 30
