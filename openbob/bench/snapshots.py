"""Two large snapshots of one book, and the time it takes to compare them.

The snapshots are written straight into the tables (building them through imports
would take far longer than the comparison being measured): N households, and a week
in which 1% of them left, 1% are new and 5% changed a premium and their subsidy.
The comparison is the pipeline's own step, events stored and lost households marked;
it runs three times, each rolled back, and the median is reported, with each run's
CPU time beside its wall-clock time (on a machine others are using, the CPU time is
the steadier figure of this single-threaded work; on PostgreSQL it leaves out the
server's share).

To run the comparison alone, against the database in DATABASE_URL (the snapshots are
built on the first run and kept):
`python -m openbob.bench.worker setup && python -m openbob.bench.worker compare 1000000`.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from datetime import timedelta
from statistics import median
from time import perf_counter, process_time

from django.db import transaction
from django.utils import timezone

from openbob.accounts.models import User
from openbob.bench.worker import MANAGER
from openbob.book.models import Household
from openbob.imports import bulk, changes
from openbob.imports.models import Snapshot, SnapshotEntry
from openbob.imports.records import fingerprint
from openbob.testing import make_snapshot

LOST, ADDED, CHANGED = 0.01, 0.01, 0.05
BATCH = 50_000


def time_comparison(households: int) -> dict[str, object]:
    previous, current = _snapshots(households)
    seconds, cpu = [], []
    for _ in range(3):
        with transaction.atomic():
            started, used = perf_counter(), process_time()
            events = changes.record_book_changes(previous, current, source="calheers")
            seconds.append(perf_counter() - started)
            cpu.append(process_time() - used)
            transaction.set_rollback(True)
    return {
        "households": households,
        "events": events,
        "seconds": median(seconds),
        "runs": seconds,
        "cpu": cpu,
    }


def _snapshots(households: int) -> tuple[Snapshot, Snapshot]:
    """The two snapshots for this size, built on first use."""
    name = f"bench-compare-{households}"
    found = list(Snapshot.objects.filter(run__file_name__startswith=name).order_by("as_of"))
    if len(found) == 2:
        return found[0], found[1]
    with transaction.atomic():
        return _build(name, households)


def _build(name: str, households: int) -> tuple[Snapshot, Snapshot]:
    manager = User.objects.select_related("agency").get(email=MANAGER)
    rng = random.Random(households)
    total = households + int(households * ADDED)
    ids = bulk.allocate_ids(Household, total)
    keys = [f"{1_600_000_000 + n}" for n in range(total)]
    _insert_households(manager.agency_id, ids, keys)
    now = timezone.now()
    agency, source = manager.agency, "calheers_book_of_business"
    assert agency is not None
    week_ago = now - timedelta(weeks=1)
    previous = make_snapshot(agency, f"{name}-a", week_ago, source=source, actor=manager)
    current = make_snapshot(agency, f"{name}-b", now, source=source, actor=manager)
    order = list(range(total))
    rng.shuffle(order)
    lost = set(rng.sample(range(households), int(households * LOST)))
    changed = set(rng.sample(range(households), int(households * CHANGED)))
    before = [n for n in order if n < households]
    after = [n for n in order if n not in lost]
    _insert_entries(previous, ((keys[n], ids[n], False) for n in before))
    _insert_entries(current, ((keys[n], ids[n], n in changed) for n in after))
    return previous, current


def _insert_households(agency_id: int | None, ids: list[int], keys: list[str]) -> None:
    columns = (
        "id", "agency_id", "case_number", "program", "primary_name", "primary_phone",
        "primary_email", "income_encrypted", "archived", "source", "field_sources",
        "created_at", "updated_at",
    )  # fmt: skip
    now = bulk.db_datetime(timezone.now())
    rows = [
        (
            pk,
            agency_id,
            key,
            "covered_california",
            "",
            "",
            "",
            "",
            False,
            "calheers",
            "{}",
            now,
            now,
        )
        for pk, key in zip(ids, keys, strict=True)
    ]
    for start in range(0, len(rows), BATCH):
        bulk.insert_rows(Household, columns, rows[start : start + BATCH])


def _insert_entries(snapshot: Snapshot, entries: Iterable[tuple[str, int, bool]]) -> None:
    batch: list[tuple[object, ...]] = []
    for key, household_id, changed in entries:
        state = _state(int(key), changed)
        batch.append(
            (snapshot.pk, key, household_id, fingerprint(state.values()), json.dumps(state))
        )
        if len(batch) >= BATCH:
            bulk.insert_rows(
                SnapshotEntry, ("snapshot_id", "key", "household_id", "digest", "data"), batch
            )
            batch = []
    bulk.insert_rows(SnapshotEntry, ("snapshot_id", "key", "household_id", "digest", "data"), batch)


def _state(number: int, changed: bool) -> dict[str, str | None]:
    aptc = 300 + number % 400 + (25 if changed else 0)
    return {
        "agent": f"0A{number % 120:05d}",
        "status": "effectuated",
        "plan": "Blue Shield Silver 70 PPO",
        "gross_premium": "650.00",
        "aptc": f"{aptc:.2f}",
        "net_premium": f"{650 - aptc:.2f}",
        "program": "covered_california",
    }
