"""The Active Consumers filters as a job stores them: strictly cleaned, kept as ids and
ISO dates, and narrowing exactly as the list's cleaned filters do."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from openbob.book import consumer_filters
from openbob.book.choices import Program
from openbob.book.models import Household
from openbob.testing import Personas, make_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(personas: Personas) -> Personas:
    for agency, agent, name, program, year in (
        (personas.agency_a, personas.carol, "Mia Medina", Program.MEDI_CAL, 2025),
        (personas.agency_a, personas.carol, "Max Mixer", Program.MIXED_HOUSEHOLD, 2026),
        (personas.agency_a1, personas.bob, "Mia Moore", Program.MEDI_CAL, 2026),
    ):
        household = make_household(agency, agent, name=name, ssn="912000020")
        Household.objects.filter(pk=household.pk).update(program=program, application_year=year)
    return personas


def test_stored_filters_keep_only_what_is_set_as_ids_iso_dates_and_typed_text(
    book: Personas,
) -> None:
    raw = {
        "q": " Mia ",
        "agent": str(book.carol.pk),
        "program": "",
        "effective_from": "2026-01-01",
        "follow_ups": "",
        "mine": "on",
    }
    assert consumer_filters.stored(book.alice, raw) == {
        "q": "Mia",
        "agent": book.carol.pk,
        "effective_from": "2026-01-01",
        "mine": True,
    }


def test_an_agents_agent_and_mine_filters_are_ignored_as_the_list_ignores_them(
    book: Personas,
) -> None:
    assert consumer_filters.stored(book.carol, {"agent": book.bob.pk, "mine": True}) == {}


def test_unknown_and_bad_filters_name_themselves(book: Personas) -> None:
    with pytest.raises(ValidationError) as refused:
        consumer_filters.stored(book.alice, {"program": "gold", "year": "1999"})
    assert refused.value.messages == [
        "Filter program (Program): Select a valid choice. gold is not one of the available "
        "choices.",
        "Filter year (Application year): Ensure this value is greater than or equal to 2014.",
    ]
    with pytest.raises(ValidationError, match="Unknown filter"):
        consumer_filters.stored(book.alice, {"sort": "name"})


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ({"q": "mia"}, {"Mia Medina", "Mia Moore"}),
        ({"program": Program.MEDI_CAL, "year": "2026"}, {"Mia Moore"}),
        ({"q": "mia", "agent": "carol"}, {"Mia Medina"}),
        ({"mine": "on"}, set()),  # alice has no consumers of her own
    ],
)
def test_stored_filters_narrow_exactly_as_the_lists_cleaned_filters(
    book: Personas, raw: dict[str, Any], names: set[str]
) -> None:
    raw = {k: str(book.carol.pk) if v == "carol" else v for k, v in raw.items()}
    form = consumer_filters.ConsumerFilters(raw, user=book.alice)
    assert form.is_valid()
    listed = consumer_filters.filtered(book.alice, form.cleaned_data)
    stored = consumer_filters.stored(book.alice, raw)
    active = consumer_filters.active_consumers(book.alice)
    narrowed = consumer_filters.narrow(active, book.alice, stored)
    assert {h.primary_name for h in narrowed} == {h.primary_name for h in listed} == names


def test_described_filters_read_as_the_list_labels_them(book: Personas) -> None:
    stored = consumer_filters.stored(
        book.alice,
        {"q": "mia", "agent": book.carol.pk, "program": "medi_cal", "at_risk": "on"},
    )
    assert consumer_filters.describe(book.alice, stored) == (
        "Search: “mia”; Agent: Carol Tester; Program: Medi-Cal; At risk"
    )
    assert consumer_filters.describe(book.mallory, {"agent": book.carol.pk}) == (
        "Agent: not in your scope"
    )
