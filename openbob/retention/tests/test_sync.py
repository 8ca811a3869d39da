"""The periodic sync: cases when the season opens, once per day, closed when households leave."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import override_settings
from django.utils import timezone

from openbob.retention.choices import CaseStatus, Resolution
from openbob.retention.models import RetentionCase, SyncRun
from openbob.retention.season import plan_year_in_season
from openbob.retention.sync import sync
from openbob.retention.tests.conftest import IN_SEASON, case_of, make_renewing
from openbob.testing import Personas

pytestmark = pytest.mark.django_db


def test_it_creates_one_case_per_renewing_household_with_its_agent(
    renewal_book: Personas,
) -> None:
    assert RetentionCase.objects.count() == 3
    case = case_of(renewal_book.household_a1)
    assert (case.agency_id, case.assignee_id, case.status) == (
        renewal_book.agency_a1.pk,
        renewal_book.bob.pk,
        CaseStatus.OPEN,
    )
    assert (case.phone, case.email, case.consumer_name) == (
        "9165550100",
        "consumer@example.com",
        "Ben Brooks",
    )


def test_a_second_sync_the_same_day_does_nothing(renewal_book: Personas) -> None:
    outcome = sync(today=IN_SEASON)
    assert outcome.already_done
    assert RetentionCase.objects.count() == 3
    assert SyncRun.objects.filter(period=IN_SEASON.isoformat()).count() == 1


def test_a_forced_or_next_day_sync_keeps_one_open_case_per_household(
    renewal_book: Personas,
) -> None:
    forced = sync(today=IN_SEASON, force=True)
    next_day = sync(today=date(2026, 10, 6))
    assert (forced.created, next_day.created) == (0, 0)
    assert RetentionCase.objects.count() == 3


def test_households_without_a_current_enrollment_get_no_case(personas: Personas) -> None:
    make_renewing(personas.household_a)
    outcome = sync(today=IN_SEASON)
    assert outcome.created == 1
    assert list(RetentionCase.objects.values_list("household_id", flat=True)) == [
        personas.household_a.pk
    ]


def test_no_case_is_created_before_the_season_opens(personas: Personas) -> None:
    make_renewing(personas.household_a)
    outcome = sync(today=date(2026, 9, 30))
    assert (outcome.plan_year, outcome.created, RetentionCase.objects.count()) == (None, 0, 0)


@override_settings(OPENBOB_RETENTION_SEASON_OPENS="09-15")
def test_the_season_opening_day_is_a_setting(personas: Personas) -> None:
    make_renewing(personas.household_a)
    assert sync(today=date(2026, 9, 15)).created == 1


def test_the_season_runs_through_open_enrollment() -> None:
    assert plan_year_in_season(date(2027, 1, 31)) == 2026
    assert plan_year_in_season(date(2027, 2, 1)) is None
    assert plan_year_in_season(date(2026, 10, 1)) == 2026


def test_cases_of_households_that_leave_the_book_close_with_that_reason(
    renewal_book: Personas,
) -> None:
    household = renewal_book.household_a
    household.lost_at = timezone.now()
    household.save(update_fields=["lost_at"])
    outcome = sync(today=date(2026, 10, 6))
    case = case_of(household)
    assert outcome.closed == 1
    assert (case.status, case.resolution) == (CaseStatus.CLOSED, Resolution.LEFT_BOOK)
    assert "left the book" in case.steps_to_resolve
    assert sync(today=date(2026, 10, 7)).created == 0


def test_a_closed_case_is_not_reopened_by_the_next_sync(renewal_book: Personas) -> None:
    RetentionCase.objects.filter(household=renewal_book.household_b).update(
        status=CaseStatus.CLOSED, resolution=Resolution.RENEWED_SAME_PLAN
    )
    sync(today=date(2026, 10, 6))
    assert RetentionCase.objects.filter(household=renewal_book.household_b).count() == 1


def test_contact_changes_reach_open_cases(renewal_book: Personas) -> None:
    household = renewal_book.household_a
    household.primary_phone = "9165550199"
    household.save(update_fields=["primary_phone"])
    outcome = sync(today=date(2026, 10, 6))
    assert outcome.rescored == 1
    assert case_of(household).phone == "9165550199"
