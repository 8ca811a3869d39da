"""`bob audit verify`: prove the audit trail is intact (exit 1 and the first broken row if not)."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from openbob.audit import guard
from openbob.audit.verify import DEFAULT_CHUNK, Head, verify_chain


def _head(text: str) -> Head:
    try:
        return Head.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


class Command(BaseCommand):
    help = "Audit trail tools. `verify` recomputes the HMAC chain and checks the guard."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        verify = subcommands.add_parser(
            "verify", help="Recompute the hash chain; exit 1 naming the first broken row."
        )
        verify.add_argument(
            "--head",
            type=_head,
            default=None,
            help="a head printed by an earlier run (<id>:<hash>), kept outside the "
            "database; detects rows cut off the end of the chain",
        )
        verify.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK)

    def handle(self, *args: Any, **options: Any) -> None:
        # `verify` is the only subcommand so far; argparse has already required it.
        report = verify_chain(witnessed=options["head"], chunk_size=options["chunk_size"])
        if not report.intact:
            raise CommandError(
                f"Audit chain broken at row {report.broken_id}: {report.reason}. "
                f"Rows intact before it: {report.checked:,}.",
                returncode=1,
            )
        if not guard.is_installed(connection):
            raise CommandError(
                "The audit chain is intact but the append-only guard is missing: "
                "run `bob migrate` to reinstall it.",
                returncode=1,
            )
        head = f"; head {report.head}" if report.head else ""
        self.stdout.write(f"Audit chain intact: {report.checked:,} rows{head}.")
