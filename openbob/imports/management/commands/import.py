"""`bob import PATH...`: import exchange and platform exports, with a progress bar.

Files are imported in the order that keeps change events right: agent rosters first,
then books (CalHEERS, HealthSherpa), then flag files (AOR at-risk, EDE, DMI, SVI).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from openbob.accounts.models import User
from openbob.imports.management.actors import actor_by_email
from openbob.imports.models import MappingProfile
from openbob.imports.ordering import import_order, path_as_of
from openbob.imports.pipeline import import_file
from openbob.imports.profiles import profile_named
from openbob.imports.reports import write_errors_csv


class Command(BaseCommand):
    help = "Import CalHEERS / HealthSherpa / mapped files into an agency's book."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument(
            "--as", dest="actor", required=True, help="email of the Agency Manager doing the import"
        )
        parser.add_argument(
            "--as-of",
            type=datetime.fromisoformat,
            default=None,
            help="as-of time for files that do not state one (ISO 8601)",
        )
        parser.add_argument(
            "--allow-partial",
            action="store_true",
            help="import the valid rows and write the rejected ones to a file",
        )
        parser.add_argument("--profile", default=None, help="saved column mapping profile name")
        parser.add_argument(
            "--agent",
            default=None,
            help="email of the agent whose own export this is (HealthSherpa Clients); "
            "default: the agent its first row names",
        )
        parser.add_argument(
            "--errors", type=Path, default=None, help="write every row error to this CSV file"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = actor_by_email(options["actor"])
        assert actor.agency is not None
        profile = None
        if options["profile"]:
            profile = profile_named(actor, options["profile"], actor.agency)
            if profile is None:
                raise CommandError(f"No mapping profile named {options['profile']!r}")
        scope_agent = actor_by_email(options["agent"]) if options["agent"] else None
        console = Console()
        failed = False
        for path in import_order(options["paths"]):
            result = self._one(path, actor, profile, scope_agent, options)
            style = "green" if result.ok else "red"
            console.print(f"[{style}]{result.message}[/{style}]")
            for error in result.errors[:20]:
                console.print(f"  {error}")
            if len(result.errors) > 20:
                console.print(f"  … and {len(result.errors) - 20} more")
            if result.errors and options["errors"]:
                write_errors_csv(options["errors"], result.errors)
                console.print(f"  every error written to {options['errors']}")
            failed = failed or not result.ok
        if failed:
            raise CommandError("Some files were not imported.")

    def _one(
        self,
        path: Path,
        actor: User,
        profile: MappingProfile | None,
        scope_agent: User | None,
        options: dict[str, Any],
    ) -> Any:
        assert actor.agency is not None  # actor_by_email checked it
        with Progress(
            TextColumn(f"{path.name}"),
            BarColumn(),
            TextColumn("{task.completed} rows"),
            TimeElapsedColumn(),
            transient=True,
        ) as progress:
            task = progress.add_task("import", total=None)
            try:
                return import_file(
                    actor=actor,
                    agency=actor.agency,
                    path=path,
                    as_of=options["as_of"] or path_as_of(path),
                    allow_partial=options["allow_partial"],
                    profile=profile,
                    scope_agent=scope_agent,
                    progress=lambda rows: progress.update(task, completed=rows),
                )
            except PermissionDenied as exc:
                raise CommandError(str(exc)) from exc
