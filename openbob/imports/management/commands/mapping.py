"""`bob mapping`: column mappings for files of a layout OpenBoB does not know.

    bob mapping propose FILE                  the proposed mapping, as JSON
    bob mapping save NAME FILE --as EMAIL [--json MAPPING.json]
    bob mapping list --as EMAIL

`propose` prints JSON that `save --json` reads back, so a mapping can be proposed,
corrected in an editor and saved; `bob import --profile NAME` then uses it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openbob.accounts.models import User
from openbob.accounts.roles import Perm
from openbob.imports.management.actors import actor_by_email
from openbob.imports.profiles import MappingError, save_profile
from openbob.imports.queries import profiles_visible_to
from openbob.sources.detect import detect
from openbob.sources.errors import SourceError
from openbob.sources.formats import FormatId
from openbob.sources.mapped import propose_mapping


class Command(BaseCommand):
    help = "Propose, save and list column mappings for files of unknown layout."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        propose = actions.add_parser("propose", help="print a proposed mapping as JSON")
        propose.add_argument("file", type=Path)
        save = actions.add_parser("save", help="save a mapping profile for your agency")
        save.add_argument("name")
        save.add_argument("file", type=Path, help="a file of the layout (for its headers)")
        save.add_argument("--as", dest="actor", required=True, help="Agency Manager's email")
        save.add_argument(
            "--json", dest="mapping", type=Path, help="the mapping (default: proposed)"
        )
        listing = actions.add_parser("list", help="list the saved mapping profiles")
        listing.add_argument("--as", dest="actor", required=True, help="Agency Manager's email")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "propose":
            self._propose(options["file"])
            return
        actor = actor_by_email(options["actor"], perm=Perm.IMPORT)
        if options["action"] == "save":
            self._save(actor, options["name"], options["file"], options["mapping"])
        else:
            self._list(actor)

    def _propose(self, path: Path) -> None:
        headers = self._headers(path)
        self.stdout.write(json.dumps(propose_mapping(headers), indent=2))

    def _headers(self, path: Path) -> tuple[str, ...]:
        try:
            found = detect(path)
        except SourceError as exc:
            raise CommandError(str(exc)) from exc
        if found.format != FormatId.GENERIC:
            self.stderr.write(
                f"{path.name} is a known layout ({found.format}); it needs no mapping."
            )
        return found.headers

    def _save(self, actor: User, name: str, path: Path, mapping_file: Path | None) -> None:
        assert actor.agency is not None
        headers = self._headers(path)
        mapping = _read_mapping(mapping_file) if mapping_file else propose_mapping(headers)
        try:
            profile = save_profile(
                actor=actor, agency=actor.agency, name=name, mapping=mapping, headers=headers
            )
        except MappingError as exc:
            raise CommandError("\n".join(exc.problems)) from exc
        self.stdout.write(
            f"Saved mapping profile {profile.name!r} for {actor.agency.name} "
            f"({len(profile.mapping)} fields)."
        )

    def _list(self, actor: User) -> None:
        for profile in profiles_visible_to(actor).select_related("agency").order_by("name"):
            self.stdout.write(
                f"{profile.name}\t{profile.agency.name}\t{len(profile.mapping)} fields\t"
                f"{profile.header_signature[:12] or '-'}\t{profile.updated_at:%Y-%m-%d %H:%M}"
            )


def _read_mapping(path: Path) -> dict[str, str]:
    """A `{target field: header}` JSON object, as `bob mapping propose` prints."""
    try:
        mapping = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CommandError(f"{path}: not a readable JSON file ({exc})") from exc
    if not isinstance(mapping, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in mapping.items()
    ):
        raise CommandError(f"{path}: expected a JSON object of field name to column header")
    return mapping
