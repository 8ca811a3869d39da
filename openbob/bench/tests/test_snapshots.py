"""The snapshot comparison benchmark at a test size: what it plants is what it finds."""

from __future__ import annotations

import pytest

from openbob.accounts.models import User
from openbob.accounts.roles import Role
from openbob.agencies.services import create_agency
from openbob.bench.snapshots import ADDED, CHANGED, LOST, time_comparison
from openbob.bench.worker import MANAGER
from openbob.book.models import Household
from openbob.imports.models import ChangeEvent, SnapshotEntry

HOUSEHOLDS = 2_000


@pytest.mark.django_db
def test_the_comparison_finds_the_planted_churn_and_leaves_the_book_as_it_was() -> None:
    agency = create_agency(name="Benchmark Agency")
    User.objects.create_user(
        MANAGER, None, first_name="Bench", last_name="Manager", agency=agency,
        role=Role.AGENCY_MANAGER,
    )  # fmt: skip

    measured = time_comparison(HOUSEHOLDS)

    before, after = (
        dict(
            SnapshotEntry.objects.filter(snapshot__run__file_name=name).values_list("key", "digest")
        )
        for name in (f"bench-compare-{HOUSEHOLDS}-a", f"bench-compare-{HOUSEHOLDS}-b")
    )
    lost, added = before.keys() - after.keys(), after.keys() - before.keys()
    changed = {key for key in before.keys() & after.keys() if before[key] != after[key]}
    assert (len(lost), len(added)) == (HOUSEHOLDS * LOST, HOUSEHOLDS * ADDED)
    assert HOUSEHOLDS * CHANGED * 0.9 < len(changed) <= HOUSEHOLDS * CHANGED
    # A changed household changed its subsidy and so its net premium: two events.
    assert measured["events"] == len(lost) + len(added) + 2 * len(changed)
    runs, cpu = measured["runs"], measured["cpu"]
    assert isinstance(runs, list) and isinstance(cpu, list) and len(runs) == len(cpu) == 3
    assert not ChangeEvent.objects.exists()
    assert not Household.objects.filter(lost_at__isnull=False).exists()
