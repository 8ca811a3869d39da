"""`bob changes --since DATE`: what changed in an enroller's book since a date."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from openbob.imports.management.actors import actor_by_email
from openbob.imports.queries import events_visible_to


class Command(BaseCommand):
    help = "List change events visible to an enroller since a date (ISO)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", type=date.fromisoformat, required=True)
        parser.add_argument("--as", dest="actor", required=True, help="enroller email")
        parser.add_argument("--type", dest="types", action="append", default=[])

    def handle(self, *args: Any, **options: Any) -> None:
        actor = actor_by_email(options["actor"])
        events = events_visible_to(actor).filter(week__gte=options["since"])
        if options["types"]:
            events = events.filter(type__in=options["types"])
        for event in events.select_related("household").order_by("week", "type", "key"):
            name = event.household.primary_name if event.household else ""
            self.stdout.write(
                f"{event.week}\t{event.type}\t{event.source}\t{event.key}\t"
                f"{name}\t{event.old or ''}\t{event.new or ''}"
            )
