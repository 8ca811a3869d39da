"""The dashboard tallies a case write leaves: its assignees' rebuilt, nobody else's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from openbob.accounts.models import User
from openbob.retention import casework, tallies
from openbob.retention.choices import Channel, Outcome, Resolution
from openbob.retention.models import CaseTally, ReasonTally
from openbob.retention.sync import sync
from openbob.retention.tests.conftest import IN_SEASON, case_of, make_renewing
from openbob.testing import Personas, make_household

pytestmark = pytest.mark.django_db


def counted() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every tally row's counts (without its id and refresh time), in a stable order."""
    cases = CaseTally.objects.values_list(
        "agency_id",
        "assignee_id",
        "status",
        "risk",
        "resolution",
        "opened_on",
        "cases",
        "resolution_seconds",
        "last_interaction_at",
    )
    reasons = ReasonTally.objects.values_list(
        "agency_id", "assignee_id", "reason", "cases", "open_cases"
    )
    return sorted(cases, key=repr), sorted(reasons, key=repr)


def rebuilt_whole() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    tallies.refresh()
    return counted()


def test_every_kind_of_case_write_leaves_the_tallies_a_full_rebuild_makes(
    renewal_book: Personas, dave: User
) -> None:
    a, a1 = case_of(renewal_book.household_a), case_of(renewal_book.household_a1)
    casework.log_interaction(
        actor=renewal_book.bob, case=a1, channel=Channel.PHONE, outcome=Outcome.REACHED
    )
    assert counted() == rebuilt_whole()
    casework.transfer_cases(actor=renewal_book.alice, cases=[a1], to=dave)
    assert counted() == rebuilt_whole()
    casework.set_exchange_risk(actor=renewal_book.carol, case=a, risk=5)
    assert counted() == rebuilt_whole()
    casework.close_case(
        actor=renewal_book.carol,
        case=a,
        resolution=Resolution.NOT_RENEWING,
        steps_to_resolve="Consumer moving out of state.",
    )
    assert counted() == rebuilt_whole()
    assert [row[2:5] for row in counted()[0] if row[2] == "closed"] == [
        ("closed", 5, Resolution.NOT_RENEWING.value)
    ]


def test_a_case_write_rebuilds_only_the_tallies_of_its_assignee(
    renewal_book: Personas, dave: User
) -> None:
    make_renewing(make_household(renewal_book.agency_a1, dave, name="Dee Day", ssn="912000009"))
    sync(today=IN_SEASON + timedelta(days=1))  # dave, in bob's agency, has a case now
    bob = renewal_book.bob
    others = set(CaseTally.objects.exclude(assignee=bob).values_list("pk", flat=True))
    bobs = set(CaseTally.objects.filter(assignee=bob).values_list("pk", flat=True))
    assert CaseTally.objects.filter(assignee=dave).exists() and bobs
    casework.log_interaction(
        actor=bob,
        case=case_of(renewal_book.household_a1),
        channel=Channel.PHONE,
        outcome=Outcome.REACHED,
    )
    after = set(CaseTally.objects.values_list("pk", flat=True))
    assert others <= after  # dave's and every other agency's rows were left as they were
    assert not bobs & after  # bob's were rebuilt
    assert counted() == rebuilt_whole()
