"""Key rotation: re-encrypt every stored ciphertext under the primary field key.

`bob keys rotate` walks each encrypted table in primary-key batches and commits per
batch, so a killed run loses at most one batch of work and a re-run simply carries on:
rows already under the primary key are skipped, and a second run rewrites 0 rows.

Each row is rewritten only if its ciphertexts are still the ones read (compare and
set), so an edit saved by the portal meanwhile is never overwritten with stale data;
such a row is counted as `changed` and the next run picks it up if it still needs it.
`KeyRing.rotate` never hands plaintext out, so this module holds no PII at any time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import models, transaction

from openbob.accounts.models import TotpDevice
from openbob.book.models import Household, Member
from openbob.lib.crypto import DecryptionError, KeyRing

DEFAULT_BATCH = 500


@dataclass(frozen=True)
class EncryptedTable:
    """A model and the text columns of it that hold field-encryption tokens."""

    model: type[models.Model]
    columns: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.model._meta.label


ENCRYPTED_TABLES = (
    EncryptedTable(Member, ("ssn_encrypted", "dob_encrypted")),
    EncryptedTable(Household, ("income_encrypted",)),
    EncryptedTable(TotpDevice, ("secret_encrypted",)),
)


class RotationError(Exception):
    """A stored token no key in the ring opens; names the row and column, never a value."""


@dataclass
class TableRotation:
    """What one run did to one table: rows read, re-encrypted, and changed under it."""

    label: str
    total: int
    scanned: int = 0
    rotated: int = 0
    changed: int = 0


Progress = Callable[[TableRotation], None]


def rotate_table(
    table: EncryptedTable, *, ring: KeyRing, batch_size: int, progress: Progress
) -> TableRotation:
    """Re-encrypt `table`'s stale ciphertexts batch by batch; reports after each batch."""
    manager = table.model._default_manager
    counts = TableRotation(table.label, total=manager.count())
    last_pk = None
    while True:
        rows = _next_batch(table, last_pk, batch_size)
        if not rows:
            return counts
        with transaction.atomic():
            for pk, *tokens in rows:
                _rotate_row(table, ring, pk, tokens, counts)
        counts.scanned += len(rows)
        last_pk = rows[-1][0]
        progress(counts)


def _next_batch(table: EncryptedTable, after: object, size: int) -> list[tuple[object, ...]]:
    rows = table.model._default_manager.order_by("pk")
    if after is not None:
        rows = rows.filter(pk__gt=after)
    return list(rows.values_list("pk", *table.columns)[:size])


def _rotate_row(
    table: EncryptedTable,
    ring: KeyRing,
    pk: object,
    tokens: Sequence[object],
    counts: TableRotation,
) -> None:
    """Re-encrypt one row's stale tokens, unless the row changed since it was read."""
    current = dict(zip(table.columns, tokens, strict=True))
    fresh = {}
    for column, token in current.items():
        try:
            if isinstance(token, str) and token and ring.needs_rotation(token):
                fresh[column] = ring.rotate(token)
        except DecryptionError as exc:
            raise RotationError(f"{table.label} {pk} {column}: {exc}") from None
    if not fresh:
        return
    if table.model._default_manager.filter(pk=pk, **current).update(**fresh):
        counts.rotated += 1
    else:
        counts.changed += 1


def rotate_all(*, ring: KeyRing, batch_size: int, progress: Progress) -> list[TableRotation]:
    """Rotate every encrypted table (see module docstring); returns per-table counts."""
    return [
        rotate_table(table, ring=ring, batch_size=batch_size, progress=progress)
        for table in ENCRYPTED_TABLES
    ]
