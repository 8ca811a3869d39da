"""The collector runs rarely during bulk work, and as before once it ends."""

from __future__ import annotations

import gc
import threading

import pytest

from openbob.lib.collector import BULK_THRESHOLD, rare_collections


def test_bulk_work_raises_the_young_threshold_and_puts_it_back() -> None:
    before = gc.get_threshold()
    with rare_collections():
        assert gc.get_threshold() == (BULK_THRESHOLD, *before[1:])
        assert gc.isenabled()
    assert gc.get_threshold() == before


def test_the_threshold_is_put_back_when_the_work_fails() -> None:
    before = gc.get_threshold()
    with pytest.raises(ValueError), rare_collections():
        raise ValueError("the import failed")
    assert gc.get_threshold() == before


def test_a_higher_threshold_already_set_is_not_lowered() -> None:
    before = gc.get_threshold()
    gc.set_threshold(BULK_THRESHOLD * 2, *before[1:])
    try:
        with rare_collections():
            assert gc.get_threshold()[0] == BULK_THRESHOLD * 2
    finally:
        gc.set_threshold(*before)


def test_overlapping_jobs_restore_the_threshold_only_when_the_last_one_ends() -> None:
    before = gc.get_threshold()
    first_inside, second_done, release = threading.Event(), threading.Event(), threading.Event()
    seen: list[int] = []

    def first() -> None:
        with rare_collections():
            first_inside.set()
            release.wait(10)

    def second() -> None:
        first_inside.wait(10)
        with rare_collections():
            pass
        seen.append(gc.get_threshold()[0])  # the first job is still running
        second_done.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    second_done.wait(10)
    release.set()
    for thread in threads:
        thread.join(10)
    assert seen == [BULK_THRESHOLD]
    assert gc.get_threshold() == before


def test_a_cycle_made_during_bulk_work_is_still_collected() -> None:
    collected: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "stop":
            collected.append(info["collected"])

    gc.callbacks.append(note)
    try:
        with rare_collections():
            for _ in range(BULK_THRESHOLD * 2):
                cycle: list[object] = []
                cycle.append(cycle)
    finally:
        gc.callbacks.remove(note)
    assert sum(collected) > 0
