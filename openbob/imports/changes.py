"""Change events: comparing a snapshot with the previous one of the same source and scope.

The rules are those of the generator's ground truth (`openbob.sources.ground_truth`),
stated once more here because this is where they are enforced:

* a key in this snapshot and not the previous one is `household_added`; the reverse is
  `household_lost` (the household leaves the book: its delegation is marked removed);
  those are the only events of such a key;
* for a key in both, each tracked value that differs (null counts as a value) is one
  event carrying the old and new value;
* flag files (AOR at-risk, DMI and SVI follow-ups) report entering the list (and, for
  DMI/SVI, leaving it) only for households in both weeks' HealthSherpa book;
* one change is one event: when two exports of the same week report it (an agent's
  Clients export and the agency's Enrollments export), it is stored once.

Both snapshots are streamed ordered by key and merged, so memory stays flat at a
million households; only entries whose fingerprints differ are decoded.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from openbob.book.choices import DelegationStatus
from openbob.book.models import Delegation, Household
from openbob.imports import bulk
from openbob.imports.choices import EventType
from openbob.imports.models import ChangeEvent, Snapshot, SnapshotEntry

FIELD_EVENTS = {
    "agent": EventType.AGENT_CHANGED,
    "aor": EventType.AOR_CHANGED,
    "status": EventType.STATUS_CHANGED,
    "plan": EventType.PLAN_CHANGED,
    "gross_premium": EventType.GROSS_PREMIUM_CHANGED,
    "aptc": EventType.APTC_CHANGED,
    "net_premium": EventType.NET_PREMIUM_CHANGED,
    "program": EventType.PROGRAM_CHANGED,
}
FLAG_EVENTS = {
    "aor_at_risk": (EventType.AOR_AT_RISK, None),
    "dmi": (EventType.DMI_OPENED, EventType.DMI_RESOLVED),
    "svi": (EventType.SVI_OPENED, EventType.SVI_RESOLVED),
}
EVENT_COLUMNS = (
    "agency_id",
    "agent_id",
    "household_id",
    "run_id",
    "source",
    "type",
    "key",
    "old",
    "new",
    "week",
    "as_of",
)
BATCH = 5_000
Entry = tuple[str, int | None, str, str]  # key, household id, digest, data


@dataclass(frozen=True, slots=True)
class Change:
    type: EventType
    key: str
    household_id: int | None
    old: str | None
    new: str | None

    @property
    def identity(self) -> tuple[str, str, str | None, str | None]:
        """What makes two reports of a change the same change."""
        return (self.type.value, self.key, self.old, self.new)


def entries(snapshot: Snapshot | None) -> Iterator[Entry]:
    """A snapshot's entries ordered by key, streamed (a server-side cursor on PostgreSQL)."""
    if snapshot is None:
        return
    table = bulk.quoted(SnapshotEntry)
    # Python compares str by code point; PostgreSQL must sort the same way to merge.
    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    with connection.chunked_cursor() as cursor:
        cursor.execute(
            f"SELECT key, household_id, digest, data FROM {table} "  # noqa: S608
            f"WHERE snapshot_id = %s ORDER BY key{collate}",
            [snapshot.pk],
        )
        while batch := cursor.fetchmany(BATCH):
            yield from batch


def merge(
    previous: Iterator[Entry], current: Iterator[Entry]
) -> Iterator[tuple[Entry | None, Entry | None]]:
    """Pairs of entries with the same key (None on the side that lacks it)."""
    old, new = next(previous, None), next(current, None)
    while old is not None or new is not None:
        if new is None or (old is not None and old[0] < new[0]):
            yield old, None
            old = next(previous, None)
        elif old is None or new[0] < old[0]:
            yield None, new
            new = next(current, None)
        else:
            yield old, new
            old, new = next(previous, None), next(current, None)


def record_book_changes(previous: Snapshot | None, current: Snapshot, *, source: str) -> int:
    """Store the events between two book snapshots and mark the households that left.

    Returns how many events were stored.
    """
    lost: list[int] = []
    stored = store_events(
        _noting_lost(book_changes(previous, current), lost),
        snapshot=current,
        source=source,
        run_id=current.run_id,
    )
    mark_lost(current, lost, current.as_of)
    return stored


def _noting_lost(found: Iterator[Change], lost: list[int]) -> Iterator[Change]:
    for change in found:
        if change.type == EventType.HOUSEHOLD_LOST and change.household_id:
            lost.append(change.household_id)
        yield change


def book_changes(previous: Snapshot | None, current: Snapshot) -> Iterator[Change]:
    """Events between two book snapshots (CalHEERS or the HealthSherpa book)."""
    if previous is None:
        return
    for old, new in merge(entries(previous), entries(current)):
        if old is None and new is not None:
            yield Change(EventType.HOUSEHOLD_ADDED, new[0], new[1], None, None)
        elif new is None and old is not None:
            yield Change(EventType.HOUSEHOLD_LOST, old[0], old[1], None, None)
        elif old is not None and new is not None and old[2] != new[2]:
            yield from _field_changes(old, new)


def _field_changes(old: Entry, new: Entry) -> Iterator[Change]:
    before, after = json.loads(old[3]), json.loads(new[3])
    for name, event_type in FIELD_EVENTS.items():
        if name in after and before.get(name) != after.get(name):
            yield Change(event_type, new[0], new[1], before.get(name), after.get(name))


def flag_changes(kind: str, previous: Snapshot | None, current: Snapshot) -> Iterator[Change]:
    """Entering (and for DMI/SVI leaving) a flag list; keys are "ffm id" or "ffm id|type"."""
    if previous is None:
        return
    opened, resolved = FLAG_EVENTS[kind]
    for old, new in merge(entries(previous), entries(current)):
        entry = new or old
        assert entry is not None
        key, _, issue = entry[0].partition("|")
        if old is None:
            yield Change(opened, key, entry[1], None, issue or None)
        elif new is None and resolved is not None:
            yield Change(resolved, key, entry[1], issue or None, None)


def in_books(changes: Iterable[Change], books: list[Snapshot | None]) -> Iterator[Change]:
    """The changes whose key is in every one of `books` (flag events need both weeks')."""
    pending = list(changes)
    keys = {change.key for change in pending}
    for book in books:
        keys &= book_keys(book, sorted(keys))
    return (change for change in pending if change.key in keys)


def book_keys(snapshot: Snapshot | None, keys: list[str]) -> set[str]:
    """Which of `keys` the snapshot holds."""
    if snapshot is None or not keys:
        return set()
    table = bulk.quoted(SnapshotEntry)
    found = bulk.select_in(
        f"SELECT key FROM {table} WHERE snapshot_id = %s AND key",  # noqa: S608
        keys,
        [snapshot.pk],
    )
    return {key for (key,) in found}


def store_events(changes: Iterator[Change], *, snapshot: Snapshot, source: str, run_id: int) -> int:
    """Insert the events not already stored this week, scoped like their households.

    Returns how many were stored.
    """
    reported = _reported(snapshot, source)
    stored = 0
    batch: list[Change] = []
    for change in changes:
        if change.identity not in reported:
            reported.add(change.identity)
            batch.append(change)
        if len(batch) >= BATCH:
            stored += _store_batch(batch, snapshot, source, run_id)
            batch = []
    return stored + _store_batch(batch, snapshot, source, run_id)


def _reported(snapshot: Snapshot, source: str) -> set[tuple[str, str, str | None, str | None]]:
    """Events of `source` already stored for this agency's imports of this week."""
    found = ChangeEvent.objects.filter(
        run__agency_id=snapshot.agency_id, week=snapshot.week, source=source
    ).values_list("type", "key", "old", "new")
    return set(found)


def _owners(batch: list[Change]) -> dict[int, tuple[int | None, int | None]]:
    """Each household's agency and agent, which scope its events."""
    ids = sorted({c.household_id for c in batch if c.household_id is not None})
    table = bulk.quoted(Household)
    rows = bulk.select_in(f"SELECT id, agency_id, agent_id FROM {table} WHERE id", ids)  # noqa: S608
    return {pk: (agency_id, agent_id) for pk, agency_id, agent_id in rows}


def _store_batch(batch: list[Change], snapshot: Snapshot, source: str, run_id: int) -> int:
    owners = _owners(batch)
    week, as_of = snapshot.week, bulk.db_datetime(snapshot.as_of)
    return bulk.insert_rows(
        ChangeEvent,
        EVENT_COLUMNS,
        [
            (
                *owners.get(c.household_id or 0, (snapshot.agency_id, None)),
                c.household_id,
                run_id,
                source,
                c.type.value,
                c.key,
                c.old,
                c.new,
                week,
                as_of,
            )
            for c in batch
        ],
    )


def mark_lost(snapshot: Snapshot, household_ids: list[int], when: datetime) -> None:
    """Households that left the book: flag them and end their active delegation."""
    for chunk in bulk.chunks(household_ids):
        Household.objects.filter(pk__in=chunk).update(lost_at=when)
        Delegation.objects.filter(household_id__in=chunk, status=DelegationStatus.ACTIVE).update(
            status=DelegationStatus.REMOVED,
            ended_at=when,
            reason=f"no longer in the {snapshot.source} book",
        )
