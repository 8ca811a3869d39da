"""Consent Valid Thru, NOD Notice and Enrollment Updates Pending, fed by real CalHEERS files.

Each week a real .xlsx Book of Business is imported through the pipeline; each day the
summaries are produced on a frozen clock, as the worker does, and carol's Daily Summary
is read back.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine

from openbob.alerts import runs
from openbob.alerts.models import DailySummary, ExchangeNotice, SummaryItem
from openbob.alerts.tests.conftest import morning
from openbob.alerts.topics import Topic
from openbob.book.models import Household
from openbob.imports.pipeline import import_file
from openbob.lib.weeks import at_pacific
from openbob.sources.tests.builders import calheers_book, calheers_row
from openbob.testing import Personas

pytestmark = pytest.mark.django_db

NOTICE_TOPICS = {Topic.CONSENT_VALID_THRU, Topic.NOD_NOTICE, Topic.ENROLLMENT_UPDATES_PENDING}


class Exchange:
    """Carol's two CalHEERS cases, imported week by week as the agency manager."""

    def __init__(self, personas: Personas, folder: Path) -> None:
        self.personas = personas
        self.folder = folder
        self.imported = 0

    def week(self, day: date, **cases: tuple[str, int]) -> None:
        """Import a book as of the evening before `day`: case -> (consent through, notices)."""
        self.imported += 1
        rows = [
            calheers_row(
                {
                    "Case Number": float(case.removeprefix("c")),
                    "First Name": "Nia",
                    "Last Name": f"Case {case}",
                    "Delegated Agent": "Carol Tester",
                    "Agent Email": "carol@a.test",
                    "Consent Valid Through": through,
                    "Notices Pending": float(notices),
                }
            )
            for case, (through, notices) in cases.items()
        ]
        created = at_pacific(day - timedelta(days=1), 21)
        path = calheers_book(
            self.folder / f"week-{self.imported}.xlsx",
            rows,
            created=f"File Created {created:%a %b %d %H:%M:%S %Z %Y}",
        )
        import_file(actor=self.personas.alice, agency=self.personas.agency_a, path=path)

    def alerted(self, day: date) -> set[tuple[str, Topic]]:
        """(case number, topic) of carol's notice lines on `day`, after producing the day."""
        with time_machine.travel(morning(day), tick=False):
            runs.produce(day)
        summary = DailySummary.objects.get(recipient=self.personas.carol, day=day, kind="daily")
        lines = SummaryItem.objects.filter(summary=summary, topic__in=NOTICE_TOPICS)
        return {(line.case_number, Topic(line.topic)) for line in lines}


@pytest.fixture
def exchange(personas: Personas, tmp_path: Path) -> Exchange:
    return Exchange(personas, tmp_path)


def test_the_import_stores_consent_and_pending_notices_on_the_household(
    exchange: Exchange,
) -> None:
    exchange.week(date(2026, 7, 27), c1001=("12/31/2026", 2))
    household = Household.objects.get(case_number="1001")
    assert household.consent_valid_through == date(2026, 12, 31)
    assert household.notices_pending == 2


def test_consent_running_out_before_next_plan_year_is_alerted_on_1_august_1_september_and_1_october(
    exchange: Exchange,
) -> None:
    exchange.week(date(2026, 7, 31), c1001=("12/31/2026", 0), c1002=("06/30/2027", 0))
    days = [date(2026, 7, 31), date(2026, 8, 1), date(2026, 8, 2), date(2026, 9, 1)]
    days += [date(2026, 9, 2), date(2026, 10, 1)]
    alerted = {day: exchange.alerted(day) for day in days}
    consent = {("1001", Topic.CONSENT_VALID_THRU)}
    assert alerted == {
        date(2026, 7, 31): set(),
        date(2026, 8, 1): consent,
        date(2026, 8, 2): set(),
        date(2026, 9, 1): consent,
        date(2026, 9, 2): set(),
        date(2026, 10, 1): consent,
    }


def test_renewed_consent_stops_the_alert(exchange: Exchange) -> None:
    exchange.week(date(2026, 7, 31), c1001=("12/31/2026", 0))
    assert exchange.alerted(date(2026, 8, 1)) == {("1001", Topic.CONSENT_VALID_THRU)}
    exchange.week(date(2026, 8, 29), c1001=("12/31/2031", 0))
    assert exchange.alerted(date(2026, 9, 1)) == set()


def test_a_new_notice_is_alerted_once_and_pending_updates_daily_until_none_are_left(
    exchange: Exchange,
) -> None:
    far = "12/31/2030"
    pending = ("1001", Topic.ENROLLMENT_UPDATES_PENDING)
    nod = ("1001", Topic.NOD_NOTICE)
    start = date(2026, 11, 2)
    exchange.week(start, c1001=(far, 0))
    assert exchange.alerted(start) == set()
    exchange.week(start + timedelta(days=1), c1001=(far, 1))
    assert exchange.alerted(start + timedelta(days=1)) == {pending, nod}
    assert exchange.alerted(start + timedelta(days=2)) == {pending}
    exchange.week(start + timedelta(days=3), c1001=(far, 2))
    assert exchange.alerted(start + timedelta(days=3)) == {pending, nod}
    exchange.week(start + timedelta(days=4), c1001=(far, 1))
    assert exchange.alerted(start + timedelta(days=4)) == {pending}
    exchange.week(start + timedelta(days=5), c1001=(far, 0))
    assert exchange.alerted(start + timedelta(days=5)) == set()
    exchange.week(start + timedelta(days=6), c1001=(far, 1))
    assert exchange.alerted(start + timedelta(days=6)) == {pending, nod}


def test_a_notice_recorded_by_hand_is_left_alone_by_the_daily_sync(
    exchange: Exchange, personas: Personas
) -> None:
    exchange.week(date(2026, 11, 2), c1001=("12/31/2030", 0))
    household = Household.objects.get(case_number="1001")
    ExchangeNotice.objects.create(
        household=household, topic=Topic.NOD_NOTICE, key="N-77", since=date(2026, 11, 2)
    )
    assert exchange.alerted(date(2026, 11, 2)) == {("1001", Topic.NOD_NOTICE)}
    assert ExchangeNotice.objects.get(key="N-77").resolved_on is None
