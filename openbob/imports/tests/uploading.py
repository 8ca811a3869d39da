"""Helpers of the upload, API, task and CLI tests: real files in real layouts, and uploads.

Files come from `openbob.sources.generate` (the real layouts), or are small carrier files
written here for the unknown-layout path.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.test import Client
from django.urls import reverse

from openbob.agencies.models import Agency
from openbob.imports.models import ImportJob
from openbob.sources.formats import FormatId
from openbob.sources.generate import GenerationSummary, generate

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

CARRIER_HEADERS = ("Member Name", "Subscriber DOB", "Exchange ID", "Premium", "Plan", "Status")
CARRIER_MAPPING = {
    "full_name": "Member Name",
    "dob": "Subscriber DOB",
    "ffm_app_id": "Exchange ID",
    "gross_premium": "Premium",
    "plan_name": "Plan",
    "status_raw": "Status",
}


def generated(folder: Path, weeks: int = 2) -> GenerationSummary:
    """A small agency tree's weekly exports (the same bytes for the same arguments)."""
    return generate(folder, agencies=2, agents=5, consumers=60, weeks=weeks, seed=7)


def week_file(summary: GenerationSummary, layout: FormatId, week: int = 0) -> Path:
    return summary.weeks[week].files[layout]


def carrier_csv(folder: Path, *, columns: Sequence[str] = CARRIER_HEADERS) -> Path:
    """A carrier's book in a layout OpenBoB does not know, with a title row on top."""
    rows = [
        {
            "Member Name": "Rosa Diaz",
            "Subscriber DOB": "03/04/1981",
            "Exchange ID": "9100001",
            "Premium": "512.40",
            "Plan": "Gold PPO",
            "Status": "Active",
        },
        {
            "Member Name": "Tom Reyes",
            "Subscriber DOB": "11/30/1975",
            "Exchange ID": "9100002",
            "Premium": "388.00",
            "Plan": "Silver HMO",
            "Status": "Unpaid binder",
        },
    ]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"carrier_book_{'_'.join(c[0] for c in columns)}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        handle.write("Acme Health Plan - Broker Book Export\n")
        writer = csv.DictWriter(handle, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)
    return path


def with_bad_dates(source: Path, target: Path, *, column: str, rows: int) -> Path:
    """`source` (a CSV export) with `column` made unreadable in its first `rows` rows."""
    with source.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fieldnames = list(reader.fieldnames or [])
        records = list(reader)
    for record in records[:rows]:
        record[column] = "not a date"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(records)
    return target


def upload(client: Client, agency: Agency, *paths: Path, **fields: Any) -> TestResponse:
    """POST files to the upload page for `agency`, as the browser form does."""
    handles = [path.open("rb") for path in paths]
    try:
        data = {"uploads": handles, "agency": agency.pk, **fields}
        return client.post(reverse("imports:upload"), data)
    finally:
        for handle in handles:
            handle.close()


def uploads_left() -> list[Path]:
    """Private upload files (and folders) still on disk."""
    folder = settings.DATA_DIR / "uploads"
    return sorted(folder.rglob("*")) if folder.exists() else []


def last_job() -> ImportJob:
    job = ImportJob.objects.order_by("-pk").first()
    assert job is not None
    return job
