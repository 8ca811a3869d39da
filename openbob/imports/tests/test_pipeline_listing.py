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
