"""`bob seed --consumers N --seed S`: a synthetic agency tree and book in the database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.progress import Progress

from openbob.book.seeding import seed


class Command(BaseCommand):
    help = "Create a synthetic agency tree, enrollers and N households (fixed seed, fake PII)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--consumers", type=int, default=500)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--password", default=None, help="password for every enroller")

    def handle(self, *args: Any, **options: Any) -> None:
        total: int = options["consumers"]
        with Progress(transient=True) as progress:
            bar = progress.add_task("Seeding households", total=total)
            summary = seed(
                consumers=total,
                seed=options["seed"],
                password=options["password"],
                progress=lambda done: progress.update(bar, completed=done),
            )
        self.stdout.write(
            f"Seeded {len(summary.agencies)} agencies, {len(summary.enrollers)} enrollers "
            f"and {summary.households} households."
        )
