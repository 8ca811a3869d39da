"""Comparing two snapshots: the events equal a plain comparison of their entries.

Snapshots are written straight into the tables here, so each case (a key on one side
only, a changed value, a fingerprint that changed with no tracked value, a value that
became empty, a field the new source does not report) is stated exactly; the
ground-truth test covers the same rules through whole imports.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from openbob.agencies.models import Agency
from openbob.agencies.services import create_agency
from openbob.book.choices import DelegationStatus, Program
from openbob.book.models import Delegation, Household
from openbob.book.pii import encrypt_income
from openbob.imports import changes
from openbob.imports.choices import EventType
from openbob.imports.models import ChangeEvent, Snapshot, SnapshotEntry
from openbob.imports.records import fingerprint
from openbob.testing import make_household, make_snapshot

State = dict[str, str | None]
Event = tuple[str, str, str | None, str | None, int | None]
Entries = dict[str, tuple[int | None, State, str]]
"""Key -> household id, tracked values, fingerprint."""
VALUES: dict[str, list[str | None]] = {
    "agent": ["0A00001", "0A00002", None],
    "status": ["pending", "effectuated", "cancelled", "terminated"],
    "plan": ["Blue Shield Silver 70 PPO", "Kaiser Gold 80 HMO"],
    "gross_premium": ["650.00", "700.00"],
    "aptc": ["300.00", "325.00", None],
    "net_premium": ["350.00", "375.00"],
    "program": ["covered_california", "medi_cal", "mixed"],
}
NOW = timezone.now()


def _weeks(agency: Agency, source: str = "calheers") -> tuple[Snapshot, Snapshot]:
    return (
        make_snapshot(agency, f"{source}-a", NOW - timedelta(weeks=1), source=source),
        make_snapshot(agency, f"{source}-b", NOW, source=source),
    )


def _write(snapshot: Snapshot, entries: Entries) -> None:
    SnapshotEntry.objects.bulk_create(
        SnapshotEntry(
            snapshot=snapshot,
            key=key,
            household_id=household_id,
            digest=digest,
            data=json.dumps(state, separators=(",", ":")),
        )
        for key, (household_id, state, digest) in entries.items()
    )


def _households(agency: Agency, keys: list[str]) -> dict[str, int]:
    created = Household.objects.bulk_create(
        Household(
            agency=agency,
            case_number=key,
            program=Program.COVERED_CALIFORNIA,
            primary_name="",
            income_encrypted=encrypt_income(None),
        )
        for key in keys
    )
    return {h.case_number or "": h.pk for h in created}


def _random_state(rng: random.Random) -> State:
    state = {name: rng.choice(values) for name, values in VALUES.items()}
    if rng.random() < 0.1:
        del state["agent"]  # a source that does not report the agent
    return state


def _expected(
    before: Entries,
    after: Entries,
) -> Counter[Event]:
    """The rules of `changes`, written as plainly as possible."""
    found: Counter[Event] = Counter()
    for key in before.keys() - after.keys():
        found[(EventType.HOUSEHOLD_LOST, key, None, None, before[key][0])] += 1
    for key in after.keys() - before.keys():
        found[(EventType.HOUSEHOLD_ADDED, key, None, None, after[key][0])] += 1
    for key in before.keys() & after.keys():
        (_, old, old_digest), (household_id, new, new_digest) = before[key], after[key]
        if old_digest == new_digest:
            continue
        for name, event_type in changes.FIELD_EVENTS.items():
            if name in new and old.get(name) != new.get(name):
                found[(event_type, key, old.get(name), new.get(name), household_id)] += 1
    return found


def _stored() -> Counter[Event]:
    rows = ChangeEvent.objects.values_list("type", "key", "old", "new", "household_id")
    return Counter(rows)


@pytest.mark.django_db
def test_the_events_equal_a_plain_comparison_of_the_two_snapshots() -> None:
    agency = create_agency(name="Compare Agency")
    previous, current = _weeks(agency)
    rng = random.Random(3)
    keys = [f"{1_600_000 + n}" for n in range(600)]
    ids = _households(agency, keys)
    before: Entries = {}
    after: Entries = {}
    for key in rng.sample(keys, 500):
        state = _random_state(rng)
        before[key] = (ids[key], state, fingerprint(state.values()))
    for key in rng.sample(keys, 500):
        old = before.get(key)
        roll = rng.random()
        if old is not None and roll < 0.6:
            after[key] = old  # unchanged
        elif old is not None and roll < 0.7:
            after[key] = (old[0], old[1], fingerprint((old[2], "merged")))  # same values
        else:
            state = _random_state(rng)
            after[key] = (ids[key], state, fingerprint(state.values()))
    _write(previous, before)
    _write(current, after)

    stored = changes.record_book_changes(previous, current, source="calheers")

    expected = _expected(before, after)
    assert _stored() == expected
    assert stored == expected.total()
    kinds = {event[0] for event in expected}
    assert {EventType.HOUSEHOLD_ADDED, EventType.HOUSEHOLD_LOST, EventType.AGENT_CHANGED} <= kinds


@pytest.mark.django_db
def test_a_household_no_longer_in_the_book_is_marked_lost_and_its_delegation_ended() -> None:
    agency = create_agency(name="Compare Agency")
    previous, current = _weeks(agency)
    gone, kept = make_household(agency, None), make_household(agency, None, name="Ana Ruiz")
    state: State = {"status": "effectuated"}
    entry = (state, fingerprint(state.values()))
    _write(previous, {"C1": (gone.pk, *entry), "C2": (kept.pk, *entry)})
    _write(current, {"C2": (kept.pk, *entry)})

    changes.record_book_changes(previous, current, source="calheers")

    gone.refresh_from_db()
    kept.refresh_from_db()
    assert (gone.lost_at, kept.lost_at) == (current.as_of, None)
    ended = Delegation.objects.get(household=gone)
    assert (ended.status, ended.ended_at) == (DelegationStatus.REMOVED, current.as_of)
    assert ended.reason == "no longer in the calheers book"
    assert Delegation.objects.get(household=kept).status == DelegationStatus.ACTIVE


@pytest.mark.django_db
def test_a_change_already_stored_this_week_is_not_stored_again() -> None:
    agency = create_agency(name="Compare Agency")
    previous, current = _weeks(agency)
    ids = _households(agency, ["C1", "C2"])
    old: State = {"aptc": "300.00"}
    new: State = {"aptc": "325.00"}
    _write(previous, {"C1": (ids["C1"], old, fingerprint(old.values()))})
    _write(current, {"C2": (ids["C2"], new, fingerprint(new.values()))})
    _write(current, {"C1": (ids["C1"], new, fingerprint(new.values()))})

    first = changes.record_book_changes(previous, current, source="calheers")
    again = changes.record_book_changes(previous, current, source="calheers")

    assert (first, again) == (2, 0)
    assert _stored() == Counter(
        {
            (EventType.APTC_CHANGED, "C1", "300.00", "325.00", ids["C1"]): 1,
            (EventType.HOUSEHOLD_ADDED, "C2", None, None, ids["C2"]): 1,
        }
    )


@pytest.mark.django_db
def test_a_flag_list_reports_entries_that_came_and_for_dmis_those_that_went() -> None:
    agency = create_agency(name="Compare Agency")
    previous, current = _weeks(agency, "healthsherpa_dmi")
    flag: State = {}
    digest = fingerprint(())
    _write(previous, {"F1|income": (None, flag, digest), "F2|income": (None, flag, digest)})
    _write(current, {"F2|income": (None, flag, "changed"), "F3|citizenship": (None, flag, digest)})

    dmis = {(c.type, c.key, c.old, c.new) for c in changes.flag_changes("dmi", previous, current)}
    at_risk = {c.type for c in changes.flag_changes("aor_at_risk", previous, current)}

    assert dmis == {
        (EventType.DMI_RESOLVED, "F1", "income", None),
        (EventType.DMI_OPENED, "F3", None, "citizenship"),
    }
    assert at_risk == {EventType.AOR_AT_RISK}


@pytest.mark.django_db
def test_a_first_snapshot_has_nothing_to_compare_with() -> None:
    agency = create_agency(name="Compare Agency")
    _, current = _weeks(agency)
    _write(current, {"C1": (None, {"status": "pending"}, "d")})

    assert changes.record_book_changes(None, current, source="calheers") == 0


@pytest.mark.django_db
def test_the_comparison_leaves_the_planner_settings_as_they_were() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("planner settings are PostgreSQL's")
    agency = create_agency(name="Compare Agency")
    previous, current = _weeks(agency)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_nestloop'), current_setting('work_mem')")
        before = cursor.fetchone()
        list(changes.differences(previous, current))
        cursor.execute("SELECT current_setting('enable_nestloop'), current_setting('work_mem')")
        assert cursor.fetchone() == before
