"""`bob worker`: run background tasks (exports, large imports) and the periodic jobs."""

from __future__ import annotations

import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from openbob.scheduling import ticker


class Command(BaseCommand):
    help = "Run the task worker (Django Tasks, database backend) and the scheduler; no broker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="exit when the queue is empty")
        parser.add_argument(
            "--no-scheduler", action="store_true", help="do not queue periodic jobs"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        extra = ["--batch"] if options["batch"] else []
        stop = threading.Event()
        if not (options["batch"] or options["no_scheduler"]):
            ticker.start(stop)
        try:
            # No autoreload child: a signal to `bob worker` must reach the loop itself.
            call_command("db_worker", "--interval", "1", "--no-reload", *extra)
        finally:
            stop.set()
