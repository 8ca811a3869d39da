"""The periodic sync: create renewal cases, keep them in step with the book, close leavers.

`sync(today=...)` is what the scheduled `sync_retention` task (`openbob.retention.periodic`),
`bob retention sync` and the benchmark call. It is idempotent per Pacific day: the
`SyncRun` row of the day is inserted first, inside the sync's one transaction, so a
second sync of the same day (a retried task, a manual run, even a concurrent one, which
waits on the unique key) finds it and writes nothing, and a sync that fails leaves no
row behind and can simply run again.

In renewal season (`openbob.retention.season`) every household still in the book with
an active enrollment running to the end of the plan year gets one case, scored by
`openbob.retention.rules`; open cases are rescored and their contact details and
agency refreshed. In and out of season, open cases of households that left the book
(delegation lost, archived) are closed with the reason "Left the book".

The work is set-based so a million households take seconds, not minutes: Python only
turns the rules' sparse household sets (`openbob.retention.signals`) into one score row
per flagged household in a temporary table; one INSERT ... SELECT then creates every
missing case and one UPDATE ... FROM rewrites only the open cases that changed, both
joining households, their primary member and that table inside the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from django.db import IntegrityError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Q
from django.utils import timezone

from openbob.book.models import Enrollment, Household, Member
from openbob.imports import bulk
from openbob.lib.weeks import pacific_day
from openbob.retention import rules, signals, tallies
from openbob.retention.choices import OPEN_STATUSES, CaseStatus, Resolution, Risk
from openbob.retention.models import RetentionCase, SyncRun
from openbob.retention.season import plan_year_in_season

LEFT_BOOK_STEPS = "Closed automatically: the household left the book (delegation lost or archived)."
SQLITE_CACHE_KIB = 512_000
SCORES = "retention_sync_score"
"""The temporary table of (household_id, score, computed_risk, reasons) one sync fills."""
TEMP_SCHEMA = {"sqlite": "temp", "postgresql": "pg_temp"}


@dataclass(frozen=True)
class Outcome:
    """What a sync did; `already_done` when the day had been synced before."""

    period: str
    plan_year: int | None
    created: int
    rescored: int
    closed: int
    already_done: bool = False


def sync(*, today: date | None = None, force: bool = False) -> Outcome:
    """Bring the Retention Workspace in step with the book for `today` (Pacific)."""
    now = timezone.now()
    today = today or pacific_day(now)
    period = today.isoformat()
    plan_year = plan_year_in_season(today)
    try:
        with _roomy_sqlite_cache(), transaction.atomic():
            if force:
                SyncRun.objects.filter(period=period).delete()
            run = SyncRun.objects.create(
                period=period, plan_year=plan_year, started_at=now, finished_at=now
            )
            run.closed = close_leavers(now)
            if plan_year is not None:
                run.created, run.rescored = _create_and_score(today, plan_year, now)
            tallies.refresh()
            run.finished_at = timezone.now()
            run.save()
    except IntegrityError:
        done = SyncRun.objects.get(period=period)
        return Outcome(period, done.plan_year, 0, 0, 0, already_done=True)
    return Outcome(period, plan_year, run.created, run.rescored, run.closed)


@contextmanager
def _roomy_sqlite_cache() -> Iterator[None]:
    """On SQLite, let the sync's transaction keep the pages it writes in memory.

    A million-household sync touches far more pages than the connection's usual 64 MB
    cache; spilling them mid-transaction made the case INSERT a third slower. `SQLITE_CACHE_KIB`
    is a ceiling the cache grows to only as pages are read; it is restored afterwards.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        usual = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(usual)}")


def close_leavers(now: datetime) -> int:
    """Close the open cases of households that left the book; returns how many."""
    left = Household.objects.filter(
        Q(lost_at__isnull=False) | Q(archived=True) | Q(agency__isnull=True)
    )
    return RetentionCase.objects.filter(status__in=OPEN_STATUSES, household__in=left).update(
        status=CaseStatus.CLOSED,
        resolution=Resolution.LEFT_BOOK,
        steps_to_resolve=LEFT_BOOK_STEPS,
        closed_at=now,
    )


@cache
def _scored(keys: tuple[str, ...]) -> tuple[int, int, str]:
    """(score, computed risk, reasons) of one combination of fired rules (few distinct)."""
    score, risk = rules.score(keys)
    return score, int(risk), rules.encode(keys)


def _score_rows(fired: signals.Fired) -> list[tuple[int, int, int, str]]:
    """One row per household at least one rule fired for; the rest score 0, Very Low."""
    keys: defaultdict[int, list[str]] = defaultdict(list)
    for rule in rules.RULES:
        for household_id in fired[rule.key]:
            keys[household_id].append(rule.key)
    return [(pk, *_scored(tuple(found))) for pk, found in keys.items()]


def _scores() -> str:
    """The score table's name, schema-qualified so it can never mean a real table."""
    return f"{TEMP_SCHEMA[connection.vendor]}.{SCORES}"


def _fill_scores(cursor: CursorWrapper, fired: signals.Fired) -> None:
    """(Re)create the temporary score table of this sync and fill it."""
    cursor.execute(f"DROP TABLE IF EXISTS {_scores()}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {_scores()} (household_id bigint PRIMARY KEY, "
        "score integer NOT NULL, computed_risk integer NOT NULL, reasons text NOT NULL)"
    )
    cursor.executemany(f"INSERT INTO {_scores()} VALUES (%s, %s, %s, %s)", _score_rows(fired))  # noqa: S608


def _tables() -> dict[str, str]:
    """Names the SQL templates use: quoted tables and the constants they compare with."""
    quote = connection.ops.quote_name
    tables = {
        "case": RetentionCase,
        "household": Household,
        "member": Member,
        "enrollment": Enrollment,
    }
    return {name: quote(model._meta.db_table) for name, model in tables.items()} | {
        "scores": _scores(),
        "active": ", ".join(f"'{status}'" for status in signals.ACTIVE),
        "closed": f"'{CaseStatus.CLOSED}'",
        "very_low": str(int(Risk.VERY_LOW)),
    }


LANGUAGE = """COALESCE((
    SELECT COALESCE(NULLIF(m.spoken_language, ''), m.written_language) FROM {member} m
    WHERE m.household_id = h.id AND m.is_primary = TRUE ORDER BY m.id LIMIT 1), '')"""
"""The primary member's preferred language: spoken, else written."""

INSERT_MISSING = """
INSERT INTO {case} (household_id, agency_id, assignee_id, plan_year, status, consumer_name,
    phone, email, language, score, computed_risk, exchange_risk, risk, reasons, resolution,
    steps_to_resolve, opened_at, opened_on, scored_at)
SELECT h.id, h.agency_id, h.agent_id, %s, 'open', h.primary_name, h.primary_phone,
    h.primary_email, {language}, COALESCE(s.score, 0), COALESCE(s.computed_risk, {very_low}),
    NULL, COALESCE(s.computed_risk, {very_low}), COALESCE(s.reasons, ','), '', '', %s, %s, %s
FROM {household} h LEFT JOIN {scores} s ON s.household_id = h.id
WHERE h.agency_id IS NOT NULL AND h.archived = FALSE AND h.lost_at IS NULL
AND EXISTS (SELECT 1 FROM {enrollment} e WHERE e.household_id = h.id
    AND e.status IN ({active}) AND e.effective_date BETWEEN %s AND %s
    AND (e.end_date IS NULL OR e.end_date >= %s))
AND NOT EXISTS (SELECT 1 FROM {case} c WHERE c.household_id = h.id AND c.plan_year = %s)
ORDER BY h.id
"""
"""Every renewing household (in the book, active enrollment to year end) without a case."""

RESCORE_OPEN = """
UPDATE {case} SET agency_id = h.agency_id, consumer_name = h.primary_name,
    phone = h.primary_phone, email = h.primary_email, language = {language},
    score = COALESCE(s.score, 0), computed_risk = COALESCE(s.computed_risk, {very_low}),
    risk = COALESCE({case}.exchange_risk, s.computed_risk, {very_low}),
    reasons = COALESCE(s.reasons, ','), scored_at = %s
FROM {household} h LEFT JOIN {scores} s ON s.household_id = h.id
WHERE {case}.household_id = h.id AND {case}.plan_year = %s AND {case}.status <> {closed}
AND ({case}.agency_id <> h.agency_id OR {case}.consumer_name <> h.primary_name
    OR {case}.phone <> h.primary_phone OR {case}.email <> h.primary_email
    OR {case}.language <> {language} OR {case}.score <> COALESCE(s.score, 0)
    OR {case}.reasons <> COALESCE(s.reasons, ','))
"""
"""Open cases of the plan year whose agency, contact details or score changed."""


def _sql(template: str) -> str:
    tables = _tables()
    return template.format(language=LANGUAGE.format(**tables), **tables)


def _create_and_score(today: date, plan_year: int, now: datetime) -> tuple[int, int]:
    """Create the missing cases and rescore the changed ones; returns (created, rescored)."""
    fired = signals.detect(today, plan_year)
    stamp = bulk.db_datetime(now)
    opened_on = connection.ops.adapt_datefield_value(today)
    year_start = connection.ops.adapt_datefield_value(date(plan_year, 1, 1))
    year_end = connection.ops.adapt_datefield_value(date(plan_year, 12, 31))
    with connection.cursor() as cursor:
        _fill_scores(cursor, fired)
        cursor.execute(_sql(RESCORE_OPEN), [stamp, plan_year])
        rescored = cursor.rowcount
        cursor.execute(
            _sql(INSERT_MISSING),
            [plan_year, stamp, opened_on, stamp, year_start, year_end, year_end, plan_year],
        )
        created = cursor.rowcount
        cursor.execute(f"DROP TABLE {_scores()}")
    return created, rescored
