"""A ratio's two sides are timed in turn, so a machine's drift slows both alike."""

from __future__ import annotations

from collections.abc import Callable

from openbob.bench.measure import Timing, alternated


def test_alternated_runs_each_command_in_turn_and_merges_each_ones_runs() -> None:
    calls: list[str] = []

    def once(name: str, seconds: float) -> Callable[[], Timing]:
        def measure() -> Timing:
            calls.append(name)
            return Timing(name, [seconds + len(calls)], [100.0 + len(calls)], [], seconds)

        return measure

    baseline, measured = alternated(3, once("calamine", 1.0), once("import", 2.0))
    assert calls == ["calamine", "import"] * 3
    assert (baseline.label, baseline.seconds, baseline.cpu) == ("calamine", [2.0, 4.0, 6.0], 1.0)
    assert (measured.seconds, measured.peak_mb) == ([4.0, 6.0, 8.0], [102.0, 104.0, 106.0])
