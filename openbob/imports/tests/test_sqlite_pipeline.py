"""SQLite's writing thread (`sqlite_pipeline`): statements in the order they were issued,
and a failed write raised at the next statement, with nothing queued after it run."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection

from openbob.imports import sqlite_pipeline

pytestmark = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's writing thread"),
    pytest.mark.django_db,
]


@pytest.fixture
def scratch() -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE scratch (n INTEGER PRIMARY KEY, thread INTEGER)")
    connection.connection.create_function("thread", 0, threading.get_ident)


def _rows() -> list[tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT n, thread FROM scratch ORDER BY n")
        return list(cursor.fetchall())


@pytest.mark.usefixtures("scratch")
def test_queued_writes_run_on_another_thread_before_the_next_read() -> None:
    with sqlite_pipeline.running():
        pipeline = sqlite_pipeline.current()
        assert pipeline is not None
        pipeline.write(
            "INSERT INTO scratch VALUES (%s, thread())", [[n] for n in range(500)], many=True
        )
        rows = _rows()
    assert [n for n, _ in rows] == list(range(500))
    assert {thread for _, thread in rows} - {threading.get_ident()}
    assert sqlite_pipeline.current() is None


@pytest.mark.usefixtures("scratch")
def test_a_failed_write_is_raised_at_the_next_statement_and_stops_the_queue() -> None:
    with pytest.raises(IntegrityError), sqlite_pipeline.running():
        pipeline = sqlite_pipeline.current()
        assert pipeline is not None
        pipeline.write("INSERT INTO scratch VALUES (%s, 0)", [1])
        pipeline.write("INSERT INTO scratch VALUES (%s, 0)", [1])  # the same key again
        pipeline.write("INSERT INTO scratch VALUES (%s, 0)", [2])
        _rows()
    assert _rows() == [(1, 0)]
