"""Bulk SQL for the import hot path: id allocation, inserts, updates, deletes, lookups.

The ORM's per-object overhead (field preparation, signals, RETURNING) dominates at
hundreds of thousands of rows; these helpers send plain parameter tuples to the driver.
PostgreSQL gets `COPY ... FROM STDIN` for inserts (about twice `executemany`, perf.md
section 4), except inside `pipelined()`, where COPY cannot run; SQLite gets
`executemany` in the import's one transaction, its fastest path, on a writing thread
inside `pipelined()`.

Values go in as Python objects, adapted by the driver, with one exception: aware
datetimes must pass through `db_datetime` first, because SQLite stores what it is given
and Django's own rows hold naive UTC text, which comparisons rely on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import psycopg
from django.db import connection, models
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from psycopg import pq

from openbob.imports import sqlite_pipeline

IN_CHUNK = 5_000
"""Values per `IN (...)` list: well under SQLite's 32,766 variables."""
PREPARE_THRESHOLD = 5
"""psycopg's default: a statement executed this often is prepared (`executemany` at once)."""
STALE_SHARE = 0.1
"""How much of a table's estimated rows a transaction must add or remove for its planner
statistics to be refreshed (autovacuum's default share for its own analyze)."""


def quoted(model: type[models.Model]) -> str:
    """The model's table name, quoted for SQL."""
    return connection.ops.quote_name(model._meta.db_table)


def _names(columns: Sequence[str]) -> str:
    return ", ".join(connection.ops.quote_name(c) for c in columns)


def _json_columns(model: type[models.Model]) -> set[str]:
    return {
        str(f.column) for f in model._meta.concrete_fields if f.get_internal_type() == "JSONField"
    }


def _placeholder(model: type[models.Model], column: str) -> str:
    if connection.vendor == "postgresql" and column in _json_columns(model):
        return "%s::jsonb"
    return "%s"


def db_datetime(value: datetime) -> Any:
    """An aware datetime as the database backend stores it (naive UTC text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(value)


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """Reserve `count` primary keys for rows we are about to insert ourselves.

    PostgreSQL draws them from the table's sequence. SQLite serialises writers inside
    an IMMEDIATE transaction, so continuing after the highest id ever handed out (the
    AUTOINCREMENT counter, which remembers deleted rows too) is safe there.
    """
    if count == 0:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608
            f"COALESCE((SELECT MAX(id) FROM {quoted(model)}), 0))",
            [model._meta.db_table],
        )
        start = int(cursor.fetchone()[0]) + 1
    return list(range(start, start + count))


@contextmanager
def pipelined(*, postgres: bool = True) -> Iterator[None]:
    """Writes inside run while this process goes on, until a statement needs rows back.

    An import's writes of one batch then run while the next batch is read and sorted,
    instead of one waiting for the other. PostgreSQL: psycopg's pipeline mode, where
    `postgres` (a 200,000-household week 2: 33.9 s -> 30.6 s); an error surfaces at the
    next statement that waits. Inserts cannot use COPY in a pipeline, which costs a book
    of new households more than the overlap gains (week 1: 99 s -> 139 s): hence the
    choice. SQLite: a writing thread (`sqlite_pipeline`), always. Either way the
    import's transaction is rolled back as before when a write fails.
    """
    if connection.vendor == "sqlite":
        with sqlite_pipeline.running():
            yield
    elif postgres:
        connection.ensure_connection()
        # psycopg raises a refused write where the pipeline syncs, its exit among them,
        # outside Django's cursor: wrapped, it is the DatabaseError the import handles.
        with connection.wrap_database_errors, connection.connection.pipeline():
            yield
    else:
        yield


def writes_queued() -> bool:
    """True while writes are queued on SQLite's writing thread (see `pipelined`): a
    write issued as soon as possible then costs this process no time."""
    return sqlite_pipeline.current() is not None


def write(sql: str, params: Sequence[Any], *, many: bool = False) -> None:
    """Run one write statement now, or queue it on SQLite's writing thread when one is
    running (see `pipelined`)."""
    pipeline = sqlite_pipeline.current()
    if pipeline is not None:
        pipeline.write(sql, params, many=many)
    elif many:
        with _prepared_cursor() as cursor:
            cursor.executemany(sql, params)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


@contextmanager
def _prepared_cursor() -> Iterator[Any]:
    """Django's cursor; on PostgreSQL, one whose statements the server prepares once.

    Django's psycopg cursor writes the values into each statement's text, and keeps
    prepared statements off: an `executemany` sent every row as a statement of its own,
    parsed anew. Here the server binds the values (psycopg's `Cursor`), and psycopg
    prepares the statement at its first row (its `executemany` asks for that whenever
    the connection allows it). A 200,000-household week 2, paired runs: 35.6-36.6 s ->
    30.9-31.7 s.
    """
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    raw = connection.connection
    bound = psycopg.Cursor(raw)
    wrapper = CursorDebugWrapper if connection.queries_logged else CursorWrapper
    wrapped = wrapper(bound, connection)  # Django's statement wrappers and query log
    threshold, raw.prepare_threshold = raw.prepare_threshold, PREPARE_THRESHOLD
    try:
        with wrapped as cursor:
            yield cursor
    finally:
        raw.prepare_threshold = threshold


def _copies() -> bool:
    """Whether inserts may use COPY: PostgreSQL, outside a pipeline."""
    if connection.vendor != "postgresql":
        return False
    return bool(connection.connection.pgconn.pipeline_status == pq.PipelineStatus.OFF)


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """INSERT many rows of `columns` (database column names) into `model`'s table."""
    batch: list[Any] = rows if isinstance(rows, list) else list(rows)
    if not batch:
        return 0
    if _copies():
        with connection.cursor() as cursor:
            sql = f"COPY {quoted(model)} ({_names(columns)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in batch:
                    copy.write_row(row)
    else:
        marks = ", ".join(_placeholder(model, column) for column in columns)
        sql = f"INSERT INTO {quoted(model)} ({_names(columns)}) VALUES ({marks})"  # noqa: S608
        write(sql, batch, many=True)
    return len(batch)


def json_text(column: str, *path: str) -> str:
    """SQL reading the text at `path` (constant keys) inside a JSON object `column`."""
    if connection.vendor == "postgresql":
        steps = "".join(f"->'{key}'" for key in path[:-1])
        return f"{column}{steps}->>'{path[-1]}'"
    return f"json_extract({column}, '$.{'.'.join(path)}')"


def merge_json(column: str) -> str:
    """SQL that merges a JSON object parameter into `column` (keys in it win)."""
    name = connection.ops.quote_name(column)
    if connection.vendor == "postgresql":
        return f"{name} = {name} || %s::jsonb"
    return f"{name} = json_patch({name}, %s)"


def update_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    merged: Sequence[str] = (),
) -> None:
    """UPDATE `columns`, then `merged` JSON columns, of many rows.

    Each row is the new values followed by the id; a merged column's value is a JSON
    object merged into what the row holds.
    """
    batch: list[Any] = rows if isinstance(rows, list) else list(rows)
    if not batch:
        return
    sets = [f"{connection.ops.quote_name(c)} = {_placeholder(model, c)}" for c in columns]
    sets += [merge_json(c) for c in merged]
    sql = f"UPDATE {quoted(model)} SET {', '.join(sets)} WHERE id = %s"  # noqa: S608
    write(sql, batch, many=True)


def chunks(values: Sequence[Any], size: int = IN_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def in_list(values: Sequence[Any]) -> str:
    """`IN (%s, ...)` for one chunk of values."""
    return f"IN ({', '.join(['%s'] * len(values))})"


def one_of(values: Sequence[Any]) -> tuple[str, list[Any]]:
    """A condition that the value before it is among `values`, of any number, with its
    parameters: one array on PostgreSQL, one JSON array on SQLite (one parameter each,
    where `in_list` needs one a value)."""
    if connection.vendor == "postgresql":
        return "= ANY(%s)", [list(values)]
    return "IN (SELECT value FROM json_each(%s))", [json.dumps(list(values))]


def select_in(sql: str, column_values: Sequence[Any], params: Sequence[Any] = ()) -> Iterator[Any]:
    """Rows of `sql` (a SELECT ending in `WHERE ... <column>`), `IN` each chunk of values.

    `params` fill the placeholders before the `IN` list.
    """
    with connection.cursor() as cursor:
        for chunk in chunks(column_values):
            cursor.execute(f"{sql} {in_list(chunk)}", [*params, *chunk])
            yield from cursor.fetchall()


def delete_where_in(
    model: type[models.Model],
    column: str,
    values: Sequence[Any],
    *,
    extra: str = "",
    params: Sequence[Any] = (),
) -> None:
    """DELETE rows whose `column` is in `values`, and `extra` (with `params`) holds."""
    for chunk in chunks(values):
        write(
            f"DELETE FROM {quoted(model)} WHERE {connection.ops.quote_name(column)} "  # noqa: S608
            f"{in_list(chunk)}{extra}",
            [*chunk, *params],
        )


def row_growth(tables: Sequence[type[models.Model]]) -> dict[str, int]:
    """Rows inserted less rows deleted in each of `tables`, as this connection's pending
    statistics count them so far (PostgreSQL; SQLite: none).

    Those counts (`pg_stat_xact_user_tables`) may still hold earlier transactions'
    until the connection reports them, which it does only between transactions: taken
    at a transaction's start and again before its end, their difference is its own.
    """
    if connection.vendor != "postgresql" or not tables:
        return {}
    return {name: growth for name, _, growth in _counted(tables)}


def stale_statistics(
    tables: Sequence[type[models.Model]], since: dict[str, int], share: float = STALE_SHARE
) -> list[type[models.Model]]:
    """The tables whose PostgreSQL planner statistics this transaction has made stale:
    never analyzed, or grown or shrunk by `share` of the rows the planner thinks they
    hold, since `row_growth` gave `since` (SQLite: none; it keeps no such statistics).

    A weekly import rewrites a tenth of a book's households, members and policies but
    leaves their numbers as they were; the snapshot's entries and the events grow.
    """
    if connection.vendor != "postgresql" or not tables:
        return []
    by_name = {model._meta.db_table: model for model in tables}
    return [
        by_name[name]
        for name, estimate, growth in _counted(tables)
        if estimate < 0 or abs(growth - since.get(name, 0)) >= share * max(estimate, 1)
    ]


def _counted(tables: Sequence[type[models.Model]]) -> list[tuple[str, float, int]]:
    """Each table's name, planner row estimate (-1: never analyzed) and pending growth."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.reltuples, s.n_tup_ins - s.n_tup_del "
            "FROM pg_class c JOIN pg_stat_xact_user_tables s ON s.relid = c.oid "
            "WHERE c.relname = ANY(%s)",
            [[model._meta.db_table for model in tables]],
        )
        return list(cursor.fetchall())


def analyze(tables: Sequence[type[models.Model]]) -> None:
    """Refresh PostgreSQL's planner statistics of `tables` (SQLite: nothing to do).

    autovacuum analyzes a table only a minute or more after a bulk write, and a table it
    has never analyzed is planned as nearly empty: the next import's deletes by household
    then scan whole tables (measured: a 200,000-household week 2 spent 7.3 s in them
    without statistics, 0.5 s with). `ANALYZE` samples each table, whatever its size,
    in well under a second; `stale_statistics` says which tables need it.
    """
    if connection.vendor != "postgresql" or not tables:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(quoted(table) for table in tables)}")
