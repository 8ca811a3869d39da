"""`bob keys rotate`: re-encrypt stored PII under the primary key; `bob keys generate`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import Progress, TaskID

from openbob.book.keys import DEFAULT_BATCH, RotationError, TableRotation, rotate_all
from openbob.book.pii import keyring
from openbob.lib.crypto import KeyRing, generate_key


class Command(BaseCommand):
    help = "Field-encryption keys: `rotate` stored ciphertexts, `generate` a new key."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        rotate = subcommands.add_parser(
            "rotate",
            help="Re-encrypt every ciphertext not under the first key of OPENBOB_FIELD_KEYS. "
            "Commits per batch: safe to stop and re-run.",
        )
        rotate.add_argument("--batch-size", type=int, default=DEFAULT_BATCH)
        generate = subcommands.add_parser(
            "generate", help="Print a new key entry to put first in OPENBOB_FIELD_KEYS."
        )
        generate.add_argument("--id", required=True, help="key id: 1-16 of a-z and 0-9")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "generate":
            self._generate(options["id"])
        else:
            self._rotate(options["batch_size"])

    def _generate(self, key_id: str) -> None:
        entry = f"{key_id}:{generate_key()}"
        try:
            KeyRing.from_string(entry)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(entry)

    def _rotate(self, batch_size: int) -> None:
        ring = keyring()
        with Progress() as progress:
            bars: dict[str, TaskID] = {}

            def show(counts: TableRotation) -> None:
                if counts.label not in bars:
                    bars[counts.label] = progress.add_task(counts.label, total=counts.total)
                progress.update(bars[counts.label], completed=counts.scanned)

            try:
                results = rotate_all(ring=ring, batch_size=batch_size, progress=show)
            except RotationError as exc:
                raise CommandError(f"Rotation stopped: {exc}", returncode=1) from None
        for counts in results:
            self.stdout.write(
                f"{counts.label}: {counts.scanned:,} rows read, {counts.rotated:,} re-encrypted "
                f"under key {ring.primary_id!r}, {counts.changed:,} changed meanwhile."
            )
