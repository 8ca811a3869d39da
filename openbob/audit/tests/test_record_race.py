"""Writers appending at the same moment still leave one unbroken chain (D4).

`record()` serialises appends: an advisory lock on PostgreSQL, an IMMEDIATE transaction
on SQLite. Threads in this process (each with its own connection, so the test must be
transactional) and separate `bob` processes both try to interleave their appends.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.db import connection, transaction

from openbob.audit.models import AuditEvent
from openbob.audit.services import record
from openbob.audit.tests.scratch import VENDORS, scratch
from openbob.audit.verify import verify_chain
from openbob.testing import needs_concurrent_writers

WRITERS = 4
EVENTS_EACH = 25
_APPEND = """
import pathlib, time
from openbob.audit.services import record
pathlib.Path({ready!r}).touch()
while not pathlib.Path({go!r}).exists():
    time.sleep(0.005)
for n in range({count}):
    record(actor=None, action="test.race", detail={{"writer": {writer}, "n": n}})
"""


def _append(writer: int, start: threading.Barrier, errors: list[BaseException]) -> None:
    try:
        start.wait()
        for n in range(EVENTS_EACH):
            # A caller's transaction around record() holds the chain lock until commit.
            with transaction.atomic():
                record(actor=None, action="test.race", detail={"writer": writer, "n": n})
    except BaseException as exc:  # handed to the main thread, which fails the test
        errors.append(exc)
    finally:
        connection.close()


def test_concurrent_threads_keep_the_chain_intact(transactional_db: None) -> None:
    needs_concurrent_writers()
    start, errors = threading.Barrier(WRITERS), list[BaseException]()
    threads = [
        threading.Thread(target=_append, args=(writer, start, errors)) for writer in range(WRITERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = verify_chain()
    assert report.intact, report
    assert report.checked == AuditEvent.objects.count() == WRITERS * EVENTS_EACH


@pytest.mark.parametrize("vendor", VENDORS)
def test_concurrent_processes_keep_the_chain_intact(vendor: str, tmp_path: Path) -> None:
    with scratch(vendor, tmp_path) as install:
        install.bob("migrate", "--verbosity", "0")
        go, ready = tmp_path / "go", [tmp_path / f"ready-{w}" for w in range(WRITERS)]
        runs = [
            install.start_bob(
                "shell",
                "--command",
                _APPEND.format(ready=str(ready[w]), go=str(go), count=EVENTS_EACH, writer=w),
            )
            for w in range(WRITERS)
        ]
        while not all(path.exists() for path in ready) and all(r.poll() is None for r in runs):
            threading.Event().wait(0.01)
        go.touch()
        outcomes = [(run.wait(timeout=120), *run.communicate()) for run in runs]
        assert [code for code, _, _ in outcomes] == [0] * WRITERS, outcomes
        verified = install.bob("audit", "verify").stdout
        assert verified.startswith(f"Audit chain intact: {WRITERS * EVENTS_EACH} rows; head ")
