"""A report definition: what a report shows, validated strictly before anything runs.

Definitions arrive as JSON (API, saved reports) or as builder form fields (turned into
the same JSON by `openbob.reports.forms`). `parse` checks every part against the field
catalogue and collects every problem into one `DefinitionError` whose messages name the
filter or column at fault, so a bad definition ends as a 422 or a form error, never a
500 and never a query. Values are coerced to their field's type here (a date is a
`date`, a choice its stored code), so the query builder trusts what it gets.

JSON shape::

    {"type": "consumers",
     "columns": ["consumer_name", "application_case_number"],
     "filters": [{"field": "year_of_application", "op": "equals", "value": 2025},
                 {"field": "health_enrollment_status", "op": "in",
                  "value": ["Pending", "Effectuated"]}],
     "sort": [{"field": "consumer_name", "desc": false}],
     "group_by": "enroller_contact", "sums": ["net_premium"]}
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from openbob.reports.fields import BY_KEY, FilterKind, ReportField, ReportType

MAX_COLUMNS = 60
MAX_FILTERS = 20
MAX_SORT = 3
MAX_SUMS = 10
MAX_IN_VALUES = 200
MAX_TEXT = 200
MAX_INTEGER = 2**53

OPERATORS: dict[str, str] = {
    "equals": "equals",
    "contains": "contains",
    "in": "is one of",
    "between": "between",
    "before": "before",
    "after": "after",
    "is_empty": "is empty",
    "not_empty": "is not empty",
}
_EMPTY = ("is_empty", "not_empty")
OPERATORS_BY_KIND: dict[FilterKind, tuple[str, ...]] = {
    "text": ("equals", "contains", "in", *_EMPTY),
    "name": ("equals", "contains", "in", *_EMPTY),
    "choice": ("equals", "in", *_EMPTY),
    "bool": ("equals", *_EMPTY),
    "integer": ("equals", "in", "between", "before", "after", *_EMPTY),
    "money": ("equals", "in", "between", "before", "after", *_EMPTY),
    "date": ("equals", "in", "between", "before", "after", *_EMPTY),
    "datetime": ("equals", "between", "before", "after", *_EMPTY),
}
NUMBER_WORDS = {"before": "less than", "after": "more than"}


class DefinitionError(ValueError):
    """Every problem of a definition, each a sentence a user can act on."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Filter:
    field: ReportField
    op: str
    value: Any = None  # None, a value, or a list (in, between) of the field's type


@dataclass(frozen=True)
class Sort:
    field: ReportField
    desc: bool = False


@dataclass(frozen=True)
class Definition:
    type: ReportType
    columns: tuple[ReportField, ...]
    filters: tuple[Filter, ...] = ()
    sort: tuple[Sort, ...] = ()
    group_by: ReportField | None = None
    sums: tuple[ReportField, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The stored and API form: keys and JSON values only."""
        return {
            "type": self.type.key,
            "columns": [f.key for f in self.columns],
            "filters": [
                {"field": f.field.key, "op": f.op, **_json_value(f.value)} for f in self.filters
            ],
            "sort": [{"field": s.field.key, "desc": s.desc} for s in self.sort],
            "group_by": self.group_by.key if self.group_by else None,
            "sums": [f.key for f in self.sums],
        }


def _json_value(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    items = value if isinstance(value, list) else [value]
    plain = [
        v.isoformat() if isinstance(v, date) else str(v) if isinstance(v, Decimal) else v
        for v in items
    ]
    return {"value": plain if isinstance(value, list) else plain[0]}


def operator_label(op: str, kind: FilterKind) -> str:
    if kind in ("integer", "money"):
        return NUMBER_WORDS.get(op, OPERATORS[op])
    return OPERATORS[op]


# -- parsing ------------------------------------------------------------------------------


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, message: str) -> None:
        self.items.append(message)


def parse(raw: object) -> Definition:
    """A validated `Definition` from its JSON form; `DefinitionError` lists every problem."""
    problems = _Problems()
    if not isinstance(raw, dict):
        raise DefinitionError(["A report definition is a JSON object."])
    unknown = sorted(set(raw) - {"type", "columns", "filters", "sort", "group_by", "sums"})
    if unknown:
        problems.add(f"Unknown part of a report definition: {', '.join(unknown)}.")
    type_key = raw.get("type")
    report_type = BY_KEY.get(type_key) if isinstance(type_key, str) else None
    if report_type is None:
        choices = ", ".join(BY_KEY)
        raise DefinitionError([*problems.items, f"Report type must be one of: {choices}."])
    columns = _columns(report_type, raw.get("columns"), problems)
    filters = _list(raw.get("filters"), "filters", MAX_FILTERS, problems)
    parsed_filters = [_filter(report_type, n, item, problems) for n, item in enumerate(filters, 1)]
    sort = [
        _sort(report_type, item, problems)
        for item in _list(raw.get("sort"), "sort", MAX_SORT, problems)
    ]
    group_by = _group(report_type, raw.get("group_by"), problems)
    sums = [
        _sum(report_type, key, problems)
        for key in _list(raw.get("sums"), "sums", MAX_SUMS, problems)
    ]
    if sums and group_by is None:
        problems.add("Sums need a group-by field.")
    if problems.items:
        raise DefinitionError(problems.items)
    return Definition(
        type=report_type,
        columns=tuple(columns),
        filters=tuple(f for f in parsed_filters if f is not None),
        sort=tuple(s for s in sort if s is not None),
        group_by=group_by,
        sums=tuple(dict.fromkeys(s for s in sums if s is not None)),
    )


def _list(value: object, name: str, limit: int, problems: _Problems) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.add(f"“{name}” must be a list.")
        return []
    if len(value) > limit:
        problems.add(f"At most {limit} {name}.")
        return []
    return value


def _field(
    report_type: ReportType, key: object, where: str, problems: _Problems
) -> ReportField | None:
    found = report_type.field(key) if isinstance(key, str) else None
    if found is None:
        shown = str(key)[:60] if key is not None else "nothing"
        problems.add(f"{where}: “{shown}” is not a field of {report_type.title} reports.")
    return found


def _columns(report_type: ReportType, value: object, problems: _Problems) -> list[ReportField]:
    keys = _list(value, "columns", MAX_COLUMNS, problems)
    if value is None or value == []:
        problems.add("Choose at least one column.")
    fields = [_field(report_type, key, f"Column {n}", problems) for n, key in enumerate(keys, 1)]
    found = [f for f in fields if f is not None]
    if len({f.key for f in found}) != len(found):
        problems.add("Each column may appear only once.")
    return found


def _unmasked(f: ReportField, use: str, problems: _Problems) -> ReportField | None:
    if f.masked:
        problems.add(f"“{f.label}” is masked PII and cannot be used to {use}.")
        return None
    return f


def _filter(report_type: ReportType, n: int, item: object, problems: _Problems) -> Filter | None:
    where = f"Filter {n}"
    if not isinstance(item, dict) or set(item) - {"field", "op", "value"}:
        problems.add(f"{where}: give “field”, “op” and (unless empty) “value”.")
        return None
    f = _field(report_type, item.get("field"), where, problems)
    if f is None or _unmasked(f, "filter", problems) is None:
        return None
    op = item.get("op")
    allowed = OPERATORS_BY_KIND[f.filter_kind]
    if op not in allowed:
        names = ", ".join(operator_label(o, f.filter_kind) for o in allowed)
        problems.add(f"{where}: “{f.label}” cannot be filtered with “{str(op)[:30]}”; use {names}.")
        return None
    assert isinstance(op, str)
    try:
        value = _value(f, op, item.get("value"))
    except ValueError as error:
        problems.add(f"{where} (“{f.label}”): {error}")
        return None
    return Filter(f, op, value)


def _value(f: ReportField, op: str, raw: object) -> Any:
    if op in _EMPTY:
        if raw not in (None, "", []):
            raise ValueError("“is empty” takes no value.")
        return None
    coerce = _COERCE[f.filter_kind]
    if op == "in":
        if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_IN_VALUES:
            raise ValueError(f"“is one of” needs a list of 1 to {MAX_IN_VALUES} values.")
        return [coerce(f, v) for v in raw]
    if op == "between":
        if not isinstance(raw, list) or len(raw) != 2:
            raise ValueError("“between” needs two values, from and to.")
        low, high = coerce(f, raw[0]), coerce(f, raw[1])
        if low > high:
            raise ValueError("“between” needs the smaller value first.")
        return [low, high]
    return coerce(f, raw)


def _text(f: ReportField, raw: object) -> str:
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        raise ValueError("a text value is needed.")
    text = str(raw).strip()
    if not text:
        raise ValueError("the value is empty (use “is empty” to find blanks).")
    if len(text) > MAX_TEXT or any(ord(c) < 32 for c in text):
        raise ValueError(f"text values are at most {MAX_TEXT} printable characters.")
    return text


def _choice(f: ReportField, raw: object) -> str:
    choices = f.choices
    assert choices is not None
    text = _text(f, raw).casefold()
    for code, label in choices.choices:
        if text in (str(code).casefold(), str(label).casefold()):
            return str(code)
    labels = ", ".join(str(label) for _, label in choices.choices)
    raise ValueError(f"“{str(raw)[:40]}” is not one of: {labels}.")


def _bool(f: ReportField, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    words = {"true": True, "yes": True, "y": True, "false": False, "no": False, "n": False}
    if isinstance(raw, str) and raw.strip().lower() in words:
        return words[raw.strip().lower()]
    raise ValueError("use yes or no.")


def _integer(f: ReportField, raw: object) -> int:
    try:
        number = int(str(raw).strip()) if not isinstance(raw, bool) else None
    except ValueError:
        number = None
    if number is None or abs(number) > MAX_INTEGER:
        raise ValueError(f"“{str(raw)[:40]}” is not a whole number.")
    return number


def _money(f: ReportField, raw: object) -> Decimal:
    try:
        amount = (
            Decimal(str(raw).strip().replace(",", "").lstrip("$"))
            if not isinstance(raw, bool)
            else None
        )
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or abs(amount) >= 10**12:
        raise ValueError(f"“{str(raw)[:40]}” is not an amount.")
    return amount


def _date(f: ReportField, raw: object) -> date:
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ValueError(f"“{str(raw)[:40]}” is not a date (YYYY-MM-DD).") from None


_COERCE: dict[FilterKind, Callable[[ReportField, object], Any]] = {
    "text": _text,
    "name": _text,
    "choice": _choice,
    "bool": _bool,
    "integer": _integer,
    "money": _money,
    "date": _date,
    "datetime": _date,
}


def _sort(report_type: ReportType, item: object, problems: _Problems) -> Sort | None:
    if not isinstance(item, dict) or set(item) - {"field", "desc"}:
        problems.add("Each sort is {“field”: ..., “desc”: true or false}.")
        return None
    f = _field(report_type, item.get("field"), "Sort", problems)
    desc = item.get("desc", False)
    if not isinstance(desc, bool):
        problems.add("Sort “desc” must be true or false.")
        return None
    if f is None or _unmasked(f, "sort", problems) is None:
        return None
    return Sort(f, desc)


def _group(report_type: ReportType, key: object, problems: _Problems) -> ReportField | None:
    if key in (None, ""):
        return None
    f = _field(report_type, key, "Group by", problems)
    return _unmasked(f, "group", problems) if f is not None else None


def _sum(report_type: ReportType, key: object, problems: _Problems) -> ReportField | None:
    f = _field(report_type, key, "Sum", problems)
    if f is not None and not f.summable:
        problems.add(f"“{f.label}” is not an amount or a number, so it cannot be summed.")
        return None
    return f
