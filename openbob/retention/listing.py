"""The case list, one bounded page at a time, in the list's order (highest risk first).

A manager's list spans every agency of their tree and both open statuses, so no single
index range is in list order and `ORDER BY ... LIMIT` would sort every open case (seconds
at a million). Instead each (agency, status) pair, whose cases the
`retention_case_agency_order` index holds in list order, gives at most one page plus one
row, and Python merges those few rows. Pages continue from a cursor (the last case's
sort key) rather than an offset, so page 1,000 costs what page 1 does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Q, QuerySet

from openbob.accounts.models import User
from openbob.accounts.roles import Role
from openbob.book.scoping import visible_agency_ids
from openbob.retention.choices import Risk
from openbob.retention.models import RetentionCase

ORDER = ("-risk", "opened_at", "pk")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: the sort key of its last case, as a URL-safe token."""

    risk: int
    opened_at: datetime
    pk: int

    @classmethod
    def of(cls, case: RetentionCase) -> Cursor:
        return cls(case.risk, case.opened_at, case.pk)

    @classmethod
    def parse(cls, token: str | None) -> Cursor | None:
        """The cursor of `token`, or None (the first page) for anything malformed."""
        try:
            risk, micros, pk = (int(part) for part in (token or "").split("."))
            cursor = cls(risk, EPOCH + micros * MICROSECOND, pk)
        except (ValueError, OverflowError):
            return None
        return cursor if risk in Risk.values and pk > 0 else None

    @property
    def token(self) -> str:
        return f"{self.risk}.{(self.opened_at - EPOCH) // MICROSECOND}.{self.pk}"

    def after(self) -> Q:
        """Cases that come after this one in `ORDER`."""
        return (
            Q(risk__lt=self.risk)
            | Q(risk=self.risk, opened_at__gt=self.opened_at)
            | Q(risk=self.risk, opened_at=self.opened_at, pk__gt=self.pk)
        )


def branches(user: User, statuses: Sequence[str]) -> list[Q]:
    """Filters that split `user`'s cases into ranges one index holds in list order.

    An agent's cases are one agency already (`access.cases_visible_to`), so only the
    status splits them; everyone else's also split by each visible agency.
    """
    if user.role == Role.AGENT:
        return [Q(status=status) for status in statuses]
    agencies = sorted(visible_agency_ids(user))
    return [Q(agency_id=agency, status=status) for agency in agencies for status in statuses]


def page(
    cases: QuerySet[RetentionCase], parts: Sequence[Q], cursor: Cursor | None, size: int
) -> tuple[list[RetentionCase], Cursor | None]:
    """Up to `size` cases after `cursor` in `ORDER`, and the cursor of the next page.

    The branches return only sort keys; the page's cases are then read in one query, so
    a page builds `size` model instances however many branches there are.
    """
    if cursor is not None:
        cases = cases.filter(cursor.after())
    keys: list[tuple[int, datetime, int]] = []
    for part in parts:
        ordered = cases.filter(part).order_by(*ORDER)
        keys += ordered.values_list("risk", "opened_at", "pk")[: size + 1]
    keys.sort(key=lambda key: (-key[0], key[1], key[2]))
    shown = keys[:size]
    by_pk = cases.in_bulk([pk for _, _, pk in shown])
    rows = [by_pk[pk] for _, _, pk in shown]
    following = Cursor(*shown[-1]) if shown and len(keys) > size else None
    return rows, following
