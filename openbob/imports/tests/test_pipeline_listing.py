"""Imports keep each household's Active Consumers row (`book.listing`) in step.

The list reads the household's own `current_*`, `agent_name` and `open_follow_ups`
columns, so an import that writes enrollments, agents or follow-ups recomputes them
for the households it touched, in its own transaction.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openbob.book.models import Household
from openbob.imports.pipeline import import_file
from openbob.imports.tests.pipeline_kit import policy, write_enrollments
from openbob.sources.generate import snapshot_time
from openbob.sources.healthsherpa_followups import DMI
from openbob.testing import Personas

FRIDAY = date(2025, 3, 7)


@pytest.mark.django_db
def test_an_import_refreshes_the_list_row_of_the_households_it_wrote(
    personas: Personas, tmp_path: Path
) -> None:
    book = write_enrollments(tmp_path / "enrollments.csv", [policy(1, plan_name="Gold 80 PPO")])
    week = snapshot_time(FRIDAY)
    assert import_file(actor=personas.alice, agency=personas.agency_a, path=book, as_of=week).ok
    household = Household.objects.get(ffm_app_id="1700000001")
    assert (household.current_plan_name, household.current_premium) == (
        "Gold 80 PPO",
        Decimal("200.00"),
    )
    assert household.agent_name == "Tester, Carol"

    dmi = tmp_path / "dmi.csv"
    with dmi.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([spec.header for spec in DMI.schema.fields])
        writer.writerow(["Pat1 Rivera", "1700000001", "Income", "Outstanding", "2025-05-01", "",
                         "Agency A", "Carol Tester", "carol@a.test"])  # fmt: skip
    later = week + timedelta(hours=1)
    assert import_file(actor=personas.alice, agency=personas.agency_a, path=dmi, as_of=later).ok
    household.refresh_from_db()
    assert household.open_follow_ups == 1


@pytest.mark.django_db
def test_a_new_household_is_written_once_with_its_list_row(
    personas: Personas, tmp_path: Path
) -> None:
    """An update after the insert would be a second row version of every new household
    (with an entry in each of the table's indexes, on PostgreSQL): a first import of a
    whole book would leave as many dead rows as households."""
    book = write_enrollments(tmp_path / "enrollments.csv", [policy(1), policy(2)])
    with CaptureQueriesContext(connection) as queries:
        result = import_file(actor=personas.alice, agency=personas.agency_a, path=book)
    assert result.ok
    assert result.counts["households_created"] == 2
    table = Household._meta.db_table
    assert not [q for q in queries if f'UPDATE "{table}"' in q["sql"]]  # "2 times: UPDATE"
    imported = Household.objects.filter(ffm_app_id__in=["1700000001", "1700000002"])
    listed = imported.values_list("current_plan_name", "current_premium", "agent_name")
    assert set(listed) == {("Silver 70 HMO", Decimal("200.00"), "Tester, Carol")}


@pytest.mark.django_db
def test_a_household_whose_policy_alone_changed_keeps_its_other_columns_unwritten(
    personas: Personas, tmp_path: Path
) -> None:
    """Each indexed column an UPDATE sets costs index writes even when its value is the
    same, so an import sets only the household columns whose value changed (its
    provenance is still stamped)."""
    week = snapshot_time(FRIDAY)
    first = write_enrollments(tmp_path / "week1.csv", [policy(1, net_premium="200.00")])
    assert import_file(actor=personas.alice, agency=personas.agency_a, path=first, as_of=week).ok
    second = write_enrollments(tmp_path / "week2.csv", [policy(1, net_premium="250.00")])
    later = week + timedelta(days=7)
    with CaptureQueriesContext(connection) as queries:
        result = import_file(
            actor=personas.alice, agency=personas.agency_a, path=second, as_of=later
        )
    assert result.ok and result.run is not None and result.counts["households_updated"] == 1
    updates = [q["sql"] for q in queries if 'UPDATE "book_household" SET' in q["sql"]]
    assert updates and not any('"primary_name"' in sql or '"agent_id"' in sql for sql in updates)
    household = Household.objects.get(ffm_app_id="1700000001")
    assert household.current_premium == Decimal("250.00")
    assert household.field_sources["primary_name"]["import"] == result.run.pk


@pytest.mark.django_db
def test_a_changed_household_is_updated_once_list_row_included(
    personas: Personas, tmp_path: Path
) -> None:
    """On PostgreSQL every UPDATE of a row is a new version of it, with an entry in each
    of the table's indexes: the household's new premium and its list row's go together."""
    week = snapshot_time(FRIDAY)
    first = write_enrollments(tmp_path / "week1.csv", [policy(1), policy(2)])
    assert import_file(actor=personas.alice, agency=personas.agency_a, path=first, as_of=week).ok
    second = write_enrollments(
        tmp_path / "week2.csv", [policy(1, net_premium="250.00", plan_name="Gold"), policy(2)]
    )
    later = week + timedelta(days=7)
    with CaptureQueriesContext(connection) as queries:
        assert import_file(
            actor=personas.alice, agency=personas.agency_a, path=second, as_of=later
        ).ok
    (update,) = [q["sql"] for q in queries if 'UPDATE "book_household" SET' in q["sql"]]
    assert '"current_premium"' in update and '"current_plan_name"' in update
    changed, unchanged = Household.objects.filter(ffm_app_id__startswith="17").order_by(
        "ffm_app_id"
    )
    assert (changed.current_plan_name, changed.current_premium) == ("Gold", Decimal("250.00"))
    assert (unchanged.current_plan_name, unchanged.current_premium) == (
        "Silver 70 HMO",
        Decimal("200.00"),
    )
