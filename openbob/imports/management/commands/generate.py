"""`bob generate`: synthetic weekly exports in their real layouts, with ground truth."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from openbob.sources.generate import generate


class Command(BaseCommand):
    help = "Write W weeks of CalHEERS and HealthSherpa files for a synthetic agency tree."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agencies", type=int, default=3)
        parser.add_argument("--agents", type=int, default=12)
        parser.add_argument("--consumers", type=int, default=500)
        parser.add_argument("--weeks", type=int, default=2)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--out", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        summary = generate(
            options["out"],
            agencies=options["agencies"],
            agents=options["agents"],
            consumers=options["consumers"],
            weeks=options["weeks"],
            seed=options["seed"],
        )
        for week in summary.weeks:
            self.stdout.write(
                f"{week.folder}: {week.calheers_households} CalHEERS and "
                f"{week.healthsherpa_households} HealthSherpa households, "
                f"{week.events} changes since the week before"
            )
