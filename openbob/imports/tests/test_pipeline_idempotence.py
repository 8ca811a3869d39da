"""Importing is idempotent: the same bytes change nothing, a superset adds only news.

"Nothing" is checked on the database itself: every table's row count, highest id and
latest update are the same before and after.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest

from openbob.book.models import Household
from openbob.imports.choices import EventType, ImportStatus
from openbob.imports.models import ChangeEvent
from openbob.imports.pipeline import import_file
from openbob.imports.tests.pipeline_kit import db_fingerprint, policy, write_enrollments
from openbob.sources.generate import snapshot_time
from openbob.sources.healthsherpa_followups import DMI
from openbob.testing import Personas

FRIDAY = date(2025, 3, 7)


@pytest.mark.django_db
def test_the_same_file_again_is_a_duplicate_and_writes_nothing(
    personas: Personas, tmp_path: Path
) -> None:
    path = write_enrollments(tmp_path / "enrollments.csv", [policy(n) for n in range(5)])
    first = _import(personas, path, FRIDAY)
    before = db_fingerprint()
    again = _import(personas, path, FRIDAY)
    unstated = import_file(actor=personas.alice, agency=personas.agency_a, path=path)
    assert (again.status, again.duplicate_of) == ("duplicate", first.run)
    assert (unstated.status, unstated.duplicate_of) == ("duplicate", first.run)
    assert "nothing changed" in again.message
    assert db_fingerprint() == before


@pytest.mark.django_db
def test_a_superset_file_adds_only_the_new_households(personas: Personas, tmp_path: Path) -> None:
    old = write_enrollments(tmp_path / "old.csv", [policy(n) for n in range(3)])
    new = write_enrollments(tmp_path / "new.csv", [policy(n) for n in range(5)])
    _import(personas, old, FRIDAY)
    imported = Household.objects.exclude(ffm_app_id=None)
    existing = dict(imported.values_list("ffm_app_id", "updated_at"))
    result = _import(personas, new, FRIDAY)
    assert result.counts["households_created"] == 2
    assert result.counts["households_unchanged"] == 3
    assert result.counts.get("households_updated", 0) == 0
    unchanged = imported.filter(ffm_app_id__in=existing)
    assert dict(unchanged.values_list("ffm_app_id", "updated_at")) == existing
    added = ChangeEvent.objects.filter(run=result.run).values_list("type", flat=True)
    assert list(added) == [EventType.HOUSEHOLD_ADDED] * 2


@pytest.mark.django_db
def test_the_same_bytes_as_an_earlier_week_are_that_weeks_snapshot(
    personas: Personas, tmp_path: Path
) -> None:
    """No DMI, then one, then none again: week 3's list repeats week 1's bytes, and the
    DMI it no longer lists is resolved."""
    book = write_enrollments(tmp_path / "enrollments.csv", [policy(n) for n in range(3)])
    empty = _dmi_file(tmp_path / "dmi_empty.csv", [])
    one = _dmi_file(tmp_path / "dmi_one.csv", [policy(1)["ffm_app_id"]])
    for week, dmis in enumerate((empty, one, empty)):
        friday = FRIDAY + timedelta(weeks=week)
        assert _import(personas, book, friday).status == ImportStatus.SUCCEEDED
        assert _import(personas, dmis, friday).status == ImportStatus.SUCCEEDED
    events = ChangeEvent.objects.order_by("week").values_list("week", "type", "old", "new")
    assert list(events) == [
        (FRIDAY + timedelta(weeks=1), EventType.DMI_OPENED, None, "Income"),
        (FRIDAY + timedelta(weeks=2), EventType.DMI_RESOLVED, "Income", None),
    ]


def _import(personas: Personas, path: Path, friday: date):  # type: ignore[no-untyped-def]
    return import_file(
        actor=personas.alice, agency=personas.agency_a, path=path, as_of=snapshot_time(friday)
    )


def _dmi_file(path: Path, ffm_ids: list[object]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([spec.header for spec in DMI.schema.fields])
        for ffm_id in ffm_ids:
            writer.writerow(
                ["Pat Rivera", ffm_id, "Income", "Outstanding", "2025-05-01", "", "Agency A",
                 "Carol Tester", "carol@a.test"]
            )  # fmt: skip
    return path
