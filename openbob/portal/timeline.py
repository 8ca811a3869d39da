"""A household's change history as one timeline, newest first.

It merges what the imports saw change between weekly snapshots, every delegation step
(requested, started, ended, with who acted and why), follow-ups opening and resolving,
and notes. Each source is one query, capped, so a long-lived household's page stays
bounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from openbob.book.choices import DelegationStatus
from openbob.book.models import Household

LIMIT = 100
_ENDED = {
    DelegationStatus.TRANSFERRED: "Delegation transferred",
    DelegationStatus.REMOVED: "Delegation removed",
    DelegationStatus.DECLINED: "Delegation request declined",
}


@dataclass(frozen=True)
class Entry:
    at: datetime
    what: str
    detail: str
    who: str
    source: str


def timeline(household: Household) -> list[Entry]:
    entries = [
        *_changes(household),
        *_delegations(household),
        *_follow_ups(household),
        *_notes(household),
    ]
    return sorted(entries, key=lambda e: e.at, reverse=True)[:LIMIT]


def _changes(household: Household) -> list[Entry]:
    events = household.change_events.select_related("agent").order_by("-as_of", "-pk")[:LIMIT]
    return [
        Entry(
            e.as_of,
            e.get_type_display(),
            " → ".join(v for v in (e.old, e.new) if v),
            e.agent.full_name if e.agent else "",
            f"Import (week ending {e.week:%Y-%m-%d})",
        )
        for e in events
    ]


def _delegations(household: Household) -> list[Entry]:
    steps = household.delegations.select_related("agent", "acted_by").order_by("-pk")[:LIMIT]
    entries = []
    for d in steps:
        agent = d.agent.full_name if d.agent else "no agent"
        actor = d.acted_by.full_name if d.acted_by else ""
        source = d.get_source_display()
        if d.requested_at and d.status == DelegationStatus.PENDING:
            entries.append(Entry(d.requested_at, "Delegation requested", agent, "", source))
        if d.started_at:
            entries.append(Entry(d.started_at, "Delegated", f"to {agent}", actor, source))
        if d.ended_at and d.status in _ENDED:
            detail = f"{agent}{f' — {d.reason}' if d.reason else ''}"
            entries.append(
                Entry(d.ended_at, _ENDED[DelegationStatus(d.status)], detail, actor, source)
            )
    return entries


def _follow_ups(household: Household) -> list[Entry]:
    items = household.follow_ups.order_by("-opened_at")[:LIMIT]
    entries = []
    for f in items:
        label = f"{f.get_kind_display()}: {f.issue_type}"
        entries.append(Entry(f.opened_at, "Follow-up opened", label, "", f.get_source_display()))
        if f.resolved_at:
            entries.append(
                Entry(f.resolved_at, "Follow-up resolved", label, "", f.get_source_display())
            )
    return entries


def _notes(household: Household) -> list[Entry]:
    notes = household.notes.select_related("author").order_by("-created_at")[:LIMIT]
    return [
        Entry(n.created_at, "Note", n.body, n.author.full_name if n.author else "", "OpenBoB")
        for n in notes
    ]
