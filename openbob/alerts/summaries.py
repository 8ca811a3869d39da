"""Building and storing one day's Daily Summaries and Daily Manager Summaries.

`store_day` runs inside the caller's transaction (`openbob.alerts.runs.produce` holds
the day's claim): it finds every due alert once for the whole installation, then
hands each enroller the households delegated to them and each manager (or primary
contact) everything their scope covers, which is what `openbob.book.scoping` lets
them see (for an Agency Manager, the agency and every sub-agency).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q

from openbob.accounts.models import User
from openbob.accounts.roles import Role
from openbob.alerts.conditions import Occurrence, occurrences
from openbob.alerts.models import (
    DailySummary,
    EmailStatus,
    SentOnce,
    SummaryItem,
    SummaryKind,
)
from openbob.alerts.notices import sync_from_book
from openbob.alerts.topics import ONCE_LOOKBACK_DAYS, RULES, Topic, is_once
from openbob.book.models import Household
from openbob.book.scoping import visible_agency_ids
from openbob.imports import bulk

ENROLLER_ROLES = (Role.AGENT, Role.AGENCY_MANAGER, Role.ADMIN_STAFF_1, Role.ADMIN_STAFF_2)
SUBJECTS = {
    (SummaryKind.DAILY, True): "Daily Summary",
    (SummaryKind.DAILY, False): "No Alerts Daily Summary",
    (SummaryKind.MANAGER, True): "Daily Manager Summary",
    (SummaryKind.MANAGER, False): "No Alerts Daily Manager Summary",
}
TOPIC_ORDER = {topic: n for n, topic in enumerate(Topic)}
ITEM_COLUMNS = (
    "summary_id",
    "household_id",
    "topic",
    "case_number",
    "client_name",
    "phone",
    "email",
    "agent_name",
)


@dataclass(frozen=True, slots=True)
class Line:
    """A due alert with what a summary shows of its household (no SSN, DOB or income)."""

    household_id: int
    topic: Topic
    agency_id: int
    agent_id: int | None
    case_number: str
    client_name: str
    phone: str
    email: str

    def sort_key(self) -> tuple[int, str, int]:
        return (TOPIC_ORDER[self.topic], self.case_number, self.household_id)


@dataclass
class DayTotals:
    summaries: int = 0
    items: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def due_occurrences(today: date) -> list[Occurrence]:
    """Every alert due on `today` by its topic's rule, "once" alerts not sent before."""
    sent = set(
        SentOnce.objects.filter(day__gte=today - timedelta(days=ONCE_LOOKBACK_DAYS)).values_list(
            "household_id", "topic", "key"
        )
    )
    return [
        found
        for found in occurrences(today)
        if RULES[found.topic].due(today, found.since)
        and not (
            is_once(found.topic) and (found.household_id, found.topic.value, found.key) in sent
        )
    ]


def lines_for(due: Iterable[Occurrence]) -> list[Line]:
    """One line per household and topic, with the household's case and contact details."""
    topics: dict[int, set[Topic]] = defaultdict(set)
    for found in due:
        topics[found.household_id].add(found.topic)
    table = bulk.quoted(Household)
    rows = bulk.select_in(
        "SELECT id, agency_id, agent_id, case_number, ffm_app_id, primary_name, "  # noqa: S608
        f"primary_phone, primary_email FROM {table} WHERE agency_id IS NOT NULL AND id",
        sorted(topics),
    )
    lines = [
        Line(pk, topic, agency, agent, case or ffm or "", name, phone, email)
        for pk, agency, agent, case, ffm, name, phone, email in rows
        for topic in topics[pk]
    ]
    lines.sort(key=Line.sort_key)
    return lines


def store_day(today: date) -> DayTotals:
    """Store `today`'s summaries for every recipient who has none yet; remember "once"s.

    The exchange notices are first brought in line with the book's CalHEERS columns.
    """
    sync_from_book(today)
    due = due_occurrences(today)
    lines = lines_for(due)
    names = _agent_names()
    totals = DayTotals()
    by_agent: dict[int, list[Line]] = defaultdict(list)
    by_agency: dict[int, list[Line]] = defaultdict(list)
    for line in lines:
        if line.agent_id is not None:
            by_agent[line.agent_id].append(line)
        by_agency[line.agency_id].append(line)
    done = set(DailySummary.objects.filter(day=today).values_list("recipient_id", "kind"))
    for user in _recipients(ENROLLER_ROLES):
        if (user.pk, SummaryKind.DAILY) not in done:
            _store(user, today, SummaryKind.DAILY, by_agent.get(user.pk, []), names, totals)
    for user in _recipients(ENROLLER_ROLES, managers=True):
        if (user.pk, SummaryKind.MANAGER) not in done:
            scoped = _merged(by_agency, visible_agency_ids(user))
            _store(user, today, SummaryKind.MANAGER, scoped, names, totals)
    _remember_once(due, today)
    return totals


def _recipients(roles: Iterable[str], *, managers: bool = False) -> Iterator[User]:
    users = User.objects.filter(is_active=True, agency__isnull=False, role__in=list(roles))
    if managers:
        users = users.filter(Q(role=Role.AGENCY_MANAGER) | Q(is_primary_contact=True))
    return users.select_related("agency").order_by("pk").iterator(chunk_size=2_000)


def _agent_names() -> dict[int, str]:
    rows = User.objects.filter(agency__isnull=False).values_list("pk", "first_name", "last_name")
    return {pk: f"{first} {last}".strip() for pk, first, last in rows}


def _merged(by_agency: dict[int, list[Line]], agency_ids: list[int]) -> list[Line]:
    merged = [line for agency in agency_ids for line in by_agency.get(agency, [])]
    merged.sort(key=Line.sort_key)
    return merged


def _store(
    user: User,
    today: date,
    kind: SummaryKind,
    lines: list[Line],
    names: dict[int, str],
    totals: DayTotals,
) -> None:
    summary = DailySummary.objects.create(
        recipient=user,
        day=today,
        kind=kind,
        subject=SUBJECTS[(kind, bool(lines))],
        item_count=len(lines),
        email_status=EmailStatus.PENDING if user.email_alerts else EmailStatus.OFF,
    )
    bulk.insert_rows(
        SummaryItem,
        ITEM_COLUMNS,
        [
            (
                summary.pk,
                line.household_id,
                line.topic.value,
                line.case_number,
                line.client_name,
                line.phone,
                line.email,
                names.get(line.agent_id or 0, ""),
            )
            for line in lines
        ],
    )
    totals.summaries += 1
    totals.items += len(lines)
    totals.by_kind[kind] = totals.by_kind.get(kind, 0) + 1


def _remember_once(due: Iterable[Occurrence], today: date) -> None:
    SentOnce.objects.bulk_create(
        [
            SentOnce(household_id=found.household_id, topic=found.topic, key=found.key, day=today)
            for found in due
            if is_once(found.topic)
        ],
        ignore_conflicts=True,
        batch_size=5_000,
    )
