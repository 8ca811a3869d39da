"""The benchmark's input files, generated once per size and reused.

* Two consecutive weeks of a CalHEERS agency Book of Business (.xlsx, about 60
  columns, one row per case), from the generator, so the second week's import meets
  real churn: new and lost cases, agent changes, premium and status changes.
* A HealthSherpa agency Enrollments export of N rows (CSV), made by repeating a
  generated week's rows with fresh application ids, SSNs and names, because building
  a world of millions of consumers would take longer than the benchmark itself.
"""

from __future__ import annotations

import csv
import itertools
from dataclasses import dataclass
from pathlib import Path

from openbob.sources.formats import FormatId
from openbob.sources.generate import generate

CALHEERS_SHARE = 0.70
"""About seven in ten generated consumers have a CalHEERS case."""


@dataclass(frozen=True)
class Book:
    """Two weeks of one agency's CalHEERS book."""

    week1: Path
    week2: Path
    households: int


def calheers_weeks(folder: Path, households: int, seed: int = 2025) -> Book:
    """Week 1 and week 2 of a CalHEERS book of about `households` cases (cached on disk)."""
    found = sorted(folder.glob("week-*/BookOfBusiness_*.xlsx"))
    if len(found) != 2:
        consumers = round(households / CALHEERS_SHARE)
        summary = generate(folder, agencies=12, agents=120, consumers=consumers, weeks=2, seed=seed)
        found = [week.files[FormatId.CALHEERS_BOOK] for week in summary.weeks]
    return Book(found[0], found[1], households)


def enrollments_csv(folder: Path, rows: int, seed: int = 2025) -> Path:
    """A HealthSherpa Enrollments export of `rows` distinct applications (cached on disk)."""
    target = folder / f"enrollments_{rows}.csv"
    if target.exists():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    template = generate(
        folder / "template", agencies=6, agents=40, consumers=20_000, weeks=1, seed=seed
    )
    source = template.weeks[0].files[FormatId.HEALTHSHERPA_ENROLLMENTS]
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        headers, templates = list(reader.fieldnames or []), list(reader)
    partial = target.with_suffix(".partial")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, headers)
        writer.writeheader()
        for number, row in zip(range(rows), itertools.cycle(templates), strict=False):
            writer.writerow(_distinct(row, number))
    partial.rename(target)
    return target


def _distinct(row: dict[str, str], number: int) -> dict[str, str]:
    """The template row as application `number`: new ids, SSN and name, same shape."""
    suffix = f"{number:07d}"
    return row | {
        "ffm_app_id": f"8{suffix}",
        "healthsherpa_id": f"9{suffix}",
        "ffm_subscriber_id": f"7{suffix}",
        "ssn": f"9{suffix[:2]}-{suffix[2:4]}-{suffix[3:]}" if row.get("ssn") else "",
        "last_name": f"{row['last_name']}{number}",
    }
