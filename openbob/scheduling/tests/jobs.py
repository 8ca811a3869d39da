"""A real task for the scheduler tests to queue (tasks must be importable by path)."""

from __future__ import annotations

from django_tasks import task


@task()
def note_period(period: str) -> str:
    return period
