"""Checking a record's values against the columns they are written to, before writing.

The adapters type every cell, but a typed value can still be one the database refuses:
a 400-character plan name, a household size of 70,000, an amount of a billion dollars,
a NUL character smuggled into a workbook as `_x0000_`. PostgreSQL raises on those (and
SQLite would silently store them), which would abort the whole import with a database
error instead of the row error the user can act on. The limits come from the models'
own fields, so a migration that widens a column widens the check with it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations

from openbob.book.models import Enrollment, Household, Member
from openbob.imports.records import Details, HouseholdRecord

Check = Callable[[object], str | None]
_INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges


def problems(record: HouseholdRecord) -> list[tuple[str, str]]:
    """(field, reason) for every value of `record` its column cannot hold."""
    found: list[tuple[str, str]] = []
    _scan(Household, {record.key_field: record.key}, found)
    _scan_details(record.details(), found)
    return found


def text_problem(value: str, limit: int | None) -> str | None:
    """Why `value` cannot be stored in a text column of `limit` characters, if it cannot."""
    if "\x00" in value:
        return "contains a NUL character"
    if limit is not None and len(value) > limit:
        return f"longer than {limit} characters"
    return None


def max_length(model: type[models.Model], name: str) -> int | None:
    """The longest text a model field holds (None: unlimited)."""
    found = model._meta.get_field(name)
    return found.max_length if isinstance(found, models.Field) else None


def _scan_details(details: Details, found: list[tuple[str, str]]) -> None:
    _scan(Household, details.household, found)
    for member in details.members:
        _scan(Member, {"first_name": member.first_name, "last_name": member.last_name}, found)
        _scan(Member, member.fields, found)
    for enrollment in details.enrollments:
        _scan(Enrollment, enrollment, found)


def _scan(
    model: type[models.Model], values: Mapping[str, object], found: list[tuple[str, str]]
) -> None:
    """Check `values` against `model`'s columns; text (most values) takes the short path."""
    limits, checks = _columns(model)
    for name, value in values.items():
        if type(value) is str:
            limit = limits.get(name)
            if "\x00" not in value and (limit is None or len(value) <= limit):
                continue
        elif value is None or type(value) is bool:
            continue
        problem = checks[name](value)
        if problem:
            found.append((name, problem))


@cache
def _columns(model: type[models.Model]) -> tuple[dict[str, int | None], dict[str, Check]]:
    """Each column's text limit and check, built once from the model's fields."""
    fields = [f for f in model._meta.concrete_fields if isinstance(f, models.Field)]
    limits = {f.name: f.max_length for f in fields}
    checks = {f.name: _check(f) for f in fields}
    checks["income"] = lambda value: None  # encrypted, not stored as an amount
    return limits, checks


def _check(field: models.Field[Any, Any]) -> Check:
    """The check of one column."""
    limit = field.max_length
    low, high = _INTEGER_RANGES.get(field.get_internal_type(), (None, None))
    whole = (
        (field.max_digits or 0) - (field.decimal_places or 0)
        if isinstance(field, models.DecimalField)
        else None
    )
    bound = Decimal(10) ** whole if whole is not None else None

    def check(value: object) -> str | None:
        if isinstance(value, str):
            return text_problem(value, limit)
        if isinstance(value, int) and not isinstance(value, bool) and low is not None:
            return None if low <= value <= (high or value) else f"must be between {low} and {high}"
        if isinstance(value, Decimal) and bound is not None:
            if value.is_finite() and abs(value) < bound:
                return None
            return f"amount out of range (at most {whole} digits before the decimal point)"
        return None

    return check
