"""`bob schedule`: the periodic jobs, their current period, and a manual tick."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from openbob.scheduling.models import ScheduledRun
from openbob.scheduling.registry import jobs, tick


class Command(BaseCommand):
    help = "List periodic jobs and whether their current period is queued; --tick queues them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tick", action="store_true", help="queue every due job now")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console()
        if options["tick"]:
            for run in tick():
                console.print(f"queued {run.job} for {run.period}")
        now = timezone.now()
        table = Table("job", "current period", "queued")
        for job in jobs():
            period = job.cadence(now)
            queued = ScheduledRun.objects.filter(job=job.name, period=period).exists()
            table.add_row(job.name, period, "yes" if queued else "no")
        console.print(table)
