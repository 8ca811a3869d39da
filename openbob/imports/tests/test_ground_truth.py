"""Detected change events equal the generator's ground truth, week after week.

Five generated weeks of an agency's files (CalHEERS book, HealthSherpa enrollments,
one agent's clients, AOR at-risk, EDE lost, DMI and SVI follow-ups, roster) are
imported as a manager would: each week's files in import order, as of that Friday
21:00 Pacific, into the agency the roster names without a parent. Every week the
stored events (type, source, key, old, new) must equal ground_truth.json as a
multiset: 100% precision and 100% recall, and no event stored twice.
"""

from __future__ import annotations

import pytest

from openbob.imports.choices import EventType, ImportStatus
from openbob.imports.tests.pipeline_kit import (
    agency_with_manager,
    detected,
    expected,
    import_week,
    small_generation,
    top_agency_name,
)
from openbob.sources.generate import GenerationSummary

__all__ = ["small_generation"]


@pytest.mark.django_db
def test_detected_events_equal_the_ground_truth_every_week(
    small_generation: GenerationSummary,
) -> None:
    agency, manager = agency_with_manager(top_agency_name(small_generation))
    for week in small_generation.weeks:
        results = import_week(week, agency, manager)
        assert [r.message for r in results if r.status != ImportStatus.SUCCEEDED] == []
        assert detected(week.week) == expected(week), f"events of the week of {week.week}"


def test_the_generated_weeks_exercise_every_event_type(
    small_generation: GenerationSummary,
) -> None:
    """Guards the test above against passing on a quiet generation."""
    types = {row[0] for week in small_generation.weeks for row in expected(week)}
    assert types == set(EventType.values)
