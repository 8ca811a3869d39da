"""Running a report: a validated definition over the user's scoped rows.

The rows always start from the report type's scoped queryset (`openbob.book.scoping`),
so a shared report shows each viewer only their own scope. Filters, sort and group-by
become one SQL query (plus a count); values are turned into cells by the catalogue's
converters, and masked PII columns show only the mask, built from the clear
`ssn_last4` / `birth_year` columns: a report never decrypts anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum, TextChoices, Value

from openbob.accounts.models import User
from openbob.exports.catalogue import Mask
from openbob.exports.rowsets import CONVERTERS
from openbob.lib.masking import mask_dob, mask_income, mask_ssn
from openbob.reports.definition import Definition, Filter
from openbob.reports.fields import ReportField

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
CHUNK_SIZE = 2000
CENT = Decimal("0.01")
MAX_GROUPS = 10_000
Cell = object

_MASKS: dict[Mask, Callable[[Any], str]] = {
    Mask.SSN: lambda last4: mask_ssn(last4 or None),
    Mask.DOB: mask_dob,
    Mask.INCOME: mask_income,
}


@dataclass(frozen=True)
class Page:
    """One page of a report's rows (or of its groups)."""

    headers: list[str]
    rows: list[list[Cell]]
    total: int
    number: int
    size: int
    grouped: bool
    totals: list[Cell] | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def to_cell(f: ReportField, value: object) -> Cell:
    """A stored value as the report shows it: labels for codes, masks for PII."""
    if f.column.mask is not None:
        return _MASKS[f.column.mask](value)
    convert = f.converter or (
        CONVERTERS.get(f.column.convert) if f.column.convert != "full_name" else None
    )
    if convert is not None:
        return convert(value)
    return value if value != "" else None


def json_cell(value: Cell) -> object:
    """A cell as JSON: ISO dates, amounts as strings (no float rounding)."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# -- building the queryset ----------------------------------------------------------------


def _used(definition: Definition) -> list[ReportField]:
    """The fields the query reads: a grouped report reads no columns, a list no sums."""
    fields = [f.field for f in definition.filters]
    if definition.group_by is not None:
        fields += [definition.group_by, *definition.sums]
    else:
        fields += [*definition.columns, *(s.field for s in definition.sort)]
    return fields


def queryset(user: User, definition: Definition) -> QuerySet[Any]:
    """The user's scoped rows of the report type, computed fields added, filtered."""
    rows = definition.type.rows(user)
    computed = {f.path: f.expression() for f in _used(definition) if f.expression is not None}
    if computed:
        rows = rows.annotate(**computed)
    for item in definition.filters:
        rows = rows.filter(condition(item))
    return rows


def condition(item: Filter) -> Q:
    """The WHERE clause of one filter."""
    f, op, value = item.field, item.op, item.value
    path = f"{f.path}__date" if f.filter_kind == "datetime" else f.path
    text = f.filter_kind in ("text", "name")
    if op == "is_empty" or op == "not_empty":
        empty = Q(**{f"{f.path}__isnull": True})
        textual = f.choices is not None and issubclass(f.choices, TextChoices)
        if f.filter_kind in ("text", "name") or textual:
            empty |= Q(**{f.path: ""})
        return empty if op == "is_empty" else ~empty
    if op == "equals":
        return Q(**{f"{path}__iexact" if text else path: value})
    if op == "contains":
        return Q(**{f"{path}__icontains": value})
    if op == "in":
        if text:
            either = Q()
            for one in value:
                either |= Q(**{f"{path}__iexact": one})
            return either
        return Q(**{f"{path}__in": value})
    if op == "between":
        return Q(**{f"{path}__range": value})
    return Q(**{f"{path}__lt" if op == "before" else f"{path}__gt": value})


def _ordered(rows: QuerySet[Any], definition: Definition) -> QuerySet[Any]:
    order = [
        F(s.field.path).desc(nulls_last=True) if s.desc else F(s.field.path).asc(nulls_last=True)
        for s in definition.sort
    ]
    return rows.order_by(*order, "pk")


# -- running ----------------------------------------------------------------------------


def run(user: User, definition: Definition, *, page: int = 1, size: int = PAGE_SIZE) -> Page:
    """One page of the report's rows, or of its groups when it groups."""
    size = max(1, min(size, MAX_PAGE_SIZE))
    rows = queryset(user, definition)
    if definition.group_by is not None:
        return _groups(rows, definition, page, size)
    total = rows.count()
    number = max(1, min(page, max(1, -(-total // size))))
    paths = [f.path for f in definition.columns]
    start = (number - 1) * size
    found = _ordered(rows, definition).values_list(*paths)[start : start + size]
    cells = [
        [to_cell(f, v) for f, v in zip(definition.columns, values, strict=True)] for values in found
    ]
    headers = [f.label for f in definition.columns]
    return Page(headers, cells, total, number, size, grouped=False)


def _groups(rows: QuerySet[Any], definition: Definition, page: int, size: int) -> Page:
    """Groups in one query when there are at most `MAX_GROUPS` (the usual case: agents,
    programs, statuses); past that, the page and the totals are asked for separately."""
    group = definition.group_by
    assert group is not None
    key, labels = _group_key(rows, group)
    sums = {f"sum_{n}": Sum(f.path) for n, f in enumerate(definition.sums)}
    grouped = rows.order_by().annotate(_group=key).values("_group")
    grouped = grouped.annotate(rows=Count("pk"), **sums)
    ordered = grouped.order_by(F("_group").asc(nulls_last=True))
    found = list(ordered[: MAX_GROUPS + 1])
    if len(found) <= MAX_GROUPS:
        found = _by_label(found, labels)
        total = len(found)
        number = max(1, min(page, max(1, -(-total // size))))
        shown = found[(number - 1) * size : number * size]
        overall = {k: _add(g[k] for g in found) for k in ["rows", *sums]}
    else:
        total = grouped.count()
        number = max(1, min(page, -(-total // size)))
        shown = list(ordered[(number - 1) * size : number * size])
        overall = rows.order_by().aggregate(rows=Count("pk"), **sums)
    names = labels(g["_group"] for g in shown)
    summed = list(zip(sums, definition.sums, strict=True))
    cells = [
        [names.get(g["_group"], None), g["rows"], *(_sum(f, g[k]) for k, f in summed)]
        for g in shown
    ]
    totals: list[Cell] = ["Total", overall["rows"], *(_sum(f, overall[k]) for k, f in summed)]
    headers = [group.label, "Rows", *(f"Sum of {f.label}" for f in definition.sums)]
    return Page(headers, cells, total, number, size, grouped=True, totals=totals)


Labels = Callable[[Iterable[Any]], dict[Any, Cell]]


def _group_key(rows: QuerySet[Any], group: ReportField) -> tuple[Any, Labels]:
    """What rows are grouped on, and how group keys become the cells shown.

    A person's name groups on their id (`+ 0` keeps SQLite from walking the foreign-key
    index in id order, a nested loop per row), and the names of the ids on the page are
    read afterwards in one query.
    """
    if not group.person:
        return F(group.path), lambda keys: {k: to_cell(group, k) for k in keys}
    model = rows.model
    for part in group.person.split("__"):
        model = model._meta.get_field(part).related_model

    def names(keys: Iterable[Any]) -> dict[Any, Cell]:
        ids = [k for k in keys if k is not None]
        people = model.objects.filter(pk__in=ids).values_list("pk", "first_name", "last_name")
        return {pk: CONVERTERS["full_name"](first, last) for pk, first, last in people}

    return F(group.person) + Value(0), names


def _by_label(found: list[dict[str, Any]], labels: Labels) -> list[dict[str, Any]]:
    """All groups ordered by what they show (a name, not an id), blanks last."""
    shown = labels(g["_group"] for g in found)
    return sorted(
        found, key=lambda g: (shown.get(g["_group"]) is None, str(shown.get(g["_group"]) or ""))
    )


def _add(values: Iterator[Any]) -> Any:
    """The sum of group sums, None when every group's sum is None (nothing to add)."""
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _sum(f: ReportField, value: object) -> Cell:
    """Sums of amounts to the cent (SQLite hands back `10` for 10.00)."""
    if value is None or f.filter_kind != "money":
        return value
    return Decimal(str(value)).quantize(CENT)


def stream(user: User, definition: Definition) -> Iterator[tuple[Cell, ...]]:
    """Every row of the report (groups ignored) in its sort order, for an export."""
    listed = replace(definition, group_by=None, sums=())
    paths = [f.path for f in listed.columns]
    found = _ordered(queryset(user, listed), listed).values_list(*paths)
    for values in found.iterator(chunk_size=CHUNK_SIZE):
        yield tuple(to_cell(f, v) for f, v in zip(definition.columns, values, strict=True))
