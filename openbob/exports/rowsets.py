"""Rows of each export, streamed from the database in the catalogue's column order.

Every export reads one base queryset with a single `values_list(...).iterator()`
(a server-side cursor on PostgreSQL), scoped through `openbob.book.scoping`. Values
that live on other rows of the household (its latest health and dental enrollment,
its open follow-ups, its latest AOR event) come from "side" querysets ordered by the
same household id and merged in step, so there is never a query per row and memory
stays flat with the row count.

Unmasked values come only from `openbob.audit.reveal.reveal_rows`, which writes the
audit row listing every revealed member before the first value is decrypted.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import partial
from operator import itemgetter
from typing import Any

from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery, TextChoices
from django.db.models.functions import Coalesce
from django.db.models.sql.constants import MULTI
from django.utils import timezone

from openbob.accounts.models import CertificationStatus, User
from openbob.accounts.roles import Role
from openbob.audit.reveal import RowField, reveal_rows
from openbob.book import consumer_filters
from openbob.book.choices import (
    BinderStatus,
    Coverage,
    DelegationStatus,
    EnrollmentStatus,
    FollowUpKind,
    MetalTier,
    Program,
    Source,
)
from openbob.book.models import Delegation, Enrollment, FollowUp, Household, Member
from openbob.book.scoping import enrollers_visible_to, households_visible_to, visible_agency_ids
from openbob.exports.catalogue import ExportSpec, Field, Mask
from openbob.imports.choices import EventType
from openbob.imports.models import ChangeEvent
from openbob.lib.distinct import map_distinct
from openbob.lib.masking import mask_dob, mask_income, mask_ssn
from openbob.lib.spreadsheet import Column, ColumnBatches
from openbob.lib.weeks import PACIFIC

CHUNK_SIZE = 2000
FOLLOW_UP_LOOKBACK_MONTHS = 2
CHANGES_WINDOW = timedelta(days=7)
AOR_EVENTS = (EventType.AOR_CHANGED, EventType.AOR_AT_RISK)
Row = tuple[object, ...]


@dataclass(frozen=True)
class Request:
    """What a row builder needs: who asks, for which export, with which options."""

    user: User | None  # None: the whole book, for the weekly snapshot only
    spec: ExportSpec
    parameters: dict[str, Any]
    masked: bool = True
    purpose: str = ""

    @property
    def requester(self) -> User:
        assert self.user is not None, "a person's export has a requester"
        return self.user


# -- converters (named in the catalogue) ----------------------------------------------


class _Labels(dict[object, object]):
    """Choice labels by stored value; a value without one passes through ("" is blank)."""

    def __missing__(self, value: object) -> object:
        return value or None


def choice_label(choices: Any) -> Callable[[object], object]:
    """A converter from a stored choice value to its label (unknown values pass through).

    It is a dict lookup, so mapping it over a column runs in C except for unknown values.
    """
    labels = _Labels(choices.choices)
    labels[None] = None
    return labels.__getitem__


def _yes_no(value: object) -> str | None:
    return None if value is None else ("Y" if value else "N")


def _full_name(first: object, last: object) -> str | None:
    return " ".join(str(part) for part in (first, last) if part) or None


def _pacific_date(value: object) -> date | None:
    return value.astimezone(PACIFIC).date() if isinstance(value, datetime) else None


# Converters whose stored codes come from a fixed vocabulary: the label is shown. (My
# Reports filters on the same vocabularies.)
VOCABULARIES: dict[str, type[TextChoices]] = {
    "program": Program,
    "metal_tier": MetalTier,
    "enrollment_status": EnrollmentStatus,
    "binder_status": BinderStatus,
    "coverage": Coverage,
    "event_type": EventType,
    "role": Role,
    "certification": CertificationStatus,
    "source": Source,
    "kind": FollowUpKind,
    "delegation_status": DelegationStatus,
}
CONVERTERS: dict[str, Callable[..., object]] = {
    **{name: choice_label(vocabulary) for name, vocabulary in VOCABULARIES.items()},
    "yes_no": _yes_no,
    "full_name": _full_name,
    "pacific_date": _pacific_date,
}

_MASKED: dict[Mask, Callable[[Any], str]] = {
    Mask.SSN: lambda last4: mask_ssn(last4 or None),
    Mask.DOB: mask_dob,
    Mask.INCOME: mask_income,
}


def _clear_ssn(value: str) -> str | None:
    return f"{value[:3]}-{value[3:5]}-{value[5:]}" if len(value) == 9 else value or None


_REVEALED: dict[Mask, Callable[[str], object]] = {
    Mask.SSN: _clear_ssn,
    Mask.DOB: lambda value: date.fromisoformat(value) if value else None,
    Mask.INCOME: lambda value: Decimal(value) if value else None,
}


def columns(spec: ExportSpec, *, masked: bool) -> list[Column]:
    """The writer's columns: a masked PII column holds text (the mask), not a date."""
    return [
        Column(f.header, "text" if (f.mask and masked) else f.kind, width=_width(f))
        for f in spec.fields
    ]


def _width(f: Field) -> int | None:
    return 22 if f.mask else None


# -- scope ------------------------------------------------------------------------------


def scoped_households(request: Request) -> QuerySet[Household]:
    """The households the export may cover: the requester's scope, still in the book.

    The weekly snapshot (no requester) covers the whole book; each export from it is
    scoped again through the same function when it is read.
    """
    if request.user is None:
        households = Household.objects.filter(lost_at__isnull=True)
    else:
        households = households_visible_to(request.user).filter(lost_at__isnull=True)
    agent_id = request.parameters.get("agent_id")
    if agent_id is not None:
        households = households.filter(agent_id=agent_id)
    return households


def visible_events(user: User) -> QuerySet[ChangeEvent]:
    """Change events scoped like households: an agent's own, else the agencies in scope."""
    if not user.is_active or user.agency_id is None:
        return ChangeEvent.objects.none()
    if user.role == Role.AGENT:
        return ChangeEvent.objects.filter(agent=user, agency_id=user.agency_id)
    return ChangeEvent.objects.filter(agency_id__in=visible_agency_ids(user))


def months_ago(today: date, months: int) -> date:
    """The same day `months` calendar months earlier (clamped to the month's length)."""
    month_index = today.year * 12 + today.month - 1 - months
    year, month = divmod(month_index, 12)
    for day in range(today.day, 0, -1):
        try:
            return date(year, month + 1, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


# -- base querysets, one per catalogue `base` -------------------------------------------


@dataclass
class Base:
    """The base rows and the key that side querysets are merged on."""

    queryset: QuerySet[Any]
    order: tuple[Any, ...]
    key: str  # path of the household id in the base rows


def _member_base(request: Request) -> Base:
    members = Member.objects.filter(household__in=scoped_households(request).values("pk"))
    return Base(members, ("household_id", "-is_primary", "id"), "household_id")


def _enrollment_base(request: Request) -> Base:
    households = scoped_households(request)
    if not request.parameters.get("include_archived"):
        households = households.filter(archived=False)
    enrollments = Enrollment.objects.filter(household__in=households.values("pk"))
    exchange = request.parameters.get("exchange", "on")
    if exchange in ("on", "off"):
        enrollments = enrollments.filter(on_exchange=exchange == "on")
    if start := request.parameters.get("date_from"):
        enrollments = enrollments.filter(effective_date__gte=start)
    if end := request.parameters.get("date_to"):
        enrollments = enrollments.filter(effective_date__lte=end)
    return Base(enrollments, ("household_id", "coverage", "id"), "household_id")


def _household_base(request: Request) -> Base:
    households = scoped_households(request)
    if request.spec.key == "clients":
        return Base(_clients(request, households), ("id",), "id")
    if request.spec.key.startswith("aor_at_risk"):
        aor = ChangeEvent.objects.filter(type__in=AOR_EVENTS).values("household_id")
        households = households.filter(Q(aor_at_risk_at__isnull=False) | Q(pk__in=aor))
    else:
        households = households.filter(ede_permission_lost_at__isnull=False)
    return Base(households, ("id",), "id")


def _clients(request: Request, households: QuerySet[Household]) -> QuerySet[Household]:
    """The Clients export's options: the Active Consumers list's filters, archived and
    unsubmitted ones only when asked for, and a date range on the last submission."""
    filters = request.parameters.get("filters") or {}
    households = consumer_filters.narrow(households, request.requester, filters)
    if not request.parameters.get("include_archived"):
        households = households.filter(archived=False)
    if not request.parameters.get("include_unsubmitted"):
        households = households.filter(pk__in=Enrollment.objects.values("household_id"))
    if start := request.parameters.get("date_from"):
        households = households.filter(source_as_of__date__gte=start)
    if end := request.parameters.get("date_to"):
        households = households.filter(source_as_of__date__lte=end)
    return households


def filters_applied(request: Request) -> str:
    """The list filters `request` applies, in words ("" for none), for the file."""
    if "filters" not in request.spec.options:
        return ""
    return consumer_filters.describe(request.requester, request.parameters.get("filters") or {})


def _follow_up_base(request: Request) -> Base:
    if request.spec.key == "client_followups":
        open_items = FollowUp.objects.filter(
            household__in=scoped_households(request).values("pk"), resolved_at__isnull=True
        )
        return Base(open_items, (F("due_date").asc(nulls_last=True), "id"), "household_id")
    kind = FollowUpKind.DMI if request.spec.key.startswith("dmi") else FollowUpKind.SVI
    since = months_ago(timezone.localdate(), FOLLOW_UP_LOOKBACK_MONTHS)
    follow_ups = FollowUp.objects.filter(
        household__in=scoped_households(request).values("pk"), kind=kind, due_date__gte=since
    )
    return Base(follow_ups, ("due_date", "id"), "household_id")


def _event_base(request: Request) -> Base:
    since = timezone.now() - CHANGES_WINDOW
    events = visible_events(request.requester).filter(as_of__gte=since)
    return Base(events, ("-as_of", "id"), "household_id")


def _user_base(request: Request) -> Base:
    roster = enrollers_visible_to(request.requester).annotate(
        consumers=Count("households", filter=Q(households__lost_at__isnull=True))
    )
    return Base(roster, ("last_name", "first_name", "id"), "id")


BASES: dict[str, Callable[[Request], Base]] = {
    "member": _member_base,
    "enrollment": _enrollment_base,
    "household": _household_base,
    "followup": _follow_up_base,
    "event": _event_base,
    "user": _user_base,
}


# -- side querysets: values of other rows of the same household -------------------------

_ENROLLMENT_NAMES = (
    "carrier",
    "plan_name",
    "metal_tier",
    "plan_type",
    "status",
    "effective_date",
    "end_date",
    "gross_premium",
    "aptc",
    "net_premium",
    "binder_status",
)


def _latest_enrollments(request: Request, coverage: str) -> QuerySet[Any]:
    return (
        Enrollment.objects.filter(
            household__in=scoped_households(request).values("pk"), coverage=coverage
        )
        .order_by("household_id", F("effective_date").desc(nulls_last=True), "-id")
        .values_list("household_id", *_ENROLLMENT_NAMES)
    )


def _open_verifications() -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(
        household=OuterRef("pk"),
        kind__in=[FollowUpKind.DMI, FollowUpKind.SVI],
        resolved_at__isnull=True,
    )


def _household_facts(request: Request) -> QuerySet[Any]:
    """Per household: members applying, delegation start, open verifications."""
    applying = (
        Member.objects.filter(household=OuterRef("pk"), applying=True)
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    delegated = (
        Delegation.objects.filter(household=OuterRef("pk"), status=DelegationStatus.ACTIVE)
        .order_by(F("started_at").desc(nulls_last=True))
        .values("started_at")[:1]
    )
    open_items = _open_verifications().values("household").annotate(n=Count("pk")).values("n")
    earliest = _open_verifications().values("household").annotate(d=Min("due_date")).values("d")
    return (
        scoped_households(request)
        .order_by("pk")
        .annotate(
            members_enrolled=Subquery(applying),
            delegated_at=Subquery(delegated),
            outstanding=Coalesce(Subquery(open_items), 0),
            verification_due=Subquery(earliest),
        )
        .values_list("pk", "members_enrolled", "delegated_at", "verification_due", "outstanding")
    )


def _latest_aor_events(request: Request) -> QuerySet[Any]:
    return (
        ChangeEvent.objects.filter(
            household__in=scoped_households(request).values("pk"), type__in=AOR_EVENTS
        )
        .order_by("household_id", "-as_of", "-id")
        .values_list("household_id", "type", "old", "new", "as_of")
    )


@dataclass(frozen=True)
class SideSpec:
    names: tuple[str, ...]
    rows: Callable[[Request], QuerySet[Any]]


SIDES: dict[str, SideSpec] = {
    "health": SideSpec(_ENROLLMENT_NAMES, lambda r: _latest_enrollments(r, Coverage.HEALTH)),
    "dental": SideSpec(_ENROLLMENT_NAMES, lambda r: _latest_enrollments(r, Coverage.DENTAL)),
    "household": SideSpec(
        ("members_enrolled", "delegated_at", "verification_due", "outstanding"), _household_facts
    ),
    "aor": SideSpec(("type", "old", "new", "as_of"), _latest_aor_events),
}


def _fetched(queryset: QuerySet[Any]) -> Iterator[list[Row]]:
    """The rows of a `values_list` queryset, one database fetch at a time."""
    return (list(zip(*columns, strict=True)) for columns in _fetched_columns(queryset))


def _fetched_columns(queryset: QuerySet[Any]) -> Iterator[list[Sequence[Any]]]:
    """The columns of a `values_list` queryset, one database fetch at a time.

    Django's converters (text to date, Decimal, aware datetime...) run column by column
    over each fetch, once per distinct value (`map_distinct`), instead of cell by cell
    (`SQLCompiler.apply_converters`), which is most of the cost of reading a large
    export. On SQLite, naive UTC datetime text is parsed with `datetime.fromisoformat`,
    what Django's converter does with far more Python calls per cell.
    """
    compiler = queryset.query.get_compiler(queryset.db)
    connection = compiler.connection
    chunks = compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=CHUNK_SIZE)
    fields = [select[0] for select in compiler.select[: compiler.col_count]]
    converters = [
        (at, _column_converter(functions, expression, connection))
        for at, (functions, expression) in compiler.get_converters(fields).items()
    ]
    for chunk in chunks:
        columns: list[Sequence[Any]] = list(zip(*chunk, strict=True))
        for at, convert in converters:
            columns[at] = map_distinct(convert, columns[at])
        yield columns


def _column_converter(
    functions: Sequence[Callable[..., Any]], expression: Any, connection: Any
) -> Callable[[Any], Any]:
    """One cell's Django conversion (the field's converters in turn) as one function."""
    sqlite_datetime = getattr(connection.ops, "convert_datetimefield_value", None)
    steps = [
        _utc_or_none
        if connection.vendor == "sqlite" and convert == sqlite_datetime
        else partial(_converted_by, convert, expression, connection)
        for convert in functions
    ]
    return steps[0] if len(steps) == 1 else partial(_in_turn, steps)


def _converted_by(convert: Callable[..., Any], expression: Any, connection: Any, value: Any) -> Any:
    return convert(value, expression, connection)


def _in_turn(steps: Sequence[Callable[[Any], Any]], value: Any) -> Any:
    for step in steps:
        value = step(value)
    return value


def _utc_or_none(value: str | datetime | None) -> datetime | None:
    return None if value is None else _utc(value)


def _utc(value: str | datetime) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class _Side:
    """A side queryset read in step with the base rows, both ordered by household id.

    Several side rows may share a household: the first (its ordering puts the wanted
    one first) answers, the rest are skipped. A whole batch of base keys is answered
    at once with a dict and one comprehension, not a Python call per row.
    """

    def __init__(self, chunks: Iterator[list[Row]], width: int) -> None:
        self._chunks = chunks
        self._pending: list[Row] = []
        self._exhausted = False
        self._blank: Row = (None,) * (width + 1)

    def columns_for(self, keys: Sequence[Any]) -> list[tuple[Any, ...]]:
        """The side's value columns for `keys` (ascending), blank where it has no row."""
        last = keys[-1]
        while not self._exhausted and (not self._pending or self._pending[-1][0] <= last):
            chunk = next(self._chunks, None)
            if chunk is None:
                self._exhausted = True
            else:
                self._pending.extend(chunk)
        cut = bisect_right(self._pending, last, key=_key)
        taken = self._pending[:cut][::-1]  # reversed, so each household's first row wins
        del self._pending[:cut]
        found = dict(zip(map(_key, taken), taken, strict=True))
        blank = self._blank
        return list(zip(*[found.get(key, blank) for key in keys], strict=True))[1:]


_key = itemgetter(0)


# -- assembling rows ---------------------------------------------------------------------


Values = Sequence[Sequence[Any]]  # the assembled values of a batch, column by column
ColumnFn = Callable[[Values, int], Sequence[object]]


def _column(f: Field, index: dict[str, int], masked: bool) -> ColumnFn:
    """How to compute one export column for a batch from its assembled value columns
    (base, then sides, then the revealed rows). Whole columns go through `map`, so a
    batch costs one C-level loop per column rather than a Python call per cell."""
    if not f.paths:
        return lambda _values, size: (None,) * size
    if f.mask and not masked:
        reveal = _REVEALED[f.mask]
        name = f.mask.value
        return lambda values, _size: [reveal(opened.get(name, "")) for opened in values[-1]]
    positions = [index[path] for path in f.paths]
    convert: Callable[..., object] | None = _MASKED[f.mask] if f.mask else CONVERTERS.get(f.convert)
    if len(positions) == 1:
        (at,) = positions
        if convert is None:
            return lambda values, _size: values[at]
        one = convert
        return lambda values, _size: map_distinct(one, values[at])
    assert convert is not None, f"{f.header}: several paths need a converter"
    several = partial(_spread, convert)
    return lambda values, _size: map_distinct(
        several, list(zip(*[values[at] for at in positions], strict=True))
    )


def _spread(convert: Callable[..., object], values: Sequence[object]) -> object:
    return convert(*values)


def count(request: Request) -> int:
    """How many rows the export will have (for a progress bar)."""
    return BASES[request.spec.base](request).queryset.count()


@dataclass
class _Plan:
    """The queries of one export and how to read its cells from their values."""

    base: QuerySet[Any]
    stream: QuerySet[Any]
    sides: list[tuple[QuerySet[Any], int]]
    columns: list[ColumnFn]


def _plan(request: Request) -> _Plan:
    base = BASES[request.spec.base](request)
    paths = [p for f in request.spec.fields for p in f.paths if "." not in p]
    hoisted = _hoisted(base, paths)
    base_paths = list(dict.fromkeys([base.key, "id", *(p for p in paths if p not in hoisted)]))
    index = {path: at for at, path in enumerate(base_paths)}
    sides: list[tuple[QuerySet[Any], int]] = []
    if hoisted:
        index.update({path: len(index) + at for at, path in enumerate(hoisted)})
        sides.append((_household_values(request, hoisted), len(hoisted)))
    prefixes = [p.split(".")[0] for f in request.spec.fields for p in f.paths if "." in p]
    for prefix in dict.fromkeys(prefixes):
        spec = SIDES[prefix]
        start = len(index)
        index.update({f"{prefix}.{name}": start + at for at, name in enumerate(spec.names)})
        sides.append((spec.rows(request), len(spec.names)))
    columns = [_column(f, index, request.masked) for f in request.spec.fields]
    ordered = base.queryset.order_by(*base.order)
    return _Plan(ordered, ordered.values_list(*base_paths), sides, columns)


_HOUSEHOLD = "household__"


def _hoisted(base: Base, paths: Sequence[str]) -> list[str]:
    """The household paths (`household__...`) to read once per household, in a side
    query, rather than joined onto every base row: where base rows come in household
    order (members, enrollments), a household's values then cross from the database
    once, not once per member (a third of a large Book of Business read)."""
    if base.key != "household_id" or base.order[0] != base.key:
        return []
    return list(dict.fromkeys(p for p in paths if p.startswith(_HOUSEHOLD)))


def _household_values(request: Request, paths: Sequence[str]) -> QuerySet[Any]:
    names = [path.removeprefix(_HOUSEHOLD) for path in paths]
    return scoped_households(request).order_by("pk").values_list("pk", *names)


def statements(request: Request) -> list[tuple[str, tuple[Any, ...]]]:
    """The SQL an export runs (base, then side queries), for the benchmark's bare read."""
    plan = _plan(request)
    querysets = [plan.stream, *(queryset for queryset, _ in plan.sides)]
    return [queryset.query.sql_with_params() for queryset in querysets]


def rows(request: Request) -> ColumnBatches:
    """The export's rows in catalogue column order, streamed a batch at a time (as the
    columns they are built as: the writer converts them column by column)."""
    return ColumnBatches(cells for _values, cells in _assembled(request))


def keyed_batches(request: Request) -> Iterator[tuple[list[tuple[Any, Any]], list[Row]]]:
    """Batches of rows with each row's (household id, base row id), for the weekly book."""
    for values, cells in _assembled(request):
        yield list(zip(values[0], values[1], strict=True)), list(zip(*cells, strict=True))


def _assembled(request: Request) -> Iterator[tuple[list[Sequence[Any]], list[Sequence[object]]]]:
    """Per database fetch: the values read (base, sides, revealed; base key and id
    first) and the export's cells built from them, both column by column."""
    plan = _plan(request)
    sides = [_Side(_fetched(queryset), width) for queryset, width in plan.sides]
    revealed = _revealed(request, plan.base)
    for values in _fetched_columns(plan.stream):
        for side in sides:
            values.extend(side.columns_for(values[0]))
        if revealed is not None:
            values.append([_opened(revealed, member_id) for member_id in values[1]])
        size = len(values[0])
        yield values, [column(values, size) for column in plan.columns]


def _opened(revealed: Iterator[Any], member_id: object) -> Any:
    opened = next(revealed)
    if opened["member_id"] != member_id:
        raise RuntimeError("The revealed rows are out of step with the export rows")
    return opened


def _revealed(request: Request, ordered: QuerySet[Any]) -> Iterator[Any] | None:
    """The decrypted PII of each base member, in base order; None for a masked export."""
    masks = [f.mask for f in request.spec.fields if f.mask]
    if request.masked or not masks:
        return None
    if request.spec.base != "member":
        raise ValueError(f"{request.spec.title} cannot be exported unmasked")
    fields: list[RowField] = [mask.value for mask in masks]
    members = ordered.only("id", "household_id", "ssn_encrypted", "dob_encrypted")
    return reveal_rows(
        actor=request.requester,
        members=members.iterator(chunk_size=CHUNK_SIZE),
        fields=fields,
        purpose=request.purpose,
    )
