"""One household per consumer, whichever exports name them.

A consumer in both the CalHEERS book and the HealthSherpa Enrollments export (the same
person: name and date of birth, SSN when not masked) becomes one household holding
both keys, with each source's members and policies kept apart by provenance.
"""

from __future__ import annotations

from datetime import date

import pytest

from openbob.book.models import Enrollment, Household, Member
from openbob.imports.models import ImportRun
from openbob.imports.pipeline import import_file
from openbob.imports.tests.pipeline_kit import (
    agency_with_manager,
    small_generation,
    top_agency_name,
)
from openbob.sources.detect import read
from openbob.sources.formats import FormatId
from openbob.sources.generate import GenerationSummary, snapshot_time

__all__ = ["small_generation"]
Person = tuple[str, str, date | None]


def _people(path: object, key: str) -> dict[Person, str]:
    """Primary people of a book file, by name and DOB, with their household key."""
    with read(path) as source:  # type: ignore[arg-type]
        return {
            (row.first_name, row.last_name, row.dob): getattr(row, key)
            for row in source
            if getattr(row, "relationship", "Self") in (None, "Self")
        }


@pytest.fixture
def first_week(small_generation: GenerationSummary) -> dict[str, object]:
    agency, manager = agency_with_manager(top_agency_name(small_generation))
    week = small_generation.weeks[0]
    for format_id in (
        FormatId.HEALTHSHERPA_ROSTER,
        FormatId.CALHEERS_BOOK,
        FormatId.HEALTHSHERPA_ENROLLMENTS,
    ):
        result = import_file(
            actor=manager, agency=agency, path=week.files[format_id], as_of=snapshot_time(week.week)
        )
        assert result.ok, result.message
    return {
        "calheers": _people(week.files[FormatId.CALHEERS_BOOK], "case_number"),
        "healthsherpa": _people(week.files[FormatId.HEALTHSHERPA_ENROLLMENTS], "ffm_app_id"),
    }


@pytest.mark.django_db
def test_a_consumer_in_both_exports_is_one_household_with_both_keys(first_week) -> None:  # type: ignore[no-untyped-def]
    calheers, healthsherpa = first_week["calheers"], first_week["healthsherpa"]
    both = calheers.keys() & healthsherpa.keys()
    assert len(both) > 20
    assert Household.objects.count() == len(calheers.keys() | healthsherpa.keys())
    for person in both:
        household = Household.objects.get(case_number=calheers[person])
        assert household.ffm_app_id == healthsherpa[person]


@pytest.mark.django_db
def test_each_source_keeps_its_own_members_and_policies_with_provenance(first_week) -> None:  # type: ignore[no-untyped-def]
    runs = {run.format: run for run in ImportRun.objects.all()}
    merged = Household.objects.exclude(case_number=None).exclude(ffm_app_id=None)
    with_both = 0
    for household in merged:
        policies = Enrollment.objects.filter(household=household)
        for policy in policies:
            run = runs[_format_of(policy.source)]
            assert (policy.source_import_id, policy.source_as_of) == (run.pk, run.as_of)
        with_both += {p.source for p in policies} == {"calheers", "healthsherpa"}
        members = Member.objects.filter(household=household)
        assert {m.source for m in members} == {"calheers", "healthsherpa"}
        assert household.field_sources["case_number"]["source"] == "calheers"
        assert household.field_sources["ffm_app_id"]["source"] == "healthsherpa"
    assert with_both > 10


@pytest.mark.django_db
def test_the_agent_of_a_shared_household_stays_with_the_source_that_placed_it(first_week) -> None:  # type: ignore[no-untyped-def]
    """CalHEERS placed it first; HealthSherpa's agent does not move it every week."""
    merged = Household.objects.exclude(case_number=None).exclude(ffm_app_id=None)
    assert {h.field_sources["agent"]["source"] for h in merged} == {"calheers"}
    assert all(h.delegations.count() == 1 for h in merged)


def _format_of(source: str) -> str:
    if source == "calheers":
        return FormatId.CALHEERS_BOOK.value
    return FormatId.HEALTHSHERPA_ENROLLMENTS.value
