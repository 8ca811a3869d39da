"""Keyset ("seek") pagination: pages by the last row seen, never by OFFSET.

OFFSET makes page 20,000 of a million-row book read and throw away a million rows; a
keyset page reads only its own rows along an index on (sort column, id). Sort columns
must be NOT NULL (the book's sort columns are). The cursor is the boundary row's
(value, id), base64 JSON: it only says where to resume, so it needs no signature; the
query under it is still the caller's scoped queryset.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Field, Model, Q, QuerySet

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Order:
    column: str
    descending: bool = False


@dataclass(frozen=True)
class KeysetPage(Generic[M]):
    rows: list[M]
    next_cursor: str | None
    previous_cursor: str | None


def encode(value: object, pk: int) -> str:
    raw = json.dumps([str(value), pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, model: type[Model], column: str) -> tuple[Any, int]:
    """The (value, id) in `cursor`, typed by `column`; ValidationError when tampered."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
        field = model._meta.get_field(column)
        assert isinstance(field, Field)
        return field.to_python(text), int(pk)
    except (ValueError, TypeError, binascii.Error, ValidationError) as exc:
        raise ValidationError("That page link is not valid any more.") from exc


def _beyond(column: str, value: Any, pk: int, *, greater: bool) -> Q:
    op = "gt" if greater else "lt"
    return Q(**{f"{column}__{op}": value}) | Q(**{column: value, f"pk__{op}": pk})


def page(
    queryset: QuerySet[M],
    order: Order,
    *,
    size: int,
    after: str | None = None,
    before: str | None = None,
) -> KeysetPage[M]:
    """One page of `queryset` in `order`, after or before a cursor (neither: the first)."""
    model = queryset.model
    backward = before is not None and after is None
    cursor = before if backward else after
    # Walking forward in a descending order, or backward in an ascending one, looks for
    # smaller keys; the index is read in the matching direction either way.
    smaller = order.descending != backward
    if cursor:
        value, pk = decode(cursor, model, order.column)
        queryset = queryset.filter(_beyond(order.column, value, pk, greater=not smaller))
    prefix = "-" if smaller else ""
    found = list(queryset.order_by(f"{prefix}{order.column}", f"{prefix}pk")[: size + 1])
    more = len(found) > size
    rows = found[:size]
    if backward:
        rows.reverse()
    if not rows:
        return KeysetPage(rows, None, None)
    first, last = rows[0], rows[-1]
    following = more if not backward else True
    preceding = bool(cursor) if not backward else more
    return KeysetPage(
        rows,
        encode(getattr(last, order.column), last.pk) if following else None,
        encode(getattr(first, order.column), first.pk) if preceding else None,
    )
