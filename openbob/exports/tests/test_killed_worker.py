"""A worker SIGKILLed mid-export, from outside: a real `bob worker` process, killed while
it writes, leaves the job re-claimable by the sweep and never a file to download."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from openbob.audit.tests.scratch import Scratch, scratch

HOUSEHOLDS = 1_000  # about 3,000 members per export
JOBS = 8  # queued one after another, so the kill lands mid-write in one of them
_REQUEST = f"""
from openbob.accounts.models import User
from openbob.exports.services import request_export
manager = User.objects.filter(role="manager", is_active=True).order_by("pk").first()
for _ in range({JOBS}):
    request_export(user=manager, kind="book_all", fmt="xlsx", options={{"current": True}})
"""


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[Scratch]:
    with scratch("sqlite", tmp_path) as install:
        install.bob("migrate", "--verbosity", "0")
        install.bob("seed", "--consumers", str(HOUSEHOLDS))
        install.bob("shell", "--command", _REQUEST)
        yield install


def _jobs(install: Scratch) -> list[tuple[str, str, str]]:
    return install.rows("SELECT status, file_path, error FROM exports_exportjob ORDER BY id")


def _writing(install: Scratch, exports: Path) -> bool:
    statuses = [status for status, _, _ in _jobs(install)]
    return "processing" in statuses and bool(list(exports.glob(".*.tmp")))


def test_a_worker_killed_mid_export_leaves_no_file_and_the_sweep_fails_the_job(
    seeded: Scratch,
) -> None:
    """GIVEN queued Book of Business exports,
    WHEN `bob worker` is SIGKILLed while one file is being written,
    THEN that job has no file (only an unnamed temporary file is left), every finished
    job has its whole file, and the stale sweep fails the killed job (retry offered)."""
    exports = seeded.data_dir / "exports"
    # The worker loop `bob worker` runs, without Django's autoreloader (DEBUG turns it
    # on, and it would run the loop in a child process that the kill would miss).
    worker = seeded.start_bob("db_worker", "--no-reload", "--no-startup-delay")
    while worker.poll() is None and not _writing(seeded, exports):
        time.sleep(0.002)
    worker.send_signal(signal.SIGKILL)
    worker.communicate()
    assert worker.returncode == -signal.SIGKILL, "the exports finished before the kill"

    jobs = _jobs(seeded)
    killed = [job for job in jobs if job[0] == "processing"]
    assert len(killed) == 1 and killed[0][1] == "", jobs
    served = {Path(file_path).name for status, file_path, _ in jobs if status == "succeeded"}
    assert {p.name for p in exports.iterdir() if not p.name.endswith(".tmp")} == served

    seeded.bob("export", "prune", OPENBOB_EXPORT_LEASE_SECONDS="0")
    statuses = [status for status, _, _ in _jobs(seeded)]
    assert statuses.count("failed") == 1 and "processing" not in statuses
    (error,) = [error for status, _, error in _jobs(seeded) if status == "failed"]
    assert "worker stopped" in error
