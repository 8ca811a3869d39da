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

Two snapshots are compared in the database, by one query that returns only the keys
on one side and the keys whose fingerprints differ: the (snapshot, key, digest) index
answers for the rest, so the households that did not change (most of a book, week to
week) never reach Python and their values are never read. Memory grows with the
differences, not with the book.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import NamedTuple

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
FIELD_TYPES = tuple((name, event.value) for name, event in FIELD_EVENTS.items())
ADDED, LOST = EventType.HOUSEHOLD_ADDED.value, EventType.HOUSEHOLD_LOST.value
FLAG_EVENTS: dict[str, tuple[str, str | None]] = {
    "aor_at_risk": (EventType.AOR_AT_RISK.value, None),
    "dmi": (EventType.DMI_OPENED.value, EventType.DMI_RESOLVED.value),
    "svi": (EventType.SVI_OPENED.value, EventType.SVI_RESOLVED.value),
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
Difference = tuple[str, int | None, str | None, str | None]
"""Key, household id, and the entry's data in the previous and the current snapshot
(None on the side that lacks the key)."""
DIFFERENCES = """
SELECT key, household_id, before, after FROM (
    SELECT n.key, n.household_id,
        (SELECT data FROM {table} WHERE id = o.id) AS before,
        (SELECT data FROM {table} WHERE id = n.id) AS after
    FROM {table} n LEFT JOIN {table} o ON o.snapshot_id = %s AND o.key = n.key
    WHERE n.snapshot_id = %s AND (o.id IS NULL OR o.digest <> n.digest)
    UNION ALL
    SELECT o.key, o.household_id, o.data, NULL
    FROM {table} o
    WHERE o.snapshot_id = %s AND NOT EXISTS (
        SELECT 1 FROM {table} n WHERE n.snapshot_id = %s AND n.key = o.key
    )
) differences ORDER BY key
"""
"""Keys added, keys changed (another fingerprint) and keys lost, in key order.

The joins read only the (snapshot, key, digest) index on SQLite (an index probe per
key; SQLite has no hash join) and hash narrow rows on PostgreSQL; an entry's data is
read only for the rows returned, by id."""
HASH_JOINS = {"enable_nestloop": "off", "enable_mergejoin": "off", "work_mem": "64MB"}
"""PostgreSQL planner settings for the comparison, whatever the statistics say.

The current snapshot was written in this very transaction, so the table's statistics
do not know it: the planner takes it for a few rows and probes an index per key, or
sorts a million rows to merge them: at a million households, 11.1 s against 4.8 s
hashing (EXPLAIN ANALYZE, machine shared with other work)."""


class Change(NamedTuple):
    """One change found. A tuple, because a million-household comparison makes many."""

    type: str  # an EventType value
    key: str
    household_id: int | None
    old: str | None
    new: str | None

    @property
    def identity(self) -> tuple[str, str, str | None, str | None]:
        """What makes two reports of a change the same change."""
        return (self.type, self.key, self.old, self.new)


def differences(previous: Snapshot, current: Snapshot) -> Iterator[Difference]:
    """The entries that differ between two snapshots, handed on a batch at a time."""
    sql = DIFFERENCES.format(table=bulk.quoted(SnapshotEntry))
    with connection.cursor() as cursor:
        with _planned_for_hash_joins():
            # PostgreSQL's client cursor holds the whole result (the differences) once
            # this returns, so the statements run meanwhile get the usual settings.
            cursor.execute(sql, [previous.pk, current.pk, previous.pk, current.pk])
        while batch := cursor.fetchmany(BATCH):
            yield from batch


@contextmanager
def _planned_for_hash_joins() -> Iterator[None]:
    """`HASH_JOINS` on PostgreSQL for the statements run inside, then the settings before."""
    if connection.vendor != "postgresql":
        yield
        return
    names = list(HASH_JOINS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(['current_setting(%s)'] * len(names))}", names)
        before = dict(zip(names, cursor.fetchone(), strict=True))
    _set_locally(HASH_JOINS)
    # No `finally`: a statement that fails inside has aborted the transaction (or the
    # savepoint), which takes these settings with it, and no statement can run after.
    yield
    _set_locally(before)


def _set_locally(settings: dict[str, str]) -> None:
    """Planner settings until the end of the transaction (or until set again)."""
    with connection.cursor() as cursor:
        for name, value in settings.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


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
        if change.type == LOST and change.household_id:
            lost.append(change.household_id)
        yield change


def book_changes(previous: Snapshot | None, current: Snapshot) -> Iterator[Change]:
    """Events between two book snapshots (CalHEERS or the HealthSherpa book)."""
    if previous is None:
        return
    for key, household_id, before, after in differences(previous, current):
        if before is None:
            yield Change(ADDED, key, household_id, None, None)
        elif after is None:
            yield Change(LOST, key, household_id, None, None)
        else:
            yield from _field_changes(key, household_id, json.loads(before), json.loads(after))


def _field_changes(
    key: str, household_id: int | None, before: dict[str, str | None], after: dict[str, str | None]
) -> Iterator[Change]:
    for name, event_type in FIELD_TYPES:
        if name in after and before.get(name) != after.get(name):
            yield Change(event_type, key, household_id, before.get(name), after.get(name))


def flag_changes(kind: str, previous: Snapshot | None, current: Snapshot) -> Iterator[Change]:
    """Entering (and for DMI/SVI leaving) a flag list; keys are "ffm id" or "ffm id|type"."""
    if previous is None:
        return
    opened, resolved = FLAG_EVENTS[kind]
    for entry_key, household_id, before, after in differences(previous, current):
        key, _, issue = entry_key.partition("|")
        if before is None:
            yield Change(opened, key, household_id, None, issue or None)
        elif after is None and resolved is not None:
            yield Change(resolved, key, household_id, issue or None, None)


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
        identity = change.identity
        if identity not in reported:
            reported.add(identity)
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
                c.type,
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
