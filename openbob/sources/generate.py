"""Synthetic weekly exports for an agency tree, with the changes between weeks as ground truth.

`generate` writes, for each of `weeks` consecutive Fridays, a folder
``week-YYYY-MM-DD/`` holding the files an agency would download that week (as of
Friday 21:00 Pacific, when CalHEERS takes its snapshot), in their real layouts:

* the CalHEERS agency-wide Book of Business (.xlsx, one row per case, for its primary
  contact; phones, ZIPs, case numbers and SSNs stored as numbers, `null` for empties);
* HealthSherpa agency Enrollments, one agent's Clients export, AOR at-risk clients
  (agency version), EDE permission lost clients, DMI follow-ups, SVI follow-ups and
  the agent roster (CSV);
* ``ground_truth.json``: the changes since the previous week, whose exact rules are
  in `openbob.sources.ground_truth` (week 1 is the baseline and has none).

Same arguments, same output: CSVs and ground truth byte for byte, the workbook cell
for cell. People are synthetic; SSNs come only from the never-issued 900-999 area.
About half the households are in CalHEERS only (Covered California, Mixed Household or
Medi-Cal), three in ten in HealthSherpa only, and two in ten in both, as the same
people (name, date of birth and SSN). One week of 286,000 households (200,000 of them
in CalHEERS) takes about 25 seconds, mostly writing the 70 MB workbook.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from openbob.sources import ground_truth
from openbob.sources.calheers import PACIFIC
from openbob.sources.formats import FormatId
from openbob.sources.ground_truth import Snapshot
from openbob.sources.synthetic_churn import advance
from openbob.sources.synthetic_files import write_week
from openbob.sources.synthetic_world import build_world

DEFAULT_START = date(2025, 1, 3)
SNAPSHOT_TIME = time(21, 0)
_FRIDAY = 4


@dataclass(frozen=True, slots=True)
class WeekOutput:
    week: date
    folder: Path
    files: Mapping[FormatId, Path]
    ground_truth: Path
    calheers_households: int
    healthsherpa_households: int
    events: int


@dataclass(frozen=True, slots=True)
class GenerationSummary:
    out_dir: Path
    agencies: int
    agents: int
    weeks: tuple[WeekOutput, ...]

    @property
    def events(self) -> int:
        return sum(week.events for week in self.weeks)


def first_friday(start: date) -> date:
    """The first Friday on or after `start`."""
    return start + timedelta(days=(_FRIDAY - start.weekday()) % 7)


def snapshot_time(friday: date) -> datetime:
    """The as-of moment of a week's files: Friday 21:00 Pacific."""
    return datetime.combine(friday, SNAPSHOT_TIME, tzinfo=PACIFIC)


def generate(
    out_dir: Path,
    *,
    agencies: int,
    agents: int,
    consumers: int,
    weeks: int,
    seed: int,
    start: date | None = None,
) -> GenerationSummary:
    """Write `weeks` weekly folders for `consumers` households at the first week."""
    if weeks < 1:
        raise ValueError("generate at least one week")
    first = first_friday(start or DEFAULT_START)
    world = build_world(
        agencies=agencies, agents=agents, consumers=consumers, seed=seed, today=first
    )
    outputs: list[WeekOutput] = []
    previous: Snapshot | None = None
    for index in range(weeks):
        friday = first + timedelta(weeks=index)
        if index:
            advance(world, friday)
        folder = Path(out_dir) / f"week-{friday.isoformat()}"
        files = write_week(world, folder, snapshot_time(friday))
        current = world.snapshot(friday)
        events = ground_truth.diff(previous, current, friday) if previous is not None else []
        truth = folder / "ground_truth.json"
        previous_week = outputs[-1].week if outputs else None
        ground_truth.write(truth, friday, previous_week, events)
        outputs.append(
            WeekOutput(
                week=friday,
                folder=folder,
                files=files,
                ground_truth=truth,
                calheers_households=len(current.calheers),
                healthsherpa_households=len(current.healthsherpa),
                events=len(events),
            )
        )
        previous = current
    return GenerationSummary(Path(out_dir), len(world.agencies), len(world.agents), tuple(outputs))
