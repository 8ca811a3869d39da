"""The daily run: due at the configured Pacific time across DST, run by the real worker,
exactly once per recipient per day with workers racing or restarted."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import close_old_connections, connection

from openbob.alerts import runs
from openbob.alerts.models import DailySummary, RunStatus, SummaryRun
from openbob.alerts.tests.conftest import TODAY
from openbob.audit.tests.scratch import VENDORS, scratch
from openbob.exports.tests.conftest import run_worker, worker_test
from openbob.scheduling.registry import tick
from openbob.testing import Personas, build_personas, needs_concurrent_writers

SPRING_FORWARD = date(2026, 3, 8)
FALL_BACK = date(2026, 11, 1)


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (date(2026, 3, 7), 14),  # PST, the day before spring forward
        (SPRING_FORWARD, 13),  # PDT from 02:00 that morning
        (date(2026, 10, 31), 13),
        (FALL_BACK, 14),  # PST again from 02:00 that morning
    ],
)
def test_summaries_are_due_at_six_pacific_whatever_the_offset(day: date, utc_hour: int) -> None:
    assert runs.due_at(day) == datetime(day.year, day.month, day.day, utc_hour, tzinfo=UTC)


@worker_test
@pytest.mark.parametrize(
    "first", [SPRING_FORWARD - timedelta(days=1), FALL_BACK - timedelta(days=1)]
)
def test_the_worker_produces_one_summary_per_recipient_each_day_across_dst(first: date) -> None:
    personas = build_personas()
    enrollers = (personas.alice, personas.sam, personas.bob, personas.carol, personas.mallory)
    recipients = sorted(p.pk for p in enrollers)
    with time_machine.travel(runs.due_at(first), tick=False) as clock:
        for offset in range(3):
            day = first + timedelta(days=offset)
            clock.move_to(runs.due_at(day) - timedelta(seconds=1))
            tick()  # queues the day before, if anything
            run_worker()
            assert not DailySummary.objects.filter(day=day).exists()
            clock.move_to(runs.due_at(day) + timedelta(seconds=1))
            queued = [run.period for run in tick() if run.job == "alerts.daily_summaries"]
            assert queued == [day.isoformat()]
            run_worker()
            tick()  # a second worker's scheduler queues nothing more
            run_worker()
            daily = DailySummary.objects.filter(day=day, kind="daily")
            assert sorted(daily.values_list("recipient_id", flat=True)) == recipients
    days = SummaryRun.objects.filter(status=RunStatus.DONE).values_list("day", flat=True)
    assert sorted(days) == [first + timedelta(days=n) for n in range(-1, 3)]


@pytest.mark.django_db
def test_a_worker_killed_mid_run_is_taken_over_after_its_lease(personas: Personas) -> None:
    with time_machine.travel(runs.due_at(TODAY), tick=False) as clock:
        assert runs.claim(TODAY, "killed-worker")
        assert runs.produce(TODAY) is None  # the lease is live
        clock.shift(runs.lease() + timedelta(seconds=1))
        assert runs.produce(TODAY) is not None
    assert DailySummary.objects.filter(recipient=personas.carol, day=TODAY).count() == 1


@worker_test
def test_two_threads_racing_produce_exactly_one_summary_each() -> None:
    needs_concurrent_writers()
    personas = build_personas()
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def worker() -> None:
        try:
            barrier.wait()
            outcomes.append(runs.produce(TODAY))
        except Exception as error:  # reported by the assertion below
            outcomes.append(error)
        finally:
            close_old_connections()
            connection.close()

    with time_machine.travel(runs.due_at(TODAY), tick=True):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    produced = [o for o in outcomes if o is not None]
    assert len(produced) == 1, outcomes
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    for user in (personas.alice, personas.sam, personas.bob, personas.carol, personas.mallory):
        assert DailySummary.objects.filter(recipient=user, day=TODAY, kind="daily").count() == 1


_RACER = """
import pathlib, time
from datetime import date
from openbob.alerts import runs
pathlib.Path({ready!r}).touch()
while not pathlib.Path({go!r}).exists():
    time.sleep(0.002)
print("produced" if runs.produce(date.fromisoformat({day!r})) else "skipped")
"""
_COUNTS = (
    "SELECT recipient_id, kind, COUNT(*) FROM alerts_dailysummary WHERE day = '{day}' "
    "GROUP BY recipient_id, kind"
)


@pytest.mark.parametrize("vendor", VENDORS)
def test_two_worker_processes_racing_produce_exactly_one_summary_each(
    vendor: str, tmp_path: Path
) -> None:
    with scratch(vendor, tmp_path) as install:
        install.bob("migrate", "--verbosity", "0")
        install.bob("shell", "--command", "from openbob.testing import build_personas as b; b()")
        go, ready = tmp_path / "go", [tmp_path / f"ready-{n}" for n in range(2)]
        racers = [
            install.start_bob(
                "shell",
                "--command",
                _RACER.format(ready=str(path), go=str(go), day=TODAY.isoformat()),
            )
            for path in ready
        ]
        while not all(path.exists() for path in ready) and all(r.poll() is None for r in racers):
            threading.Event().wait(0.01)
        go.touch()
        outcomes = [(racer.wait(timeout=120), *racer.communicate()) for racer in racers]
        assert [code for code, _, _ in outcomes] == [0, 0], outcomes
        assert sorted(out.split()[-1] for _, out, _ in outcomes) == ["produced", "skipped"]
        counts = install.rows(_COUNTS.format(day=TODAY.isoformat()))
        assert len(counts) == 7  # 5 enrollers' daily summaries, 2 managers' summaries
        assert {count for _, _, count in counts} == {1}
