"""`bob alerts run|send|broadcast`: daily summaries and portal-wide messages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from openbob.alerts import delivery, runs
from openbob.alerts.models import Broadcast, BroadcastCategory
from openbob.lib.weeks import pacific_day


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from exc


class Command(BaseCommand):
    help = "Produce and email daily summaries now, or post a portal-wide broadcast."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="produce a day's summaries now (once) and email them")
        run.add_argument("--day", type=_day, help="Pacific date (default: today)")
        run.add_argument("--no-email", action="store_true", help="store in the mailbox only")
        send = sub.add_parser("send", help="email summaries not sent yet")
        send.add_argument("--day", type=_day)
        post = sub.add_parser("broadcast", help="post a portal-wide message")
        post.add_argument("--category", choices=BroadcastCategory.values, required=True)
        post.add_argument("--title", required=True)
        post.add_argument("--body", default="")
        post.add_argument("--hours", type=int, default=72, help="how long it shows (0: always)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "run":
            self._run(options["day"] or pacific_day(timezone.now()), email=not options["no_email"])
        elif action == "send":
            self.stdout.write(f"{delivery.send_pending(options['day'])} emails sent")
        else:
            self._broadcast(options)

    def _run(self, day: date, *, email: bool) -> None:
        totals = runs.produce(day)
        if totals is None:
            self.stdout.write(f"{day}: already produced (or another worker is producing it)")
        else:
            self.stdout.write(f"{day}: {totals.summaries} summaries, {totals.items} alerts")
        if email:
            self.stdout.write(f"{delivery.send_pending(day)} emails sent")

    def _broadcast(self, options: dict[str, Any]) -> None:
        if not options["title"].strip():
            raise CommandError("A broadcast needs a title")
        now = timezone.now()
        hours = options["hours"]
        found = Broadcast.objects.create(
            category=options["category"],
            title=options["title"].strip()[:200],
            body=options["body"][:4000],
            starts_at=now,
            ends_at=now + timedelta(hours=hours) if hours > 0 else None,
        )
        self.stdout.write(f"broadcast {found.pk} posted")
