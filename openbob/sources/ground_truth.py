"""The changes between two weekly snapshots, as the generator's ground truth states them.

A change-detection module is measured against these events (precision and recall must
both be 100%), so the rules are few and exact. Per source, a household's key is its
CalHEERS `Case Number` or its HealthSherpa `ffm_app_id`, and a household is "in the
book" when its key appears in that source's book file: the CalHEERS Book of Business,
or the HealthSherpa agency Enrollments export.

* `household_added` / `household_lost`: the key is in this week's book and not last
  week's, or the reverse. `old` and `new` are null. These are the only events of such a
  key that week: a new household's DMIs, at-risk flag or values are not also reported,
  nor a lost household's resolutions.

Every other event concerns a key in both weeks' book, and compares normalised values
(what the adapters return), null counting as a value, so a change to or from null is a
change. `old` and `new` are the values before and after:

* `agent_changed` (calheers): `Agent License Number` of the delegated agent.
* `aor_changed` (healthsherpa): the NPN inside `policy_aor` (null when blank, `None`
  or without an NPN).
* `status_changed`: the normalised status, `pending` / `effectuated` / `cancelled` /
  `terminated` (calheers `Health Enrollment Status`, healthsherpa `policy_status`).
  A raw-only change (PendingEffectuation -> PendingFollowups) is no change.
* `plan_changed`: the plan name (calheers `Health Plan Name`, healthsherpa `plan_name`).
* `gross_premium_changed`, `aptc_changed`, `net_premium_changed`: two-decimal amounts
  such as "403.59" (calheers `Gross Premium` / `APTC Amount` / `Net Premium`,
  healthsherpa `gross_premium` / `subsidy` / `net_premium`). Each differing amount is
  its own event, so a subsidy change usually brings a net premium change with it.
* `program_changed` (calheers): the normalised `Program Type`, `covered_california` /
  `mixed_household` / `medi_cal`. Moving to Medi-Cal clears the plan and premiums,
  which are reported as their own changes.
* `aor_at_risk` (healthsherpa): the key is listed in this week's AOR at-risk export and
  was not last week. Leaving the list is no event. `old` and `new` are null.
* `dmi_opened` / `dmi_resolved`, `svi_opened` / `svi_resolved` (healthsherpa): one
  event per issue type, keyed by ffm_app_id: the (key, type) pair is in this week's DMI
  (SVI) follow-ups export and not last week's (`new` = the type), or the reverse
  (`old` = the type). An issue turning from Outstanding to Expired is no event.

CalHEERS household-level columns repeat on every member row of a case; the values are
the case's (identical on each row in generated files). Dental columns, member details,
addresses, EDE-permission-lost rows and the roster never produce events. Week 1 of a
generation has no events: it is the baseline.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path


class EventType(enum.StrEnum):
    HOUSEHOLD_ADDED = "household_added"
    HOUSEHOLD_LOST = "household_lost"
    AGENT_CHANGED = "agent_changed"
    AOR_CHANGED = "aor_changed"
    AOR_AT_RISK = "aor_at_risk"
    STATUS_CHANGED = "status_changed"
    PLAN_CHANGED = "plan_changed"
    GROSS_PREMIUM_CHANGED = "gross_premium_changed"
    APTC_CHANGED = "aptc_changed"
    NET_PREMIUM_CHANGED = "net_premium_changed"
    PROGRAM_CHANGED = "program_changed"
    DMI_OPENED = "dmi_opened"
    DMI_RESOLVED = "dmi_resolved"
    SVI_OPENED = "svi_opened"
    SVI_RESOLVED = "svi_resolved"


class EventSource(enum.StrEnum):
    CALHEERS = "calheers"
    HEALTHSHERPA = "healthsherpa"


@dataclass(frozen=True, slots=True)
class Event:
    week: str
    source: EventSource
    key: str
    type: EventType
    old: str | None
    new: str | None

    def as_json(self) -> dict[str, str | None]:
        return {
            "week": self.week,
            "type": self.type.value,
            "source": self.source.value,
            "key": self.key,
            "old": self.old,
            "new": self.new,
        }


@dataclass(frozen=True, slots=True)
class CalheersState:
    """A case's tracked values, normalised as the CalHEERS adapter returns them."""

    agent: str | None
    status: str | None
    plan: str | None
    gross_premium: str | None
    aptc: str | None
    net_premium: str | None
    program: str | None


@dataclass(frozen=True, slots=True)
class HealthSherpaState:
    """An application's tracked values, normalised as the HealthSherpa adapters return them."""

    aor: str | None
    status: str | None
    plan: str | None
    gross_premium: str | None
    aptc: str | None
    net_premium: str | None
    at_risk: bool
    dmis: frozenset[str]
    svis: frozenset[str]


@dataclass(frozen=True, slots=True)
class Snapshot:
    calheers: Mapping[str, CalheersState]
    healthsherpa: Mapping[str, HealthSherpaState]


_FIELD_EVENTS = {
    "agent": EventType.AGENT_CHANGED,
    "aor": EventType.AOR_CHANGED,
    "status": EventType.STATUS_CHANGED,
    "plan": EventType.PLAN_CHANGED,
    "gross_premium": EventType.GROSS_PREMIUM_CHANGED,
    "aptc": EventType.APTC_CHANGED,
    "net_premium": EventType.NET_PREMIUM_CHANGED,
    "program": EventType.PROGRAM_CHANGED,
}
_ISSUE_EVENTS = {
    "dmis": (EventType.DMI_OPENED, EventType.DMI_RESOLVED),
    "svis": (EventType.SVI_OPENED, EventType.SVI_RESOLVED),
}


def diff(previous: Snapshot, current: Snapshot, week: date) -> list[Event]:
    """Every event between two snapshots, sorted by source, key, type and values."""
    stamp = week.isoformat()
    events = [
        *_diff_book(stamp, EventSource.CALHEERS, previous.calheers, current.calheers),
        *_diff_book(stamp, EventSource.HEALTHSHERPA, previous.healthsherpa, current.healthsherpa),
    ]
    for key in current.healthsherpa.keys() & previous.healthsherpa.keys():
        events.extend(
            _diff_flags(stamp, key, previous.healthsherpa[key], current.healthsherpa[key])
        )
    return sorted(events, key=_order)


def _order(event: Event) -> tuple[str, str, str, str, str, str]:
    return (event.source, event.key, event.type, event.old or "", event.new or "", event.week)


def _diff_book(
    week: str,
    source: EventSource,
    previous: Mapping[str, CalheersState | HealthSherpaState],
    current: Mapping[str, CalheersState | HealthSherpaState],
) -> Iterable[Event]:
    for key in current.keys() - previous.keys():
        yield Event(week, source, key, EventType.HOUSEHOLD_ADDED, None, None)
    for key in previous.keys() - current.keys():
        yield Event(week, source, key, EventType.HOUSEHOLD_LOST, None, None)
    for key in current.keys() & previous.keys():
        before, after = previous[key], current[key]
        for state_field in fields(before):
            event_type = _FIELD_EVENTS.get(state_field.name)
            old, new = getattr(before, state_field.name), getattr(after, state_field.name)
            if event_type is not None and old != new:
                yield Event(week, source, key, event_type, old, new)


def _diff_flags(
    week: str, key: str, before: HealthSherpaState, after: HealthSherpaState
) -> Iterable[Event]:
    source = EventSource.HEALTHSHERPA
    if after.at_risk and not before.at_risk:
        yield Event(week, source, key, EventType.AOR_AT_RISK, None, None)
    for name, (opened, resolved) in _ISSUE_EVENTS.items():
        old_issues, new_issues = getattr(before, name), getattr(after, name)
        for issue in new_issues - old_issues:
            yield Event(week, source, key, opened, None, issue)
        for issue in old_issues - new_issues:
            yield Event(week, source, key, resolved, issue, None)


def write(path: Path, week: date, previous_week: date | None, events: Iterable[Event]) -> None:
    """Write one week's `ground_truth.json`: stable key order, one event per line."""
    head = json.dumps(
        {"week": week.isoformat(), "previous_week": previous_week and previous_week.isoformat()}
    )
    lines = ",\n".join(f"  {json.dumps(event.as_json())}" for event in events)
    body = f"[\n{lines}\n ]" if lines else "[]"
    path.write_text(f'{head[:-1]},\n "events": {body}\n}}\n', encoding="utf-8")


def load(path: Path) -> list[Event]:
    """The events of a `ground_truth.json`, for tests of change detection."""
    document = json.loads(path.read_text(encoding="utf-8"))
    return [
        Event(
            week=item["week"],
            source=EventSource(item["source"]),
            key=item["key"],
            type=EventType(item["type"]),
            old=item["old"],
            new=item["new"],
        )
        for item in document["events"]
    ]
