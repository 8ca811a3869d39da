"""`bob export TYPE --as EMAIL [options] --out FILE` and `bob export prune`.

Runs an export synchronously in this process (same checks, job, audit and file as the
portal, without the email), with a progress bar, and copies the file to --out.
Unmasked exports from the shell need the role's permission and a purpose; shell
access to the server stands in for the portal's re-authentication.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from openbob.accounts.models import User
from openbob.exports import access, catalogue, rowsets, services
from openbob.exports.models import ExportStatus


class Command(BaseCommand):
    help = "Write an export to a file (TYPE is one of the catalogue), or `prune` old files."

    def add_arguments(self, parser: CommandParser) -> None:
        choices = [*catalogue.BY_KEY, "prune"]
        parser.add_argument("type", choices=choices, help="export type, or prune")
        parser.add_argument("--as", dest="actor", help="email of the requesting enroller")
        parser.add_argument("--agent", default="", help="agent search (partial name, email...)")
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("--bom", action="store_true", help="UTF-8 BOM in the CSV")
        parser.add_argument("--out", type=Path, help="where to write the file")
        parser.add_argument("--unmasked", action="store_true")
        parser.add_argument("--purpose", default="", help="why (required with --unmasked)")
        parser.add_argument("--current", action="store_true", help="live values, not the week's")
        parser.add_argument("--exchange", choices=["on", "off", "all"], help="on/off exchange")
        parser.add_argument("--from", dest="date_from", help="first date, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", help="last date, YYYY-MM-DD")
        parser.add_argument("--include-archived", action="store_true")
        parser.add_argument("--include-unsubmitted", action="store_true")
        parser.add_argument(
            "--filter",
            dest="filters",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="a list filter of the Active Consumers page (repeatable), as in its URL",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["type"] == "prune":
            done = services.housekeeping()
            self.stdout.write(
                f"{done.expired} export files deleted, {done.stale} stale jobs failed"
            )
            return
        if not options["actor"] or not options["out"]:
            raise CommandError("--as and --out are required")
        user = User.objects.filter(email=options["actor"].lower()).first()
        if user is None:
            raise CommandError("No such user")
        job = self._request(user, options)
        total = rowsets.count(services.export_request(job))
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
        ) as progress:
            bar = progress.add_task(catalogue.BY_KEY[job.kind].title, total=total)
            job = services.run_job(
                job.pk, progress=lambda n: progress.update(bar, completed=n), notify=False
            )
            progress.update(bar, completed=job.rows or 0)
        if job.status != ExportStatus.SUCCEEDED:
            raise CommandError(job.error)
        shutil.copyfile(job.file_path, options["out"])
        self.stdout.write(f"{job.rows} rows written to {options['out']}")

    def _request(self, user: User, options: dict[str, Any]) -> Any:
        spec = catalogue.BY_KEY[options["type"]]
        choices: dict[str, Any] = {"bom": options["bom"], "filters": _filters(options["filters"])}
        for name in OPTIONS:
            if options[name] not in (None, False):
                choices[name] = options[name]
        if "agent" in spec.options:
            choices["agent_id"] = self._agent_id(user, options["agent"])
        try:
            return services.request_export(
                user=user,
                kind=spec.key,
                fmt=options["format"],
                options=choices,
                masked=not options["unmasked"],
                purpose=options["purpose"],
                enqueue=False,
            )
        except (PermissionDenied, ValidationError, Http404) as error:
            raise CommandError(str(error) or "Not allowed") from None

    def _agent_id(self, user: User, query: str) -> int:
        matches = list(access.find_agents(user, query).values_list("pk", "email")[:2])
        if len(matches) != 1:
            raise CommandError("--agent must match exactly one agent in your scope")
        return int(matches[0][0])


OPTIONS = ("current", "exchange", "date_from", "date_to", "include_archived", "include_unsubmitted")
"""Command-line options passed on as the export's parameters when given (the API's names)."""


def _filters(pairs: list[str]) -> dict[str, str]:
    """`--filter status=effectuated` pairs as the list filters' names and values."""
    filters: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise CommandError(f"--filter takes NAME=VALUE, not {pair!r}")
        filters[name.strip()] = value.strip()
    return filters
