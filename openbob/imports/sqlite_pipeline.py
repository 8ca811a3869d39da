"""SQLite's counterpart of psycopg's pipeline mode: an import's writes on a thread.

An import alternates between Python work on a batch of rows (sorting, typing,
encrypting) and SQL that writes the batch (a 200,000-household week: about 3.5 s of
inserts, updates and deletes). SQLite does a statement's work with the interpreter
lock released, so the writes can run on a thread of their own while the next batch is
read: `Pipeline.write` queues a statement, and any other statement on the connection
(a read, a savepoint, an ORM write) first waits until the queue is done, so every
statement still runs in the order it was issued, one at a time, in the one
transaction. A write that fails stops the ones queued after it; its error is raised
at the next statement that waits, as Django's own error, and the import rolls back as
it always has. Where Django logs queries (debugging, tests that count them), the
thread logs its writes the same way.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import DatabaseError, connection
from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX  # Django's %s -> ?

Statement = tuple[str, Sequence[Any], bool]
"""SQL with `?` placeholders, its parameters (a list of rows when `many`), `many`."""


class Pipeline:
    """The writing thread of one connection, while `running`."""

    def __init__(self) -> None:
        self._raw = connection.connection
        self._log = connection.queries_log if connection.queries_logged else None
        self._queue: queue.Queue[Statement | None] = queue.Queue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="sqlite-writes", daemon=True)

    def write(self, sql: str, params: Sequence[Any], *, many: bool = False) -> None:
        """Queue one write (after any error, it will not run)."""
        self._queue.put((FORMAT_QMARK_REGEX.sub("?", sql).replace("%%", "%"), params, many))

    def wait(self) -> None:
        """Return once every queued write has run; raise the first one's error."""
        self._queue.join()
        if self._error is not None:
            error, self._error = self._error, _Stopped()
            with connection.wrap_database_errors:
                raise error

    def _run(self) -> None:
        while (statement := self._queue.get()) is not None:
            try:
                if self._error is None:
                    self._execute(*statement)
            except BaseException as exc:  # raised on the main thread by `wait`
                self._error = exc
            finally:
                self._queue.task_done()
        self._queue.task_done()

    def _execute(self, sql: str, params: Sequence[Any], many: bool) -> None:
        start = time.monotonic()
        if many:
            self._raw.executemany(sql, params)
        else:
            self._raw.execute(sql, params)
        if self._log is not None:  # as Django's debug cursor logs
            shown = f"{len(params)} times: {sql}" if many else sql
            self._log.append({"sql": shown, "time": f"{time.monotonic() - start:.3f}"})

    def _waiting_first(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        """Django's statements run once the queued writes have."""
        self.wait()
        return execute(sql, params, many, context)

    @contextmanager
    def _started(self) -> Iterator[Pipeline]:
        self._thread.start()
        try:
            with connection.execute_wrapper(self._waiting_first):
                yield self
                self.wait()
        except BaseException:
            self._error = self._error or _Stopped()  # the rest of the queue is dropped
            raise
        finally:
            self._queue.put(None)
            self._thread.join()


class _Stopped(DatabaseError):
    """The pipeline was left with an error: writes still queued are not run (a database
    error, so that a statement issued after the first one's is refused like it)."""


_local = threading.local()
"""This thread's pipeline (Django's connections are per thread too)."""


@contextmanager
def running() -> Iterator[None]:
    """Writes given to `current().write` run on a thread of their own inside."""
    connection.ensure_connection()
    with Pipeline()._started() as pipeline:
        _local.pipeline = pipeline
        try:
            yield
        finally:
            _local.pipeline = None


def current() -> Pipeline | None:
    """The pipeline this thread's writes go through now, if any."""
    return getattr(_local, "pipeline", None)
