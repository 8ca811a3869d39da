"""The weekly Book of Business: taken at each Friday 21:00 Pacific cutoff, exported by
default ("current data" is the option).

CalHEERS' Book of Business "reflects consumer data from the week prior on Friday at
9 p.m."; agencies compare weeks on that rhythm. `take` copies the masked Book of
Business cells of every consumer into `WeeklyBookRow`s once per week (the periodic
task calls it; the unique week makes a second call a no-op). An export in weekly mode
reads those rows back, scoped through `openbob.book.scoping` again at read time, so a
household that has left the user's scope since the cutoff is not exported.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from openbob.exports import catalogue, rowsets
from openbob.exports.models import WeeklyBook, WeeklyBookRow
from openbob.lib.batches import batched
from openbob.lib.distinct import map_distinct
from openbob.lib.spreadsheet import ColumnBatches
from openbob.lib.weeks import PACIFIC, snapshot_cutoff, snapshot_week

INSERT_BATCH = 5000
BOOK_KEY = "book_all"


def take(now: datetime | None = None) -> WeeklyBook:
    """The weekly book of the latest cutoff at or before `now`, taken if it is not yet.

    A take that died half-way (worker killed) left `complete` False: its rows are
    deleted and the week is taken again.
    """
    now = now or timezone.now()
    book, _ = WeeklyBook.objects.get_or_create(
        week=snapshot_week(now), defaults={"cutoff": snapshot_cutoff(now)}
    )
    if book.complete:
        return book
    WeeklyBookRow.objects.filter(book=book).delete()
    request = rowsets.Request(None, catalogue.BY_KEY[BOOK_KEY], {})
    count = 0
    for keys, cells in rowsets.keyed_batches(request):
        WeeklyBookRow.objects.bulk_create(
            WeeklyBookRow(book=book, household_id=h, member_id=m, cells=_encode(row))
            for (h, m), row in zip(keys, cells, strict=True)
        )
        count += len(cells)
    _record_agents(book)
    book.complete, book.rows = True, count
    book.save(update_fields=["complete", "rows"])
    return book


def _record_agents(book: WeeklyBook) -> None:
    """Each row's delegated agent at the cutoff, in one statement (for the agent export)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE exports_weeklybookrow SET agent_id = (SELECT h.agent_id FROM "
            "book_household h WHERE h.id = exports_weeklybookrow.household_id) "
            "WHERE book_id = %s",
            [book.pk],
        )


def latest(now: datetime | None = None) -> WeeklyBook | None:
    """The newest complete weekly book, or None before the first one is taken."""
    now = now or timezone.now()
    return WeeklyBook.objects.filter(complete=True, week__lte=snapshot_week(now)).first()


def describe(book: WeeklyBook | None) -> str:
    """How a file states its snapshot."""
    if book is None:
        return catalogue.SNAPSHOT_MODE
    cutoff = book.cutoff.astimezone(PACIFIC).strftime("%a %b %d %Y %H:%M %Z")
    return f"weekly snapshot as of {cutoff} (CalHEERS' Friday 21:00 Pacific cutoff)"


def rows(request: rowsets.Request, book: WeeklyBook) -> ColumnBatches:
    """The rows of `book` that `request`'s user may see (and its agent, if picked)."""
    entries = WeeklyBookRow.objects.filter(
        book=book, household_id__in=rowsets.scoped_households(request).values("pk")
    )
    if (agent_id := request.parameters.get("agent_id")) is not None:
        entries = entries.filter(agent_id=agent_id)
    decoders = _decoders(request)
    stream = entries.order_by("pk").values_list("cells", flat=True)
    batches = batched(stream.iterator(chunk_size=rowsets.CHUNK_SIZE), rowsets.CHUNK_SIZE)
    return ColumnBatches(_decoded(batch, decoders) for batch in batches)


def _encode(row: rowsets.Row) -> str:
    return json.dumps(row, default=str, separators=(",", ":"), ensure_ascii=False)


def _or_none(decode: Callable[[Any], object]) -> Callable[[Any], object]:
    return lambda value: None if value is None else decode(value)


# Each decoder runs once per distinct value of a batch's column (`map_distinct`): dates,
# premiums and the like repeat across a household's members.
_FROM_JSON: dict[str, Callable[[Any], object]] = {
    "date": _or_none(date.fromisoformat),
    "datetime": _or_none(datetime.fromisoformat),
    "money": _or_none(lambda value: Decimal(str(value))),
    "decimal": _or_none(lambda value: Decimal(str(value))),
}


def _decoders(request: rowsets.Request) -> list[Callable[[Any], object] | None]:
    return [_FROM_JSON.get(c.kind) for c in rowsets.columns(request.spec, masked=True)]


def _decoded(
    batch: Sequence[str], decoders: Sequence[Callable[[Any], object] | None]
) -> list[Sequence[object]]:
    """One batch of stored rows, decoded column by column (`batch` is never empty)."""
    columns: list[Sequence[object]] = list(zip(*map(json.loads, batch), strict=True))
    for at, decode in enumerate(decoders):
        if decode is not None:
            columns[at] = map_distinct(decode, columns[at])
    return columns
